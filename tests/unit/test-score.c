/* Unit tests of Pacemaker-compatible scores (lib/common/score.c): parsing every accepted
 * spelling, rejections, clamping to +-INFINITY, saturating addition and formatting. */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <string.h>

#include <glib.h>

#include "common/score.h"

#define INF VIGIL_SCORE_INFINITY

/* Output parameters must not be written on failure: they are preset to this. */
#define SENTINEL 424242

typedef struct score_case {
	const char *text;
	int expected;
} score_case;

static void check_parse_ok(const score_case *cases, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int score = SENTINEL;
		int r = vigil_score_parse(cases[i].text, &score);

		if (r != 0 || score != cases[i].expected)
			g_test_message("parse '%s': %d, %d", cases[i].text, r, score);
		g_assert_cmpint(r, ==, 0);
		g_assert_cmpint(score, ==, cases[i].expected);
	}
}

static void check_parse_fails(const char *const *texts, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int score = SENTINEL;
		int r = vigil_score_parse(texts[i], &score);

		if (r != -EINVAL || score != SENTINEL)
			g_test_message("parse '%s' must fail: %d, %d", texts[i], r, score);
		g_assert_cmpint(r, ==, -EINVAL);
		g_assert_cmpint(score, ==, SENTINEL);
	}
}

/* --- parsing ---------------------------------------------------------------------------- */

static void test_parse_infinity(void)
{
	static const score_case cases[] = {
		{ "INFINITY", INF },   { "+INFINITY", INF },  { "-INFINITY", -INF },
	};

	check_parse_ok(cases, G_N_ELEMENTS(cases));
}

static void test_parse_integers(void)
{
	static const score_case cases[] = {
		{ "0", 0 },           { "1", 1 },               { "-1", -1 },
		{ "+1", 1 },          { "-0", 0 },              { "+0", 0 },
		{ "42", 42 },         { "-42", -42 },           { "007", 7 },
		{ "-007", -7 },       { "100", 100 },           { "5000", 5000 },
		{ "999999", 999999 }, { "-999999", -999999 },   { "123456", 123456 },
		{ "000000000000000000000000000005", 5 },
	};

	check_parse_ok(cases, G_N_ELEMENTS(cases));
}

static void test_parse_clamped(void)
{
	static const score_case cases[] = {
		{ "1000000", INF },
		{ "-1000000", -INF },
		{ "1000001", INF },
		{ "-1000001", -INF },
		{ "+1000001", INF },
		{ "2147483647", INF },
		{ "-2147483648", -INF },
		{ "2147483648", INF },   /* beyond int */
		{ "-2147483649", -INF },
		{ "4294967296", INF },   /* would wrap to 0 in 32 bits */
		{ "4294967297", INF },   /* would wrap to 1 */
		{ "9223372036854775807", INF },
		{ "-9223372036854775808", -INF },
		{ "9223372036854775808", INF }, /* beyond long long: saturates */
		{ "-9223372036854775809", -INF },
		{ "18446744073709551617", INF }, /* would wrap to 1 in 64 bits */
		{ "99999999999999999999999999999999999999", INF },
		{ "-99999999999999999999999999999999999999", -INF },
	};

	check_parse_ok(cases, G_N_ELEMENTS(cases));
}

static void test_parse_rejects(void)
{
	static const char *const texts[] = {
		"",             /* empty */
		"+",            "-",            "++1",          "--1",
		"+-1",          "-+1",          "1-",           "1+",
		"abc",          "1a",           "a1",           "12abc",
		"1.5",          "1.0",          ".5",           "1e3",
		"1,000",        "1_000",        "0x10",         "0x",
		"5 ",           "5\n",          "5\t",         " 5",           "\t-5",
		"INF",          "INFINIT",      "INFINITYY",    "INFINITY ",
		"INFINITY1",    "1INFINITY",    "+-INFINITY",   "--INFINITY",
		"++INFINITY",   "- INFINITY",   "+ INFINITY",   "INFINITY-",
		"-INFINITY ",   "infinity\n",   "NaN",          "inf",
		"-inf",         "INFINITY\t",
		/* Pacemaker spells infinity in capitals only (pcmk_str_is_infinity) */
		"infinity",     "Infinity",     "+infinity",    "-infinity",    "-Infinity",
	};

	check_parse_fails(texts, G_N_ELEMENTS(texts));
}

