/* Unit tests of Pacemaker-compatible durations (lib/common/duration.c): every accepted
 * unit spelling, ISO 8601 durations, whitespace, rejections and 64-bit overflow. */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>

#include <glib.h>

#include "common/duration.h"

#define SEC UINT64_C(1000)
#define MINUTE (60 * SEC)
#define HOUR (60 * MINUTE)
#define DAY (24 * HOUR)
#define WEEK (7 * DAY)

/* Output parameters must not be written on failure: they are preset to this. */
#define SENTINEL UINT64_C(0x5e5e5e5e5e5e5e5e)

typedef struct duration_case {
	const char *text;
	uint64_t ms;
} duration_case;

static void check_ok(const duration_case *cases, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		uint64_t ms = SENTINEL;
		int r = vigil_duration_parse_ms(cases[i].text, &ms);

		if (r != 0 || ms != cases[i].ms)
			g_test_message("parse '%s': %d, %" G_GUINT64_FORMAT, cases[i].text, r, ms);
		g_assert_cmpint(r, ==, 0);
		g_assert_cmpuint(ms, ==, cases[i].ms);
	}
}

static void check_fails(const char *const *texts, size_t n, int expected)
{
	for (size_t i = 0; i < n; i++) {
		uint64_t ms = SENTINEL;
		int r = vigil_duration_parse_ms(texts[i], &ms);

		if (r != expected || ms != SENTINEL)
			g_test_message("parse '%s' must fail with %d: %d, %" G_GUINT64_FORMAT,
				       texts[i], expected, r, ms);
		g_assert_cmpint(r, ==, expected);
		g_assert_cmpuint(ms, ==, SENTINEL);
	}
}

/* --- plain numbers and units ------------------------------------------------------------ */

static void test_bare_seconds(void)
{
	static const duration_case cases[] = {
		{ "0", 0 },        { "1", SEC },        { "10", 10 * SEC },  { "60", 60 * SEC },
		{ "007", 7 * SEC },  { "3600", HOUR },     { "86400", DAY },
		{ "000000000000000000000000000000000000000010", 10 * SEC },
	};

	check_ok(cases, G_N_ELEMENTS(cases));
}

static void test_units(void)
{
	static const duration_case cases[] = {
		/* seconds */
		{ "10s", 10 * SEC },       { "10sec", 10 * SEC },     { "0s", 0 },
		{ "1s", SEC },             { "1sec", SEC },
		/* milliseconds */
		{ "30000ms", 30 * SEC },   { "30000msec", 30 * SEC }, { "1ms", 1 },
		{ "0ms", 0 },            { "999ms", 999 },        { "1001msec", 1001 },
		/* microseconds, rounded down to milliseconds */
		{ "500us", 0 },          { "999us", 0 },          { "1000us", 1 },
		{ "1500us", 1 },         { "1999usec", 1 },       { "2000usec", 2 },
		{ "0us", 0 },            { "1us", 0 },            { "123456789us", 123456 },
		/* minutes */
		{ "1m", MINUTE },           { "1min", MINUTE },         { "90m", 90 * MINUTE },
		{ "0min", 0 },
		/* hours */
		{ "2h", 2 * HOUR },         { "2hr", 2 * HOUR },        { "1h", HOUR },
		{ "24hr", DAY },
	};

	check_ok(cases, G_N_ELEMENTS(cases));
}

static void test_units_case(void)
{
	static const duration_case cases[] = {
		{ "10S", 10 * SEC },     { "10SEC", 10 * SEC },   { "10Sec", 10 * SEC },
		{ "10sEc", 10 * SEC },   { "5MS", 5 },          { "5Ms", 5 },
		{ "5mS", 5 },          { "5MSEC", 5 },        { "5MsEc", 5 },
		{ "3000US", 3 },       { "3000Us", 3 },       { "3000USEC", 3 },
		{ "1M", MINUTE },         { "1MIN", MINUTE },       { "1Min", MINUTE },
		{ "2H", 2 * HOUR },       { "2HR", 2 * HOUR },      { "2Hr", 2 * HOUR },
	};

	check_ok(cases, G_N_ELEMENTS(cases));
}

