/* CIB library: load -> save -> load is lossless, versions and digests behave as
 * Pacemaker's, bad input is refused with a reason, never loaded as empty. */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <libxml/parser.h>

#include "cib/cib.h"
#include "cib/inject.h"
#include "cib/cib-private.h"
#include "cib/scan16.h"
#include "cib/schema.h"
#include "common/arena.h"
#include "tests/canon.h"

static const char *cases_dir;

static const char minimal_cib[] =
	"<cib admin_epoch=\"1\" epoch=\"7\" num_updates=\"3\" validate-with=\"pacemaker-3.0\">\n"
	"  <configuration>\n"
	"    <crm_config><cluster_property_set id=\"opts\">\n"
	"      <nvpair id=\"opts-stonith\" name=\"stonith-enabled\" value=\"false\"/>\n"
	"    </cluster_property_set></crm_config>\n"
	"    <nodes><node id=\"1\" uname=\"node1\"/></nodes>\n"
	"    <resources>\n"
	"      <primitive id=\"vip\" class=\"ocf\" provider=\"heartbeat\" type=\"IPaddr2\">\n"
	"        <instance_attributes id=\"vip-ia\">\n"
	"          <nvpair id=\"vip-ia-ip\" name=\"ip\" value=\"198.18.0.100\"/>\n"
	"        </instance_attributes>\n"
	"        <operations><op id=\"vip-mon\" name=\"monitor\" interval=\"30s\"/></operations>\n"
	"      </primitive>\n"
	"    </resources>\n"
	"    <constraints/>\n"
	"  </configuration>\n"
	"  <status/>\n"
	"</cib>\n";

static vigil_cib *parse_ok(const char *text)
{
	g_autoptr(GPtrArray) diags = vigil_diags_new();
	vigil_cib *cib = NULL;
	int r = vigil_cib_parse(text, strlen(text), "test.xml", diags, &cib);

	for (guint i = 0; r != 0 && i < diags->len; i++)
		g_test_message("%s", ((vigil_diag *)g_ptr_array_index(diags, i))->message);
	g_assert_cmpint(r, ==, 0);
	g_assert_nonnull(cib);
	return cib;
}

/* Loads FILE, saves it, and checks: the saved document says exactly what the input said
 * (canonically), and loading and saving again changes nothing, byte for byte. */
static void check_round_trip(const char *path)
{
	g_autofree char *orig = NULL, *once = NULL, *twice = NULL;
	g_autofree char *c_orig = NULL, *c_once = NULL;
	g_autoptr(vigil_cib) a = NULL, b = NULL;
	gsize orig_len = 0;
	size_t once_len = 0, twice_len = 0;

	g_assert_true(g_file_get_contents(path, &orig, &orig_len, NULL));
	a = parse_ok(orig);
	g_assert_cmpint(vigil_cib_to_xml(a, &once, &once_len), ==, 0);
	b = parse_ok(once);
	g_assert_cmpint(vigil_cib_to_xml(b, &twice, &twice_len), ==, 0);
	g_assert_cmpstr(once, ==, twice);
	c_orig = vigil_test_canon(orig, orig_len);
	g_assert_nonnull(c_orig);
	c_once = vigil_test_canon(once, once_len);
	g_assert_nonnull(c_once);
	g_assert_cmpstr(c_orig, ==, c_once);
}

static void test_round_trip_cases(void)
{
	g_autoptr(GDir) dir = NULL;
	const char *name;
	unsigned n = 0;

	if (cases_dir == NULL || !g_file_test(cases_dir, G_FILE_TEST_IS_DIR)) {
		/* under CI a missing input is a failure, never a silent skip */
		if (g_getenv("CI") != NULL)
			g_test_fail_printf("scheduler cases not found at '%s'", cases_dir);
		else
			g_test_skip("scheduler cases not found; set VIGIL_SCHEDULER_CASES");
		return;
	}
	dir = g_dir_open(cases_dir, 0, NULL);
	while ((name = g_dir_read_name(dir)) != NULL) {
		g_autofree char *path = g_build_filename(cases_dir, name, NULL);

		if (!g_str_has_suffix(name, ".xml"))
			continue;
		check_round_trip(path);
		n++;
	}
	g_test_message("%u scheduler inputs round-tripped", n);
	g_assert_cmpuint(n, >=, 152);
}

static void test_round_trip_minimal(void)
{
	g_autofree char *path = g_build_filename(g_get_tmp_dir(), "vigil-test-cib-XXXXXX", NULL);
	int fd = g_mkstemp(path);

	g_assert_cmpint(fd, >=, 0);
	g_assert_true(g_file_set_contents(path, minimal_cib, -1, NULL));
	check_round_trip(path);
	close(fd);
	unlink(path);
}