static void test_parse_rejects_null(void)
{
	int score = SENTINEL;

	g_assert_cmpint(vigil_score_parse(NULL, &score), ==, -EINVAL);
	g_assert_cmpint(score, ==, SENTINEL);
}

/* Every integer from -INFINITY-2 to INFINITY+2 in steps, printed and parsed back. */
static void test_parse_sweep(void)
{
	for (long long v = -(long long)INF - 2; v <= (long long)INF + 2; v += 997) {
		char text[32];
		int score = SENTINEL;
		long long expected = CLAMP(v, -(long long)INF, (long long)INF);

		g_snprintf(text, sizeof(text), "%lld", v);
		g_assert_cmpint(vigil_score_parse(text, &score), ==, 0);
		g_assert_cmpint(score, ==, (int)expected);
	}
}

/* --- addition --------------------------------------------------------------------------- */

typedef struct add_case {
	int a, b, expected;
} add_case;

static void test_add_table(void)
{
	static const add_case cases[] = {
		/* infinities: -INFINITY beats +INFINITY */
		{ INF, -INF, -INF },
		{ -INF, INF, -INF },
		{ INF, INF, INF },
		{ -INF, -INF, -INF },
		/* infinity absorbs any finite score */
		{ INF, 0, INF },
		{ 0, INF, INF },
		{ INF, -999999, INF },
		{ -999999, INF, INF },
		{ INF, 999999, INF },
		{ -INF, 0, -INF },
		{ 0, -INF, -INF },
		{ -INF, 999999, -INF },
		{ 999999, -INF, -INF },
		{ -INF, -999999, -INF },
		{ INF, -1, INF },
		{ -INF, 1, -INF },
		/* finite sums */
		{ 0, 0, 0 },
		{ 1, 2, 3 },
		{ -1, -2, -3 },
		{ 5, -5, 0 },
		{ 100, -250, -150 },
		{ 999998, 1, 999999 },
		{ -999998, -1, -999999 },
		{ 999999, -999999, 0 },
		/* finite sums that reach or pass infinity saturate */
		{ 999999, 1, INF },
		{ -999999, -1, -INF },
		{ 500000, 500000, INF },
		{ -500000, -500000, -INF },
		{ 600000, 600000, INF },
		{ -600000, -600000, -INF },
		{ 999999, 999999, INF },
		{ -999999, -999999, -INF },
		/* out-of-range inputs count as infinite and do not overflow int */
		{ INT_MAX, INT_MAX, INF },
		{ INT_MIN, INT_MIN, -INF },
		{ INT_MAX, INT_MIN, -INF },
		{ INT_MIN, INT_MAX, -INF },
		{ INT_MAX, 0, INF },
		{ INT_MIN, 0, -INF },
		{ INT_MAX, -999999, INF },
		{ INT_MIN, 999999, -INF },
		{ INF + 1, -INF + 1, INF },
		{ 2 * INF, -5, INF },
		{ -2 * INF, 5, -INF },
		{ 2 * INF, -2 * INF, -INF },
	};

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		int s = vigil_score_add(cases[i].a, cases[i].b);

		if (s != cases[i].expected)
			g_test_message("%d + %d = %d", cases[i].a, cases[i].b, s);
		g_assert_cmpint(s, ==, cases[i].expected);
	}
}

/* Commutative, and always within [-INFINITY, +INFINITY], over a grid of interesting values. */
static void test_add_properties(void)
{
	static const int values[] = {
		INT_MIN, -2 * INF, -INF - 1, -INF, -INF + 1, -600000, -500000, -1000, -1, 0,
		1, 1000, 500000, 600000, INF - 1, INF, INF + 1, 2 * INF, INT_MAX,
	};

	for (size_t i = 0; i < G_N_ELEMENTS(values); i++) {
		for (size_t j = 0; j < G_N_ELEMENTS(values); j++) {
			int a = values[i], b = values[j];
			int s = vigil_score_add(a, b);
			long long exact = (long long)a + b;

			g_assert_cmpint(s, ==, vigil_score_add(b, a));
			g_assert_cmpint(s, >=, -INF);
			g_assert_cmpint(s, <=, INF);
			if (a <= -INF || b <= -INF)
				g_assert_cmpint(s, ==, -INF);
			else if (a >= INF || b >= INF)
				g_assert_cmpint(s, ==, INF);
			else
				g_assert_cmpint(s, ==, (int)CLAMP(exact, -(long long)INF,
								  (long long)INF));
		}
	}
}

