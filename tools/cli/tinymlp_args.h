/* SPDX-License-Identifier: MIT */
/* tinymlp tool: the command line. Which options each command takes
 * (tinymlp_commands.c, the one list that `--help` prints and the checks
 * use), and what every command shares (tinymlp_args.c): --help, the
 * --option=value form, unknown options with the nearest known one, and
 * usage errors in one line. */
#ifndef TINYMLP_ARGS_H
#define TINYMLP_ARGS_H

#include <stdio.h>

/* One option of a command. */
typedef struct {
    const char *name; /* "--epochs", "-o" */
    const char *arg;  /* placeholder of its value in the usage ("E"); NULL: a flag */
    const char *help; /* one line for `tinymlp COMMAND --help` */
} tool_opt_t;

/* One command: `tinymlp NAME OPERANDS [options]`. */
typedef struct {
    const char *name;     /* "train" */
    const char *operands; /* the required part: "MODEL.tmlp TRAIN.csv -o OUT.tmlp" */
    const char *about;    /* what it does, one line */
    const tool_opt_t *opts;
    unsigned n_opts;
} tool_cmd_t;

/* Every command, in the order the usage lists them (tinymlp_commands.c). */
extern const tool_cmd_t tool_cmds[];
extern const unsigned tool_n_cmds;

/* The command called name, or NULL (after "tinymlp: unknown command NAME",
 * naming the nearest command when one is close). */
const tool_cmd_t *tool_cmd_find(const char *name);

/* The usage of every command (`tinymlp --help`), or of one command with
 * its options (`tinymlp COMMAND --help`). */
void tool_usage_all(FILE *f);
void tool_usage_cmd(FILE *f, const tool_cmd_t *cmd);

/* Results of tool_args_split. */
enum { TOOL_ARGS_OK = 0, TOOL_ARGS_HELP = 1, TOOL_ARGS_BAD = 2 };

/* Checks argv[2..] against cmd's options and copies argv into *out
 * (malloc'd; free it, not its strings) with "--option=value" split into
 * the two words "--option" "value" (the '=' in argv's string becomes a
 * NUL), so that the command's own parser sees only "--option value".
 * Words not starting with '-' (and the value after an option that takes
 * one) are operands, left as they are.
 * Returns TOOL_ARGS_OK; TOOL_ARGS_HELP when -h or --help is among the
 * options; or TOOL_ARGS_BAD after one line on stderr: an unknown option
 * (with the nearest known one when it is close), an option without its
 * value, a flag given a value, or out of memory. */
int tool_args_split(const tool_cmd_t *cmd, int argc, char **argv, char ***out,
                    int *out_argc);

/* A usage error of the command, in one line on stderr:
 * "tinymlp: CMD: MESSAGE; usage: tinymlp CMD OPERANDS [options]". */
void tool_usage_err(const tool_cmd_t *cmd, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* The command called name, or NULL; prints nothing (see tool_cmd_find). */
const tool_cmd_t *tool_cmd(const char *name);

#endif
