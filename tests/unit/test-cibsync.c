/* Unit tests of the replicated CIB (lib/cluster/cibsync.c) and its wire format
 * (lib/cluster/wire.c), with a simulated process group: messages and membership changes
 * go through one queue and reach every member of the membership current at their turn,
 * in the same order, as corosync's virtual synchrony delivers them. */
#include "config.h"

#include <errno.h>
#include <string.h>

#include <glib.h>

#include "cluster/cibsync.h"
#include "cluster/wire.h"

#define MAX_NODES 4

typedef struct event {
	bool confchg;
	uint32_t sender;
	GBytes *msg;
	uint32_t members[MAX_NODES];
	size_t n;
} event;

typedef struct member {
	struct group *g;
	uint32_t nodeid;
	vigil_cibsync *sync;
	unsigned adopted, fulls_sent;
	int last_result;
	uint64_t last_request;
	bool in;
} member;

typedef struct group {
	member m[MAX_NODES + 1]; /* by node id */
	GQueue queue;
	uint32_t members[MAX_NODES];
	size_t n;
	unsigned sent;
} group;

static int on_send(void *ctx, const uint8_t *buf, size_t len)
{
	member *me = ctx;
	event *e = g_new0(event, 1);
	vigil_wire_msg m;

	g_assert_cmpint(vigil_wire_decode(buf, len, &m), ==, 0);
	if (m.type == VIGIL_WIRE_CIB_FULL)
		me->fulls_sent++;
	e->sender = me->nodeid;
	e->msg = g_bytes_new(buf, len);
	g_queue_push_tail(&me->g->queue, e);
	me->g->sent++;
	return 0;
}

static void on_adopt(void *ctx, const char *data, size_t len, const vigil_cib_version *v)
{
	((member *)ctx)->adopted++;
}

static void on_decided(void *ctx, uint64_t request, int result)
{
	member *me = ctx;

	me->last_request = request;
	me->last_result = result;
}

static const vigil_cibsync_ops ops = { on_send, on_adopt, on_decided };

static void add_member(group *g, uint32_t nodeid, const char *cib, uint64_t epoch)
{
	vigil_cib_version v = { 0, epoch, 0 };
	member *me = &g->m[nodeid];

	me->g = g;
	me->nodeid = nodeid;
	me->last_result = 1;
	me->sync = vigil_cibsync_new(nodeid, cib, strlen(cib), &v, &ops, me);
}

static void group_free(group *g)
{
	event *e;

	while ((e = g_queue_pop_head(&g->queue)) != NULL) {
		if (e->msg != NULL)
			g_bytes_unref(e->msg);
		g_free(e);
	}
	for (int i = 0; i <= MAX_NODES; i++)
		g_clear_pointer(&g->m[i].sync, vigil_cibsync_free);
}

/* Queues a membership change to the N nodes IDS. */
static void change(group *g, const uint32_t *ids, size_t n)
{
	event *e = g_new0(event, 1);

	e->confchg = true;
	memcpy(e->members, ids, n * sizeof(*ids));
	e->n = n;
	g_queue_push_tail(&g->queue, e);
}

/* Delivers the first queued event; false when there was none. */
static bool pump_one(group *g)
{
	event *e = g_queue_pop_head(&g->queue);

	if (e == NULL)
		return false;
	if (e->confchg) {
		memcpy(g->members, e->members, e->n * sizeof(uint32_t));
		g->n = e->n;
		for (size_t i = 0; i < g->n; i++)
			vigil_cibsync_membership(g->m[g->members[i]].sync, g->members, g->n);
	} else {
		gsize len;
		const uint8_t *buf = g_bytes_get_data(e->msg, &len);

		for (size_t i = 0; i < g->n; i++)
			g_assert_cmpint(vigil_cibsync_deliver(g->m[g->members[i]].sync, e->sender,
							      buf, len), ==, 0);
		g_bytes_unref(e->msg);
	}
	g_free(e);
	return true;
}

/* Delivers everything queued, and what that makes the members send. */
static void pump(group *g)
{
	while (pump_one(g))
		;
}

/* Forgets what NODEID sent that is not delivered yet: it died before it went out. */
static void drop_from(group *g, uint32_t nodeid)
{
	for (GList *l = g->queue.head, *next; l != NULL; l = next) {
		event *e = l->data;

		next = l->next;
		if (!e->confchg && e->sender == nodeid) {
			g_bytes_unref(e->msg);
			g_free(e);
			g_queue_delete_link(&g->queue, l);
		}
	}
}

