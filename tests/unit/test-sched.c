/* The scheduler as a pure function: rules, fencing devices, scores and placement on small
 * CIBs, and the same input giving the same output. */
#include "config.h"

#include <string.h>

#include "cib/inject.h"
#include "sched/sched-private.h"

#define NOW 1700000000

/* Three nodes (node1 with ssd=yes), the given resources and constraints, no status. */
static vigil_cib *make_cib(const char *resources, const char *constraints)
{
	g_autofree char *text = g_strdup_printf(
		"<cib admin_epoch=\"0\" epoch=\"1\" num_updates=\"0\" validate-with=\"pacemaker-3.9\""
		" have-quorum=\"1\"><configuration><crm_config><cluster_property_set id=\"o\">"
		"<nvpair id=\"o1\" name=\"stonith-enabled\" value=\"false\"/>"
		"</cluster_property_set></crm_config><nodes>"
		"<node id=\"1\" uname=\"node1\"><instance_attributes id=\"n1\">"
		"<nvpair id=\"n1-ssd\" name=\"ssd\" value=\"yes\"/></instance_attributes></node>"
		"<node id=\"2\" uname=\"node2\"/><node id=\"10\" uname=\"node10\"/></nodes>"
		"<resources>%s</resources><constraints>%s</constraints></configuration><status>"
		"<node_state id=\"1\" uname=\"node1\" in_ccm=\"true\" crmd=\"online\" join=\"member\""
		" expected=\"member\"/><node_state id=\"2\" uname=\"node2\" in_ccm=\"true\""
		" crmd=\"online\" join=\"member\" expected=\"member\"/><node_state id=\"10\""
		" uname=\"node10\" in_ccm=\"true\" crmd=\"online\" join=\"member\""
		" expected=\"member\"/></status></cib>", resources, constraints);
	g_autoptr(GPtrArray) diags = vigil_diags_new();
	vigil_cib *cib = NULL;

	int r = vigil_cib_parse(text, strlen(text), "t.xml", diags, &cib);

	for (guint i = 0; r < 0 && i < diags->len; i++)
		g_printerr("%s\n", ((vigil_diag *)g_ptr_array_index(diags, i))->message);
	g_assert_cmpint(r, ==, 0);
	return cib;
}

#define PRIM(id) "<primitive id=\"" id "\" class=\"ocf\" provider=\"pacemaker\" type=\"Dummy\"/>"

static const char *placed(const vigil_sched *s, const char *id)
{
	const vigil_srsc *r = g_hash_table_lookup(s->by_id, id);

	g_assert_nonnull(r);
	return r->assigned != NULL ? r->assigned->name : "-";
}

static vigil_sched *run(const vigil_cib *cib)
{
	vigil_sched *s = NULL;

	g_assert_cmpint(vigil_sched_unpack(cib, NOW, &s), ==, 0);
	g_assert_cmpint(vigil_sched_run(s), ==, 0);
	g_assert_cmpint(vigil_sched_run(s), ==, -EALREADY);
	return s;
}

/* Ties go to the node with fewest resources placed, then to the first name in byte order. */
static void test_balancing(void)
{
	g_autoptr(vigil_cib) cib = make_cib(PRIM("a") PRIM("b") PRIM("c") PRIM("d"), "");
	g_autoptr(vigil_sched) s = run(cib);

	g_assert_cmpstr(placed(s, "a"), ==, "node1");
	g_assert_cmpstr(placed(s, "b"), ==, "node10");
	g_assert_cmpstr(placed(s, "c"), ==, "node2");
	g_assert_cmpstr(placed(s, "d"), ==, "node1");
}

static void test_location_rules(void)
{
	g_autoptr(vigil_cib) cib = make_cib(
		PRIM("a") PRIM("b") PRIM("c"),
		"<rsc_location id=\"l1\" rsc=\"a\"><rule id=\"r1\" score=\"INFINITY\">"
		"<expression id=\"e1\" attribute=\"ssd\" operation=\"ne\" value=\"yes\"/></rule>"
		"</rsc_location>"
		"<rsc_location id=\"l2\" rsc=\"b\"><rule id=\"r2\" score=\"-INFINITY\""
		" boolean-op=\"or\"><expression id=\"e2\" attribute=\"#uname\" operation=\"eq\""
		" value=\"node1\"/><expression id=\"e3\" attribute=\"ssd\" operation=\"not_defined\"/>"
		"</rule></rsc_location>"
		"<rsc_location id=\"l3\" rsc=\"c\" node=\"node10\" score=\"10\"/>");
	g_autoptr(vigil_sched) s = run(cib);

	g_assert_cmpstr(placed(s, "a"), ==, "node10"); /* node2 and node10 tie: byte order */
	g_assert_cmpstr(placed(s, "b"), ==, "-");      /* node1 by name, the rest lack ssd */
	g_assert_cmpstr(placed(s, "c"), ==, "node10");
}

