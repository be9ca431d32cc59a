/* SPDX-License-Identifier: MIT */
/* tinymlp tool: per-epoch history and its SVG plot (two panels: loss and
 * accuracy, training and validation), plain SVG 1.1 that any browser or
 * rsvg-convert shows. */
#define _POSIX_C_SOURCE 200809L

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "tinymlp_tool.h"

#define PANEL_W 420.0
#define PANEL_H 300.0
#define MARGIN_L 64.0
#define MARGIN_T 48.0
#define GAP 90.0
#define MAX_TICKS 64 /* per axis; nice_step() asks for 5 or 6 */

int history_add(history_t *h, float loss, float acc, float val_loss, float val_acc)
{
    if (h->n == h->cap) {
        size_t cap = h->cap ? 2u * h->cap : 64u;
        float *p[4];
        float **f[4] = {&h->loss, &h->acc, &h->val_loss, &h->val_acc};
        int k;
        for (k = 0; k < 4; k++) {
            p[k] = realloc(*f[k], cap * sizeof(float));
            if (p[k] == NULL) {
                return -1;
            }
            *f[k] = p[k];
        }
        h->cap = cap;
    }
    h->loss[h->n] = loss;
    h->acc[h->n] = acc;
    h->val_loss[h->n] = val_loss;
    h->val_acc[h->n] = val_acc;
    h->n++;
    return 0;
}

void history_free(history_t *h)
{
    free(h->loss);
    free(h->acc);
    free(h->val_loss);
    free(h->val_acc);
    memset(h, 0, sizeof *h);
}

/* A "nice" tick step (1, 2 or 5 times a power of ten) for about n ticks. */
static double nice_step(double range, int n)
{
    double raw = range / n, p = pow(10.0, floor(log10(raw))), m = raw / p;
    return (m < 1.5 ? 1.0 : m < 3.5 ? 2.0 : m < 7.5 ? 5.0 : 10.0) * p;
}

typedef struct {
    FILE *f;
    double x0, y0;       /* panel's top-left corner */
    double xmin, xmax, ymin, ymax;
} panel_t;

static double px(const panel_t *p, double x)
{
    return p->x0 + (x - p->xmin) / (p->xmax - p->xmin) * PANEL_W;
}

static double py(const panel_t *p, double y)
{
    return p->y0 + PANEL_H - (y - p->ymin) / (p->ymax - p->ymin) * PANEL_H;
}

static void axes(const panel_t *p, const char *title, const char *ylabel)
{
    FILE *f = p->f;
    double s, v;
    int i;
    fprintf(f, "<rect x='%.1f' y='%.1f' width='%.1f' height='%.1f' fill='none' stroke='#333'/>\n",
            p->x0, p->y0, PANEL_W, PANEL_H);
    s = nice_step(p->xmax - p->xmin, 6);
    s = s < 1.0 ? 1.0 : s;
    /* An integer loop counter; v steps as before, so the ticks are the same. */
    v = ceil(p->xmin / s) * s;
    for (i = 0; i < MAX_TICKS && v <= p->xmax + 1e-9; i++) {
        fprintf(f, "<line x1='%.1f' y1='%.1f' x2='%.1f' y2='%.1f' stroke='#333'/>"
                "<text x='%.1f' y='%.1f' text-anchor='middle'>%g</text>\n",
                px(p, v), p->y0 + PANEL_H, px(p, v), p->y0 + PANEL_H + 5, px(p, v),
                p->y0 + PANEL_H + 19, v);
        v += s;
    }
    s = nice_step(p->ymax - p->ymin, 5);
    v = ceil(p->ymin / s - 1e-9) * s;
    for (i = 0; i < MAX_TICKS && v <= p->ymax + s * 1e-6; i++) {
        fprintf(f, "<line x1='%.1f' y1='%.1f' x2='%.1f' y2='%.1f' stroke='#ddd'/>"
                "<text x='%.1f' y='%.1f' text-anchor='end'>%g</text>\n",
                p->x0, py(p, v), p->x0 + PANEL_W, py(p, v), p->x0 - 6, py(p, v) + 4,
                fabs(v) < s * 1e-6 ? 0.0 : v);
        v += s;
    }
    fprintf(f, "<text x='%.1f' y='%.1f' text-anchor='middle' font-weight='bold'>%s</text>\n",
            p->x0 + PANEL_W / 2, p->y0 - 10, title);
    fprintf(f, "<text x='%.1f' y='%.1f' text-anchor='middle'>epoch</text>\n",
            p->x0 + PANEL_W / 2, p->y0 + PANEL_H + 38);
    fprintf(f, "<text transform='translate(%.1f,%.1f) rotate(-90)' text-anchor='middle'>%s</text>\n",
            p->x0 - 48, p->y0 + PANEL_H / 2, ylabel);
}

static void curve(const panel_t *p, const float *y, size_t n, const char *color, const char *dash)
{
    size_t i;
    int open = 0;
    for (i = 0; i < n; i++) {
        if (isnan(y[i])) {
            continue;
        }
        if (!open) {
            fprintf(p->f, "<polyline fill='none' stroke='%s' stroke-width='2'%s points='", color,
                    dash);
            open = 1;
        }
        fprintf(p->f, "%.1f,%.1f ", px(p, (double)(i + 1u)), py(p, (double)y[i]));
    }
    if (open) {
        fputs("'/>\n", p->f);
    }
    if (n == 1u && !isnan(y[0])) {
        fprintf(p->f, "<circle cx='%.1f' cy='%.1f' r='3' fill='%s'/>\n", px(p, 1.0),
                py(p, (double)y[0]), color);
    }
}