/* Zero is the identity for every finite score. */
static void test_add_identity(void)
{
	for (int v = -INF + 1; v < INF; v += 1013)
		g_assert_cmpint(vigil_score_add(v, 0), ==, v);
}

/* --- formatting ------------------------------------------------------------------------- */

typedef struct str_case {
	int score;
	const char *expected;
} str_case;

static void test_str(void)
{
	static const str_case cases[] = {
		{ INF, "INFINITY" },
		{ -INF, "-INFINITY" },
		{ INF + 1, "INFINITY" },
		{ -INF - 1, "-INFINITY" },
		{ INT_MAX, "INFINITY" },
		{ INT_MIN, "-INFINITY" },
		{ 0, "0" },
		{ 1, "1" },
		{ -1, "-1" },
		{ 42, "42" },
		{ -42, "-42" },
		{ 999999, "999999" },
		{ -999999, "-999999" },
	};

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		char buf[16];
		const char *s;

		memset(buf, 'x', sizeof(buf));
		s = vigil_score_str(cases[i].score, buf);
		g_assert_true(s == buf);
		g_assert_cmpstr(s, ==, cases[i].expected);
	}
}

/* The longest possible output fits the 16-byte buffer and nothing beyond it is touched. */
static void test_str_bounds(void)
{
	static const int scores[] = { INT_MIN, -INF, -999999, INT_MAX };

	for (size_t i = 0; i < G_N_ELEMENTS(scores); i++) {
		char buf[24];

		memset(buf, '#', sizeof(buf));
		vigil_score_str(scores[i], buf);
		g_assert_cmpuint(strlen(buf), <, 16);
		for (size_t j = 16; j < sizeof(buf); j++)
			g_assert_cmpint(buf[j], ==, '#');
	}
}

/* str -> parse gives back the score, clamped; parse -> str gives a canonical spelling. */
static void test_str_round_trip(void)
{
	static const char *const canonical[][2] = {
		{ "INFINITY", "INFINITY" },   { "+INFINITY", "INFINITY" },
		{ "-INFINITY", "-INFINITY" }, { "+5", "5" },
		{ "-0", "0" },                { "007", "7" },
		{ "1000000", "INFINITY" },    { "-99999999999", "-INFINITY" },
	};

	for (int v = -INF - 3; v <= INF + 3; v += 7919) {
		char buf[16];
		int back = SENTINEL;

		g_assert_cmpint(vigil_score_parse(vigil_score_str(v, buf), &back), ==, 0);
		g_assert_cmpint(back, ==, CLAMP(v, -INF, INF));
	}
	for (size_t i = 0; i < G_N_ELEMENTS(canonical); i++) {
		char buf[16];
		int score = SENTINEL;

		g_assert_cmpint(vigil_score_parse(canonical[i][0], &score), ==, 0);
		g_assert_cmpstr(vigil_score_str(score, buf), ==, canonical[i][1]);
	}
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);

	g_test_add_func("/score/parse/infinity", test_parse_infinity);
	g_test_add_func("/score/parse/integers", test_parse_integers);
	g_test_add_func("/score/parse/clamped", test_parse_clamped);
	g_test_add_func("/score/parse/rejects", test_parse_rejects);
	g_test_add_func("/score/parse/rejects-null", test_parse_rejects_null);
	g_test_add_func("/score/parse/sweep", test_parse_sweep);
	g_test_add_func("/score/add/table", test_add_table);
	g_test_add_func("/score/add/properties", test_add_properties);
	g_test_add_func("/score/add/identity", test_add_identity);
	g_test_add_func("/score/str/values", test_str);
	g_test_add_func("/score/str/bounds", test_str_bounds);
	g_test_add_func("/score/str/round-trip", test_str_round_trip);

	return g_test_run();
}