/* Unknown-but-valid Pacemaker elements survive verbatim, in place. */
static void test_kept_verbatim(void)
{
	static const char text[] =
		"<cib admin_epoch=\"0\" epoch=\"1\" num_updates=\"0\" validate-with=\"pacemaker-3.0\">"
		"<configuration><crm_config/><nodes/>"
		"<resources><primitive id=\"a\" class=\"ocf\" provider=\"pacemaker\" type=\"Dummy\"/>"
		"<clone id=\"c\"><primitive id=\"b\" class=\"ocf\" provider=\"pacemaker\" type=\"Dummy\"/>"
		"</clone></resources>"
		"<constraints><rsc_ticket id=\"t\" rsc=\"a\" ticket=\"T\"/></constraints>"
		"<fencing-topology><fencing-level id=\"fl\" index=\"1\" target=\"n1\" devices=\"f\"/>"
		"</fencing-topology></configuration>"
		"<status><node_state id=\"1\" uname=\"n1\" in_ccm=\"true\" future=\"x\">"
		"<something-new a=\"1\"/></node_state></status></cib>";
	g_autoptr(vigil_cib) cib = parse_ok(text);
	g_autofree char *out = NULL;
	const vigil_rsc *clone;

	g_assert_cmpuint(cib->resources->len, ==, 2);
	clone = g_ptr_array_index(cib->resources, 1);
	g_assert_cmpint(clone->kind, ==, VIGIL_RSC_OTHER);
	g_assert_cmpstr(clone->id, ==, "c");
	g_assert_cmpint(vigil_cib_to_xml(cib, &out, NULL), ==, 0);
	g_assert_nonnull(strstr(out, "<clone id=\"c\">"));
	g_assert_nonnull(strstr(out, "rsc_ticket id=\"t\""));
	g_assert_nonnull(strstr(out, "fencing-level"));
	g_assert_nonnull(strstr(out, "future=\"x\""));
	g_assert_nonnull(strstr(out, "<something-new a=\"1\"/>"));
}

static void test_typed_view(void)
{
	g_autoptr(vigil_cib) cib = parse_ok(minimal_cib);
	const vigil_rsc *vip = vigil_cib_find_rsc(cib, "vip");
	g_autofree char *agent = NULL;
	const vigil_op *op;

	g_assert_nonnull(vip);
	agent = vigil_rsc_agent(vip);
	g_assert_cmpstr(agent, ==, "ocf:heartbeat:IPaddr2");
	g_assert_cmpstr(vigil_nvsets_get(vip->nvsets, "instance_attributes", "ip"), ==,
			"198.18.0.100");
	op = g_ptr_array_index(vip->ops, 0);
	g_assert_cmpstr(op->interval, ==, "30s");
	g_assert_cmpstr(vigil_cib_property(cib, "stonith-enabled"), ==, "false");
	g_assert_nonnull(vigil_cib_find_node(cib, "node1"));
	g_assert_null(vigil_cib_find_node(cib, "node9"));
	g_assert_cmpuint(cib->version.admin_epoch, ==, 1);
	g_assert_cmpuint(cib->version.epoch, ==, 7);
	g_assert_cmpuint(cib->version.num_updates, ==, 3);
}

static void test_versioning(void)
{
	g_autoptr(vigil_cib) cib = parse_ok(minimal_cib);
	vigil_cib_version before = cib->version;

	vigil_cib_bump_num_updates(cib);
	g_assert_cmpint(vigil_cib_version_cmp(&cib->version, &before), ==, 1);
	g_assert_cmpuint(cib->version.num_updates, ==, 4);
	vigil_cib_bump_epoch(cib);
	g_assert_cmpuint(cib->version.epoch, ==, 8);
	g_assert_cmpuint(cib->version.num_updates, ==, 0);
	g_assert_cmpint(vigil_cib_version_cmp(&before, &cib->version), ==, -1);
	g_assert_cmpint(vigil_cib_version_cmp(&before, &before), ==, 0);
	/* admin_epoch dominates epoch, which dominates num_updates */
	{
		vigil_cib_version a = { 2, 0, 0 }, b = { 1, 99, 99 }, c = { 1, 99, 100 };

		g_assert_cmpint(vigil_cib_version_cmp(&a, &b), ==, 1);
		g_assert_cmpint(vigil_cib_version_cmp(&b, &c), ==, -1);
	}
}

