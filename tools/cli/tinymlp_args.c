/* SPDX-License-Identifier: MIT */
/* tinymlp tool: what every command's command line shares: the usage texts,
 * --help, "--option=value", unknown options and commands with the nearest
 * known name, usage errors in one line. */
#define _POSIX_C_SOURCE 200809L

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "tinymlp_args.h"
#include "tinymlp_tool.h"

/* Longest name edit_distance compares (longer ones are "far"). */
#define MAX_NAME 63u

/* Edit distance between a and b (insertions, deletions, substitutions and
 * swaps of two neighbouring characters each count 1), at most max + 1:
 * larger distances are not told apart. */
static unsigned edit_distance(const char *a, const char *b, unsigned max)
{
    /* Three rows of the dynamic programme: i - 2, i - 1 and i. */
    unsigned row[3][MAX_NAME + 2u];
    size_t na = strlen(a), nb = strlen(b), i, j;
    if (na > MAX_NAME || nb > MAX_NAME) {
        return max + 1u;
    }
    for (j = 0; j <= nb; j++) {
        row[0][j] = (unsigned)j;
    }
    for (i = 1; i <= na; i++) {
        unsigned *cur = row[i % 3u], *prev = row[(i - 1u) % 3u], *prev2 = row[(i + 1u) % 3u];
        cur[0] = (unsigned)i;
        for (j = 1; j <= nb; j++) {
            unsigned sub = prev[j - 1u] + (a[i - 1u] != b[j - 1u] ? 1u : 0u);
            unsigned del = prev[j] + 1u, ins = cur[j - 1u] + 1u;
            unsigned d = sub < del ? sub : del;
            d = ins < d ? ins : d;
            if (i > 1u && j > 1u && a[i - 1u] == b[j - 2u] && a[i - 2u] == b[j - 1u] &&
                prev2[j - 2u] + 1u < d) {
                d = prev2[j - 2u] + 1u; /* two neighbours swapped */
            }
            cur[j] = d;
        }
    }
    return row[na % 3u][nb] > max ? max + 1u : row[na % 3u][nb];
}

/* Most names one list of nearest() holds: a command's options and --help. */
#define MAX_NAMES 40u

/* The name of names[0..n) nearest to word, when it is close enough to be
 * a typing slip: at most 1 edit for a name of 3 to 5 letters (dashes not
 * counted), 2 for a longer one, none for a shorter one. NULL otherwise;
 * the first of equally near names. */
static const char *nearest(const char *word, const char *const *names, unsigned n)
{
    const char *best = NULL;
    unsigned k, best_d = 3u;
    for (k = 0; k < n; k++) {
        size_t letters = strlen(names[k]) - strspn(names[k], "-");
        unsigned allowed = letters < 3u ? 0u : letters < 6u ? 1u : 2u;
        unsigned d = edit_distance(word, names[k], 2u);
        if (d <= allowed && d < best_d) {
            best = names[k];
            best_d = d;
        }
    }
    return best;
}

/* 1 when cmd has options besides those its operands name (init's --seed,
 * eval's --loss): its usage then ends in "[options]". */
static int more_options(const tool_cmd_t *cmd)
{
    unsigned k;
    for (k = 0; k < cmd->n_opts; k++) {
        if (strstr(cmd->operands, cmd->opts[k].name) == NULL) {
            return 1;
        }
    }
    return 0;
}

const tool_cmd_t *tool_cmd(const char *name)
{
    unsigned k;
    for (k = 0; k < tool_n_cmds; k++) {
        if (strcmp(name, tool_cmds[k].name) == 0) {
            return &tool_cmds[k];
        }
    }
    return NULL;
}

const tool_cmd_t *tool_cmd_find(const char *name)
{
    const tool_cmd_t *cmd = tool_cmd(name);
    const char *names[MAX_NAMES] = {NULL}, *near;
    unsigned k;
    if (cmd == NULL) {
        for (k = 0; k < tool_n_cmds && k < MAX_NAMES; k++) {
            names[k] = tool_cmds[k].name;
        }
        near = nearest(name, names, k);
        if (near != NULL) {
            tool_err("unknown command %s (did you mean %s?)", name, near);
        } else {
            tool_err("unknown command %s (commands: tinymlp --help)", name);
        }
    }
    return cmd;
}

void tool_usage_all(FILE *f)
{
    unsigned k;
    fputs("usage: tinymlp COMMAND ARGUMENTS [options]\n", f);
    for (k = 0; k < tool_n_cmds; k++) {
        const tool_cmd_t *c = &tool_cmds[k];
        fprintf(f, "  %-10s %s%s\n", c->name, c->operands, more_options(c) ? " [options]" : "");
    }
    fputs("tinymlp COMMAND --help  the command's options (or -h, or tinymlp help COMMAND)\n"
          "tinymlp --version       the version\n"
          "An option's value follows it as the next word or after '=': --lr 0.1, --lr=0.1.\n",
          f);
}

