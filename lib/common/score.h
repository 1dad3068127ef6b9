/* Pacemaker-compatible scores: integers clamped to [-INFINITY, +INFINITY]. */
#pragma once

#include <stdbool.h>

/* Pacemaker's INFINITY: any score at or beyond it is infinite. */
#define VIGIL_SCORE_INFINITY 1000000

/* Parses "INFINITY", "+INFINITY", "-INFINITY" (capitals, as Pacemaker) or a decimal integer,
 * clamped to +-INFINITY. Returns 0 or -EINVAL (empty, blanks around it, trailing garbage). */
int vigil_score_parse(const char *text, int *ret_score);

/* Saturating addition, as Pacemaker adds scores: -INFINITY wins over +INFINITY. */
int vigil_score_add(int a, int b);

/* Formats SCORE as Pacemaker prints it ("INFINITY", "-INFINITY", "42") into BUF. */
const char *vigil_score_str(int score, char buf[static 16]);