/* The legend in a white box, top right (loss) or bottom right (accuracy),
 * where the curves usually are not. */
static void legend(const panel_t *p, const float *val, size_t n, int bottom)
{
    size_t i;
    int have_val = 0;
    double x = p->x0 + PANEL_W - 128, y;
    for (i = 0; i < n; i++) {
        have_val |= !isnan(val[i]);
    }
    y = bottom ? p->y0 + PANEL_H - (have_val ? 48 : 30) : p->y0 + 8;
    fprintf(p->f, "<rect x='%.1f' y='%.1f' width='118' height='%d' fill='white' "
            "fill-opacity='0.85' stroke='#999'/>\n", x, y, have_val ? 40 : 22);
    fprintf(p->f, "<line x1='%.1f' y1='%.1f' x2='%.1f' y2='%.1f' stroke='#1f77b4' "
            "stroke-width='2'/><text x='%.1f' y='%.1f'>training</text>\n",
            x + 6, y + 11, x + 30, y + 11, x + 36, y + 15);
    if (have_val) {
        fprintf(p->f, "<line x1='%.1f' y1='%.1f' x2='%.1f' y2='%.1f' stroke='#ff7f0e' "
                "stroke-width='2' stroke-dasharray='6,3'/><text x='%.1f' y='%.1f'>validation"
                "</text>\n", x + 6, y + 29, x + 30, y + 29, x + 36, y + 33);
    }
}

/* Range of the finite values of a and b, widened to something plottable. */
static void range(const float *a, const float *b, size_t n, double *lo, double *hi, int unit)
{
    size_t i;
    *lo = unit ? 0.0 : (double)INFINITY;
    *hi = unit ? 1.0 : -(double)INFINITY;
    for (i = 0; i < n && !unit; i++) {
        double v[2] = {(double)a[i], (double)b[i]};
        int k;
        for (k = 0; k < 2; k++) {
            if (isfinite(v[k])) {
                *lo = v[k] < *lo ? v[k] : *lo;
                *hi = v[k] > *hi ? v[k] : *hi;
            }
        }
    }
    if (!(*hi > *lo)) {
        *lo = isfinite(*lo) ? *lo - 0.5 : 0.0;
        *hi = isfinite(*hi) ? *hi + 0.5 : 1.0;
    }
    if (!unit) {
        double s = nice_step(*hi - *lo, 5);
        *lo = *lo >= 0.0 && *lo < s ? 0.0 : floor(*lo / s) * s;
        *hi = ceil(*hi / s) * s;
    }
}

typedef struct {
    const history_t *h;
    const char *title;
} plot_ctx_t;

static void draw_panel(FILE *f, const history_t *h, double x0, int acc)
{
    panel_t p;
    const float *tr = acc ? h->acc : h->loss, *va = acc ? h->val_acc : h->val_loss;
    p.f = f;
    p.x0 = x0;
    p.y0 = MARGIN_T;
    p.xmin = h->n > 1u ? 1.0 : 0.0;
    p.xmax = h->n > 1u ? (double)h->n : 2.0;
    range(tr, va, h->n, &p.ymin, &p.ymax, acc);
    axes(&p, acc ? "Accuracy" : "Loss", acc ? "accuracy" : "mean loss");
    curve(&p, tr, h->n, "#1f77b4", "");
    curve(&p, va, h->n, "#ff7f0e", " stroke-dasharray='6,3'");
    legend(&p, va, h->n, acc);
}

static int plot_fn(FILE *f, void *ctx)
{
    const plot_ctx_t *c = ctx;
    const history_t *h = c->h;
    size_t i;
    int have_acc = 0;
    double w = MARGIN_L + PANEL_W + GAP + PANEL_W + 30, hh = MARGIN_T + PANEL_H + 60;
    for (i = 0; i < h->n; i++) {
        have_acc |= !isnan(h->acc[i]) || !isnan(h->val_acc[i]);
    }
    if (!have_acc) {
        w = MARGIN_L + PANEL_W + 30;
    }
    fprintf(f, "<?xml version='1.0' encoding='UTF-8'?>\n"
            "<svg xmlns='http://www.w3.org/2000/svg' version='1.1' width='%.0f' height='%.0f' "
            "viewBox='0 0 %.0f %.0f' font-family='sans-serif' font-size='12'>\n"
            "<rect width='100%%' height='100%%' fill='white'/>\n"
            "<title>tinymlp training: ", w, hh, w, hh);
    for (i = 0; c->title[i] != '\0'; i++) {
        char ch = c->title[i];
        fputs(ch == '<' ? "&lt;" : ch == '>' ? "&gt;" : ch == '&' ? "&amp;" : "", f);
        if (ch != '<' && ch != '>' && ch != '&') {
            fputc(ch, f);
        }
    }
    fputs("</title>\n", f);
    draw_panel(f, h, MARGIN_L, 0);
    if (have_acc) {
        draw_panel(f, h, MARGIN_L + PANEL_W + GAP, 1);
    }
    fputs("</svg>\n", f);
    return 0;
}

int plot_svg(const char *path, const history_t *h, const char *title)
{
    plot_ctx_t c;
    if (h->n == 0u) {
        tool_err("%s: no complete epoch to plot", path);
        return -1;
    }
    c.h = h;
    c.title = title;
    return tool_write_atomic(path, plot_fn, &c);
}
