/* SPDX-License-Identifier: MIT */
/* Suites of tests/test_cover_*.c: error and edge paths that the other suites
 * leave uncovered (see docs/quality.md, `make coverage`). */
#ifndef TMLP_TEST_COVER_H
#define TMLP_TEST_COVER_H

void suite_cover(void);         /* test_cover_api.c: runs both */
void suite_cover_numeric(void); /* test_cover_numeric.c: hostile numbers */

#endif
