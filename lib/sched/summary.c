/* The Transition Summary as crm_simulate prints it: one line per fencing and per resource
 * that changes (Start, Stop, Move, Recover, Restart), with Pacemaker 2.1.5's wording,
 * reasons and column widths (pcmk_output.c rsc_action_item), so the two can be diffed. */
#include "config.h"

#include <string.h>

#include "sched/sched-private.h"

typedef struct item {
	const char *change;
	const vigil_srsc *rsc;
	vigil_role role, next_role;
	const vigil_snode *origin, *destination;
	const vigil_action *action, *source;
} item;

static bool runnable(const vigil_action *a)
{
	return (a->flags & VIGIL_ACT_RUNNABLE) != 0;
}

static bool optional(const vigil_action *a)
{
	return (a->flags & VIGIL_ACT_OPTIONAL) != 0;
}

static void add(GArray *items, const char *change, const vigil_srsc *r, vigil_role role,
		const vigil_snode *origin, const vigil_snode *dest, const vigil_action *action,
		const vigil_action *source)
{
	item it = { change, r, role, r->next_role, origin, dest, action, source };

	if (action == NULL)
		return; /* Pacemaker asserts there is one */
	g_array_append_val(items, it);
}

static void stop_items(GArray *items, const vigil_srsc *r, vigil_role role,
		       const vigil_action *start)
{
	for (guint i = 0; i < r->running_on->len; i++) {
		const vigil_snode *n = g_ptr_array_index(r->running_on, i);
		const vigil_action *stop = vigil_find_action(r, VIGIL_TASK_STOP, n);

		add(items, "Stop", r, role, n, NULL, stop,
		    stop != NULL && stop->reason != NULL ? stop : start);
	}
}

/* Pacemaker's LogActions() for one primitive. */
static void primitive_items(const vigil_sched *s, const vigil_srsc *r, GArray *items)
{
	const vigil_snode *next = r->assigned, *current = NULL, *start_node;
	const vigil_action *start, *stop;
	vigil_role role = r->role == VIGIL_ROLE_UNKNOWN ? VIGIL_ROLE_STOPPED : r->role;
	bool moving, failed = r->failed;

	if (r->running_on->len > 0) {
		current = vigil_srsc_active_on(s, r);
		if (role == VIGIL_ROLE_STOPPED || role == VIGIL_ROLE_UNKNOWN)
			role = VIGIL_ROLE_STARTED;
	}
	if (current == NULL && r->orphan)
		return;
	if (!r->managed || (current == NULL && next == NULL))
		return;
	moving = current != NULL && next != NULL && current != next;
	start = vigil_find_action(r, VIGIL_TASK_START, next);
	start_node = start == NULL || !runnable(start) ? NULL : current;
	stop = vigil_find_action(r, VIGIL_TASK_STOP, start_node);
	if (role == r->next_role) {
		if (next == NULL)
			return;
		/* a reload, unless a required stop made it moot */
		if (r->reload && (stop == NULL || optional(stop))) {
			add(items, "Reload", r, role, current, next, start, NULL);
			return;
		}
		if (start == NULL || optional(start))
			return; /* Leave */
		if (!runnable(start))
			add(items, "Stop", r, role, current, NULL, stop,
			    stop != NULL && stop->reason != NULL ? stop : start);
		else if (moving)
			add(items, failed ? "Recover" : "Move", r, role, current, next, stop, NULL);
		else if (failed)
			add(items, "Recover", r, role, current, NULL, stop, NULL);
		else
			add(items, "Restart", r, role, current, next, start, NULL);
		return;
	}
	if (stop != NULL && (r->next_role == VIGIL_ROLE_STOPPED ||
			     (start != NULL && !runnable(start))))
		stop_items(items, r, role, start);
	else if (stop != NULL && failed)
		add(items, "Recover", r, role, current, next, stop, start);
	else if (moving)
		add(items, "Move", r, role, current, next, stop, NULL);
	else if (stop != NULL && !optional(stop))
		add(items, "Restart", r, role, current, next, start, NULL);
	else if (role == VIGIL_ROLE_STOPPED && r->next_role > VIGIL_ROLE_STOPPED && next != NULL &&
		 start != NULL)
		add(items, "Start", r, role, NULL, next, start, NULL);
}

static void rsc_items(const vigil_sched *s, const vigil_srsc *r, GArray *items)
{
	if (r->cfg != NULL && r->cfg->kind == VIGIL_RSC_GROUP) {
		for (guint i = 0; i < r->children->len; i++)
			rsc_items(s, g_ptr_array_index(r->children, i), items);
		return;
	}
	primitive_items(s, r, items);
}