static void test_whitespace(void)
{
	static const duration_case cases[] = {
		{ " 10", 10 * SEC },        { "10 ", 10 * SEC },        { " 10 ", 10 * SEC },
		{ "\t10\t", 10 * SEC },     { "\n10\n", 10 * SEC },     { "10 s", 10 * SEC },
		{ " 10 s ", 10 * SEC },     { "10\ts", 10 * SEC },      { "  10  sec  ", 10 * SEC },
		{ "30000 ms", 30 * SEC },   { "1 min", MINUTE },         { "2 hr", 2 * HOUR },
		{ "1500 us", 1 },         { "\r\n 5 \v ms \f", 5 },
	};

	check_ok(cases, G_N_ELEMENTS(cases));
}

/* --- ISO 8601 ---------------------------------------------------------------------------- */

static void test_iso8601(void)
{
	static const duration_case cases[] = {
		{ "PT10S", 10 * SEC },         { "P1DT2H", DAY + 2 * HOUR },
		{ "PT1M30S", MINUTE + 30 * SEC }, { "P1W", WEEK },
		{ "PT0S", 0 },               { "PT1S", SEC },
		{ "PT1M", MINUTE },             { "PT1H", HOUR },
		{ "P1D", DAY },                { "P2W", 2 * WEEK },
		{ "PT90S", 90 * SEC },         { "PT36H", 36 * HOUR },
		{ "PT1H1M1S", HOUR + MINUTE + SEC }, { "P1DT1H1M1S", DAY + HOUR + MINUTE + SEC },
		{ "P1W1D", WEEK + DAY },          { "P0D", 0 },
		{ "PT007S", 7 * SEC },         { "P1DT0H", DAY },
		/* case-insensitive designators */
		{ "pt10s", 10 * SEC },         { "Pt10S", 10 * SEC },
		{ "pT1m30s", MINUTE + 30 * SEC }, { "p1w", WEEK },
		{ "p1dt2h", DAY + 2 * HOUR },
		/* leading whitespace */
		{ " PT10S", 10 * SEC },        { "\tP1D", DAY },
	};

	check_ok(cases, G_N_ELEMENTS(cases));
}

/* In the date part M is months, in the time part minutes. */
static void test_iso8601_months_minutes(void)
{
	uint64_t months = SENTINEL, minutes = SENTINEL, years = SENTINEL;

	g_assert_cmpint(vigil_duration_parse_ms("PT1M", &minutes), ==, 0);
	g_assert_cmpuint(minutes, ==, MINUTE);
	g_assert_cmpint(vigil_duration_parse_ms("P1M", &months), ==, 0);
	g_assert_cmpuint(months, >=, 28 * DAY);
	g_assert_cmpuint(months, <=, 31 * DAY);
	g_assert_cmpint(vigil_duration_parse_ms("P1Y", &years), ==, 0);
	g_assert_cmpuint(years, >=, 365 * DAY);
	g_assert_cmpuint(years, <=, 366 * DAY);
}

static void test_iso8601_rejects(void)
{
	static const char *const texts[] = {
		"P",        "PT",       "p",        "pt",       "P T",
		"PS",       "PTS",      "P1",       "PT1",      "P10",
		"PT1.5S",   "PT1,5S",   "P1.5D",    "PT-1S",    "P-1D",
		"P1S",      "P1H",      "PT1D",     "PT1W",     "PT1Y",
		"P1X",      "PT1X",     "PT10S5",   "PT10Sx",   "PTT1S",
		"P1DTT1H",  "P 1D",     "PT 10S",   "PT10 S",   "1PT10S",
		"PP1D",     "P1D P1D",  "P+1D",     "PT+10S",
	};

	check_fails(texts, G_N_ELEMENTS(texts), -EINVAL);
}

/* --- rejections -------------------------------------------------------------------------- */

static void test_rejects(void)
{
	static const char *const texts[] = {
		/* from the header */
		"1.5s",      "5sx",       "",          "-1",        "s",
		/* more malformed numbers */
		" ",         "\t\n",      "-0",        "+1",        "+10s",
		"-10s",      "1.5",       ".5s",       "1.",        "1e3",
		"1e3ms",     "0x10",      "1,000",     "1_000ms",   "1 000",
		"10 5s",     "abc",       "ms",        "sec",       "min",
		"h",         "us",
		/* unknown or misspelled units */
		"10x",       "10ss",      "10secs",    "10seconds", "10mss",
		"10msecs",   "10mins",    "10minute",  "10hrs",     "10hour",
		"10d",       "10day",     "10w",       "10y",       "10ns",
		"10µs",      "10u",       "10hs",      "10mn",      "10se",
		"10mse",     "10use",     "10h r",     "10m s",     "10s ec",
		/* trailing garbage */
		"10s x",     "10s5",      "10 s s",    "10s\x01",   "10\x01",
		"10s.",      "10s;",      "10-",       "10s-1",
	};

	check_fails(texts, G_N_ELEMENTS(texts), -EINVAL);
}