static const char *held(group *g, uint32_t nodeid, vigil_cib_version *v)
{
	static char buf[256];
	size_t len;
	const char *data = vigil_cibsync_current(g->m[nodeid].sync, &len, v);

	g_assert_cmpuint(len, <, sizeof(buf));
	memcpy(buf, data, len);
	buf[len] = '\0';
	return buf;
}

static void assert_all_hold(group *g, const char *cib)
{
	for (size_t i = 0; i < g->n; i++) {
		g_assert_true(vigil_cibsync_synced(g->m[g->members[i]].sync));
		g_assert_cmpstr(held(g, g->members[i], NULL), ==, cib);
	}
}

static void test_same_copy_needs_no_transfer(void)
{
	group g = { 0 };
	const uint32_t all[] = { 1, 2, 3 };

	for (uint32_t i = 1; i <= 3; i++)
		add_member(&g, i, "<cib epoch=1/>", 1);
	change(&g, all, 3);
	pump(&g);
	assert_all_hold(&g, "<cib epoch=1/>");
	g_assert_cmpuint(g.sent, ==, 3); /* the three offers, nothing else */
	for (uint32_t i = 1; i <= 3; i++)
		g_assert_cmpuint(g.m[i].adopted, ==, 0);
	group_free(&g);
}

static void test_newest_copy_wins(void)
{
	group g = { 0 };
	const uint32_t all[] = { 1, 2, 3 };
	vigil_cib_version v;

	add_member(&g, 1, "<cib epoch=4/>", 4);
	add_member(&g, 2, "<cib epoch=7/>", 7);
	add_member(&g, 3, "<cib epoch=5/>", 5);
	change(&g, all, 3);
	pump(&g);
	assert_all_hold(&g, "<cib epoch=7/>");
	held(&g, 1, &v);
	g_assert_cmpuint(v.epoch, ==, 7);
	g_assert_cmpuint(g.m[2].fulls_sent, ==, 1);
	g_assert_cmpuint(g.m[1].fulls_sent + g.m[3].fulls_sent, ==, 0);
	g_assert_cmpuint(g.m[1].adopted, ==, 1);
	g_assert_cmpuint(g.m[2].adopted, ==, 0);
	group_free(&g);
}

/* Same version, different bytes (two partitions changed it alike): one copy wins on every
 * member, sent by the lowest id that holds it. */
static void test_tie_broken_the_same_everywhere(void)
{
	group g = { 0 };
	const uint32_t all[] = { 1, 2, 3 };
	vigil_cib_id a, b;
	vigil_cib_version v = { 0, 3, 0 };
	const char *winner;

	vigil_cib_id_of("<cib a/>", 8, &v, &a);
	vigil_cib_id_of("<cib b/>", 8, &v, &b);
	winner = vigil_cib_id_cmp(&a, &b) > 0 ? "<cib a/>" : "<cib b/>";
	add_member(&g, 1, "<cib a/>", 3);
	add_member(&g, 2, "<cib b/>", 3);
	add_member(&g, 3, "<cib b/>", 3);
	change(&g, all, 3);
	pump(&g);
	assert_all_hold(&g, winner);
	if (strcmp(winner, "<cib b/>") == 0) {
		g_assert_cmpuint(g.m[2].fulls_sent, ==, 1);
		g_assert_cmpuint(g.m[3].fulls_sent, ==, 0);
	} else {
		g_assert_cmpuint(g.m[1].fulls_sent, ==, 1);
	}
	group_free(&g);
}

static void test_update_applied_everywhere(void)
{
	group g = { 0 };
	const uint32_t all[] = { 1, 2, 3 };
	vigil_cib_version next = { 0, 2, 0 }, v;
	uint64_t req = 0;

	for (uint32_t i = 1; i <= 3; i++)
		add_member(&g, i, "<cib epoch=1/>", 1);
	change(&g, all, 3);
	pump(&g);
	g_assert_cmpint(vigil_cibsync_propose(g.m[3].sync, "<cib epoch=2/>", 14, &next, &req),
			==, 0);
	pump(&g);
	assert_all_hold(&g, "<cib epoch=2/>");
	held(&g, 2, &v);
	g_assert_cmpuint(v.epoch, ==, 2);
	g_assert_cmpuint(g.m[3].last_request, ==, req);
	g_assert_cmpint(g.m[3].last_result, ==, 0);
	g_assert_cmpint(g.m[1].last_result, ==, 1); /* told only the proposer */
	group_free(&g);
}

/* Two members change the same copy at once: the first delivered wins everywhere, the
 * other is refused everywhere. */
