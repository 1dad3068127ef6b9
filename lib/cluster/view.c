#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "cluster/view.h"

static void view_node_free(vigil_view_node *n)
{
	if (n == NULL)
		return;
	g_free(n->name);
	g_free(n);
}

vigil_view *vigil_view_new(void)
{
	vigil_view *v = g_new0(vigil_view, 1);

	v->nodes = g_ptr_array_new_with_free_func((GDestroyNotify)view_node_free);
	return v;
}

void vigil_view_free(vigil_view *v)
{
	if (v == NULL)
		return;
	g_free(v->cluster_name);
	g_ptr_array_unref(v->nodes);
	g_free(v);
}

const vigil_view_node *vigil_view_node_find(const vigil_view *v, uint32_t nodeid)
{
	for (guint i = 0; i < v->nodes->len; i++) {
		const vigil_view_node *n = g_ptr_array_index(v->nodes, i);

		if (n->nodeid == nodeid)
			return n;
	}
	return NULL;
}

vigil_view_node *vigil_view_node_get(vigil_view *v, uint32_t nodeid, const char *name)
{
	vigil_view_node *n = (vigil_view_node *)vigil_view_node_find(v, nodeid);
	guint at = 0;

	if (n != NULL)
		return n;
	n = g_new0(vigil_view_node, 1);
	n->nodeid = nodeid;
	n->name = name != NULL ? g_strdup(name) : g_strdup_printf("node%" PRIu32, nodeid);
	while (at < v->nodes->len &&
	       ((vigil_view_node *)g_ptr_array_index(v->nodes, at))->nodeid < nodeid)
		at++;
	g_ptr_array_insert(v->nodes, (gint)at, n);
	return n;
}

static bool contains(const uint32_t *ids, size_t n, uint32_t id)
{
	for (size_t i = 0; i < n; i++)
		if (ids[i] == id)
			return true;
	return false;
}

uint32_t vigil_dc_choose(const uint32_t *members, size_t n)
{
	uint32_t dc = 0;

	for (size_t i = 0; i < n; i++)
		if (members[i] != 0 && (dc == 0 || members[i] < dc))
			dc = members[i];
	return dc;
}

void vigil_view_set_group(vigil_view *v, const uint32_t *members, size_t n)
{
	for (size_t i = 0; i < n; i++)
		vigil_view_node_get(v, members[i], NULL);
	for (guint i = 0; i < v->nodes->len; i++) {
		vigil_view_node *node = g_ptr_array_index(v->nodes, i);

		node->in_group = contains(members, n, node->nodeid);
	}
	v->dc_nodeid = vigil_dc_choose(members, n);
}

void vigil_view_set_quorum(vigil_view *v, const uint32_t *members, size_t n, bool quorate,
			   uint64_t ring_seq)
{
	for (size_t i = 0; i < n; i++)
		vigil_view_node_get(v, members[i], NULL);
	for (guint i = 0; i < v->nodes->len; i++) {
		vigil_view_node *node = g_ptr_array_index(v->nodes, i);

		node->in_quorum = contains(members, n, node->nodeid);
	}
	v->quorate = quorate;
	v->ring_seq = ring_seq;
}

GVariant *vigil_view_to_variant(const vigil_view *v)
{
	GVariantBuilder nodes;

	g_variant_builder_init(&nodes, G_VARIANT_TYPE("a(usbb)"));
	for (guint i = 0; i < v->nodes->len; i++) {
		const vigil_view_node *n = g_ptr_array_index(v->nodes, i);

		g_variant_builder_add(&nodes, "(usbb)", n->nodeid, n->name, n->in_group,
				      n->in_quorum);
	}
	return g_variant_new("(usuubta(usbb))", (guint32)VIGIL_VIEW_VERSION,
			     v->cluster_name != NULL ? v->cluster_name : "", v->local_nodeid,
			     v->dc_nodeid, v->quorate, (guint64)v->ring_seq, &nodes);
}

int vigil_view_from_variant(GVariant *var, vigil_view **ret_view)
{
	g_autoptr(vigil_view) v = NULL;
	g_autoptr(GVariantIter) it = NULL;
	const char *name, *node_name;
	guint32 version, nodeid;
	gboolean quorate, in_group, in_quorum;
	guint64 ring;

	if (var == NULL || !g_variant_is_of_type(var, G_VARIANT_TYPE(VIGIL_VIEW_TYPE)))
		return -EPROTO;
	v = vigil_view_new();
	g_variant_get(var, "(u&suubta(usbb))", &version, &name, &v->local_nodeid,
		      &v->dc_nodeid, &quorate, &ring, &it);
	if (version != VIGIL_VIEW_VERSION)
		return -EPROTO;
	v->cluster_name = g_strdup(name);
	v->quorate = quorate;
	v->ring_seq = ring;
	while (g_variant_iter_loop(it, "(u&sbb)", &nodeid, &node_name, &in_group, &in_quorum)) {
		vigil_view_node *n = vigil_view_node_get(v, nodeid, node_name);

		n->in_group = in_group;
		n->in_quorum = in_quorum;
	}
	*ret_view = g_steal_pointer(&v);
	return 0;
}

char *vigil_view_describe(const vigil_view *v)
{
	GString *s = g_string_new("members");
	const vigil_view_node *dc = vigil_view_node_find(v, v->dc_nodeid);
	bool any = false;

	for (guint i = 0; i < v->nodes->len; i++) {
		const vigil_view_node *n = g_ptr_array_index(v->nodes, i);

		if (n->in_group) {
			g_string_append_printf(s, " %s", n->name);
			any = true;
		}
	}
	if (!any)
		g_string_append(s, " none");
	g_string_append_printf(s, " (ring %" G_GUINT64_FORMAT "), %s; DC %s", v->ring_seq,
			       v->quorate ? "quorate" : "NOT quorate",
			       dc != NULL ? dc->name : "none");
	return g_string_free(s, FALSE);
}