static void test_digest(void)
{
	g_autoptr(vigil_cib) a = parse_ok(minimal_cib);
	g_autoptr(vigil_cib) b = parse_ok(minimal_cib);
	g_autofree char *da = NULL, *db = NULL, *dc = NULL, *dd = NULL;
	vigil_nvpair *p;

	g_assert_cmpint(vigil_cib_digest(a, &da), ==, 0);
	g_assert_cmpuint(strlen(da), ==, 64);
	/* status and version do not change the digest of the configuration */
	vigil_cib_bump_num_updates(b);
	b->has_status = false;
	g_assert_cmpint(vigil_cib_digest(b, &db), ==, 0);
	g_assert_cmpstr(da, ==, db);
	/* any configuration change does */
	p = g_ptr_array_index(((vigil_nvset *)g_ptr_array_index(b->crm_config, 0))->nvpairs, 0);
	g_free(p->value);
	p->value = g_strdup("true");
	g_assert_cmpint(vigil_cib_digest(b, &dc), ==, 0);
	g_assert_cmpstr(da, !=, dc);
	/* and formatting of the input does not */
	{
		g_autofree char *compact = g_strdup(minimal_cib);
		g_autoptr(vigil_cib) e = NULL;

		g_strdelimit(compact, "\n", ' ');
		e = parse_ok(compact);
		g_assert_cmpint(vigil_cib_digest(e, &dd), ==, 0);
		g_assert_cmpstr(da, ==, dd);
	}
}

static void expect_refused(const char *text, size_t len, int expected_r)
{
	g_autoptr(GPtrArray) diags = vigil_diags_new();
	vigil_cib *cib = (vigil_cib *)0x1; /* must stay untouched on failure */
	int r = vigil_cib_parse(text, len, "bad.xml", diags, &cib);

	g_assert_cmpint(r, ==, expected_r);
	g_assert_true(cib == (vigil_cib *)0x1);
	g_assert_cmpuint(diags->len, >, 0);
	g_assert_true(vigil_diags_have_errors(diags));
}

static void expect_refused_text(const char *text, int expected_r)
{
	expect_refused(text, strlen(text), expected_r);
}

static void test_refuses_bad_input(void)
{
	size_t n = strlen(minimal_cib);

	expect_refused("", 0, -EBADMSG);
	/* every truncation is refused, none is loaded as an empty configuration */
	for (size_t cut = 1; cut < n - 1; cut += 7)
		expect_refused(minimal_cib, cut, -EBADMSG);
	expect_refused_text("<cib><configuration></cib>", -EBADMSG);
	expect_refused_text("<?xml version=\"1.0\"?><!DOCTYPE cib [<!ENTITY a \"b\">]><cib/>",
			    -EBADMSG);
	expect_refused_text("<cib admin_epoch=\"0\" epoch=\"1\" num_updates=\"0\" "
			    "validate-with=\"pacemaker-3.0\"/>", -EPROTO);
	expect_refused_text("<notacib/>", -EPROTO);
	expect_refused_text("<cib admin_epoch=\"x\" epoch=\"1\" num_updates=\"0\" "
			    "validate-with=\"none\"><configuration/></cib>", -EPROTO);
}

/* The arena's blocks grow from small to a megabyte: allocations of every size, across many
 * blocks and bigger than any block, are aligned, distinct, and keep what was written. */
static void test_arena(void)
{
	g_autoptr(vigil_arena) a = vigil_arena_new();
	g_autoptr(GPtrArray) got = g_ptr_array_new();
	g_autoptr(GArray) sizes = g_array_new(FALSE, FALSE, sizeof(size_t));
	size_t n = 0;

	for (guint i = 0; n < ((size_t)6 << 20); i++) {
		size_t size = i % 97 == 96 ? ((size_t)3 << 19) : 1 + (i * 7919) % 5000;
		unsigned char *p = vigil_arena_alloc(a, size);

		g_assert_cmpuint((uintptr_t)p % 16, ==, 0);
		memset(p, (int)(i & 0xff), size);
		g_ptr_array_add(got, p);
		g_array_append_val(sizes, size);
		n += size;
	}
	for (guint i = 0; i < got->len; i++) {
		const unsigned char *p = g_ptr_array_index(got, i);
		size_t size = g_array_index(sizes, size_t, i);

		g_assert_cmpuint(p[0], ==, i & 0xff);
		g_assert_cmpuint(p[size - 1], ==, i & 0xff);
	}
	g_assert_cmpstr(vigil_arena_strdup(a, "kept"), ==, "kept");
	g_assert_null(vigil_arena_strdup(a, NULL));
}

/* The compiled schema freed (as vigild does after each change) is compiled again when next
 * needed: valid and invalid CIBs are still told apart, in both orders. */