static void test_rejects_null(void)
{
	uint64_t ms = SENTINEL;

	g_assert_cmpint(vigil_duration_parse_ms(NULL, &ms), ==, -EINVAL);
	g_assert_cmpuint(ms, ==, SENTINEL);
}

/* --- 64-bit limits ----------------------------------------------------------------------- */

static void test_large_values(void)
{
	static const duration_case cases[] = {
		/* the largest exact values of each unit */
		{ "18446744073709551ms", UINT64_C(18446744073709551) },
		{ "18446744073709551s", UINT64_C(18446744073709551000) },
		{ "307445734561825m", UINT64_C(307445734561825) * MINUTE },
		{ "5124095576030h", UINT64_C(5124095576030) * HOUR },
		{ "PT18446744073709551S", UINT64_C(18446744073709551000) },
		{ "P30500568904W", UINT64_C(30500568904) * WEEK },
		/* large but in range */
		{ "1000000000000000000ms", UINT64_C(1000000000000000000) },
		{ "18446744073709551609ms", UINT64_C(18446744073709551609) },
		{ "18446744073709551609us", UINT64_C(18446744073709551) },
		{ "P213503982334D", UINT64_C(213503982334) * DAY },
	};

	check_ok(cases, G_N_ELEMENTS(cases));
}

static void test_overflow(void)
{
	static const char *const texts[] = {
		/* the number itself does not fit in 64 bits */
		"18446744073709551616",   "18446744073709551616ms", "18446744073709551616us",
		"99999999999999999999",   "99999999999999999999ms", "999999999999999999999999s",
		"PT18446744073709551616S", "P99999999999999999999D",
		/* the number fits, its value in milliseconds does not */
		"18446744073709552",      "18446744073709552s",     "18446744073709552sec",
		"307445734561826m",       "307445734561826min",     "5124095576031h",
		"5124095576031hr",        "1000000000000000000s",   "18446744073709551615s",
		"PT18446744073709552S",   "P30500568905W",          "P213503982335D",
		"PT5124095576031H",
		/* each part fits, their sum does not */
		"P30500568904W30500568904D", "PT5124095576030H60M",
		"P213503982334DT24H",
	};

	check_fails(texts, G_N_ELEMENTS(texts), -ERANGE);
}

/* Numbers of 20 digits up to UINT64_MAX fit in 64 bits and must be accepted. */
static void test_uint64_max(void)
{
	static const duration_case cases[] = {
		{ "18446744073709551615ms", UINT64_MAX },
		{ "18446744073709551610msec", UINT64_C(18446744073709551610) },
		{ "18446744073709551615us", UINT64_C(18446744073709551) },
	};

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		uint64_t ms = SENTINEL;
		int r = vigil_duration_parse_ms(cases[i].text, &ms);

		g_assert_cmpint(r, ==, 0);
		g_assert_cmpuint(ms, ==, cases[i].ms);
	}
}

/* ISO 8601: each designator once, in order; a 'T' needs a time part; blanks around. */
static void test_iso_strict(void)
{
	static const char *const bad[] = { "P1DT", "PT1S1M", "PT1H1H", "P1D1Y", "P1M1M",
					   "PT", "P1DT1D", "PT1H 1M", "P 1D" };
	static const duration_case good[] = {
		{ "PT10S ", 10000 }, { " PT10S", 10000 }, { "P1Y1M1W1DT1H1M1S",
		  365 * 86400000ULL + 30 * 86400000ULL + 7 * 86400000ULL + 86400000ULL +
		  3600000ULL + 60000ULL + 1000ULL },
	};

	for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
		uint64_t ms = SENTINEL;

		if (vigil_duration_parse_ms(bad[i], &ms) != -EINVAL)
			g_test_message("'%s' was not refused", bad[i]);
		g_assert_cmpint(vigil_duration_parse_ms(bad[i], &ms), ==, -EINVAL);
		g_assert_cmpuint(ms, ==, SENTINEL);
	}
	for (size_t i = 0; i < G_N_ELEMENTS(good); i++) {
		uint64_t ms = SENTINEL;

		g_assert_cmpint(vigil_duration_parse_ms(good[i].text, &ms), ==, 0);
		g_assert_cmpuint(ms, ==, good[i].ms);
	}
}

