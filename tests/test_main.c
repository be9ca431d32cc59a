/* SPDX-License-Identifier: MIT */
/* Runs every suite; the same file is the entry point on the host and on the
 * Cortex-M targets under QEMU. */
#include "suites.h"
#include "tmlp_test.h"

int main(void)
{
    suite_fmath();
    suite_core();
    suite_optim();
    suite_gradcheck();
    suite_errors_optim();
    suite_errors_net();
    suite_errors_passes();
    suite_errors_loop();
    suite_worked_examples();
    suite_train();
    suite_small_train();
    suite_small_softmax();
    suite_small_arith();
    suite_small_api();
    suite_loop();
    suite_train_sample();
    suite_model();
    suite_finetune();
    suite_ckpt();
    suite_ckpt_weak();
    suite_examples();
    suite_contracts();
    suite_handles();
    suite_cover();
    return tmlp_test_report() != 0 ? 1 : 0;
}
