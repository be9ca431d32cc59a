/* SPDX-License-Identifier: MIT */
/* The one file of the export_use program that defines the weights. */
#define MDL_MODEL_SHARED
#define MDL_MODEL_DEFINE
#include "model.h"
