/* SPDX-License-Identifier: MIT */
/* Gradient descent on plain functions with the library's optimizer.
 *
 * tmlp_optim_step() works on any flat float vector w with a gradient g of
 * the caller's making, so classic one- and two-variable examples run
 * through exactly the update code that trains the nets:
 *   1. x^2 from x = 10 with several learning rates;
 *   2. f(x, y) = x y stepped UP its gradient from (4, -3), step 0.2, with
 *      maximize = 1;
 *   3. x^4 - 5x^2 - 3x from several starts: which end in the local minimum
 *      and which in the global one, with and without momentum;
 *   4. 2x^2 + y^2 with a learning rate too small, about right, and too
 *      large, until the library refuses a non-finite step. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tinymlp.h"

static void must(tmlp_status_t s, const char *what)
{
    if (s != TMLP_OK) {
        printf("error: %s: %s\n", what, tmlp_status_str(s));
        exit(1);
    }
}

static tmlp_optim_t sgd(float lr, float momentum)
{
    tmlp_optim_t o;
    memset(&o, 0, sizeof o);
    o.kind = TMLP_OPT_SGD;
    o.lr = lr;
    o.momentum = momentum;
    return o;
}

/* Finite (not NaN, not +-Inf) without <math.h>. */
static int is_finite(float v)
{
    return v == v && v - v == 0.0f;
}

/* ---- 1. x^2 from x = 10 -------------------------------------------------- */

static void x_squared(void)
{
    static const float lrs[] = {0.01f, 0.1f, 0.5f, 0.9f, 1.0f};
    static const int at[] = {1, 2, 5, 10, 20, 50};
    size_t i, j;
    printf("1. f(x) = x^2, f'(x) = 2x, from x = 10: x after k steps\n");
    printf("   lr    ");
    for (j = 0; j < sizeof at / sizeof at[0]; j++) {
        printf("%*s%d", at[j] < 10 ? 10 : 9, "k=", at[j]);
    }
    printf("\n");
    for (i = 0; i < sizeof lrs / sizeof lrs[0]; i++) {
        tmlp_optim_t o = sgd(lrs[i], 0.0f);
        float x = 10.0f;
        uint32_t step = 0;
        int k;
        printf("   %-5g ", (double)lrs[i]);
        for (k = 1, j = 0; j < sizeof at / sizeof at[0]; k++) {
            float g = 2.0f * x;
            must(tmlp_optim_step(&o, &x, &g, NULL, 1, &step), "x^2 step");
            if (k == at[j]) {
                printf(" %10.4g", (double)x);
                j++;
            }
        }
        printf("\n");
    }
    printf("   x_k = 10 (1 - 2 lr)^k: lr 0.5 lands on 0 in one step, lr 0.9 overshoots\n"
           "   and oscillates inwards, lr 1 bounces between +10 and -10 for ever.\n\n");
}

/* ---- 2. f(x, y) = x y, walked up its gradient ---------------------------- */

static void xy_ascent(void)
{
    tmlp_optim_t o = sgd(0.2f, 0.0f);
    float w[2] = {4.0f, -3.0f};
    uint32_t step = 0;
    int k;
    o.maximize = 1; /* w += lr g */
    printf("2. f(x, y) = x y, grad = (y, x), from (4, -3) with maximize = 1, lr 0.2\n");
    printf("   step  %-8s %-8s f\n", "x", "y");
    printf("   %4d  %-8.5g %-8.5g %.5g\n", 0, (double)w[0], (double)w[1], (double)(w[0] * w[1]));
    for (k = 1; k <= 5; k++) {
        float g[2];
        g[0] = w[1]; /* df/dx = y */
        g[1] = w[0]; /* df/dy = x */
        must(tmlp_optim_step(&o, w, g, NULL, 2, &step), "xy ascent step");
        printf("   %4d  %-8.5g %-8.5g %.5g\n", k, (double)w[0], (double)w[1],
               (double)(w[0] * w[1]));
    }
    printf("   f rises at every step (the note rounds f at step 2 to -4.49).\n\n");
}

/* ---- 3. x^4 - 5x^2 - 3x: local and global minimum ----------------------- */

static float quartic(float x)
{
    return x * x * x * x - 5.0f * x * x - 3.0f * x;
}

static float quartic_grad(float x)
{
    return 4.0f * x * x * x - 10.0f * x - 3.0f;
}

/* 1000 steps of lr 0.01 from x0 with the given optimizer. */
static float quartic_descent(float x0, const tmlp_optim_t *o)
{
    float x = x0, state = 0.0f;
    uint32_t step = 0;
    int k;
    for (k = 0; k < 1000; k++) {
        float g = quartic_grad(x);
        must(tmlp_optim_step(o, &x, &g, &state, 1, &step), "quartic step");
    }
    return x;
}