static void test_concurrent_updates(void)
{
	group g = { 0 };
	const uint32_t all[] = { 1, 2, 3 };
	vigil_cib_version next = { 0, 2, 0 };
	uint64_t r1, r3;

	for (uint32_t i = 1; i <= 3; i++)
		add_member(&g, i, "<cib epoch=1/>", 1);
	change(&g, all, 3);
	pump(&g);
	g_assert_cmpint(vigil_cibsync_propose(g.m[3].sync, "<cib by=3/>", 11, &next, &r3), ==, 0);
	g_assert_cmpint(vigil_cibsync_propose(g.m[1].sync, "<cib by=1/>", 11, &next, &r1), ==, 0);
	pump(&g);
	assert_all_hold(&g, "<cib by=3/>");
	g_assert_cmpint(g.m[3].last_result, ==, 0);
	g_assert_cmpint(g.m[1].last_result, ==, -ESTALE);
	group_free(&g);
}

static void test_update_must_be_newer(void)
{
	group g = { 0 };
	const uint32_t all[] = { 1, 2 };
	vigil_cib_version same = { 0, 5, 0 };
	uint64_t r;

	add_member(&g, 1, "<cib epoch=5/>", 5);
	add_member(&g, 2, "<cib epoch=5/>", 5);
	change(&g, all, 2);
	pump(&g);
	g_assert_cmpint(vigil_cibsync_propose(g.m[1].sync, "<cib other/>", 12, &same, &r), ==, 0);
	pump(&g);
	assert_all_hold(&g, "<cib epoch=5/>");
	g_assert_cmpint(g.m[1].last_result, ==, -ESTALE);
	group_free(&g);
}

/* A change delivered while the members are still syncing is refused by all alike. */
static void test_update_while_unsynced(void)
{
	group g = { 0 };
	const uint32_t two[] = { 1, 2 }, three[] = { 1, 2, 3 };
	vigil_cib_version next = { 0, 2, 0 };
	uint64_t r;

	for (uint32_t i = 1; i <= 3; i++)
		add_member(&g, i, "<cib epoch=1/>", 1);
	change(&g, two, 2);
	pump(&g);
	g_assert_cmpint(vigil_cibsync_propose(g.m[1].sync, "<cib epoch=2/>", 14, &next, &r), ==, 0);
	/* node3 joins before the change is delivered: the change comes after the
	 * membership change and before the new offers */
	{
		event *e = g_queue_pop_head(&g.queue);

		change(&g, three, 3);
		g_queue_push_tail(&g.queue, e);
	}
	pump(&g);
	assert_all_hold(&g, "<cib epoch=1/>");
	g_assert_cmpint(g.m[1].last_result, ==, -EAGAIN);
	g_assert_cmpint(vigil_cibsync_propose(g.m[3].sync, "<cib epoch=2/>", 14, &next, &r), ==, 0);
	pump(&g);
	assert_all_hold(&g, "<cib epoch=2/>");
	group_free(&g);
}

/* A member that leaves before its offer arrives: the next membership settles it. */
static void test_member_lost_during_sync(void)
{
	group g = { 0 };
	const uint32_t three[] = { 1, 2, 3 }, two[] = { 1, 2 };
	vigil_cib_version next = { 0, 9, 0 };
	uint64_t r;

	add_member(&g, 1, "<cib epoch=1/>", 1);
	add_member(&g, 2, "<cib epoch=1/>", 1);
	add_member(&g, 3, "<cib epoch=8/>", 8);
	change(&g, three, 3);
	pump_one(&g); /* the membership change: each member queues its offer */
	g_assert_false(vigil_cibsync_synced(g.m[1].sync));
	drop_from(&g, 3);
	change(&g, two, 2);
	pump(&g);
	for (size_t i = 0; i < g.n; i++)
		g_assert_true(vigil_cibsync_synced(g.m[g.members[i]].sync));
	assert_all_hold(&g, "<cib epoch=1/>");
	g_assert_cmpint(vigil_cibsync_propose(g.m[2].sync, "<cib epoch=9/>", 14, &next, &r), ==, 0);
	pump(&g);
	assert_all_hold(&g, "<cib epoch=9/>");
	group_free(&g);
}