static void test_schema_release(void)
{
	static const char invalid[] = "<cib admin_epoch=\"0\" epoch=\"1\" num_updates=\"0\" "
				      "validate-with=\"pacemaker-3.0\"/>";

	for (int i = 0; i < 3; i++) {
		g_autoptr(GPtrArray) diags = vigil_diags_new();
		g_autoptr(vigil_cib) cib = NULL;

		vigil_schema_release();
		g_assert_cmpint(vigil_cib_parse(minimal_cib, strlen(minimal_cib), "m", diags, &cib),
				==, 0);
		vigil_schema_release();
		vigil_schema_release(); /* twice: nothing to free */
		expect_refused_text(invalid, -EPROTO);
	}
}

/* A mismatched closing tag that libxml2's recovery mode would repair is still refused. */
static void test_refuses_mismatched_tag(void)
{
	g_autofree char *bad = g_strdup(minimal_cib);
	char *p = strstr(bad, "</operations>");

	memcpy(p, "</operationz>", 13);
	expect_refused(bad, strlen(bad), -EBADMSG);
}

static void test_save_file(void)
{
	g_autoptr(vigil_cib) cib = parse_ok(minimal_cib);
	g_autoptr(vigil_cib) back = NULL;
	g_autofree char *dir = g_dir_make_tmp("vigil-test-XXXXXX", NULL);
	g_autofree char *path = g_build_filename(dir, "cib.xml", NULL);

	g_assert_cmpint(vigil_cib_save_file(cib, path), ==, 0);
	g_assert_cmpint(vigil_cib_load_file(path, NULL, &back), ==, 0);
	g_assert_cmpuint(back->version.epoch, ==, 7);
	/* into a missing directory: an error, nothing half-written */
	{
		g_autofree char *bad = g_build_filename(dir, "missing", "cib.xml", NULL);

		g_assert_cmpint(vigil_cib_save_file(cib, bad), ==, -ENOENT);
	}
	g_assert_cmpint(vigil_cib_load_file("/nonexistent/cib.xml", NULL, &back), ==, -ENOENT);
	unlink(path);
	rmdir(dir);
}


/* --- the fast status reader (status-read.c) agrees with the general one ------------------ */

/* Diagnostics as one string, to compare the two paths' messages. */
static char *diags_text(const GPtrArray *diags)
{
	GString *s = g_string_new(NULL);

	for (guint i = 0; i < diags->len; i++) {
		const vigil_diag *d = g_ptr_array_index(diags, i);

		g_string_append_printf(s, "%u %s %s\n", d->line, d->element ? d->element : "-",
				       d->message);
	}
	return g_string_free(s, FALSE);
}

/* The line numbers of the transient attribute sets, which to_xml does not show. */
static char *status_lines(const vigil_cib *cib)
{
	GString *s = g_string_new(NULL);

	for (guint i = 0; i < cib->node_states->len; i++) {
		const vigil_node_state *ns = g_ptr_array_index(cib->node_states, i);

		for (guint k = 0; k < ns->transient->len; k++) {
			const vigil_nvset *set = g_ptr_array_index(ns->transient, k);

			g_string_append_printf(s, "%u:", set->line);
			for (guint j = 0; j < set->nvpairs->len; j++)
				g_string_append_printf(s, " %u", ((vigil_nvpair *)
						       g_ptr_array_index(set->nvpairs, j))->line);
			g_string_append_c(s, '\n');
		}
	}
	return g_string_free(s, FALSE);
}

/* The typed values of the operations, which to_xml does not show either. */
static char *history_values(const vigil_cib *cib)
{
	GString *s = g_string_new(NULL);

	for (guint i = 0; i < cib->node_states->len; i++) {
		const vigil_node_state *ns = g_ptr_array_index(cib->node_states, i);

		for (guint j = 0; j < ns->lrm_rscs->len; j++) {
			const vigil_lrm_rsc *r = g_ptr_array_index(ns->lrm_rscs, j);

			for (guint k = 0; k < r->ops->len; k++) {
				const vigil_lrm_op *op = g_ptr_array_index(r->ops, k);

				g_string_append_printf(s, "%d %d %d %d %" G_GINT64_FORMAT " %"
						       G_GINT64_FORMAT "\n", op->call_id_v,
						       op->rc_code_v, op->op_status_v,
						       op->target_rc_v, op->interval_ms_v,
						       op->last_rc_change_v);
			}
		}
	}
	return g_string_free(s, FALSE);
}

static void assert_same_cib(const vigil_cib *a, const vigil_cib *b)
{
	g_autofree char *x1 = NULL, *x2 = NULL, *l1 = NULL, *l2 = NULL;
	size_t n1 = 0, n2 = 0;

	g_assert_cmpint(vigil_cib_to_xml(a, &x1, &n1), ==, 0);
	g_assert_cmpint(vigil_cib_to_xml(b, &x2, &n2), ==, 0);
	g_assert_cmpstr(x1, ==, x2);
	l1 = status_lines(a);
	l2 = status_lines(b);
	g_assert_cmpstr(l1, ==, l2);
	g_free(l1);
	g_free(l2);
	l1 = history_values(a);
	l2 = history_values(b);
	g_assert_cmpstr(l1, ==, l2);
}

