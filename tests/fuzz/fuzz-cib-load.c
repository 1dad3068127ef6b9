/* libFuzzer target for the CIB loader: vigil_cib_parse() on arbitrary bytes.
 *
 * Besides "no crash, no leak, no undefined behaviour", it checks the round-trip property
 * of whatever the loader accepts:
 *   parse(input) = A;  to_xml(A) = X1;  parse(X1) = B must succeed;  to_xml(B) = X2 == X1,
 * and the configuration digests of A and B agree. vigil_cib_verify() then runs on A (and
 * B) with a fixed time, so the run is deterministic. The fast status reader
 * (status-read.c) must give what the general reader gives: the same result, messages and
 * serialization. The reader without the schema (what vigild uses on copies the members
 * agreed on) takes any input without harm, and reads what passes the schema as the
 * reader with it does. Any broken property calls abort(),
 * which libFuzzer reports as a crash with the input that caused it.
 *
 * Build: 'make fuzz' (clang -fsanitize=fuzzer,address,undefined); run:
 * tests/fuzz/fuzz-cib.sh or see tests/fuzz/README.md. */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>
#include <libxml/parser.h>
#include <libxml/xmlerror.h>

#include "cib/cib.h"
#include "cib/cib-private.h"
#include "cib/verify.h"
#include "sched/sched.h"
#include "tests/canon.h"

/* 2023-11-14T22:13:20Z: a fixed "now" so that failure expiry does not depend on the clock. */
#define FUZZ_NOW INT64_C(1700000000)

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void quiet_generic(void *ctx, const char *msg, ...)
{
	(void)ctx;
	(void)msg;
}

/* Prints the first line where X1 and X2 differ. */
static void print_first_difference(const char *x1, size_t len1, const char *x2, size_t len2)
{
	size_t i = 0, line_start = 0;
	unsigned line = 1;

	while (i < len1 && i < len2 && x1[i] == x2[i]) {
		if (x1[i++] == '\n') {
			line++;
			line_start = i;
		}
	}
	fprintf(stderr, "first difference at line %u, byte %zu:\n", line, i);
	fprintf(stderr, "  first:  %.*s\n", (int)MIN(strcspn(x1 + line_start, "\n"), 300),
		x1 + line_start);
	fprintf(stderr, "  second: %.*s\n", (int)MIN(strcspn(x2 + line_start, "\n"), 300),
		x2 + line_start);
}

/* Prints what is needed to understand a broken property, then aborts. */
G_GNUC_NORETURN static void fail(const char *what, const char *x1, size_t len1, const char *x2,
				 size_t len2, GPtrArray *diags)
{
	fprintf(stderr, "fuzz-cib-load: %s\n", what);
	if (x1 != NULL && x2 != NULL)
		print_first_difference(x1, len1, x2, len2);
	for (guint i = 0; diags != NULL && i < diags->len; i++) {
		const vigil_diag *d = g_ptr_array_index(diags, i);

		fprintf(stderr, "  diag: line %u <%s>: %s\n", d->line,
			d->element ? d->element : "", d->message);
	}
	if (x1 != NULL)
		fprintf(stderr, "--- first serialization (%zu bytes) ---\n%.*s\n", len1,
			(int)MIN(len1, 8192), x1);
	if (x2 != NULL)
		fprintf(stderr, "--- second serialization (%zu bytes) ---\n%.*s\n", len2,
			(int)MIN(len2, 8192), x2);
	abort();
}

static unsigned count_severity(const GPtrArray *diags, vigil_severity sev)
{
	unsigned n = 0;

	for (guint i = 0; i < diags->len; i++)
		if (((const vigil_diag *)g_ptr_array_index(diags, i))->severity == sev)
			n++;
	return n;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	xmlInitParser();
	/* The loader asks libxml2 for structured errors; anything else it would print on its
	 * own (generic errors, e.g. from the RelaxNG compiler) only slows the fuzzer down. */
	xmlSetGenericErrorFunc(NULL, quiet_generic);
	return 0;
}