static void test_full_with_wrong_bytes_refused(void)
{
	vigil_cib_version v1 = { 0, 1, 0 }, v7 = { 0, 7, 0 };
	const uint32_t both[] = { 1, 2 };
	g_autoptr(vigil_cibsync) s = NULL;
	g_autofree uint8_t *offer1 = NULL, *offer2 = NULL, *full = NULL;
	vigil_wire_msg m = { .type = VIGIL_WIRE_CIB_OFFER };
	member me = { .nodeid = 1 };
	group g = { 0 };
	size_t l1, l2, lf;

	me.g = &g;
	s = vigil_cibsync_new(1, "<old/>", 6, &v1, &ops, &me);
	vigil_cibsync_membership(s, both, 2);
	vigil_cib_id_of("<old/>", 6, &v1, &m.id);
	offer1 = vigil_wire_encode(&m, &l1);
	vigil_cib_id_of("<new/>", 6, &v7, &m.id);
	offer2 = vigil_wire_encode(&m, &l2);
	m.type = VIGIL_WIRE_CIB_FULL;
	m.data = "<bad/>";
	m.len = 6;
	full = vigil_wire_encode(&m, &lf);
	vigil_cibsync_deliver(s, 1, offer1, l1);
	vigil_cibsync_deliver(s, 2, offer2, l2);
	vigil_cibsync_deliver(s, 2, full, lf);
	g_assert_false(vigil_cibsync_synced(s));
	g_assert_cmpuint(me.adopted, ==, 0);
	{
		event *e;

		while ((e = g_queue_pop_head(&g.queue)) != NULL) {
			g_bytes_unref(e->msg);
			g_free(e);
		}
	}
}

static void test_wire_round_trip(void)
{
	vigil_wire_msg in = { .type = VIGIL_WIRE_CIB_UPDATE, .new_version = { 1, 2, 3 },
			      .request = 0x0102030405060708ull, .data = "<cib/>", .len = 6 };
	vigil_wire_msg out;
	vigil_cib_version v = { 9, 8, 7 };
	g_autofree uint8_t *buf = NULL;
	size_t len;

	vigil_cib_id_of("<cib/>", 6, &v, &in.id);
	buf = vigil_wire_encode(&in, &len);
	/* explicit little-endian layout */
	g_assert_cmpmem(buf, 4, "VGL1", 4);
	g_assert_cmpuint(buf[4], ==, VIGIL_WIRE_VERSION);
	g_assert_cmpuint(buf[6], ==, VIGIL_WIRE_CIB_UPDATE);
	g_assert_cmpint(vigil_wire_decode(buf, len, &out), ==, 0);
	g_assert_cmpint(out.type, ==, in.type);
	g_assert_true(vigil_cib_id_equal(&out.id, &in.id));
	g_assert_cmpuint(out.new_version.admin_epoch, ==, 1);
	g_assert_cmpuint(out.new_version.num_updates, ==, 3);
	g_assert_cmpuint(out.request, ==, in.request);
	g_assert_cmpmem(out.data, out.len, "<cib/>", 6);
}

static void test_wire_op_round_trip(void)
{
	vigil_wire_msg in = { .type = VIGIL_WIRE_RESULT,
			      .op = { .transition = 7, .action = 12, .target = 3, .timeout_ms = 20000,
				      .interval_ms = 30000, .rc = 7, .status = 2, .exec_ms = 15,
				      .rsc = "vip", .task = "monitor", .reason = "gone" } };
	vigil_wire_msg out;
	g_autofree uint8_t *buf = NULL;
	size_t len;

	buf = vigil_wire_encode(&in, &len);
	g_assert_cmpint(vigil_wire_decode(buf, len, &out), ==, 0);
	g_assert_cmpint(out.type, ==, VIGIL_WIRE_RESULT);
	g_assert_cmpuint(out.op.transition, ==, 7);
	g_assert_cmpuint(out.op.action, ==, 12);
	g_assert_cmpuint(out.op.target, ==, 3);
	g_assert_cmpuint(out.op.timeout_ms, ==, 20000);
	g_assert_cmpuint(out.op.interval_ms, ==, 30000);
	g_assert_cmpint(out.op.rc, ==, 7);
	g_assert_cmpuint(out.op.status, ==, 2);
	g_assert_cmpuint(out.op.exec_ms, ==, 15);
	g_assert_cmpstr(out.op.rsc, ==, "vip");
	g_assert_cmpstr(out.op.task, ==, "monitor");
	g_assert_cmpstr(out.op.reason, ==, "gone");
	for (size_t cut = 0; cut < len; cut++)
		g_assert_cmpint(vigil_wire_decode(buf, cut, &out), ==, -EPROTO);
	/* a string whose NUL is not its last byte */
	buf[len - 1] = 'x';
	g_assert_cmpint(vigil_wire_decode(buf, len, &out), ==, -EPROTO);
	in.op.rsc = ""; /* an action names its resource */
	g_clear_pointer(&buf, g_free);
	buf = vigil_wire_encode(&in, &len);
	g_assert_cmpint(vigil_wire_decode(buf, len, &out), ==, -EPROTO);
}