static const char *role_text(vigil_role role)
{
	static const char *const names[] = {
		[VIGIL_ROLE_UNKNOWN] = "Unknown", [VIGIL_ROLE_STOPPED] = "Stopped",
		[VIGIL_ROLE_STARTED] = "Started", [VIGIL_ROLE_UNPROMOTED] = "Unpromoted",
		[VIGIL_ROLE_PROMOTED] = "Promoted",
	};

	return (size_t)role < G_N_ELEMENTS(names) ? names[role] : "Unknown";
}

/* The part in parentheses, as rsc_action_item() words it: roles are shown where one is
 * above Started (a history that says promoted). */
static char *details(const item *it)
{
	const char *from = it->origin != NULL ? it->origin->name : NULL;
	const char *to = it->destination != NULL ? it->destination->name : NULL;
	bool same_host = from != NULL && to != NULL && it->origin == it->destination;
	bool same_role = it->role == it->next_role;
	bool need_role = it->role > VIGIL_ROLE_STARTED || it->next_role > VIGIL_ROLE_UNPROMOTED;
	const char *r = role_text(it->role), *nr = role_text(it->next_role);

	if (from == NULL)
		return need_role ? g_strdup_printf("%s -> %s %s", r, nr, to) : g_strdup(to);
	if (to == NULL)
		return need_role ? g_strdup_printf("%s %s", r, from) : g_strdup(from);
	if (same_role && same_host)
		return need_role ? g_strdup_printf("%s %s", r, from) : g_strdup(from);
	if (same_role)
		return need_role ? g_strdup_printf("%s -> %s %s", from, to, r) :
				   g_strdup_printf("%s -> %s", from, to);
	if (same_host)
		return g_strdup_printf("%s -> %s %s", r, nr, from);
	return g_strdup_printf("%s %s -> %s %s", r, from, nr, to);
}

static char *reason(const item *it)
{
	const vigil_action *src = it->source != NULL ? it->source : it->action;

	if (src->reason != NULL && !runnable(it->action))
		return g_strdup_printf("due to %s (blocked)", src->reason);
	if (src->reason != NULL)
		return g_strdup_printf("due to %s", src->reason);
	if (!runnable(it->action))
		return g_strdup("blocked");
	return NULL;
}

static void fence_items(const vigil_sched *s, GString *out)
{
	const char *op = s->stonith_action != NULL ? s->stonith_action : "reboot";

	/* Pacemaker prepends new actions to its list: the newest fencing comes first */
	for (guint i = s->actions->len; i-- > 0;) {
		const vigil_action *a = g_ptr_array_index(s->actions, i);

		if (a->task != VIGIL_TASK_FENCE || optional(a))
			continue;
		g_string_append_printf(out, "  * Fence (%s) %s '%s'\n", op, a->node->name,
				       a->reason != NULL ? a->reason : "");
	}
}

/* printf's "%-*s" (LEFT) or "%*s" of V (NULL as "(null)"), without printf: a big
 * transition has an item per resource that moves. */
static void append_padded(GString *out, const char *v, int width, bool left)
{
	int pad;

	v = v != NULL ? v : "(null)";
	pad = width - (int)strlen(v);
	if (!left)
		for (int i = 0; i < pad; i++)
			g_string_append_c(out, ' ');
	g_string_append(out, v);
	if (left)
		for (int i = 0; i < pad; i++)
			g_string_append_c(out, ' ');
}

void vigil_sched_format_summary(const vigil_sched *s, GString *out)
{
	g_autoptr(GArray) items = g_array_new(false, false, sizeof(item));
	/* each item's details, made once for both passes below */
	g_autoptr(GPtrArray) texts = g_ptr_array_new_with_free_func(g_free);
	int rsc_width = 5, detail_width = 5;

	fence_items(s, out);
	for (guint i = 0; i < s->rscs->len; i++)
		rsc_items(s, g_ptr_array_index(s->rscs, i), items);
	/* Pacemaker's widths are statics that grow as items are printed, and the summary is
	 * produced twice: what shows is the state after one full pass */
	for (guint i = 0; i < items->len; i++) {
		const item *it = &g_array_index(items, item, i);
		char *d = details(it);
		int len = (int)strlen(it->rsc->id);

		g_ptr_array_add(texts, d);
		if (len > rsc_width)
			rsc_width = len + 2;
		if ((int)strlen(d) > detail_width)
			detail_width = (int)strlen(d);
	}
	for (guint i = 0; i < items->len; i++) {
		const item *it = &g_array_index(items, item, i);
		const char *d = g_ptr_array_index(texts, i);
		g_autofree char *why = reason(it);

		/* "  * %-8s   %-*s   ( %*s )%s%s\n" */
		g_string_append(out, "  * ");
		append_padded(out, it->change, 8, true);
		g_string_append(out, "   ");
		append_padded(out, it->rsc->id, rsc_width, true);
		g_string_append(out, "   ( ");
		append_padded(out, d, detail_width, false);
		g_string_append(out, " )");
		if (why != NULL) {
			g_string_append(out, "  ");
			g_string_append(out, why);
		}
		g_string_append_c(out, '\n');
	}
}

