/* Unit tests of the partition view (lib/cluster/view.c): the DC choice, group and quorum
 * membership, and the IPC form of a view, including the malformed ones a client or
 * daemon must refuse. */
#include "config.h"

#include <errno.h>

#include <glib.h>

#include "cluster/view.h"

static void test_dc_lowest_member(void)
{
	const uint32_t three[] = { 3, 1, 2 }, one[] = { 7 }, with_zero[] = { 0, 5, 4 };

	g_assert_cmpuint(vigil_dc_choose(three, 3), ==, 1);
	g_assert_cmpuint(vigil_dc_choose(one, 1), ==, 7);
	g_assert_cmpuint(vigil_dc_choose(with_zero, 3), ==, 4);
	g_assert_cmpuint(vigil_dc_choose(NULL, 0), ==, 0);
}

/* Every member of a partition computes the same DC whatever order it got the list in. */
static void test_dc_same_for_every_order(void)
{
	const uint32_t a[] = { 4, 2, 9 }, b[] = { 9, 4, 2 }, c[] = { 2, 9, 4 };

	g_assert_cmpuint(vigil_dc_choose(a, 3), ==, vigil_dc_choose(b, 3));
	g_assert_cmpuint(vigil_dc_choose(b, 3), ==, vigil_dc_choose(c, 3));
}

static vigil_view *three_nodes(void)
{
	vigil_view *v = vigil_view_new();

	vigil_view_node_get(v, 2, "node2");
	vigil_view_node_get(v, 1, "node1");
	vigil_view_node_get(v, 3, "node3");
	v->cluster_name = g_strdup("c1");
	v->local_nodeid = 2;
	return v;
}

static void test_nodes_ordered_and_named(void)
{
	g_autoptr(vigil_view) v = three_nodes();
	const uint32_t stranger[] = { 1, 12 };

	vigil_view_set_group(v, stranger, 2);
	g_assert_cmpuint(v->nodes->len, ==, 4);
	for (guint i = 0; i + 1 < v->nodes->len; i++)
		g_assert_cmpuint(((vigil_view_node *)v->nodes->pdata[i])->nodeid, <,
				 ((vigil_view_node *)v->nodes->pdata[i + 1])->nodeid);
	g_assert_cmpstr(vigil_view_node_find(v, 12)->name, ==, "node12");
	g_assert_cmpstr(vigil_view_node_find(v, 3)->name, ==, "node3");
	g_assert_null(vigil_view_node_find(v, 5));
}

static void test_group_and_quorum(void)
{
	g_autoptr(vigil_view) v = three_nodes();
	const uint32_t group[] = { 3, 2 }, quorum[] = { 1, 2, 3 }, alone[] = { 2 };
	g_autofree char *line = NULL;

	vigil_view_set_group(v, group, 2);
	vigil_view_set_quorum(v, quorum, 3, true, 17);
	g_assert_cmpuint(v->dc_nodeid, ==, 2);
	g_assert_false(vigil_view_node_find(v, 1)->in_group);
	g_assert_true(vigil_view_node_find(v, 1)->in_quorum);
	g_assert_true(vigil_view_node_find(v, 3)->in_group);
	line = vigil_view_describe(v);
	g_assert_cmpstr(line, ==, "members node2 node3 (ring 17), quorate; DC node2");
	g_clear_pointer(&line, g_free);

	vigil_view_set_group(v, alone, 1);
	vigil_view_set_quorum(v, alone, 1, false, 18);
	g_assert_false(v->quorate);
	g_assert_false(vigil_view_node_find(v, 3)->in_quorum);
	line = vigil_view_describe(v);
	g_assert_cmpstr(line, ==, "members node2 (ring 18), NOT quorate; DC node2");
	g_clear_pointer(&line, g_free);

	vigil_view_set_group(v, NULL, 0);
	g_assert_cmpuint(v->dc_nodeid, ==, 0);
	line = vigil_view_describe(v);
	g_assert_cmpstr(line, ==, "members none (ring 18), NOT quorate; DC none");
}

static void test_variant_round_trip(void)
{
	g_autoptr(vigil_view) v = three_nodes(), back = NULL;
	g_autoptr(GVariant) var = NULL;
	const uint32_t group[] = { 1, 3 };

	vigil_view_set_group(v, group, 2);
	vigil_view_set_quorum(v, group, 2, true, 99);
	var = g_variant_ref_sink(vigil_view_to_variant(v));
	g_assert_cmpint(vigil_view_from_variant(var, &back), ==, 0);
	g_assert_cmpstr(back->cluster_name, ==, "c1");
	g_assert_cmpuint(back->local_nodeid, ==, 2);
	g_assert_cmpuint(back->dc_nodeid, ==, 1);
	g_assert_true(back->quorate);
	g_assert_cmpuint(back->ring_seq, ==, 99);
	g_assert_cmpuint(back->nodes->len, ==, 3);
	for (guint i = 0; i < 3; i++) {
		const vigil_view_node *a = v->nodes->pdata[i], *b = back->nodes->pdata[i];

		g_assert_cmpuint(a->nodeid, ==, b->nodeid);
		g_assert_cmpstr(a->name, ==, b->name);
		g_assert_cmpint(a->in_group, ==, b->in_group);
		g_assert_cmpint(a->in_quorum, ==, b->in_quorum);
	}
}

static void test_variant_refused(void)
{
	g_autoptr(GVariant) wrong_type = g_variant_ref_sink(g_variant_new("(us)", 1, "x"));
	g_autoptr(GVariant) wrong_version = NULL;
	vigil_view *v = (vigil_view *)&v; /* must stay untouched */
	vigil_view *const sentinel = v;

	wrong_version = g_variant_ref_sink(g_variant_new("(usuubta(usbb))", 2, "c", 1, 1, TRUE,
							 (guint64)1, NULL));
	g_assert_cmpint(vigil_view_from_variant(wrong_type, &v), ==, -EPROTO);
	g_assert_cmpint(vigil_view_from_variant(wrong_version, &v), ==, -EPROTO);
	g_assert_cmpint(vigil_view_from_variant(NULL, &v), ==, -EPROTO);
	g_assert_true(v == sentinel);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/view/dc/lowest-member", test_dc_lowest_member);
	g_test_add_func("/view/dc/same-for-every-order", test_dc_same_for_every_order);
	g_test_add_func("/view/nodes/ordered-and-named", test_nodes_ordered_and_named);
	g_test_add_func("/view/group-and-quorum", test_group_and_quorum);
	g_test_add_func("/view/variant/round-trip", test_variant_round_trip);
	g_test_add_func("/view/variant/refused", test_variant_refused);
	return g_test_run();
}
