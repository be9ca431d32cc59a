/* SPDX-License-Identifier: MIT */
/* Replays fuzzer inputs without libFuzzer: calls LLVMFuzzerTestOneInput on
 * each file named on the command line, each in a buffer of exactly its
 * size (so a sanitizer sees any read past the end). A crash or abort is the
 * failure; otherwise prints "replayed N inputs" and exits 0. */
#include <stdio.h>
#include <stdlib.h>

#include "fuzz.h"

static int replay(const char *path)
{
    FILE *f = fopen(path, "rb");
    long n;
    uint8_t *buf;
    if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 ||
        fseek(f, 0, SEEK_SET) != 0) {
        fprintf(stderr, "%s: can not read\n", path);
        if (f != NULL) {
            fclose(f);
        }
        return 1;
    }
    buf = malloc(n > 0 ? (size_t)n : 1u);
    if (buf == NULL || fread(buf, 1, (size_t)n, f) != (size_t)n) {
        fprintf(stderr, "%s: can not read\n", path);
        free(buf);
        fclose(f);
        return 1;
    }
    fclose(f);
    fprintf(stderr, "replaying %s\n", path);
    (void)LLVMFuzzerTestOneInput(buf, (size_t)n);
    free(buf);
    return 0;
}

int main(int argc, char **argv)
{
    int i, bad = 0;
    for (i = 1; i < argc; i++) {
        bad |= replay(argv[i]);
    }
    printf("replayed %d inputs\n", argc - 1 - bad);
    return bad;
}