/* The scheduler must not crash, and must read and decide both copies alike. */
static void check_status_view(const vigil_cib *a, const vigil_cib *b, const char *x, size_t len)
{
	g_autoptr(vigil_sched) sa = NULL, sb = NULL;
	g_autoptr(GString) fa = g_string_new(NULL), fb = g_string_new(NULL);

	vigil_sched_unpack(a, FUZZ_NOW, &sa);
	vigil_sched_unpack(b, FUZZ_NOW, &sb);
	vigil_sched_format_status(sa, fa);
	vigil_sched_format_status(sb, fb);
	if (strcmp(fa->str, fb->str) != 0)
		fail("the status reads differently after the round trip", x, len, fb->str,
		     fb->len, NULL);
	g_string_truncate(fa, 0);
	g_string_truncate(fb, 0);
	vigil_sched_run(sa);
	vigil_sched_run(sb);
	vigil_sched_format_summary(sa, fa);
	vigil_sched_format_summary(sb, fb);
	if (strcmp(fa->str, fb->str) != 0)
		fail("the scheduler decides differently after the round trip", x, len, fb->str,
		     fb->len, NULL);
}

/* Loading and saving loses nothing: the input and the first save say the same, canonically. */
static void check_lossless(const char *in, size_t in_len, const char *x1, size_t len1)
{
	g_autofree char *a = vigil_test_canon(in, in_len);
	g_autofree char *b = vigil_test_canon(x1, len1);

	if (a == NULL || b == NULL || strcmp(a, b) != 0)
		fail("the saved CIB does not say what the input said", a, a ? strlen(a) : 0, b,
		     b ? strlen(b) : 0, NULL);
}

/* The fast status reader and the general one agree on DATA: same result and messages, and
 * the same serialization of what they read; so does reading with the configuration in a
 * second thread (FLAGS: VIGIL_CIB_PARSE_PARALLEL), which small inputs otherwise never take. */
static void check_reading_way(const uint8_t *data, size_t size, int r, const GPtrArray *diags,
			      const vigil_cib *cib, unsigned flags)
{
	g_autoptr(GPtrArray) gdiags = vigil_diags_new();
	g_autoptr(vigil_cib) general = NULL;
	g_autofree char *xa = NULL, *xb = NULL;
	size_t la = 0, lb = 0;
	int rg = vigil_cib_parse_flags((const char *)data, size, "fuzz-input", flags, gdiags,
				       &general);

	if (rg != r || gdiags->len != diags->len)
		fail("the fast status reader and the general reader disagree", NULL, 0, NULL, 0,
		     gdiags);
	for (guint i = 0; i < diags->len; i++) {
		const vigil_diag *a = g_ptr_array_index(diags, i);
		const vigil_diag *b = g_ptr_array_index(gdiags, i);

		if (a->line != b->line || strcmp(a->message, b->message) != 0)
			fail("the two readers give different messages", a->message,
			     strlen(a->message), b->message, strlen(b->message), NULL);
	}
	if (r < 0)
		return;
	if (vigil_cib_to_xml(cib, &xa, &la) < 0 || vigil_cib_to_xml(general, &xb, &lb) < 0)
		fail("vigil_cib_to_xml failed", NULL, 0, NULL, 0, NULL);
	if (la != lb || memcmp(xa, xb, la) != 0)
		fail("the two readers read different CIBs", xa, la, xb, lb, NULL);
}

/* The reader without the schema on DATA: no harm whatever DATA is (its CIB written out and
 * verified), and when the reader with the schema accepted DATA (X: what it read, written
 * out; NULL when it refused DATA), the same CIB. */
