/* SPDX-License-Identifier: MIT */
#include "tinymlp.h"

/* See tinymlp.h. */
const char *tmlp_status_str(tmlp_status_t status)
{
#ifdef TMLP_NO_STRINGS
    (void)status;
    return "";
#else
    switch (status) {
    case TMLP_OK:
        return "ok";
    case TMLP_ERR_ARG:
        return "bad argument";
    case TMLP_ERR_SHAPE:
        return "bad shape";
    case TMLP_ERR_NOMEM:
        return "arena too small";
    case TMLP_ERR_STATE:
        return "call not valid in this state";
    case TMLP_ERR_NUMERIC:
        return "non-finite value";
    case TMLP_ERR_FORMAT:
        return "malformed data";
    case TMLP_ERR_LABEL:
        return "label out of range";
    case TMLP_ERR_IO:
        return "storage failed";
    case TMLP_ERR_NOT_FOUND:
        return "no valid checkpoint";
    case TMLP_ERR_UNINIT:
        return "net not initialised";
    case TMLP_ERR_NO_SCALE:
        return "input scaling not given";
    case TMLP_ERR_NOT_TRAINING:
        return "not a training net";
    case TMLP_ERR_NO_GRAD:
        return "net has no gradient buffer";
    case TMLP_ERR_LOSS:
        return "loss does not suit the output layer";
    case TMLP_ERR_OPTIM_MISMATCH:
        return "optimizer of another kind or size";
    case TMLP_ERR_FROZEN:
        return "frozen layers do not match";
    case TMLP_ERR_READ_ONLY:
        return "parameters are read-only";
    case TMLP_ERR_SLOT_SIZE:
        return "checkpoint slot too small";
    case TMLP_ERR_GEOMETRY:
        return "bad flash geometry";
    case TMLP_ERR_UNSUPPORTED:
        return "feature left out of this build";
    default:
        return "unknown status";
    }
#endif
}

/* See tmlp_training.h. */
const char *tmlp_stop_str(tmlp_stop_t stop)
{
#ifdef TMLP_NO_STRINGS
    (void)stop;
    return "";
#else
    switch (stop) {
    case TMLP_STOP_NONE:
        return "still running";
    case TMLP_STOP_MAX_EPOCHS:
        return "max_epochs reached";
    case TMLP_STOP_MAX_STEPS:
        return "max_steps reached";
    case TMLP_STOP_GRAD_NORM:
        return "gradient norm at or below grad_tol";
    case TMLP_STOP_PLATEAU:
        return "epoch loss stopped decreasing (rel_tol)";
    case TMLP_STOP_TIME:
        return "time budget spent";
    case TMLP_STOP_EARLY:
        return "validation loss stopped improving (patience)";
    case TMLP_STOP_CALLBACK:
        return "stopped by the epoch callback";
    case TMLP_STOP_ERROR:
        return "stopped by an error";
    default:
        return "unknown stop reason";
    }
#endif
}