static void test_wire_fence_round_trip(void)
{
	/* a request for fencing names its target, and may leave the device to the DC */
	vigil_wire_msg in = { .type = VIGIL_WIRE_FENCE,
			      .op = { .action = 4, .origin = 2, .rsc = "", .task = "reboot",
				      .priority_delay_ms = 15000, .reason = "asked by root",
				      .node = "node3" } };
	vigil_wire_msg out;
	g_autofree uint8_t *buf = NULL;
	size_t len;

	buf = vigil_wire_encode(&in, &len);
	g_assert_cmpint(vigil_wire_decode(buf, len, &out), ==, 0);
	g_assert_cmpint(out.type, ==, VIGIL_WIRE_FENCE);
	g_assert_cmpuint(out.op.action, ==, 4);
	g_assert_cmpuint(out.op.origin, ==, 2);
	g_assert_cmpuint(out.op.priority_delay_ms, ==, 15000);
	g_assert_cmpstr(out.op.rsc, ==, "");
	g_assert_cmpstr(out.op.task, ==, "reboot");
	g_assert_cmpstr(out.op.node, ==, "node3");
	g_assert_cmpstr(out.op.reason, ==, "asked by root");
	for (size_t cut = 0; cut < len; cut++)
		g_assert_cmpint(vigil_wire_decode(buf, cut, &out), ==, -EPROTO);
	in.op.node = ""; /* neither a resource nor a target */
	g_clear_pointer(&buf, g_free);
	buf = vigil_wire_encode(&in, &len);
	g_assert_cmpint(vigil_wire_decode(buf, len, &out), ==, -EPROTO);
}

static void test_wire_refuses_malformed(void)
{
	vigil_wire_msg m = { .type = VIGIL_WIRE_CIB_FULL, .data = "<cib/>", .len = 6 };
	g_autofree uint8_t *buf = NULL;
	vigil_wire_msg out = { .len = 4242 };
	size_t len;

	buf = vigil_wire_encode(&m, &len);
	for (size_t cut = 0; cut < len; cut++)
		g_assert_cmpint(vigil_wire_decode(buf, cut, &out), ==, -EPROTO);
	buf[0] ^= 1; /* magic */
	g_assert_cmpint(vigil_wire_decode(buf, len, &out), ==, -EPROTO);
	buf[0] ^= 1;
	buf[4] = VIGIL_WIRE_VERSION + 1; /* version */
	g_assert_cmpint(vigil_wire_decode(buf, len, &out), ==, -EPROTO);
	buf[4] = VIGIL_WIRE_VERSION;
	buf[6] = 99; /* type */
	g_assert_cmpint(vigil_wire_decode(buf, len, &out), ==, -EPROTO);
	buf[6] = VIGIL_WIRE_CIB_FULL;
	buf[12] = 1; /* reserved */
	g_assert_cmpint(vigil_wire_decode(buf, len, &out), ==, -EPROTO);
	buf[12] = 0;
	buf[len - 6 - 4] ^= 1; /* the data length no longer matches the payload */
	g_assert_cmpint(vigil_wire_decode(buf, len, &out), ==, -EPROTO);
	g_assert_cmpuint(out.len, ==, 4242); /* untouched on failure */
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/cibsync/same-copy-needs-no-transfer", test_same_copy_needs_no_transfer);
	g_test_add_func("/cibsync/newest-copy-wins", test_newest_copy_wins);
	g_test_add_func("/cibsync/tie-broken-the-same-everywhere",
			test_tie_broken_the_same_everywhere);
	g_test_add_func("/cibsync/update-applied-everywhere", test_update_applied_everywhere);
	g_test_add_func("/cibsync/concurrent-updates", test_concurrent_updates);
	g_test_add_func("/cibsync/update-must-be-newer", test_update_must_be_newer);
	g_test_add_func("/cibsync/update-while-unsynced", test_update_while_unsynced);
	g_test_add_func("/cibsync/member-lost-during-sync", test_member_lost_during_sync);
	g_test_add_func("/cibsync/full-with-wrong-bytes-refused",
			test_full_with_wrong_bytes_refused);
	g_test_add_func("/wire/round-trip", test_wire_round_trip);
	g_test_add_func("/wire/refuses-malformed", test_wire_refuses_malformed);
	g_test_add_func("/wire/op-round-trip", test_wire_op_round_trip);
	g_test_add_func("/wire/fence-round-trip", test_wire_fence_round_trip);
	return g_test_run();
}
