/* SPDX-License-Identifier: MIT */
/* A QEMU TCG plugin for `make bench-qemu` (tools/scripts/m4_cycles.py):
 * counts how often each guest instruction runs and how often the next one
 * to run is 2 or 4 bytes further on, per region of the program: with the
 * instruction's size (from the disassembly; QEMU's own figure can include
 * a halfword it peeked at) that tells how often control went elsewhere. Host code, built with the host's C compiler; not
 * part of the library.
 *
 * Arguments (-plugin qemu_insn_mix.so,begin=A,end=B,out=FILE,limit=L):
 *   begin  address of the function that opens a region (each run of it
 *          starts the next region, numbered from 1)
 *   end    address of the function that closes it (back to region 0)
 *   out    file written at exit, one line per instruction seen:
 *            <region> <address, hex> <executions> <next at +2> <next at +4>
 *   limit  addresses counted are below this (the code's end), default 256 KB
 *
 * The callback runs before each executed instruction, so an instruction
 * counts once per execution: a translation block that QEMU's -icount
 * abandons before it runs counts nothing. A conditional instruction whose
 * condition fails still counts as executed.
 *
 * The plugin interface of QEMU (version 1, QEMU 6 to 8) is declared here
 * from its documentation, since Debian installs no header for it. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef uint64_t qemu_plugin_id_t;
struct qemu_plugin_tb;
struct qemu_plugin_insn;
typedef void (*tb_trans_cb_t)(qemu_plugin_id_t id, struct qemu_plugin_tb *tb);
typedef void (*vcpu_udata_cb_t)(unsigned int vcpu_index, void *userdata);
typedef void (*udata_cb_t)(qemu_plugin_id_t id, void *userdata);
enum { CB_NO_REGS = 0 };

void qemu_plugin_register_vcpu_tb_trans_cb(qemu_plugin_id_t id, tb_trans_cb_t cb);
size_t qemu_plugin_tb_n_insns(const struct qemu_plugin_tb *tb);
struct qemu_plugin_insn *qemu_plugin_tb_get_insn(const struct qemu_plugin_tb *tb, size_t idx);
uint64_t qemu_plugin_insn_vaddr(const struct qemu_plugin_insn *insn);
void qemu_plugin_register_vcpu_insn_exec_cb(struct qemu_plugin_insn *insn, vcpu_udata_cb_t cb,
                                            int flags, void *userdata);
void qemu_plugin_register_atexit_cb(qemu_plugin_id_t id, udata_cb_t cb, void *userdata);

#define EXPORT __attribute__((visibility("default")))
EXPORT int qemu_plugin_version = 1;

#define MAX_REGIONS 16

/* One per instruction address (Thumb: 2-byte steps), allocated at start. */
typedef struct {
    uint64_t n[MAX_REGIONS];
    uint64_t seq2[MAX_REGIONS];
    uint64_t seq4[MAX_REGIONS];
} site_t;

static site_t *sites;
static uint64_t begin_addr, end_addr, limit = 256u << 10;
static const char *out_path;
static unsigned region, n_regions;
static site_t *prev;
static unsigned prev_region;

static void on_insn(unsigned int vcpu, void *ud)
{
    site_t *s = ud;
    uint64_t addr = (uint64_t)(s - sites) * 2u;
    (void)vcpu;
    if (prev != NULL) {
        uint64_t from = (uint64_t)(prev - sites) * 2u;
        if (addr == from + 2u) {
            prev->seq2[prev_region]++;
        } else if (addr == from + 4u) {
            prev->seq4[prev_region]++;
        }
    }
    if (addr == begin_addr && n_regions + 1u < MAX_REGIONS) {
        region = ++n_regions;
    } else if (addr == end_addr) {
        region = 0;
    }
    s->n[region]++;
    prev = s;
    prev_region = region;
}

static void on_translate(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
    size_t i, n = qemu_plugin_tb_n_insns(tb);
    (void)id;
    for (i = 0; i < n; i++) {
        struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, i);
        uint64_t addr = qemu_plugin_insn_vaddr(insn);
        if (addr < limit) {
            qemu_plugin_register_vcpu_insn_exec_cb(insn, on_insn, CB_NO_REGS, &sites[addr / 2u]);
        } else {
            /* Outside the counted code (e.g. RAM): a sink, not reported. */
            qemu_plugin_register_vcpu_insn_exec_cb(insn, on_insn, CB_NO_REGS, &sites[limit / 2u]);
        }
    }
}

static void write_counts(qemu_plugin_id_t id, void *ud)
{
    FILE *f = fopen(out_path, "w");
    uint64_t a;
    unsigned r;
    (void)id;
    (void)ud;
    if (f == NULL) {
        perror(out_path);
        return;
    }
    for (a = 0; a < limit / 2u; a++) {
        for (r = 0; r <= n_regions; r++) {
            if (sites[a].n[r] != 0u) {
                fprintf(f, "%u %llx %llu %llu %llu\n", r, (unsigned long long)(a * 2u),
                        (unsigned long long)sites[a].n[r], (unsigned long long)sites[a].seq2[r],
                        (unsigned long long)sites[a].seq4[r]);
            }
        }
    }
    fclose(f);
}

EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const void *info, int argc, char **argv)
{
    int i;
    (void)info;
    for (i = 0; i < argc; i++) {
        if (strncmp(argv[i], "begin=", 6) == 0) {
            begin_addr = strtoull(argv[i] + 6, NULL, 0) & ~1ull;
        } else if (strncmp(argv[i], "end=", 4) == 0) {
            end_addr = strtoull(argv[i] + 4, NULL, 0) & ~1ull;
        } else if (strncmp(argv[i], "out=", 4) == 0) {
            out_path = argv[i] + 4;
        } else if (strncmp(argv[i], "limit=", 6) == 0) {
            limit = strtoull(argv[i] + 6, NULL, 0);
        } else {
            fprintf(stderr, "qemu_insn_mix: unknown argument %s\n", argv[i]);
            return -1;
        }
    }
    if (out_path == NULL || begin_addr == 0u || end_addr == 0u) {
        fprintf(stderr, "qemu_insn_mix: begin=, end= and out= are required\n");
        return -1;
    }
    limit = (limit + 1u) & ~1ull;
    /* One extra site: the sink for code above the limit. */
    sites = calloc(limit / 2u + 1u, sizeof *sites);
    if (sites == NULL) {
        return -1;
    }
    qemu_plugin_register_vcpu_tb_trans_cb(id, on_translate);
    qemu_plugin_register_atexit_cb(id, write_counts, NULL);
    return 0;
}
