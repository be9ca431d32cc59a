/* SPDX-License-Identifier: MIT */
/* tinymlp tool: what the subcommands write: output files, each written
 * atomically (a temporary file renamed over the target), and stdout. */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tinymlp_tool.h"

/* ---- output files, written atomically ---- */

/* write(2) of all n bytes; -1 with errno set on failure. */
static int write_all(int fd, const char *p, size_t n)
{
    while (n > 0u) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR) {
            continue;
        }
        if (w <= 0) {
            if (w == 0) {
                errno = EIO;
            }
            return -1;
        }
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

static int write_failed(const char *path, int e)
{
    tool_err("%s: %s", path, strerror(e));
    return -1;
}

/* The contents data[0..len) into a new temporary file next to path, synced,
 * closed and renamed over path; the temporary file is removed on failure.
 * A path that exists and is not a regular file (a device such as
 * /dev/stdout, a pipe) can't be replaced: it is written in place. Returns
 * 0, or errno of the call that failed. */
static int replace_file(const char *path, const char *data, size_t len)
{
    size_t n = strlen(path);
    char *tmp;
    struct stat st;
    mode_t mask;
    int fd, e = 0;
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
        fd = open(path, O_WRONLY);
        if (fd < 0 || write_all(fd, data, len) != 0) {
            e = errno;
        }
        if (fd >= 0 && close(fd) != 0 && e == 0) {
            e = errno;
        }
        return e;
    }
    tmp = malloc(n + 12u);
    if (tmp == NULL) {
        return ENOMEM;
    }
    memcpy(tmp, path, n);
    memcpy(tmp + n, ".tmp.XXXXXX", 12u);
    fd = mkstemp(tmp);
    if (fd < 0) {
        e = errno;
        free(tmp);
        return e;
    }
    /* mkstemp makes the file 0600; give it the mode of a new file. */
    mask = umask(022);
    (void)umask(mask);
    (void)fchmod(fd, (mode_t)(0666 & ~mask));
    if (write_all(fd, data, len) != 0 || fsync(fd) != 0) {
        e = errno;
    }
    if (close(fd) != 0 && e == 0) {
        e = errno;
    }
    if (e == 0 && rename(tmp, path) != 0) {
        e = errno;
    }
    if (e != 0) {
        (void)unlink(tmp);
    }
    free(tmp);
    return e;
}

/* See tinymlp_tool.h. */
int tool_write_atomic(const char *path, int (*fn)(FILE *f, void *ctx), void *ctx)
{
    char *data = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&data, &len);
    int rc, lost, e;
    if (mem == NULL) {
        return write_failed(path, errno);
    }
    rc = fn(mem, ctx);
    /* A stream in memory fails only when memory runs out. */
    lost = fflush(mem) != 0 || ferror(mem);
    lost = fclose(mem) != 0 || lost;
    if (lost) {
        free(data);
        return write_failed(path, ENOMEM);
    }
    if (rc != 0) {
        free(data);
        return -1;
    }
    e = replace_file(path, data, len);
    free(data);
    return e != 0 ? write_failed(path, e) : 0;
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
