#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include <strings.h>

#include "common/duration.h"

#define MS_PER_S UINT64_C(1000)
#define MS_PER_MIN (60 * MS_PER_S)
#define MS_PER_H (60 * MS_PER_MIN)
#define MS_PER_D (24 * MS_PER_H)

struct unit {
	const char *name;
	uint64_t mul; /* milliseconds per unit, or 1 with div */
	uint64_t div;
};

static const struct unit units[] = {
	{ "", MS_PER_S, 1 },
	{ "ms", 1, 1 },     { "msec", 1, 1 },
	{ "us", 1, 1000 },  { "usec", 1, 1000 },
	{ "s", MS_PER_S, 1 }, { "sec", MS_PER_S, 1 },
	{ "m", MS_PER_MIN, 1 }, { "min", MS_PER_MIN, 1 },
	{ "h", MS_PER_H, 1 }, { "hr", MS_PER_H, 1 },
};

static const char *skip_space(const char *p)
{
	while (isspace((unsigned char)*p))
		p++;
	return p;
}

/* Reads decimal digits at *P into RET; advances *P. */
static int read_number(const char **p, uint64_t *ret)
{
	uint64_t v = 0;
	const char *s = *p;

	if (!isdigit((unsigned char)*s))
		return -EINVAL;
	for (; isdigit((unsigned char)*s); s++) {
		uint64_t d = (uint64_t)(*s - '0');

		if (v > UINT64_MAX / 10 || (v == UINT64_MAX / 10 && d > UINT64_MAX % 10))
			return -ERANGE;
		v = v * 10 + d;
	}
	*p = s;
	*ret = v;
	return 0;
}

static int mul_add(uint64_t *acc, uint64_t n, uint64_t mul)
{
	if (mul != 0 && n > (UINT64_MAX - *acc) / mul)
		return -ERANGE;
	*acc += n * mul;
	return 0;
}

/* Designators in the order ISO 8601 requires them, before and after 'T'. */
static const char date_designators[] = "YMWD";
static const char time_designators[] = "HMS";
static const uint64_t date_ms[] = { 365 * MS_PER_D, 30 * MS_PER_D, 7 * MS_PER_D, MS_PER_D };
static const uint64_t time_ms[] = { MS_PER_H, MS_PER_MIN, MS_PER_S };

/* ISO 8601 duration: P[nY][nM][nW][nD][T[nH][nM][nS]], integers only, each designator at
 * most once and in that order; a 'T' must be followed by a time component. */
static int parse_iso8601(const char *p, uint64_t *ret_ms)
{
	const char *order = date_designators;
	const uint64_t *mul = date_ms;
	uint64_t total = 0;
	size_t next = 0; /* index of the next allowed designator in ORDER */
	bool any = false, t_empty = false;
	int r;

	for (p++; *p != '\0' && !isspace((unsigned char)*p); ) {
		const char *d;
		uint64_t n;

		if (toupper((unsigned char)*p) == 'T' && order == date_designators) {
			order = time_designators;
			mul = time_ms;
			next = 0;
			t_empty = true;
			p++;
			continue;
		}
		r = read_number(&p, &n);
		if (r < 0)
			return r;
		d = *p != '\0' ? strchr(order + next, toupper((unsigned char)*p)) : NULL;
		if (d == NULL)
			return -EINVAL;
		r = mul_add(&total, n, mul[d - order]);
		if (r < 0)
			return r;
		next = (size_t)(d - order) + 1;
		any = true;
		t_empty = false;
		p++;
	}
	if (!any || t_empty || *skip_space(p) != '\0')
		return -EINVAL;
	*ret_ms = total;
	return 0;
}

int vigil_duration_parse_ms(const char *text, uint64_t *ret_ms)
{
	const char *p, *unit_end;
	uint64_t n, ms = 0;
	int r;

	if (text == NULL)
		return -EINVAL;
	p = skip_space(text);
	if (toupper((unsigned char)*p) == 'P')
		return parse_iso8601(p, ret_ms);
	r = read_number(&p, &n);
	if (r < 0)
		return r;
	p = skip_space(p);
	for (unit_end = p; isalpha((unsigned char)*unit_end); unit_end++)
		;
	if (*skip_space(unit_end) != '\0')
		return -EINVAL;
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		size_t len = (size_t)(unit_end - p);

		if (len != __builtin_strlen(units[i].name) || strncasecmp(p, units[i].name, len) != 0)
			continue;
		r = mul_add(&ms, n / units[i].div, units[i].mul);
		if (r < 0)
			return r;
		*ret_ms = ms;
		return 0;
	}
	return -EINVAL;
}