/* Reads TEXT every way (the two readers one after the other, in two threads, and the
 * general reader alone); the result, the saved document and the messages must be the same.
 * Returns whether the fast path took it. */
static bool check_both_paths(const char *text, size_t len)
{
	g_autoptr(GPtrArray) d1 = vigil_diags_new(), d2 = vigil_diags_new();
	g_autoptr(vigil_cib) a = NULL, b = NULL;
	g_autoptr(vigil_arena) arena = NULL;
	g_autoptr(GPtrArray) states = NULL;
	g_autofree char *m1 = NULL, *m2 = NULL;
	vigil_status_span span;
	bool fast = vigil_status_fast_read(text, len, &span, &states, &arena) == 0;
	int r1 = vigil_cib_parse_flags(text, len, "t.xml", VIGIL_CIB_PARSE_SEQUENTIAL, d1, &a);
	int r2 = vigil_cib_parse_flags(text, len, "t.xml", VIGIL_CIB_PARSE_GENERAL_ONLY, d2, &b);

	g_assert_cmpint(r1, ==, r2);
	m1 = diags_text(d1);
	m2 = diags_text(d2);
	g_assert_cmpstr(m1, ==, m2);
	if (r1 == 0)
		assert_same_cib(a, b);
	/* and with the configuration read in a thread beside the status */
	{
		g_autoptr(GPtrArray) d3 = vigil_diags_new();
		g_autoptr(vigil_cib) c = NULL;
		g_autofree char *m3 = NULL;
		int r3 = vigil_cib_parse_flags(text, len, "t.xml", VIGIL_CIB_PARSE_PARALLEL, d3, &c);

		g_assert_cmpint(r3, ==, r2);
		m3 = diags_text(d3);
		g_assert_cmpstr(m3, ==, m2);
		if (r3 == 0)
			assert_same_cib(c, b);
	}
	return fast;
}

/* Whether the quick guess at the status span is what the status reader found. */
static bool guess_is_right(const char *text, size_t len)
{
	g_autoptr(vigil_arena) arena = NULL;
	g_autoptr(GPtrArray) states = NULL;
	vigil_status_span span, guess;

	if (!vigil_status_guess_span(text, len, &guess) ||
	    vigil_status_fast_read(text, len, &span, &states, &arena) < 0)
		return false;
	return vigil_status_span_equal(&span, &guess);
}

static void test_fast_status_cases(void)
{
	g_autoptr(GDir) dir = NULL;
	const char *name;
	unsigned n = 0, fast = 0, guessed = 0;

	if (cases_dir == NULL || !g_file_test(cases_dir, G_FILE_TEST_IS_DIR)) {
		if (g_getenv("CI") != NULL)
			g_test_fail_printf("scheduler cases not found at '%s'", cases_dir);
		else
			g_test_skip("scheduler cases not found; set VIGIL_SCHEDULER_CASES");
		return;
	}
	dir = g_dir_open(cases_dir, 0, NULL);
	while ((name = g_dir_read_name(dir)) != NULL) {
		g_autofree char *path = g_build_filename(cases_dir, name, NULL);
		g_autofree char *text = NULL;
		gsize len = 0;

		if (!g_str_has_suffix(name, ".xml"))
			continue;
		g_assert_true(g_file_get_contents(path, &text, &len, NULL));
		fast += check_both_paths(text, len);
		guessed += guess_is_right(text, len);
		n++;
	}
	g_test_message("%u of %u scheduler inputs read by the fast path, %u with the status "
		       "found by the quick guess", fast, n, guessed);
	/* Pacemaker's own files are what the fast path is for */
	g_assert_cmpuint(fast, >=, n * 9 / 10);
	g_assert_cmpuint(guessed, >=, fast * 9 / 10);
}

/* A status section with every element the fast path reads, around a changeable middle. */
static char *status_doc(const char *middle)
{
	return g_strdup_printf(
		"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<!-- a comment -->\n"
		"<cib admin_epoch=\"0\" epoch=\"1\" num_updates=\"0\" validate-with=\"pacemaker-3.0\">\n"
		"  <configuration><crm_config/><nodes><node id=\"1\" uname=\"n1\"/></nodes>\n"
		"  <resources/><constraints/></configuration>\n"
		"  <status x=\"1\">\n"
		"    <node_state id=\"1\" uname=\"n1\" in_ccm=\"true\" crmd=\"online\" odd='a\"b'>\n"
		"      <transient_attributes id=\"1\">\n"
		"        <instance_attributes id=\"st-1\">\n"
		"          <nvpair id=\"st-1-a\" name=\"a\" value=\"x &lt;&amp;&gt; y\"/>\n"
		"        </instance_attributes>\n"
		"      </transient_attributes>\n"
		"      <lrm id=\"1\"><lrm_resources>\n"
		"        <lrm_resource id=\"r\" class=\"ocf\" provider=\"pacemaker\" type=\"Dummy\">\n"
		"          <lrm_rsc_op id=\"r_last_0\" operation=\"start\" call-id=\"3\" rc-code=\"0\"\n"
		"                      op-status=\"0\" interval=\"0\" extra-attr = 'q'/>\n"
		"          %s\n"
		"        </lrm_resource>\n"
		"      </lrm_resources></lrm>\n"
		"    </node_state>\n"
		"  </status>\n"
		"</cib>\n", middle);
}

