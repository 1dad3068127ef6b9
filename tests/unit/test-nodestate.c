/* Node states as Pacemaker reads them from node_state, and fencing-relevant failures. */
#include "config.h"

#include <string.h>

#include "cib/nodestate.h"

#define NOW 1700000000

/* A two-node CIB: node1's state is STATE1 (a node_state body, or "" for none), node2 is a
 * healthy member. PROPS are extra nvpairs for crm_config, RSC_EXTRA extra primitives. */
static vigil_cib *make_cib(const char *props, const char *quorum, const char *state1,
			   const char *ops)
{
	g_autofree char *text = g_strdup_printf(
		"<cib admin_epoch=\"0\" epoch=\"1\" num_updates=\"0\" validate-with=\"pacemaker-3.0\""
		" have-quorum=\"%s\">"
		"<configuration><crm_config><cluster_property_set id=\"o\">%s"
		"</cluster_property_set></crm_config>"
		"<nodes><node id=\"1\" uname=\"node1\"/><node id=\"2\" uname=\"node2\">"
		"<instance_attributes id=\"n2\"><nvpair id=\"n2-s\" name=\"standby\" value=\"on\"/>"
		"</instance_attributes></node></nodes>"
		"<resources><primitive id=\"fence\" class=\"stonith\" type=\"fence_xvm\"/>"
		"<primitive id=\"r\" class=\"ocf\" provider=\"pacemaker\" type=\"Dummy\">"
		"<meta_attributes id=\"r-m\"><nvpair id=\"r-m-ft\" name=\"failure-timeout\" "
		"value=\"60s\"/></meta_attributes>"
		"<operations>%s</operations></primitive></resources>"
		"<constraints/></configuration><status>%s"
		"<node_state id=\"2\" uname=\"node2\" in_ccm=\"true\" crmd=\"online\" join=\"member\""
		" expected=\"member\"/></status></cib>",
		quorum, props, ops, state1);
	g_autoptr(GPtrArray) diags = vigil_diags_new();
	vigil_cib *cib = NULL;

	g_assert_cmpint(vigil_cib_parse(text, strlen(text), "t.xml", diags, &cib), ==, 0);
	return cib;
}

static const char stonith_on[] = "<nvpair id=\"o1\" name=\"stonith-enabled\" value=\"true\"/>";
static const char stonith_off[] = "<nvpair id=\"o1\" name=\"stonith-enabled\" value=\"false\"/>";

typedef struct result {
	bool online, unclean, pending, standby, can_fence;
	char reason[128];
} result;

static result eval(const char *props, const char *quorum, const char *state1, const char *ops)
{
	g_autoptr(vigil_cib) cib = make_cib(props, quorum, state1, ops);
	g_autoptr(GPtrArray) infos = NULL;
	vigil_cluster_opts opts;
	const vigil_node_info *n1, *n2;
	result res = { 0 };

	vigil_cluster_opts_read(cib, &opts);
	g_assert_cmpint(vigil_nodes_evaluate(cib, &opts, &infos), ==, 0);
	vigil_nodes_apply_failures(cib, &opts, NOW, infos);
	g_assert_cmpuint(infos->len, ==, 2);
	n1 = g_ptr_array_index(infos, 0);
	n2 = g_ptr_array_index(infos, 1);
	g_assert_true(n2->online && n2->standby && !n2->unclean);
	res.online = n1->online;
	res.unclean = n1->unclean;
	res.pending = n1->pending;
	res.standby = n1->standby;
	res.can_fence = vigil_can_fence(&opts, n1);
	g_strlcpy(res.reason, n1->unclean_reason ? n1->unclean_reason : "", sizeof(res.reason));
	return res;
}

#define STATE(ccm, crmd, join, exp) \
	"<node_state id=\"1\" uname=\"node1\" in_ccm=\"" ccm "\" crmd=\"" crmd "\" join=\"" join \
	"\" expected=\"" exp "\">"

static void test_member(void)
{
	result r = eval(stonith_on, "1", STATE("true", "online", "member", "member") "</node_state>",
			"");

	g_assert_true(r.online && !r.unclean && !r.pending && !r.standby);
}

static void test_lost_peer(void)
{
	result r = eval(stonith_on, "1", STATE("false", "offline", "down", "member") "</node_state>",
			"");

	g_assert_true(!r.online && r.unclean && r.can_fence);
	g_assert_cmpstr(r.reason, ==, "peer is no longer part of the cluster");
}

static void test_lost_process(void)
{
	result r = eval(stonith_on, "1", STATE("true", "offline", "member", "member") "</node_state>",
			"");

	g_assert_true(r.unclean);
	g_assert_cmpstr(r.reason, ==, "peer process is no longer available");
}

static void test_clean_shutdown(void)
{
	result r = eval(stonith_on, "1", STATE("false", "offline", "down", "down") "</node_state>",
			"");

	g_assert_true(!r.online && !r.unclean);
}

static void test_pending(void)
{
	result r = eval(stonith_on, "1", STATE("true", "online", "pending", "member") "</node_state>",
			"");

	g_assert_true(r.pending && r.standby && !r.unclean);
}

static void test_banned(void)
{
	result r = eval(stonith_on, "1", STATE("true", "online", "banned", "member") "</node_state>",
			"");

	g_assert_true(r.unclean);
	g_assert_cmpstr(r.reason, ==, "peer failed Pacemaker membership criteria");
}

static void test_unseen(void)
{
	result with = eval(stonith_on, "1", "", "");
	result trusted = eval("<nvpair id=\"o2\" name=\"startup-fencing\" value=\"false\"/>",
			      "1", "", "");
	result without = eval(stonith_off, "1", "", "");

	g_assert_true(with.unclean && !with.online);
	g_assert_true(!trusted.unclean);
	g_assert_true(!without.unclean && !without.online);
}

