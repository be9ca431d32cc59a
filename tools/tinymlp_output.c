/* SPDX-License-Identifier: MIT */
/* tinymlp tool: what the subcommands write, output files (through the
 * atomic writer, tools/tmlp_json_write.c) and stdout. */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "tinymlp_tool.h"
#include "tmlp_json.h"

int tool_write_atomic(const char *path, int (*fn)(FILE *f, void *ctx), void *ctx)
{
    return tmlp_json_write_atomic("tinymlp", path, fn, ctx);
}

typedef struct {
    const void *buf;
    size_t len;
} bytes_t;

static int write_bytes_fn(FILE *f, void *ctx)
{
    const bytes_t *b = ctx;
    (void)fwrite(b->buf, 1, b->len, f); /* a failure is the writer's to report */
    return 0;
}

int tool_write_bytes(const char *path, const void *buf, size_t len)
{
    bytes_t b;
    b.buf = buf;
    b.len = len;
    return tool_write_atomic(path, write_bytes_fn, &b);
}

int tool_model_save(const tmlp_net_t *net, uint32_t what, const char *path)
{
    size_t size = 0, len = 0;
    void *buf;
    int rc;
    tmlp_status_t st = tmlp_model_size(net, what, &size);
    if (st != TMLP_OK) {
        tool_err("%s: can't save: %s", path, tmlp_status_str(st));
        return -1;
    }
    buf = malloc(size);
    if (buf == NULL) {
        tool_err("out of memory");
        return -1;
    }
    st = tmlp_model_save(net, what, buf, size, &len);
    if (st != TMLP_OK) {
        tool_err("%s: can't save: %s", path, tmlp_status_str(st));
        free(buf);
        return -1;
    }
    rc = tool_write_bytes(path, buf, len);
    free(buf);
    return rc;
}

int tool_stdout_done(void)
{
    /* When the write that failed was an earlier one (stdio drops what it
     * could not write), errno still says why: the callers stop writing at
     * the first error and call nothing else that sets it. */
    int before = errno, e;
    errno = 0;
    if (fflush(stdout) == 0 && !ferror(stdout)) {
        errno = before;
        return 0;
    }
    e = errno != 0 ? errno : before;
    tool_err("stdout: %s", e != 0 ? strerror(e) : "write error");
    return -1;
}
