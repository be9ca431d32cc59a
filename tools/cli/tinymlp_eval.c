/* SPDX-License-Identifier: MIT */
/* tinymlp tool: eval (loss, accuracy, confusion matrix) and predict. */
#define _POSIX_C_SOURCE 200809L

#include <stdlib.h>
#include <string.h>

#include "tinymlp_args.h"
#include "tinymlp_tool.h"

/* Parses `CMD MODEL CSV [--loss L]`. */
static int parse_args(int argc, char **argv, const char **model, const char **csv,
                      uint8_t *loss, int *have_loss)
{
    int i;
    *model = NULL;
    *csv = NULL;
    *have_loss = 0;
    for (i = 2; i < argc; i++) {
        if (strcmp(argv[i], "--loss") == 0 && i + 1 < argc) {
            if (tool_loss_parse(argv[++i], loss) != 0) {
                return 1;
            }
            *have_loss = 1;
        } else if (argv[i][0] != '-' && *model == NULL) {
            *model = argv[i];
        } else if (argv[i][0] != '-' && *csv == NULL) {
            *csv = argv[i];
        } else {
            tool_usage_err(tool_cmd(argv[1]), "unexpected argument %s", argv[i]);
            return 2;
        }
    }
    if (*model == NULL || *csv == NULL) {
        tool_usage_err(tool_cmd(argv[1]), "missing %s",
                       *model == NULL ? "the model" : "the CSV file");
        return 2;
    }
    return 0;
}

static void print_confusion(const uint32_t *conf, uint32_t c)
{
    uint32_t t, p;
    printf("confusion (rows: true class, columns: predicted class)\n      ");
    for (p = 0; p < c; p++) {
        printf(" %6u", (unsigned)p);
    }
    printf("\n");
    for (t = 0; t < c; t++) {
        printf("%6u", (unsigned)t);
        for (p = 0; p < c; p++) {
            printf(" %6u", (unsigned)conf[t * c + p]);
        }
        printf("\n");
    }
}

/* The random-guess baselines, from the confusion matrix's row sums
 * (the count of each true class): always guessing the majority class, and
 * guessing uniformly. */
static void print_baseline(const uint32_t *conf, uint32_t c, uint32_t n)
{
    uint32_t t, p, best = 0, best_class = 0;
    for (t = 0; t < c; t++) {
        uint32_t row = 0;
        for (p = 0; p < c; p++) {
            row += conf[t * c + p];
        }
        if (row > best) {
            best = row;
            best_class = t;
        }
    }
    printf("baseline: always class %u %.4f, uniform guess %.4f\n", (unsigned)best_class,
           (double)best / (double)n, 1.0 / (double)c);
}

static int run_eval(tmlp_net_t *net, const dataset_t *ds, uint8_t loss, const char *path)
{
    uint32_t n_out = tool_n_out(&net->desc), c = n_out > 1u ? n_out : 2u;
    float *scratch = malloc((net->desc.n_in + n_out) * sizeof(float));
    uint32_t *conf = malloc((size_t)c * c * sizeof(uint32_t));
    float mean = 0.0f, acc = 0.0f;
    tmlp_status_t st = scratch == NULL || conf == NULL
                           ? TMLP_ERR_NOMEM
                           : tmlp_evaluate(net, &ds->data, (tmlp_loss_t)loss, scratch, &mean,
                                           &acc, conf);
    if (st == TMLP_OK) {
        printf("samples  %u\n", (unsigned)ds->n);
        printf("loss     %.9g (%s)\n", (double)mean, tool_loss_name(loss));
        if (ds->classify) {
            printf("accuracy %.4f (%u of %u)\n", (double)acc,
                   (unsigned)(acc * (float)ds->n + 0.5f), (unsigned)ds->n);
            print_confusion(conf, c);
            print_baseline(conf, c, ds->n);
        }
    } else if (st == TMLP_ERR_LOSS) {
        tool_err("%s: loss %s does not suit the model's %s output layer", path,
                 tool_loss_name(loss), tool_act_name(net->desc.layer[net->desc.n_layers - 1].act));
    } else {
        tool_err("%s: evaluation failed: %s", path, tmlp_status_str(st));
    }
    free(scratch);
    free(conf);
    return st == TMLP_OK ? 0 : -1;
}