static void test_no_fencing_unexpected_down(void)
{
	result r = eval(stonith_off, "1", STATE("true", "offline", "member", "member") "</node_state>",
			"");

	g_assert_true(r.unclean && !r.can_fence);
	g_assert_cmpstr(r.reason, ==, "peer is unexpectedly down");
}

static void test_no_quorum(void)
{
	result r = eval(stonith_on, "0", STATE("false", "offline", "down", "member") "</node_state>",
			"");
	result ignore = eval("<nvpair id=\"o3\" name=\"no-quorum-policy\" value=\"ignore\"/>", "0",
			     STATE("false", "offline", "down", "member") "</node_state>", "");

	g_assert_true(r.unclean && !r.can_fence);
	g_assert_true(ignore.unclean && ignore.can_fence);
}

#define LRM(ops) "<lrm id=\"1\"><lrm_resources><lrm_resource id=\"r\" class=\"ocf\" " \
	"provider=\"pacemaker\" type=\"Dummy\">" ops "</lrm_resource></lrm_resources></lrm>"
#define OP(id, name, interval, call, rc, change) \
	"<lrm_rsc_op id=\"" id "\" operation=\"" name "\" interval=\"" interval "\" call-id=\"" \
	call "\" rc-code=\"" rc "\" op-status=\"0\" last-rc-change=\"" change "\"/>"
#define RECENT "1699999990"
#define LONG_AGO "1600000000"

static void test_failed_stop_fences(void)
{
	result on = eval(stonith_on, "1", STATE("true", "online", "member", "member")
			 LRM(OP("a", "start", "0", "2", "0", RECENT)
			     OP("b", "stop", "0", "3", "1", RECENT)) "</node_state>", "");
	result off = eval(stonith_off, "1", STATE("true", "online", "member", "member")
			  LRM(OP("b", "stop", "0", "3", "1", RECENT)) "</node_state>", "");
	/* a later successful stop does not undo the need to fence */
	result later = eval(stonith_on, "1", STATE("true", "online", "member", "member")
			    LRM(OP("b", "stop", "0", "3", "1", RECENT)
				OP("c", "stop", "0", "4", "0", RECENT)) "</node_state>", "");

	g_assert_true(on.unclean && on.online);
	g_assert_cmpstr(on.reason, ==, "r failed there");
	g_assert_false(off.unclean); /* blocked instead */
	g_assert_true(later.unclean);
}

static void test_on_fail_fence(void)
{
	const char *ops = "<op id=\"r-mon\" name=\"monitor\" interval=\"10s\" on-fail=\"fence\"/>";
	result failed = eval(stonith_on, "1", STATE("true", "online", "member", "member")
			     LRM(OP("a", "start", "0", "2", "0", RECENT)
				 OP("m", "monitor", "10000", "3", "7", RECENT)) "</node_state>", ops);
	/* expired by failure-timeout (60 s) long ago: no longer counts */
	result expired = eval(stonith_on, "1", STATE("true", "online", "member", "member")
			      LRM(OP("a", "start", "0", "2", "0", LONG_AGO)
				  OP("m", "monitor", "10000", "3", "7", LONG_AGO)) "</node_state>",
			      ops);
	/* a probe finding it stopped is not a failure */
	result probe = eval(stonith_on, "1", STATE("true", "online", "member", "member")
			    LRM(OP("p", "monitor", "0", "1", "7", RECENT)) "</node_state>", ops);

	g_assert_true(failed.unclean);
	g_assert_false(expired.unclean);
	g_assert_false(probe.unclean);
}

static void test_transient_standby(void)
{
	result r = eval(stonith_on, "1", STATE("true", "online", "member", "member")
			"<transient_attributes id=\"1\"><instance_attributes id=\"t1\">"
			"<nvpair id=\"t1-s\" name=\"standby\" value=\"true\"/>"
			"</instance_attributes></transient_attributes></node_state>", "");

	g_assert_true(r.online && r.standby && !r.unclean);
}

static void test_helpers(void)
{
	vigil_on_fail f;

	g_assert_true(vigil_str_is_true("yes") && vigil_str_is_true("ON") &&
		      vigil_str_is_true("1"));
	g_assert_false(vigil_str_is_true("false") || vigil_str_is_true(NULL) ||
		       vigil_str_is_true("2"));
	g_assert_cmpint(vigil_on_fail_parse("fence", &f), ==, 0);
	g_assert_cmpint(f, ==, VIGIL_ON_FAIL_FENCE);
	f = VIGIL_ON_FAIL_STOP;
	g_assert_cmpint(vigil_on_fail_parse("explode", &f), <, 0);
	g_assert_cmpint(f, ==, VIGIL_ON_FAIL_STOP);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/nodestate/member", test_member);
	g_test_add_func("/nodestate/lost-peer", test_lost_peer);
	g_test_add_func("/nodestate/lost-process", test_lost_process);
	g_test_add_func("/nodestate/clean-shutdown", test_clean_shutdown);
	g_test_add_func("/nodestate/pending", test_pending);
	g_test_add_func("/nodestate/banned", test_banned);
	g_test_add_func("/nodestate/unseen", test_unseen);
	g_test_add_func("/nodestate/no-fencing-unexpected-down", test_no_fencing_unexpected_down);
	g_test_add_func("/nodestate/no-quorum", test_no_quorum);
	g_test_add_func("/nodestate/failed-stop-fences", test_failed_stop_fences);
	g_test_add_func("/nodestate/on-fail-fence", test_on_fail_fence);
	g_test_add_func("/nodestate/transient-standby", test_transient_standby);
	g_test_add_func("/nodestate/helpers", test_helpers);
	return g_test_run();
}