/* status_doc(), with a long comment after the end, so that the status section is not near
 * the end of the document: status-read.c reads most attributes by a lane of its own there. */
static char *status_doc_padded(const char *middle)
{
	g_autofree char *doc = status_doc(middle);
	g_autofree char *pad = g_strnfill(200, 'x');

	return g_strdup_printf("%s<!-- %s -->\n", doc, pad);
}

#define V47 "0123456789abcdef0123456789abcdef0123456789abcde"

static void test_fast_status_crafted(void)
{
	/* taken by the fast path */
	static const char *const fast[] = {
		"", "<!-- note -->", "<lrm_rsc_op id=\"m\" operation=\"monitor\"></lrm_rsc_op>",
		"<lrm_rsc_op id=\"q\" exit-reason=\"&quot;&apos;\" />",
		/* the attributes of the operation before, in another order */
		"<lrm_rsc_op call-id=\"4\" id=\"s\" rc-code=\"7\" operation=\"stop\" "
		"interval=\"0\" op-status=\"0\" last-rc-change=\"1700000000\" "
		"transition-key=\"1:2:3:x\"/>",
		/* values about 48 bytes long, where the fast lane stops */
		"<lrm_rsc_op id=\"" V47 "\" operation=\"" V47 "0\" call-id=\"" V47 "01\"/>",
		"<lrm_rsc_op id=\"" V47 V47 V47 "\" operation=\"\" call-id=\"007\"/>",
		/* the other quote, an entity, whitespace between attributes */
		"<lrm_rsc_op id=\"a'b\" operation='c\"d' call-id=\"&amp;\"/>",
		"<lrm_rsc_op id=\"t\"\toperation=\"start\"\n   call-id=\"9\"  rc-code = \"0\"/>",
		"<lrm_rsc_op id=\"u\" call-id=\"99999999999999999999\" interval=\"-1\" "
		"rc-code=\" 1\" op-status=\"\" transition-key=\"a:b::c\"/>",
	};
	/* read the general way: each is something the fast path does not prove */
	static const char *const general[] = {
		"<lrm_rsc_op id=\"m\"><x/></lrm_rsc_op>",          /* kept verbatim */
		"<lrm_rsc_op id=\"m\" id=\"n\"/>",                 /* repeated attribute */
		"<lrm_rsc_op id=\"m\" a=\"1\" a=\"2\"/>",          /* repeated unknown one */
		"<lrm_rsc_op id=\"m\"a=\"1\"/>",                   /* no space between */
		"<lrm_rsc_op id=\"&#65;\"/>",                      /* character reference */
		"<lrm_rsc_op id=\"&nbsp;\"/>",                     /* undeclared entity */
		"<lrm_rsc_op id=\"a\tb\"/>",                       /* normalised whitespace */
		"<lrm_rsc_op id=\"a<b\"/>",                        /* '<' in a value */
		"<lrm_rsc_op id=\"\xc3\xa9\"/>",                   /* non-ASCII */
		"<lrm_rsc_op id=\"\xc3\"/>",                       /* broken UTF-8 */
		"<lrm_rsc_op xmlns:p=\"u\" p:id=\"m\"/>",          /* namespaces */
		"<lrm_rsc_op xmlns=\"u\"/>",
		"text",                                              /* text */
		"<![CDATA[x]]>",
		"<?pi x?>",
		"<!-- a -- b -->",                                   /* bad comment */
		"<lrm_rsc_op id=\"m\">",                             /* unclosed */
		"</lrm_rsc_op>",                                     /* stray end tag */
		"<lrm_rsc_op id='m\"/>",                             /* unterminated value */
		"<lrm_rsc_op id=m/>",                                /* unquoted value */
		/* repeated where the writer's order predicts it */
		"<lrm_rsc_op operation=\"a\" id=\"m\" operation=\"b\"/>",
		"<lrm_rsc_op id=\"m\" operation=\"a\" call-id=\"1\" call-id=\"1\"/>",
		"<lrm_rsc_op id=\"m\" operation=\"a\x7f\"/>",            /* DEL */
	};

	for (size_t i = 0; i < G_N_ELEMENTS(fast); i++) {
		g_autofree char *doc = status_doc(fast[i]);
		g_autofree char *padded = status_doc_padded(fast[i]);

		g_test_message("fast: %s", fast[i]);
		g_assert_true(check_both_paths(doc, strlen(doc)));
		g_assert_true(check_both_paths(padded, strlen(padded)));
	}
	for (size_t i = 0; i < G_N_ELEMENTS(general); i++) {
		g_autofree char *doc = status_doc(general[i]);
		g_autofree char *padded = status_doc_padded(general[i]);

		g_test_message("general: %s", general[i]);
		g_assert_false(check_both_paths(doc, strlen(doc)));
		g_assert_false(check_both_paths(padded, strlen(padded)));
	}
	/* outside the status section too: a declared encoding, a DOCTYPE, a second status */
	{
		g_autofree char *doc = status_doc("");
		g_autofree char *latin = NULL, *two = NULL;
		char *decl = strstr(doc, "UTF-8");

		g_assert_nonnull(decl);
		latin = g_strdup(doc);
		memcpy(latin + (decl - doc), "LATIN", 5);
		g_assert_false(check_both_paths(latin, strlen(latin)));
		two = g_strconcat("<cib admin_epoch=\"0\" epoch=\"1\" num_updates=\"0\" "
				  "validate-with=\"pacemaker-3.0\"><configuration/><status/>"
				  "<status/></cib>", NULL);
		g_assert_false(check_both_paths(two, strlen(two)));
	}
	/* where the quick guess at the status is wrong, the threads' work is not used */
	{
		g_autofree char *doc = status_doc("");
		g_autofree char *before = NULL, *after = NULL;
		char *cib = strstr(doc, "<cib "), *end = strstr(doc, "</cib>");

		g_assert_true(guess_is_right(doc, strlen(doc)));
		before = g_strdup_printf("%.*s<!-- <status> -->%s", (int)(cib - doc), doc, cib);
		g_assert_false(guess_is_right(before, strlen(before)));
		g_assert_true(check_both_paths(before, strlen(before)));
		after = g_strdup_printf("%.*s<!-- </status> -->%s", (int)(end - doc), doc, end);
		g_assert_false(guess_is_right(after, strlen(after)));
		g_assert_true(check_both_paths(after, strlen(after)));
	}
	/* every truncation of the document: the same result either way */
	{
		g_autofree char *doc = status_doc("<!-- x -->");
		g_autofree char *padded = status_doc_padded(fast[3]);
		size_t n = strlen(doc);

		for (size_t cut = 0; cut < n; cut++)
			check_both_paths(doc, cut);
		/* and the same where the fast lane reads the operations */
		for (size_t cut = 0; cut < strlen(padded); cut += 7)
			check_both_paths(padded, cut);
	}
}