static const char *which_minimum(float x)
{
    float g = quartic_grad(x);
    if (g > 1e-3f || g < -1e-3f) {
        return "not converged";
    }
    return x < 0.0f ? "local" : "global";
}

static void quartic_minima(void)
{
    static const float starts[] = {-3.0f, -2.5f, -2.0f, -1.0f, -0.5f, 0.0f, 1.0f, 3.0f};
    tmlp_optim_t plain = sgd(0.01f, 0.0f), heavy = sgd(0.01f, 0.9f);
    size_t i;
    printf("3. f(x) = x^4 - 5x^2 - 3x, f'(x) = 4x^3 - 10x - 3; 1000 steps of lr 0.01\n");
    printf("   x0     | plain SGD                    | SGD momentum 0.9\n");
    printf("          | x end     f(x)     minimum   | x end     f(x)     minimum\n");
    for (i = 0; i < sizeof starts / sizeof starts[0]; i++) {
        float a = quartic_descent(starts[i], &plain);
        float b = quartic_descent(starts[i], &heavy);
        printf("   %-6g | %-9.5f %-8.4f %-9s | %-9.5f %-8.4f %s\n", (double)starts[i],
               (double)a, (double)quartic(a), which_minimum(a), (double)b, (double)quartic(b),
               which_minimum(b));
    }
    printf("   Minima: x = -1.4018 (local, f = -1.76) and x = 1.7139 (global, f = -11.20),\n"
           "   split by the local maximum at x = -0.3019. Plain GD ends in the minimum of\n"
           "   the basin it starts in. Momentum 0.9 gathers speed: it carries -3 and -2.5\n"
           "   over the hump into the global minimum, but from 3 it overshoots the other\n"
           "   way, into the local one. Momentum changes where GD ends; it does not\n"
           "   guarantee the global minimum.\n\n");
}

/* ---- 4. 2x^2 + y^2: learning rate too small, right, too large ------------ */

static void ellipse_rates(void)
{
    static const float lrs[] = {0.001f, 0.1f, 0.3f, 0.45f, 0.55f, 1.1f};
    static const char *const verdict[] = {"too small", "fine", "about best", "zig-zags",
                                          "too large", "too large"};
    size_t i;
    printf("4. f(x, y) = 2x^2 + y^2, grad = (4x, 2y), from (1, 1), up to 2000 steps\n");
    printf("   lr     f(10 steps) f(100 steps) |grad|<=1e-4 at  result\n");
    for (i = 0; i < sizeof lrs / sizeof lrs[0]; i++) {
        tmlp_optim_t o = sgd(lrs[i], 0.0f);
        float w[2] = {1.0f, 1.0f}, f10 = 0.0f, f100 = 0.0f;
        uint32_t step = 0;
        int k, converged = 0, unchanged = 0;
        tmlp_status_t st = TMLP_OK;
        for (k = 1; k <= 2000; k++) {
            float g[2], f, before[2];
            before[0] = w[0];
            before[1] = w[1];
            g[0] = 4.0f * w[0];
            g[1] = 2.0f * w[1];
            if (!converged && g[0] * g[0] + g[1] * g[1] <= 1e-8f) {
                converged = k - 1;
            }
            st = tmlp_optim_step(&o, w, g, NULL, 2, &step);
            if (st != TMLP_OK) {
                unchanged = memcmp(before, w, sizeof w) == 0;
                break;
            }
            f = 2.0f * w[0] * w[0] + w[1] * w[1];
            if (k == 10) {
                f10 = f;
            }
            if (k == 100) {
                f100 = f;
            }
        }
        printf("   %-6g %-11.4g ", (double)lrs[i], (double)f10);
        if (step >= 100u) {
            if (is_finite(f100)) {
                printf("%-12.4g ", (double)f100);
            } else {
                printf("%-12s ", "overflow");
            }
        } else {
            printf("%-12s ", "-");
        }
        if (converged) {
            printf("step %-10d ", converged);
        } else {
            printf("%-15s ", "never");
        }
        if (st == TMLP_OK) {
            printf("%s\n", verdict[i]);
        } else {
            printf("%s: step %lu refused\n%51s(%s), w %s, x = %.3g\n", verdict[i],
                   (unsigned long)step + 1ul, "", tmlp_status_str(st),
                   unchanged ? "unchanged" : "CHANGED", (double)w[0]);
        }
    }
    printf("   x shrinks by |1 - 4 lr| and y by |1 - 2 lr| per step: GD converges for\n"
           "   lr < 0.5 (fastest at lr = 1/3) and diverges beyond. When the numbers grow\n"
           "   out of float range the library returns TMLP_ERR_NUMERIC and leaves w as\n"
           "   it was (finite); a training loop should stop there, not carry on.\n");
}

int main(void)
{
    x_squared();
    xy_ascent();
    quartic_minima();
    ellipse_rates();
    return 0;
}