int cmd_eval(int argc, char **argv)
{
    const char *mpath, *cpath;
    uint8_t loss = 0;
    int have_loss, rc = parse_args(argc, argv, &mpath, &cpath, &loss, &have_loss);
    tool_model_t m;
    tmlp_net_t net;
    void *arena = NULL;
    csv_t csv;
    dataset_t ds;
    if (rc != 0) {
        return rc;
    }
    if (tool_model_read(mpath, &m) != 0) {
        return 1;
    }
    if (!have_loss) {
        loss = tool_default_loss(&m.desc);
    }
    rc = tool_loss_check(&m.desc, loss) != 0 ? -1 : tool_model_net(&m, &net, &arena);
    if (rc == 0 && (rc = csv_read(cpath, &csv)) == 0) {
        rc = dataset_from_csv(&csv, m.desc.n_in, tool_n_out(&m.desc), loss, &ds);
        if (rc == 0) {
            rc = run_eval(&net, &ds, loss, cpath);
            rc = rc == 0 ? tool_stdout_done() : rc;
            dataset_free(&ds);
        }
        csv_free(&csv);
    }
    free(arena);
    tool_model_free(&m);
    return rc == 0 ? 0 : 1;
}

/* One output line: class,p0,... for classification, y0,... otherwise. */
static tmlp_status_t print_prediction(const float *y, uint32_t n_out, int classify)
{
    uint32_t k, cls = 0;
    if (classify) {
        if (n_out == 1u) {
            cls = y[0] > 0.5f;
        } else {
            tmlp_status_t st = tmlp_argmax(y, n_out, &cls);
            if (st != TMLP_OK) {
                return st;
            }
        }
        printf("%u,", (unsigned)cls);
    }
    for (k = 0; k < n_out; k++) {
        printf(k ? ",%.9g" : "%.9g", (double)y[k]);
    }
    putchar('\n');
    return TMLP_OK;
}

static int run_predict(tmlp_net_t *net, const csv_t *csv)
{
    uint32_t n_in = net->desc.n_in, n_out = tool_n_out(&net->desc);
    int classify = tool_default_loss(&net->desc) != TMLP_LOSS_MSE;
    float *y = malloc(n_out * sizeof(float));
    size_t r;
    if (y == NULL) {
        tool_err("out of memory");
        return -1;
    }
    if (csv->n_cols != n_in && csv->n_cols != n_in + 1u && csv->n_cols != n_in + n_out) {
        fprintf(stderr, "%s:%lu:1: error: %zu columns; the model has %u inputs (extra columns "
                "may be a label or a target vector of %u)\n", csv->path, csv->line[0],
                csv->n_cols, (unsigned)n_in, (unsigned)n_out);
        free(y);
        return -1;
    }
    for (r = 0; r < csv->n_rows && !ferror(stdout); r++) {
        tmlp_status_t st = tmlp_net_forward(net, csv->vals + r * csv->n_cols, y);
        if (st == TMLP_OK) {
            st = print_prediction(y, n_out, classify);
        }
        if (st != TMLP_OK) {
            fprintf(stderr, "%s:%lu:1: error: %s\n", csv->path, csv->line[r],
                    tmlp_status_str(st));
            free(y);
            return -1;
        }
    }
    free(y);
    return tool_stdout_done();
}

int cmd_predict(int argc, char **argv)
{
    const char *mpath, *cpath;
    uint8_t loss = 0;
    int have_loss, rc = parse_args(argc, argv, &mpath, &cpath, &loss, &have_loss);
    tool_model_t m;
    tmlp_net_t net;
    void *arena = NULL;
    csv_t csv;
    if (rc != 0) {
        return rc;
    }
    if (tool_model_read(mpath, &m) != 0) {
        return 1;
    }
    rc = tool_model_net(&m, &net, &arena);
    if (rc == 0 && (rc = csv_read(cpath, &csv)) == 0) {
        rc = run_predict(&net, &csv);
        csv_free(&csv);
    }
    free(arena);
    tool_model_free(&m);
    return rc == 0 ? 0 : 1;
}