/* The 16-byte scans (SSE2 where there is SSE2) give the masks their bytewise definitions
 * give: for every byte at every place, and for random blocks. */
static void check_scan16(const char *block)
{
	char copy[16], pattern[16];
	unsigned nl1, nl2, ws1 = scan16_ws_end(block, &nl1), ws2 = scan16_ws_end_bytewise(block, &nl2);

	g_assert_cmphex(ws1, ==, ws2);
	g_assert_cmphex(nl1, ==, nl2);
	g_assert_cmphex(scan16_name_end(block), ==, scan16_name_end_bytewise(block));
	g_assert_cmphex(scan16_value_end(block), ==, scan16_value_end_bytewise(block));
	g_assert_cmphex(scan16_value_end_copy(block, copy), ==, scan16_value_end_bytewise(block));
	g_assert_true(memcmp(copy, block, 16) == 0);
	memcpy(pattern, block, 16);
	pattern[block[0] & 15] ^= 1;
	g_assert_cmphex(scan16_equal(block, pattern), ==, scan16_equal_bytewise(block, pattern));
}

static void test_fast_status_scan16(void)
{
	char block[16];

	for (int c = 0; c < 256; c++) {
		for (unsigned i = 0; i < 16; i++) {
			memset(block, 'a', sizeof(block));
			block[i] = (char)c;
			check_scan16(block);
			memset(block, ' ', sizeof(block));
			block[i] = (char)c;
			check_scan16(block);
		}
	}
	for (unsigned n = 0; n < 100000; n++) {
		for (unsigned i = 0; i < 16; i++)
			block[i] = (char)g_test_rand_int_range(0, 256);
		check_scan16(block);
	}
}

