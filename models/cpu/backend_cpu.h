/* fovea — the optimised CPU backend ("cpu"). */
#pragma once

#include "models/backend.h"

G_BEGIN_DECLS

const FvBackend *fv_backend_cpu (void);

G_END_DECLS