static void check_unvalidated(const uint8_t *data, size_t size, const char *x, size_t len)
{
	g_autoptr(GPtrArray) diags = vigil_diags_new();
	g_autoptr(GPtrArray) vdiags = vigil_diags_new();
	g_autoptr(vigil_cib) u = NULL;
	g_autofree char *xu = NULL;
	size_t lu = 0;
	int ru = vigil_cib_parse_unvalidated((const char *)data, size, "fuzz-input", diags, &u);

	if (ru < 0) {
		if (u != NULL || diags->len == 0)
			fail("the reader without the schema failed with a CIB or no message", NULL,
			     0, NULL, 0, diags);
		if (x != NULL)
			fail("the reader without the schema refused what passes the schema", NULL,
			     0, NULL, 0, diags);
		return;
	}
	if (u == NULL || vigil_cib_to_xml(u, &xu, &lu) < 0)
		fail("the reader without the schema gave no CIB that can be written", NULL, 0,
		     NULL, 0, diags);
	vigil_cib_verify(u, FUZZ_NOW, vdiags);
	if (x != NULL && (lu != len || memcmp(xu, x, lu) != 0))
		fail("the readers with and without the schema read different CIBs", x, len, xu,
		     lu, NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	g_autoptr(GPtrArray) diags = vigil_diags_new();
	g_autoptr(GPtrArray) diags2 = vigil_diags_new();
	g_autoptr(GPtrArray) vdiags = vigil_diags_new();
	g_autoptr(GPtrArray) vdiags2 = vigil_diags_new();
	g_autoptr(vigil_cib) cib = NULL;
	g_autoptr(vigil_cib) cib2 = NULL;
	g_autofree char *x1 = NULL, *x2 = NULL, *digest1 = NULL, *digest2 = NULL;
	size_t len1 = 0, len2 = 0;
	int r;

	r = vigil_cib_parse((const char *)data, size, "fuzz-input", diags, &cib);
	check_reading_way(data, size, r, diags, cib, VIGIL_CIB_PARSE_GENERAL_ONLY);
	check_reading_way(data, size, r, diags, cib, VIGIL_CIB_PARSE_PARALLEL);
	if (r < 0) {
		check_unvalidated(data, size, NULL, 0);
		if (cib != NULL)
			fail("vigil_cib_parse failed but returned a CIB", NULL, 0, NULL, 0, diags);
		if (diags->len == 0)
			fail("vigil_cib_parse failed without a diagnostic", NULL, 0, NULL, 0, NULL);
		return 0;
	}
	if (cib == NULL)
		fail("vigil_cib_parse succeeded without a CIB", NULL, 0, NULL, 0, diags);

	/* Round trip: what we write, we must read back, and write again identically. */
	if (vigil_cib_to_xml(cib, &x1, &len1) < 0)
		fail("vigil_cib_to_xml failed on a loaded CIB", NULL, 0, NULL, 0, NULL);
	if (x1 == NULL || strlen(x1) != len1)
		fail("vigil_cib_to_xml returned a bad length", x1, len1, NULL, 0, NULL);
	check_unvalidated(data, size, x1, len1);
	r = vigil_cib_parse(x1, len1, "fuzz-round-trip", diags2, &cib2);
	if (r < 0)
		fail("the serialization of a loaded CIB does not load", x1, len1, NULL, 0, diags2);
	if (vigil_cib_to_xml(cib2, &x2, &len2) < 0)
		fail("vigil_cib_to_xml failed on the reloaded CIB", x1, len1, NULL, 0, NULL);
	if (len1 != len2 || memcmp(x1, x2, len1) != 0)
		fail("serialize(parse(serialize(cib))) != serialize(cib)", x1, len1, x2, len2,
		     NULL);
	if (vigil_cib_version_cmp(&cib->version, &cib2->version) != 0)
		fail("the version changed in the round trip", x1, len1, x2, len2, NULL);

	/* The configuration digest ignores formatting: it must survive the round trip. */
	if (vigil_cib_digest(cib, &digest1) < 0 || vigil_cib_digest(cib2, &digest2) < 0)
		fail("vigil_cib_digest failed", x1, len1, NULL, 0, NULL);
	if (strcmp(digest1, digest2) != 0)
		fail("the configuration digest changed in the round trip", x1, len1, x2, len2,
		     NULL);

	/* Semantic checks must not crash, and must judge both copies alike. */
	vigil_cib_verify(cib, FUZZ_NOW, vdiags);
	vigil_cib_verify(cib2, FUZZ_NOW, vdiags2);
	if (count_severity(vdiags, VIGIL_ERROR) != count_severity(vdiags2, VIGIL_ERROR) ||
	    count_severity(vdiags, VIGIL_WARNING) != count_severity(vdiags2, VIGIL_WARNING)) {
		fprintf(stderr, "verify of the input:\n");
		for (guint i = 0; i < vdiags->len; i++)
			fprintf(stderr, "  %s\n",
				((const vigil_diag *)g_ptr_array_index(vdiags, i))->message);
		fail("vigil_cib_verify judges the reloaded CIB differently", x1, len1, NULL, 0,
		     vdiags2);
	}
	check_status_view(cib, cib2, x1, len1);
	check_lossless((const char *)data, size, x1, len1);
	return 0;
}