/* Width of the usage's lines, and the column the options' help starts at. */
#define USAGE_WIDTH 79u
#define HELP_COLUMN 27u

/* Writes text from the column `col` on, wrapped at USAGE_WIDTH between
 * words onto lines indented to HELP_COLUMN, and ends the line. */
static void put_wrapped(FILE *f, const char *text, size_t col)
{
    while (*text != '\0') {
        size_t word = strcspn(text, " ");
        if (col > HELP_COLUMN && col + 1u + word > USAGE_WIDTH) {
            fprintf(f, "\n%*s", (int)HELP_COLUMN, "");
            col = HELP_COLUMN;
        } else if (col > HELP_COLUMN) {
            fputc(' ', f);
            col++;
        }
        fprintf(f, "%.*s", (int)word, text);
        col += word;
        text += word + strspn(text + word, " ");
    }
    fputc('\n', f);
}

void tool_usage_cmd(FILE *f, const tool_cmd_t *cmd)
{
    unsigned k;
    fprintf(f, "usage: tinymlp %s %s%s\n%s\n", cmd->name, cmd->operands,
            more_options(cmd) ? " [options]" : "", cmd->about);
    for (k = 0; k <= cmd->n_opts; k++) {
        const tool_opt_t *o = k < cmd->n_opts ? &cmd->opts[k] : NULL;
        char left[64];
        snprintf(left, sizeof left, "%s%s%s", o != NULL ? o->name : "-h, --help",
                 o != NULL && o->arg != NULL ? " " : "", o != NULL && o->arg != NULL ? o->arg : "");
        if (strlen(left) + 3u > HELP_COLUMN) { /* the help on a line of its own */
            fprintf(f, "  %s\n%*s", left, (int)HELP_COLUMN, "");
        } else {
            fprintf(f, "  %-*s", (int)HELP_COLUMN - 2, left);
        }
        put_wrapped(f, o != NULL ? o->help : "this help", HELP_COLUMN);
    }
}

void tool_usage_err(const tool_cmd_t *cmd, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "tinymlp: %s: ", cmd->name);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "; usage: tinymlp %s %s%s\n", cmd->name, cmd->operands,
            more_options(cmd) ? " [options]" : "");
}

/* The option of cmd called name, or NULL. */
static const tool_opt_t *find_opt(const tool_cmd_t *cmd, const char *name)
{
    unsigned k;
    for (k = 0; k < cmd->n_opts; k++) {
        if (strcmp(cmd->opts[k].name, name) == 0) {
            return &cmd->opts[k];
        }
    }
    return NULL;
}

static void unknown_opt(const tool_cmd_t *cmd, const char *word)
{
    const char *names[MAX_NAMES] = {NULL}, *near;
    unsigned k;
    for (k = 0; k < cmd->n_opts && k + 1u < MAX_NAMES; k++) {
        names[k] = cmd->opts[k].name;
    }
    names[k++] = "--help";
    near = nearest(word, names, k);
    if (near != NULL) {
        tool_err("unknown option %s (did you mean %s?)", word, near);
    } else {
        tool_err("unknown option %s (%s's options: tinymlp %s --help)", word, cmd->name,
                 cmd->name);
    }
}

int tool_args_split(const tool_cmd_t *cmd, int argc, char **argv, char ***out, int *out_argc)
{
    /* At most one word more per word: "--a=b" becomes two. */
    char **words = malloc((2u * (size_t)argc + 1u) * sizeof *words);
    int i, n = 0;
    if (words == NULL) {
        tool_err("out of memory");
        return TOOL_ARGS_BAD;
    }
    for (i = 0; i < argc && i < 2; i++) {
        words[n++] = argv[i];
    }
    for (i = 2; i < argc; i++) {
        char *a = argv[i], *value = NULL;
        const tool_opt_t *o;
        if (a[0] != '-' || a[1] == '\0') { /* an operand ("-" included) */
            words[n++] = a;
            continue;
        }
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            free(words);
            return TOOL_ARGS_HELP;
        }
        if (a[1] == '-' && (value = strchr(a, '=')) != NULL) {
            *value++ = '\0'; /* argv's strings are the program's to change (C99 5.1.2.2.1) */
        }
        o = find_opt(cmd, a);
        if (o == NULL) {
            unknown_opt(cmd, a);
        } else if (o->arg == NULL && value != NULL) {
            tool_err("%s takes no value (given %s=%s)", a, a, value);
        } else if (o->arg != NULL && value == NULL && i + 1 >= argc) {
            tool_err("%s needs a value: %s %s", a, a, o->arg);
        } else {
            words[n++] = a;
            if (o->arg != NULL) {
                words[n++] = value != NULL ? value : argv[++i];
            }
            continue;
        }
        free(words);
        return TOOL_ARGS_BAD;
    }
    words[n] = NULL;
    *out = words;
    *out_argc = n;
    return TOOL_ARGS_OK;
}
