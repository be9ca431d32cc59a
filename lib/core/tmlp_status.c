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
    default:
        return "unknown status";
    }
#endif
}