/* A new configuration keeps the cluster's status: vigil_cib_swap_status(). */
static void test_swap_status(void)
{
	g_autoptr(vigil_cib) with = parse_ok(
		"<cib admin_epoch=\"0\" epoch=\"1\" num_updates=\"0\" validate-with=\"pacemaker-3.9\">"
		"<configuration><crm_config/><nodes><node id=\"1\" uname=\"n1\"/></nodes>"
		"<resources/><constraints/></configuration><status><node_state id=\"1\" "
		"uname=\"n1\" in_ccm=\"true\" crmd=\"online\" join=\"member\" "
		"expected=\"member\"/></status></cib>");
	g_autoptr(vigil_cib) without = parse_ok(
		"<cib admin_epoch=\"0\" epoch=\"5\" num_updates=\"0\" validate-with=\"pacemaker-3.9\">"
		"<configuration><crm_config/><nodes/><resources/><constraints/></configuration>"
		"</cib>");

	vigil_cib_swap_status(without, with);
	g_assert_true(without->has_status);
	g_assert_cmpuint(without->node_states->len, ==, 1);
	g_assert_cmpstr(((vigil_node_state *)without->node_states->pdata[0])->uname, ==, "n1");
	g_assert_false(with->has_status);
	g_assert_cmpuint(with->node_states->len, ==, 0);
	g_assert_cmpuint(without->version.epoch, ==, 5); /* the rest stays */
	g_assert_cmpuint(with->nodes->len, ==, 1);
}

/* A node's permanent attribute set, changed, removed ('vigil node standby|unstandby' in
 * vigild), with the ids 'pcs node standby' gives them; an unknown node changes nothing. */
static void test_node_attr(void)
{
	g_autoptr(vigil_cib) cib = parse_ok(
		"<cib admin_epoch=\"0\" epoch=\"1\" num_updates=\"0\" validate-with=\"pacemaker-3.9\">"
		"<configuration><crm_config/><nodes><node id=\"1\" uname=\"n1\"/>"
		"<node id=\"2\" uname=\"n2\"/></nodes><resources/><constraints/>"
		"</configuration><status/></cib>");
	g_autoptr(vigil_inject) in = vigil_inject_new(cib);
	g_autoptr(vigil_cib) again = NULL;
	g_autofree char *text = NULL, *after = NULL;
	size_t len = 0;

	g_assert_cmpint(vigil_inject_node_attr(in, "n9", "standby", "on"), ==, -ENOENT);
	g_assert_cmpint(vigil_inject_node_attr(in, "n2", "standby", "on"), ==, 0);
	g_assert_cmpint(vigil_cib_to_xml(cib, &text, &len), ==, 0);
	g_assert_nonnull(strstr(text, "<instance_attributes id=\"nodes-2\">"));
	g_assert_nonnull(strstr(text, "<nvpair id=\"nodes-2-standby\" name=\"standby\" "
				      "value=\"on\"/>"));
	again = parse_ok(text);
	g_assert_cmpstr(vigil_nvsets_lookup(((vigil_node *)again->nodes->pdata[1])->nvsets,
					    "instance_attributes", "standby", NULL), ==, "on");
	g_assert_cmpint(vigil_inject_node_attr(in, "n2", "standby", NULL), ==, 0);
	g_assert_cmpint(vigil_inject_node_attr(in, "n1", "standby", NULL), ==, 0);
	g_assert_cmpint(vigil_cib_to_xml(cib, &after, &len), ==, 0);
	g_assert_null(strstr(after, "standby"));
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	cases_dir = g_getenv("VIGIL_SCHEDULER_CASES");
	g_test_add_func("/cib/round-trip/minimal", test_round_trip_minimal);
	g_test_add_func("/cib/round-trip/scheduler-cases", test_round_trip_cases);
	g_test_add_func("/cib/round-trip/kept-verbatim", test_kept_verbatim);
	g_test_add_func("/cib/typed-view", test_typed_view);
	g_test_add_func("/cib/versioning", test_versioning);
	g_test_add_func("/cib/digest", test_digest);
	g_test_add_func("/cib/refuses/bad-input", test_refuses_bad_input);
	g_test_add_func("/cib/refuses/mismatched-tag", test_refuses_mismatched_tag);
	g_test_add_func("/cib/schema-release", test_schema_release);
	g_test_add_func("/cib/arena", test_arena);
	g_test_add_func("/cib/save-file", test_save_file);
	g_test_add_func("/cib/fast-status/scheduler-cases", test_fast_status_cases);
	g_test_add_func("/cib/fast-status/crafted", test_fast_status_crafted);
	g_test_add_func("/cib/fast-status/scan16", test_fast_status_scan16);
	g_test_add_func("/cib/swap-status", test_swap_status);
	g_test_add_func("/cib/node-attr", test_node_attr);
	return g_test_run();
}
