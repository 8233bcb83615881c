/* placeholder: the catalog lands here */
