/* The cluster status as crm_simulate prints it (lib/pengine/native.c and pcmk_output.c of
 * Pacemaker 2.1.5), so that the two can be diffed line by line. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "sched/sched-private.h"

static const char *role_text(vigil_role role)
{
	switch (role) {
	case VIGIL_ROLE_STARTED: return "Started";
	case VIGIL_ROLE_UNPROMOTED: return "Unpromoted";
	case VIGIL_ROLE_PROMOTED: return "Promoted";
	default: return "Stopped";
	}
}

/* "%s" as printf() writes it (NULL too), without printf: the status lists every primitive,
 * and is printed twice by a simulation. */
static void append_s(GString *out, const char *v)
{
	g_string_append(out, v != NULL ? v : "(null)");
}

/* " %s" */
static void append_word(GString *out, const char *v)
{
	g_string_append_c(out, ' ');
	append_s(out, v);
}

/* Two blanks a level. */
static void append_indent(GString *out, int depth)
{
	for (int i = 0; i < depth; i++)
		g_string_append(out, "  ");
}

static void add_flag(GString *out, bool *have, const char *flag)
{
	g_string_append(out, *have ? ", " : " (");
	g_string_append(out, flag);
	*have = true;
}

static bool on_maintenance_node(const vigil_srsc *r)
{
	for (guint i = 0; i < r->running_on->len; i++)
		if (((const vigil_snode *)g_ptr_array_index(r->running_on, i))->info->maintenance)
			return true;
	return false;
}

static void format_state(const vigil_srsc *r, const vigil_snode *node, GString *out)
{
	if (r->orphan)
		g_string_append(out, " ORPHANED");
	if (r->failed) {
		g_string_append(out, " FAILED");
		if (r->role > VIGIL_ROLE_UNPROMOTED)
			append_word(out, role_text(r->role));
	} else if (r->pending != NULL) {
		append_word(out, r->pending);
	} else {
		append_word(out, role_text(r->running_on->len > 0 ? r->role : VIGIL_ROLE_STOPPED));
	}
	if (node != NULL)
		append_word(out, node->name);
	if (r->running_on->len == 0 && r->failed_probe_rc != 0)
		g_string_append_printf(out, " (%s) ", r->failed_probe_rc == 2 ? "invalid parameter" :
					"not installed");
}

static void format_primitive(const vigil_srsc *r, int depth, GString *out)
{
	const vigil_snode *node = r->running_on->len == 1 ? g_ptr_array_index(r->running_on, 0) :
				  r->running_on->len == 0 && r->pending != NULL ? r->pending_node :
										   NULL;
	bool have = false;

	/* "%*s* %s\t(%s):\t" */
	append_indent(out, depth);
	g_string_append(out, "* ");
	append_s(out, r->id);
	g_string_append(out, "\t(");
	append_s(out, r->agent);
	g_string_append(out, "):\t");
	format_state(r, node, out);
	if (node != NULL && !node->info->online && node->info->unclean)
		add_flag(out, &have, "UNCLEAN");
	if (r->target_role == VIGIL_ROLE_STOPPED)
		add_flag(out, &have, "disabled");
	if (r->blocked)
		add_flag(out, &have, "blocked");
	else if (!r->managed || on_maintenance_node(r))
		add_flag(out, &have, "unmanaged");
	if (r->failure_ignored)
		add_flag(out, &have, "failure ignored");
	if (have)
		g_string_append_c(out, ')');
	/* active on several nodes: the list comes after the flags */
	if (r->running_on->len > 1) {
		g_string_append(out, " [");
		for (guint i = 0; i < r->running_on->len; i++)
			append_word(out, ((vigil_snode *)g_ptr_array_index(r->running_on, i))->name);
		g_string_append(out, " ]");
	}
	g_string_append_c(out, '\n');
}

static void format_group(const vigil_srsc *g, int depth, GString *out)
{
	bool have = false;

	/* "%*s* Resource Group: %s" */
	append_indent(out, depth);
	g_string_append(out, "* Resource Group: ");
	append_s(out, g->id);
	if (!g->managed)
		add_flag(out, &have, "unmanaged");
	if (g->target_role == VIGIL_ROLE_STOPPED)
		add_flag(out, &have, "disabled");
	g_string_append(out, have ? "):\n" : ":\n");
	for (guint i = 0; i < g->children->len; i++)
		format_primitive(g_ptr_array_index(g->children, i), depth + 1, out);
}

char *vigil_sched_node_special(const vigil_snode *n)
{
	const vigil_node_info *i = n->info;

	if (i->unclean)
		return g_strdup_printf("Node %s: UNCLEAN (%s)", n->name,
				       i->online ? "online" : "offline");
	if (i->pending)
		return g_strdup_printf("Node %s: pending", n->name);
	if (n->standby_onfail && i->online)
		return g_strdup_printf("Node %s: standby (on-fail)", n->name);
	if (i->standby && i->online)
		return g_strdup_printf("Node %s: standby%s", n->name,
				       n->active_count > 0 ? " (with active resources)" : "");
	if (i->maintenance && i->online)
		return g_strdup_printf("Node %s: maintenance", n->name);
	if (i->standby)
		return g_strdup_printf("Node %s: OFFLINE (standby)", n->name);
	if (i->maintenance)
		return g_strdup_printf("Node %s: OFFLINE (maintenance)", n->name);
	return NULL;
}

