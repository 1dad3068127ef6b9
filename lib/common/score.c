#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/score.h"

static int clamp(long long v)
{
	if (v >= VIGIL_SCORE_INFINITY)
		return VIGIL_SCORE_INFINITY;
	if (v <= -VIGIL_SCORE_INFINITY)
		return -VIGIL_SCORE_INFINITY;
	return (int)v;
}

int vigil_score_parse(const char *text, int *ret_score)
{
	char *end = NULL;
	long long v;

	if (text == NULL || *text == '\0' || isspace((unsigned char)*text))
		return -EINVAL;
	/* capitals only, as Pacemaker: "infinity" is no score at all */
	if (strcmp(text, "INFINITY") == 0 || strcmp(text, "+INFINITY") == 0) {
		*ret_score = VIGIL_SCORE_INFINITY;
		return 0;
	}
	if (strcmp(text, "-INFINITY") == 0) {
		*ret_score = -VIGIL_SCORE_INFINITY;
		return 0;
	}
	errno = 0;
	v = strtoll(text, &end, 10);
	/* no blanks on either side: scores are compared and written back as given */
	if (end == text || *end != '\0')
		return -EINVAL;
	/* strtoll saturates at LLONG_MIN/MAX with ERANGE: still a valid huge score. */
	*ret_score = clamp(v);
	return 0;
}

int vigil_score_add(int a, int b)
{
	if (a <= -VIGIL_SCORE_INFINITY || b <= -VIGIL_SCORE_INFINITY)
		return -VIGIL_SCORE_INFINITY;
	if (a >= VIGIL_SCORE_INFINITY || b >= VIGIL_SCORE_INFINITY)
		return VIGIL_SCORE_INFINITY;
	return clamp((long long)a + b);
}

const char *vigil_score_str(int score, char buf[static 16])
{
	if (score >= VIGIL_SCORE_INFINITY)
		return strcpy(buf, "INFINITY");
	if (score <= -VIGIL_SCORE_INFINITY)
		return strcpy(buf, "-INFINITY");
	snprintf(buf, 16, "%d", score);
	return buf;
}