static void test_colocation(void)
{
	g_autoptr(vigil_cib) cib = make_cib(
		PRIM("db") PRIM("web") PRIM("other"),
		"<rsc_location id=\"l1\" rsc=\"db\" node=\"node2\" score=\"50\"/>"
		"<rsc_colocation id=\"c1\" rsc=\"web\" with-rsc=\"db\" score=\"INFINITY\"/>"
		"<rsc_colocation id=\"c2\" rsc=\"other\" with-rsc=\"db\" score=\"-INFINITY\"/>");
	g_autoptr(vigil_sched) s = run(cib);

	g_assert_cmpstr(placed(s, "db"), ==, "node2");
	g_assert_cmpstr(placed(s, "web"), ==, "node2");
	g_assert_cmpstr(placed(s, "other"), !=, "node2");
}

static void test_device_fences(void)
{
	g_autoptr(vigil_cib) cib = make_cib(
		"<primitive id=\"f1\" class=\"stonith\" type=\"fence_xvm\"><instance_attributes"
		" id=\"f1-ia\"><nvpair id=\"f1-map\" name=\"pcmk_host_map\""
		" value=\"node1:vm-1;node2:vm-2\"/></instance_attributes></primitive>"
		"<primitive id=\"f2\" class=\"stonith\" type=\"fence_xvm\"><instance_attributes"
		" id=\"f2-ia\"><nvpair id=\"f2-list\" name=\"pcmk_host_list\""
		" value=\"node10, node2\"/></instance_attributes></primitive>"
		"<primitive id=\"f3\" class=\"stonith\" type=\"fence_xvm\"/>", "");

	g_assert_true(vigil_device_fences(vigil_cib_find_rsc(cib, "f1"), "node2"));
	g_assert_false(vigil_device_fences(vigil_cib_find_rsc(cib, "f1"), "vm-1"));
	g_assert_false(vigil_device_fences(vigil_cib_find_rsc(cib, "f1"), "node10"));
	g_assert_true(vigil_device_fences(vigil_cib_find_rsc(cib, "f2"), "node10"));
	g_assert_false(vigil_device_fences(vigil_cib_find_rsc(cib, "f2"), "node1"));
	g_assert_true(vigil_device_fences(vigil_cib_find_rsc(cib, "f3"), "anything"));
}

/* A pure function: the same CIB and time give the same decisions, byte for byte. */
static void test_deterministic(void)
{
	g_autoptr(vigil_cib) cib = make_cib(
		"<group id=\"g\">" PRIM("g1") PRIM("g2") "</group>" PRIM("x") PRIM("y"),
		"<rsc_order id=\"ord1\" first=\"g\" then=\"x\"/>"
		"<rsc_colocation id=\"c1\" rsc=\"y\" with-rsc=\"x\" score=\"100\"/>");
	g_autoptr(GString) a = g_string_new(NULL), b = g_string_new(NULL);

	for (int i = 0; i < 2; i++) {
		g_autoptr(vigil_sched) s = run(cib);

		vigil_sched_format_summary(s, i == 0 ? a : b);
	}
	g_assert_cmpstr(a->str, ==, b->str);
	g_assert_nonnull(strstr(a->str, "* Start      g1"));
}

static void test_natural_order(void)
{
	g_assert_cmpint(vigil_natural_cmp("node2", "node10"), <, 0);
	g_assert_cmpint(vigil_natural_cmp("node10", "node10"), ==, 0);
	g_assert_cmpint(vigil_natural_cmp("a", "b"), <, 0);
}

/* node1 runs vip and STATE (its node_state attributes and transient attributes). */
static vigil_cib *vip_on_node1(const char *state, const char *node1_attrs)
{
	g_autofree char *text = g_strdup_printf(
		"<cib admin_epoch=\"0\" epoch=\"1\" num_updates=\"0\" validate-with=\"pacemaker-3.9\""
		" have-quorum=\"1\"><configuration><crm_config/><nodes>"
		"<node id=\"1\" uname=\"node1\">%s</node><node id=\"2\" uname=\"node2\"/></nodes>"
		"<resources><primitive id=\"fence\" class=\"stonith\" type=\"fence_xvm\">"
		"<instance_attributes id=\"f\"><nvpair id=\"f1\" name=\"pcmk_host_map\""
		" value=\"node1:vm1;node2:vm2\"/></instance_attributes></primitive>"
		PRIM("vip") "</resources><constraints/></configuration><status>"
		"<node_state id=\"1\" uname=\"node1\" %s><lrm id=\"1\"><lrm_resources>"
		"<lrm_resource id=\"vip\" class=\"ocf\" provider=\"pacemaker\" type=\"Dummy\">"
		"<lrm_rsc_op id=\"vip_last_0\" operation_key=\"vip_start_0\" operation=\"start\""
		" call-id=\"2\" rc-code=\"0\" op-status=\"0\" interval=\"0\" on_node=\"node1\""
		" transition-key=\"1:1:0:00000000-0000-0000-0000-000000000000\"/></lrm_resource>"
		"<lrm_resource id=\"fence\" class=\"stonith\" type=\"fence_xvm\">"
		"<lrm_rsc_op id=\"fence_last_0\" operation_key=\"fence_monitor_0\""
		" operation=\"monitor\" call-id=\"1\" rc-code=\"7\" op-status=\"0\" interval=\"0\""
		" on_node=\"node1\" transition-key=\"1:1:7:00000000-0000-0000-0000-000000000000\"/>"
		"</lrm_resource></lrm_resources></lrm></node_state>"
		"<node_state id=\"2\" uname=\"node2\" in_ccm=\"true\" crmd=\"online\" join=\"member\""
		" expected=\"member\"/></status></cib>", node1_attrs, state);
	g_autoptr(GPtrArray) diags = vigil_diags_new();
	vigil_cib *cib = NULL;

	g_assert_cmpint(vigil_cib_parse(text, strlen(text), "t.xml", diags, &cib), ==, 0);
	return cib;
}