/* ---- decisions, in words, for the daemon's log -------------------------------------------- */

static bool fencing_planned(const vigil_sched *s, const vigil_snode *n)
{
	for (guint i = 0; i < s->actions->len; i++) {
		const vigil_action *a = g_ptr_array_index(s->actions, i);

		if (a->task == VIGIL_TASK_FENCE && a->node == n && !optional(a) && runnable(a))
			return true;
	}
	return false;
}

static bool disabled(const vigil_srsc *r)
{
	for (; r != NULL; r = r->parent)
		if (r->target_role == VIGIL_ROLE_STOPPED)
			return true;
	return false;
}

/* Why IT happens, as far as the working set tells: the state of the node it leaves, then
 * the resource's own state, then the scheduler's reason. */
static char *cause(const vigil_sched *s, const item *it)
{
	const vigil_snode *from = it->origin;
	const vigil_node_info *fi = from != NULL ? from->info : NULL;
	g_autofree char *why = NULL;

	if (fi != NULL && (fi->unclean || !fi->online))
		return g_strdup_printf("%s lost%s", from->name,
				       fencing_planned(s, from) ? "; fencing it first" : "");
	if (fi != NULL && fi->shutdown)
		return g_strdup_printf("%s shutting down", from->name);
	if (fi != NULL && fi->standby)
		return g_strdup_printf("%s in standby", from->name);
	if (!s->opts.have_quorum && s->opts.no_quorum_policy == VIGIL_NQP_STOP &&
	    strcmp(it->change, "Stop") == 0)
		return g_strdup("partition without quorum");
	if (disabled(it->rsc) && strcmp(it->change, "Stop") == 0)
		return g_strdup("disabled (target-role=Stopped)");
	if (it->rsc->failed && from != NULL)
		return g_strdup_printf("failed on %s", from->name);
	why = reason(it);
	if (why != NULL)
		return g_steal_pointer(&why);
	if (strcmp(it->change, "Start") == 0)
		return g_strdup("not running");
	if (it->destination != NULL && it->destination != from)
		return g_strdup_printf("placement scores prefer %s", it->destination->name);
	return g_strdup("its parameters or a resource it depends on changed");
}

void vigil_sched_format_decisions(const vigil_sched *s, const char *who, GString *out)
{
	g_autoptr(GArray) items = g_array_new(false, false, sizeof(item));
	const char *op = s->stonith_action != NULL ? s->stonith_action : "reboot";

	for (guint i = s->actions->len; i-- > 0;) {
		const vigil_action *a = g_ptr_array_index(s->actions, i);

		if (a->task == VIGIL_TASK_FENCE && !optional(a))
			g_string_append_printf(out, "%s planned: fence (%s) %s (%s%s)\n", who, op,
					       a->node->name, a->reason != NULL ? a->reason : "",
					       a->device != NULL ? "" : "; no device can fence it");
	}
	for (guint i = 0; i < s->rscs->len; i++)
		rsc_items(s, g_ptr_array_index(s->rscs, i), items);
	for (guint i = 0; i < items->len; i++) {
		const item *it = &g_array_index(items, item, i);
		g_autofree char *change = g_ascii_strdown(it->change, -1);
		g_autofree char *why = cause(s, it);
		const char *from = it->origin != NULL ? it->origin->name : NULL;
		const char *to = it->destination != NULL ? it->destination->name : NULL;

		g_string_append_printf(out, "%s planned: %s %s ", who, change, it->rsc->id);
		if (from != NULL && to != NULL && it->origin != it->destination)
			g_string_append_printf(out, "%s -> %s", from, to);
		else
			g_string_append(out, from != NULL ? from : to != NULL ? to : "-");
		g_string_append_printf(out, " (%s)\n", why);
	}
}