/* Pacemaker's pcmk__numeric_strcasecmp(): case-insensitive, runs of digits by value. */
int vigil_natural_cmp(const char *a, const char *b)
{
	while (*a != '\0' && *b != '\0') {
		if (g_ascii_isdigit(*a) && g_ascii_isdigit(*b)) {
			char *ea, *eb;
			unsigned long long x = strtoull(a, &ea, 10), y = strtoull(b, &eb, 10);

			if (x != y)
				return x < y ? -1 : 1;
			a = ea;
			b = eb;
			continue;
		}
		if (g_ascii_tolower(*a) != g_ascii_tolower(*b))
			return g_ascii_tolower(*a) - g_ascii_tolower(*b);
		a++;
		b++;
	}
	return (*a != '\0') - (*b != '\0');
}

static gint by_name(gconstpointer a, gconstpointer b)
{
	return vigil_natural_cmp((*(const vigil_snode *const *)a)->name,
			   (*(const vigil_snode *const *)b)->name);
}

/* Nodes are listed by name, as Pacemaker sorts them. */
static void format_nodes(const vigil_sched *s, GString *out)
{
	g_autoptr(GString) online = g_string_new(NULL);
	g_autoptr(GString) offline = g_string_new(NULL);
	g_autoptr(GPtrArray) sorted = g_ptr_array_sized_new(s->nodes->len);

	for (guint i = 0; i < s->nodes->len; i++)
		g_ptr_array_add(sorted, g_ptr_array_index(s->nodes, i));
	g_ptr_array_sort(sorted, by_name);
	g_string_append(out, "  * Node List:\n");
	for (guint i = 0; i < sorted->len; i++) {
		const vigil_snode *n = g_ptr_array_index(sorted, i);
		g_autofree char *special = vigil_sched_node_special(n);

		if (special != NULL)
			g_string_append_printf(out, "    * %s\n", special);
		else
			g_string_append_printf(n->info->online ? online : offline, " %s", n->name);
	}
	if (online->len > 0)
		g_string_append_printf(out, "    * Online: [%s ]\n", online->str);
	if (offline->len > 0)
		g_string_append_printf(out, "    * OFFLINE: [%s ]\n", offline->str);
}

static bool group_partly_active(const vigil_srsc *g)
{
	for (guint i = 0; i < g->children->len; i++)
		if (((const vigil_srsc *)g_ptr_array_index(g->children, i))->running_on->len > 0)
			return true;
	return false;
}

void vigil_sched_format_status(const vigil_sched *s, GString *out)
{
	format_nodes(s, out);
	g_string_append(out, "\n  * Full List of Resources:\n");
	vigil_sched_format_resources(s, 2, out);
}

void vigil_sched_format_resources(const vigil_sched *s, int depth, GString *out)
{
	for (guint i = 0; i < s->rscs->len; i++) {
		const vigil_srsc *r = g_ptr_array_index(s->rscs, i);

		if (r->cfg != NULL && r->cfg->kind == VIGIL_RSC_GROUP) {
			/* crm_simulate lists a partly active group only where it runs: one
			 * whose only active members are unmanaged on offline nodes is left out */
			if (r->running_on->len == 0 && group_partly_active(r))
				continue;
			format_group(r, depth, out);
		}
		else if (!r->orphan || r->running_on->len > 0)
			format_primitive(r, depth, out);
	}
}

void vigil_sched_format_header(const vigil_sched *s, GString *out)
{
	unsigned total = 0, disabled = 0, blocked = 0;

	for (guint i = 0; i < s->rscs->len; i++) {
		const vigil_srsc *r = g_ptr_array_index(s->rscs, i);
		const GPtrArray *prims = r->children->len > 0 ? r->children : NULL;

		for (guint j = 0; j < (prims != NULL ? prims->len : 1); j++) {
			const vigil_srsc *p = prims != NULL ? g_ptr_array_index(prims, j) : r;

			total++;
			disabled += p->target_role == VIGIL_ROLE_STOPPED;
			blocked += p->blocked;
		}
	}
	if (g_strcmp0(s->cib->validate_with, "none") == 0)
		g_string_append(out, "Schema validation of configuration is disabled (enabling is "
				"encouraged and prevents common misconfigurations)\n");
	if (s->opts.maintenance_mode)
		g_string_append(out, "\n              *** Resource management is DISABLED ***\n"
				"  The cluster will not attempt to start, stop or recover "
				"services\n\n");
	if (disabled > 0 || blocked > 0)
		g_string_append_printf(out, "%u of %u resource instances DISABLED and %u BLOCKED "
				       "from further action due to failure\n\n", disabled, total,
				       blocked);
}