static char *decisions(const vigil_cib *cib)
{
	g_autoptr(vigil_sched) s = run(cib);
	GString *out = g_string_new(NULL);

	vigil_sched_format_decisions(s, "DC node2", out);
	return g_string_free(out, FALSE);
}

/* One line per decision, with its cause, for the daemon's log. */
static void test_decisions(void)
{
	const char *up = "in_ccm=\"true\" crmd=\"online\" join=\"member\" expected=\"member\"";
	g_autoptr(vigil_cib) lost = vip_on_node1("in_ccm=\"false\" crmd=\"offline\" join=\"down\""
						 " expected=\"member\"", "");
	g_autoptr(vigil_cib) standby = vip_on_node1(up, "<instance_attributes id=\"n1\"><nvpair"
						    " id=\"n1s\" name=\"standby\" value=\"on\"/>"
						    "</instance_attributes>");
	g_autoptr(vigil_cib) steady = vip_on_node1(up, "");
	g_autofree char *a = decisions(lost), *b = decisions(standby), *c = decisions(steady);

	g_assert_cmpstr(a, ==,
			"DC node2 planned: fence (reboot) node1 (peer is no longer part of the "
			"cluster)\n"
			"DC node2 planned: start fence node2 (not running)\n"
			"DC node2 planned: move vip node1 -> node2 (node1 lost; fencing it first)\n");
	g_assert_cmpstr(b, ==,
			"DC node2 planned: start fence node2 (not running)\n"
			"DC node2 planned: move vip node1 -> node2 (node1 in standby)\n");
	/* no stickiness: vip makes room for the device, as Pacemaker balances them */
	g_assert_cmpstr(c, ==, "DC node2 planned: start fence node1 (not running)\n"
			"DC node2 planned: move vip node1 -> node2 (placement scores prefer "
			"node2)\n");
}

/* A node that asked to leave (its transient attribute "shutdown", as vigild records it)
 * runs nothing; the attribute removed, it may again. */
static void test_shutdown_attribute(void)
{
	const char *up = "in_ccm=\"true\" crmd=\"online\" join=\"member\" expected=\"member\"";
	g_autoptr(vigil_cib) cib = vip_on_node1(up, "");
	g_autoptr(vigil_inject) in = vigil_inject_new(cib);
	g_autofree char *leaving = NULL, *back = NULL;

	g_assert_cmpint(vigil_inject_transient_attr(in, "node1", "shutdown", "1700000000"), ==, 0);
	leaving = decisions(cib);
	g_assert_cmpstr(leaving, ==, "DC node2 planned: start fence node2 (not running)\n"
				     "DC node2 planned: move vip node1 -> node2 (node1 shutting "
				     "down)\n");
	g_assert_cmpint(vigil_inject_transient_attr(in, "node1", "shutdown", NULL), ==, 0);
	g_assert_cmpint(vigil_inject_transient_attr(in, "node1", "shutdown", NULL), ==, -ENODATA);
	g_assert_cmpint(vigil_inject_transient_attr(in, "node9", "shutdown", "1"), ==, -ENOENT);
	back = decisions(cib);
	g_assert_null(strstr(back, "shutting down"));
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/sched/balancing", test_balancing);
	g_test_add_func("/sched/location-rules", test_location_rules);
	g_test_add_func("/sched/colocation", test_colocation);
	g_test_add_func("/sched/device-fences", test_device_fences);
	g_test_add_func("/sched/deterministic", test_deterministic);
	g_test_add_func("/sched/natural-order", test_natural_order);
	g_test_add_func("/sched/decisions", test_decisions);
	g_test_add_func("/sched/shutdown-attribute", test_shutdown_attribute);
	return g_test_run();
}