/* Every unit agrees with every other on the same duration. */
static void test_equivalences(void)
{
	static const char *const groups[][8] = {
		{ "90", "90s", "90sec", "90000ms", "90000msec", "90000000us", "PT90S", "PT1M30S" },
		{ "3600", "60m", "60min", "1h", "1hr", "PT1H", "PT60M", "PT3600S" },
		{ "604800", "168h", "10080min", "P7D", "P1W", "PT168H", "P6DT24H", "604800000ms" },
	};

	for (size_t g = 0; g < G_N_ELEMENTS(groups); g++) {
		uint64_t first = SENTINEL;

		g_assert_cmpint(vigil_duration_parse_ms(groups[g][0], &first), ==, 0);
		for (size_t i = 1; i < G_N_ELEMENTS(groups[g]); i++) {
			uint64_t ms = SENTINEL;

			if (vigil_duration_parse_ms(groups[g][i], &ms) != 0 || ms != first)
				g_test_message("'%s' != '%s'", groups[g][i], groups[g][0]);
			g_assert_cmpint(vigil_duration_parse_ms(groups[g][i], &ms), ==, 0);
			g_assert_cmpuint(ms, ==, first);
		}
	}
}

/* Bare numbers, "s" and "ms" agree over a sweep; "us" rounds down. */
static void test_sweep(void)
{
	for (uint64_t n = 0; n < 5000000; n += 4999) {
		char text[48];
		uint64_t ms = SENTINEL;

		g_snprintf(text, sizeof(text), "%" G_GUINT64_FORMAT, n);
		g_assert_cmpint(vigil_duration_parse_ms(text, &ms), ==, 0);
		g_assert_cmpuint(ms, ==, n * SEC);
		g_snprintf(text, sizeof(text), "%" G_GUINT64_FORMAT "ms", n);
		g_assert_cmpint(vigil_duration_parse_ms(text, &ms), ==, 0);
		g_assert_cmpuint(ms, ==, n);
		g_snprintf(text, sizeof(text), "%" G_GUINT64_FORMAT "us", n);
		g_assert_cmpint(vigil_duration_parse_ms(text, &ms), ==, 0);
		g_assert_cmpuint(ms, ==, n / 1000);
		g_snprintf(text, sizeof(text), "PT%" G_GUINT64_FORMAT "S", n);
		g_assert_cmpint(vigil_duration_parse_ms(text, &ms), ==, 0);
		g_assert_cmpuint(ms, ==, n * SEC);
	}
}

/* The parser reads only up to the terminating NUL, whatever follows in memory. */
static void test_no_overread(void)
{
	char *buf = g_malloc(4);
	uint64_t ms = SENTINEL;

	memcpy(buf, "10s", 4);
	g_assert_cmpint(vigil_duration_parse_ms(buf, &ms), ==, 0);
	g_assert_cmpuint(ms, ==, 10 * SEC);
	memcpy(buf, "PT1", 4);
	ms = SENTINEL;
	g_assert_cmpint(vigil_duration_parse_ms(buf, &ms), ==, -EINVAL);
	g_assert_cmpuint(ms, ==, SENTINEL);
	g_free(buf);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);

	g_test_add_func("/duration/bare-seconds", test_bare_seconds);
	g_test_add_func("/duration/units", test_units);
	g_test_add_func("/duration/units-case", test_units_case);
	g_test_add_func("/duration/whitespace", test_whitespace);
	g_test_add_func("/duration/iso8601", test_iso8601);
	g_test_add_func("/duration/iso8601/months-minutes", test_iso8601_months_minutes);
	g_test_add_func("/duration/iso8601/rejects", test_iso8601_rejects);
	g_test_add_func("/duration/rejects", test_rejects);
	g_test_add_func("/duration/rejects-null", test_rejects_null);
	g_test_add_func("/duration/large-values", test_large_values);
	g_test_add_func("/duration/overflow", test_overflow);
	g_test_add_func("/duration/uint64-max", test_uint64_max);
	g_test_add_func("/duration/iso-strict", test_iso_strict);
	g_test_add_func("/duration/equivalences", test_equivalences);
	g_test_add_func("/duration/sweep", test_sweep);
	g_test_add_func("/duration/no-overread", test_no_overread);

	return g_test_run();
}
