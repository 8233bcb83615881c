/* placeholder: model fetch lands here */
