/* vigil-mon --output-as=xml|json: the cluster for scripts. The XML is crm_mon's
 * (<pacemaker-result> with summary, nodes, resources, failures, status), so that what
 * reads crm_mon --output-as=xml reads it; the JSON is the same tree (attributes become
 * members, repeated elements arrays). Both are described by schemas/vigil-mon.rng and
 * schemas/vigil-mon.schema.json. */
#include "config.h"

#include <string.h>
#include <time.h>

#include "cib/nodestate.h"
#include "common/duration.h"
#include "common/score.h"
#include "cli/cli.h"
#include "exec/exec.h"
#include "sched/sched.h"

/* --- one writer, two notations ------------------------------------------------------ */

typedef struct frame {
	const char *name;
	bool list;     /* a JSON array (items have no names) */
	bool wrapper;  /* XML: the list is an element of its own */
	bool open_tag; /* XML: the start tag still takes attributes */
	bool pending;  /* XML: a list element not written yet (none is, if it stays empty) */
	bool force;    /* XML: ... unless forced: then "<name/>" */
	unsigned n;    /* JSON: members or items written */
} frame;

typedef struct emitter {
	GString *out;
	bool json;
	frame stack[16];
	int depth;
} emitter;

/* An XML list without an element of its own: its items are its parent's children. */
static bool bare(const emitter *e, const frame *f)
{
	return !e->json && f->list && !f->wrapper;
}

static void indent(emitter *e)
{
	for (int i = 0; i < e->depth; i++)
		if (!bare(e, &e->stack[i]))
			g_string_append(e->out, "  ");
}

static frame *top(emitter *e)
{
	return e->depth > 0 ? &e->stack[e->depth - 1] : NULL;
}
static void json_string(GString *out, const char *s)
{
	g_string_append_c(out, '"');
	for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++) {
		if (*p == '"' || *p == '\\')
			g_string_append_printf(out, "\\%c", *p);
		else if (*p < 0x20)
			g_string_append_printf(out, "\\u%04x", *p);
		else
			g_string_append_c(out, (char)*p);
	}
	g_string_append_c(out, '"');
}

/* XML: closes the start tag of the element being written, before a child */
static void close_tag(emitter *e)
{
	for (int i = e->depth - 1; !e->json && i >= 0; i--) {
		frame *f = &e->stack[i];

		if (bare(e, f))
			continue;
		if (f->open_tag)
			g_string_append(e->out, ">\n");
		f->open_tag = false;
		return;
	}
}

/* JSON: the separator and, inside an object, the member's name */
static void json_member(emitter *e, const char *name)
{
	frame *f = top(e);

	if (f == NULL)
		return;
	g_string_append(e->out, f->n++ > 0 ? ",\n" : "\n");
	indent(e);
	if (!f->list) {
		json_string(e->out, name);
		g_string_append(e->out, ": ");
	}
}

static void push(emitter *e, frame f)
{
	g_assert(e->depth < (int)G_N_ELEMENTS(e->stack));
	e->stack[e->depth++] = f;
}

/* XML: writes the start of a list element that gets its first item */
static void materialize(emitter *e)
{
	frame *f = top(e);

	if (e->json || f == NULL || !f->pending)
		return;
	e->depth--;
	close_tag(e);
	indent(e);
	g_string_append_printf(e->out, "<%s>\n", f->name);
	e->depth++;
	f->pending = false;
}

/* XML: the list element being begun is written even if it stays empty ("<name/>") */
static void materialize_list(emitter *e)
{
	top(e)->force = true;
}

static void obj_begin(emitter *e, const char *name)
{
	if (e->json) {
		json_member(e, name);
		g_string_append_c(e->out, '{');
	} else {
		materialize(e);
		close_tag(e);
		indent(e);
		g_string_append_printf(e->out, "<%s", name);
	}
	push(e, (frame){ .name = name, .open_tag = true });
}

static void obj_end(emitter *e)
{
	frame f = e->stack[--e->depth];

	if (e->json) {
		if (f.n > 0) {
			g_string_append_c(e->out, '\n');
			indent(e);
		}
		g_string_append_c(e->out, '}');
	} else if (f.open_tag) {
		g_string_append(e->out, "/>\n");
	} else {
		indent(e);
		g_string_append_printf(e->out, "</%s>\n", f.name);
	}
}

/* A list NAME: in XML a container element when WRAPPER, else its items directly. */
static void list_begin(emitter *e, const char *name, bool wrapper)
{
	if (e->json) {
		json_member(e, name);
		g_string_append_c(e->out, '[');
		push(e, (frame){ .name = name, .list = true });
		return;
	}
	if (!wrapper) {
		push(e, (frame){ .name = name, .list = true });
		return;
	}
	push(e, (frame){ .name = name, .list = true, .wrapper = true, .pending = true });
}

static void list_end(emitter *e)
{
	frame f = e->stack[--e->depth];

	if (e->json) {
		if (f.n > 0) {
			g_string_append_c(e->out, '\n');
			indent(e);
		}
		g_string_append_c(e->out, ']');
	} else if (f.wrapper && !f.pending) {
		indent(e);
		g_string_append_printf(e->out, "</%s>\n", f.name);
	} else if (f.wrapper && f.force) {
		close_tag(e);
		indent(e);
		g_string_append_printf(e->out, "<%s/>\n", f.name);
	}
}

static void attr_s(emitter *e, const char *key, const char *value)
{
	if (value == NULL)
		return;
	if (e->json) {
		json_member(e, key);
		json_string(e->out, value);
	} else {
		g_autofree char *v = g_markup_escape_text(value, -1);

		g_string_append_printf(e->out, " %s=\"%s\"", key, v);
	}
}

static void attr_b(emitter *e, const char *key, bool value)
{
	if (e->json) {
		json_member(e, key);
		g_string_append(e->out, value ? "true" : "false");
	} else {
		attr_s(e, key, value ? "true" : "false");
	}
}

static void attr_i(emitter *e, const char *key, long long value)
{
	if (e->json) {
		json_member(e, key);
		g_string_append_printf(e->out, "%lld", value);
	} else {
		g_autofree char *v = g_strdup_printf("%lld", value);

		attr_s(e, key, v);
	}
}

/* --- the cluster -------------------------------------------------------------------- */

/* What is known of the cluster: the CIB, worked out by the scheduler's unpacking, and, on
 * a live cluster, the local vigild's view of the membership. */
typedef struct mon_state {
	const vigil_cib *cib;
	const vigil_sched *s;
	const vigil_view *view; /* NULL: a CIB file */
	GVariant *history;      /* the fencing history (lib/mon/status.h), or NULL */
} mon_state;

static gint by_name(gconstpointer a, gconstpointer b)
{
	return vigil_natural_cmp((*(vigil_snode *const *)a)->name, (*(vigil_snode *const *)b)->name);
}

/* The nodes by name, as crm_mon lists them. */
static GPtrArray *sorted(GPtrArray *from, GCompareFunc cmp)
{
	/* borrowed pointers: not g_ptr_array_copy(), which would take FROM's free function */
	GPtrArray *a = g_ptr_array_sized_new(from->len);

	for (guint i = 0; i < from->len; i++)
		g_ptr_array_add(a, g_ptr_array_index(from, i));
	g_ptr_array_sort(a, cmp);
	return a;
}

static const vigil_view_node *view_node(const mon_state *m, const char *name)
{
	for (guint i = 0; m->view != NULL && i < m->view->nodes->len; i++) {
		const vigil_view_node *n = g_ptr_array_index(m->view->nodes, i);

		if (g_strcmp0(n->name, name) == 0)
			return n;
	}
	return NULL;
}

static bool node_online(const mon_state *m, const vigil_snode *n)
{
	const vigil_view_node *vn = view_node(m, n->name);

	return m->view != NULL ? vn != NULL && vn->in_group : n->info->online;
}

static const char *dc_name(const mon_state *m)
{
	const vigil_view_node *dc;

	if (m->view != NULL) {
		dc = vigil_view_node_find(m->view, m->view->dc_nodeid);
		return dc != NULL ? dc->name : NULL;
	}
	for (guint i = 0; m->cib->dc_uuid != NULL && i < m->s->nodes->len; i++) {
		const vigil_snode *n = g_ptr_array_index(m->s->nodes, i);

		if (g_strcmp0(n->info->node->id, m->cib->dc_uuid) == 0)
			return n->name;
	}
	return NULL;
}

static const char *node_id_of(const mon_state *m, const char *name)
{
	for (guint i = 0; i < m->s->nodes->len; i++) {
		const vigil_snode *n = g_ptr_array_index(m->s->nodes, i);

		if (strcmp(n->name, name) == 0)
			return n->info->node->id;
	}
	return NULL;
}

static bool is_group(const vigil_srsc *r)
{
	return r->cfg != NULL && r->cfg->kind == VIGIL_RSC_GROUP;
}

/* A boolean cluster property, with its default. */
static bool property(const mon_state *m, const char *name, bool dflt)
{
	const char *v = vigil_cib_property(m->cib, name);
	bool b = dflt;

	return v != NULL && vigil_str_to_bool(v, &b) == 0 ? b : dflt;
}

/* A duration cluster property in milliseconds, with its default. */
static long long property_ms(const mon_state *m, const char *name, long long dflt)
{
	const char *v = vigil_cib_property(m->cib, name);
	uint64_t ms = 0;

	return v != NULL && vigil_duration_parse_ms(v, &ms) == 0 ? (long long)ms : dflt;
}

/* crm_mon's time stamps: "2012-03-02 05:46:23Z" from seconds since the epoch */
static char *stamp(const char *epoch)
{
	gint64 t = epoch != NULL ? g_ascii_strtoll(epoch, NULL, 10) : 0;
	g_autoptr(GDateTime) dt = t > 0 ? g_date_time_new_from_unix_utc(t) : NULL;

	return dt != NULL ? g_date_time_format(dt, "%Y-%m-%d %H:%M:%SZ") : NULL;
}

/* Pacemaker's names of an operation's execution status (op-status) */
static const char *exec_status_text(int status)
{
	static const char *const text[] = {
		"complete", "Cancelled", "Timed Out", "NOT SUPPORTED", "Error", "Hard error",
		"Fatal error", "Not installed", "Internal communication failure",
		"Cannot execute now", "No fence device", "No secrets",
	};

	if (status == -1)
		return "pending";
	return status >= 0 && status < (int)G_N_ELEMENTS(text) ? text[status] : "Error";
}

static void count_resources(const vigil_srsc *r, unsigned *all, unsigned *disabled,
			    unsigned *blocked)
{
	if (is_group(r)) {
		for (guint i = 0; i < r->children->len; i++)
			count_resources(g_ptr_array_index(r->children, i), all, disabled, blocked);
		return;
	}
	(*all)++;
	if (r->target_role == VIGIL_ROLE_STOPPED)
		(*disabled)++;
	if (r->blocked)
		(*blocked)++;
}

static void write_summary(emitter *e, const mon_state *m)
{
	const char *dc = dc_name(m);
	unsigned all = 0, disabled = 0, blocked = 0;
	static const char *const nqp[] = { "stop", "freeze", "ignore", "demote", "suicide" };
	char when[64] = "";
	time_t now = time(NULL);
	bool quorum = m->view != NULL ? m->view->quorate : m->s->opts.have_quorum;

	strftime(when, sizeof(when), "%a %b %e %H:%M:%S %Y", localtime(&now));
	for (guint i = 0; i < m->s->rscs->len; i++)
		count_resources(g_ptr_array_index(m->s->rscs, i), &all, &disabled, &blocked);
	obj_begin(e, "summary");
	obj_begin(e, "stack");
	attr_s(e, "type", vigil_cib_property(m->cib, "cluster-infrastructure") != NULL ?
				  vigil_cib_property(m->cib, "cluster-infrastructure") :
			  m->view != NULL ? "corosync" : "unknown");
	obj_end(e);
	obj_begin(e, "current_dc");
	attr_b(e, "present", dc != NULL);
	if (dc != NULL) {
		attr_s(e, "version", PACKAGE_VERSION);
		attr_s(e, "name", dc);
		attr_s(e, "id", node_id_of(m, dc));
		attr_b(e, "with_quorum", quorum);
		attr_b(e, "mixed_version", false);
	}
	obj_end(e);
	obj_begin(e, "last_update");
	attr_s(e, "time", when);
	if (m->view != NULL && vigil_view_node_find(m->view, m->view->local_nodeid) != NULL)
		attr_s(e, "origin", vigil_view_node_find(m->view, m->view->local_nodeid)->name);
	obj_end(e);
	obj_begin(e, "nodes_configured");
	attr_i(e, "number", m->s->nodes->len);
	obj_end(e);
	obj_begin(e, "resources_configured");
	attr_i(e, "number", all);
	attr_i(e, "disabled", disabled);
	attr_i(e, "blocked", blocked);
	obj_end(e);
	obj_begin(e, "cluster_options");
	attr_b(e, "stonith-enabled", m->s->opts.stonith_enabled);
	attr_b(e, "symmetric-cluster", property(m, "symmetric-cluster", true));
	attr_s(e, "no-quorum-policy", nqp[m->s->opts.no_quorum_policy]);
	attr_b(e, "maintenance-mode", m->s->opts.maintenance_mode);
	attr_b(e, "stop-all-resources", property(m, "stop-all-resources", false));
	attr_i(e, "stonith-timeout-ms", property_ms(m, "stonith-timeout", 60000));
	attr_i(e, "priority-fencing-delay-ms", property_ms(m, "priority-fencing-delay", 0));
	obj_end(e);
	obj_end(e);
}

static void write_nodes(emitter *e, const mon_state *m)
{
	const char *dc = dc_name(m);
	g_autoptr(GPtrArray) nodes = sorted(m->s->nodes, by_name);

	list_begin(e, "nodes", true);
	for (guint i = 0; i < nodes->len; i++) {
		const vigil_snode *n = g_ptr_array_index(nodes, i);
		bool online = node_online(m, n);

		obj_begin(e, "node");
		attr_s(e, "name", n->name);
		attr_s(e, "id", n->info->node->id);
		attr_b(e, "online", online);
		attr_b(e, "standby", n->info->standby);
		attr_b(e, "standby_onfail", n->standby_onfail);
		attr_b(e, "maintenance", n->info->maintenance);
		attr_b(e, "pending", n->info->pending);
		attr_b(e, "unclean", n->info->unclean);
		attr_s(e, "health", "green");
		attr_b(e, "shutdown", n->info->shutdown);
		attr_b(e, "expected_up", n->info->state != NULL && !n->info->shutdown &&
						 g_strcmp0(n->info->state->expected, "member") == 0);
		attr_b(e, "is_dc", g_strcmp0(dc, n->name) == 0);
		attr_i(e, "resources_running", n->active_count);
		attr_s(e, "type", "member");
		obj_end(e);
	}
	list_end(e);
}

static const char *role_name(vigil_role role)
{
	static const char *const names[] = { "Unknown", "Stopped", "Started", "Unpromoted",
					     "Promoted" };

	return role < G_N_ELEMENTS(names) ? names[role] : "Unknown";
}

static void write_resource(emitter *e, const mon_state *m, const vigil_srsc *r)
{
	if (is_group(r)) {
		obj_begin(e, "group");
		if (e->json) /* in XML the element's name says it */
			attr_s(e, "kind", "group");
		attr_s(e, "id", r->id);
		attr_i(e, "number_resources", r->children->len);
		attr_b(e, "managed", r->managed);
		attr_b(e, "disabled", r->target_role == VIGIL_ROLE_STOPPED);
		list_begin(e, "resources", false);
		for (guint i = 0; i < r->children->len; i++)
			write_resource(e, m, g_ptr_array_index(r->children, i));
		list_end(e);
		obj_end(e);
		return;
	}
	obj_begin(e, "resource");
	if (e->json)
		attr_s(e, "kind", "resource");
	attr_s(e, "id", r->id);
	attr_s(e, "resource_agent", r->agent);
	/* an operation in flight shows as the role: "Starting", "Stopping"... */
	attr_s(e, "role", r->pending != NULL ? r->pending :
			  role_name(r->role == VIGIL_ROLE_UNKNOWN ? VIGIL_ROLE_STOPPED : r->role));
	/* as written in the CIB, as crm_mon shows it */
	attr_s(e, "target_role", r->cfg != NULL ? vigil_rsc_meta(m->cib, r->cfg, "target-role")
						: NULL);
	attr_b(e, "active", r->running_on->len > 0);
	attr_b(e, "orphaned", r->orphan);
	attr_b(e, "blocked", r->blocked);
	attr_b(e, "managed", r->managed);
	attr_b(e, "failed", r->failed);
	attr_b(e, "failure_ignored", r->failure_ignored);
	attr_i(e, "nodes_running_on", r->running_on->len);
	list_begin(e, "nodes", false);
	for (guint i = 0; i < r->running_on->len; i++) {
		const vigil_snode *n = g_ptr_array_index(r->running_on, i);

		obj_begin(e, "node");
		attr_s(e, "name", n->name);
		attr_s(e, "id", n->info->node->id);
		/* what a node that is not online last said: cached */
		attr_b(e, "cached", node_online(m, n));
		obj_end(e);
	}
	list_end(e);
	obj_end(e);
}

/* The fail-count (summed over operations) and last failure of RSC in ST. */
static long long failcount(const vigil_node_state *st, const char *rsc, char **ret_last)
{
	g_autofree char *fc = g_strconcat("fail-count-", rsc, NULL);
	g_autofree char *lf = g_strconcat("last-failure-", rsc, NULL);
	long long sum = 0, last = 0;

	for (guint i = 0; i < st->transient->len; i++) {
		const vigil_nvset *set = g_ptr_array_index(st->transient, i);

		for (guint j = 0; j < set->nvpairs->len; j++) {
			const vigil_nvpair *p = g_ptr_array_index(set->nvpairs, j);
			bool is_fc = g_strcmp0(p->name, fc) == 0 ||
				     (p->name != NULL && g_str_has_prefix(p->name, fc) &&
				      p->name[strlen(fc)] == '#');
			bool is_lf = g_strcmp0(p->name, lf) == 0 ||
				     (p->name != NULL && g_str_has_prefix(p->name, lf) &&
				      p->name[strlen(lf)] == '#');
			long long v;

			if (p->value == NULL || (!is_fc && !is_lf))
				continue;
			v = g_ascii_strcasecmp(p->value, "INFINITY") == 0 ? 1000000 :
								 g_ascii_strtoll(p->value, NULL, 10);
			if (is_fc)
				sum = MIN(sum + v, 1000000);
			else
				last = MAX(last, v);
		}
	}
	*ret_last = last > 0 ? g_strdup_printf("%lld", last) : NULL;
	return sum;
}

/* The cluster's own bookkeeping among a node's transient attributes, which crm_mon does
 * not list. */
static bool hidden_attribute(const char *name)
{
	static const char *const names[] = { "shutdown", "terminate", "standby" };

	if (name[0] == '#' || g_str_has_prefix(name, "fail-count-") ||
	    g_str_has_prefix(name, "last-failure-"))
		return true;
	for (size_t i = 0; i < G_N_ELEMENTS(names); i++)
		if (strcmp(name, names[i]) == 0)
			return true;
	return false;
}

/* The attributes of SETS (permanent or transient) worth listing, added to INTO. A value
 * shadowed by an earlier set of the same name is not the one the cluster reads. */
static void collect_attributes(GPtrArray *sets, GPtrArray *into)
{
	for (guint j = 0; sets != NULL && j < sets->len; j++) {
		const vigil_nvset *set = g_ptr_array_index(sets, j);

		if (g_strcmp0(set->element, "instance_attributes") != 0)
			continue;
		for (guint k = 0; k < set->nvpairs->len; k++) {
			vigil_nvpair *p = g_ptr_array_index(set->nvpairs, k);

			if (p->name != NULL && !hidden_attribute(p->name) &&
			    vigil_nvsets_get(sets, "instance_attributes", p->name) == p->value)
				g_ptr_array_add(into, p);
		}
	}
}

static gint pair_by_name(gconstpointer a, gconstpointer b)
{
	return vigil_natural_cmp((*(vigil_nvpair *const *)a)->name, (*(vigil_nvpair *const *)b)->name);
}

/* Each node's attributes, permanent and transient, by name, but the cluster's own
 * bookkeeping */
static void write_attributes(emitter *e, const mon_state *m)
{
	g_autoptr(GPtrArray) nodes = sorted(m->s->nodes, by_name);

	list_begin(e, "node_attributes", true);
	for (guint i = 0; i < nodes->len; i++) {
		const vigil_snode *n = g_ptr_array_index(nodes, i);
		g_autoptr(GPtrArray) pairs = g_ptr_array_new();

		collect_attributes(n->info->node->nvsets, pairs);
		if (n->info->state != NULL)
			collect_attributes(n->info->state->transient, pairs);
		if (pairs->len == 0)
			continue;
		g_ptr_array_sort(pairs, pair_by_name);
		obj_begin(e, "node");
		attr_s(e, "name", n->name);
		list_begin(e, "attributes", false);
		for (guint j = 0; j < pairs->len; j++) {
			const vigil_nvpair *p = g_ptr_array_index(pairs, j);

			obj_begin(e, "attribute");
			attr_s(e, "name", p->name);
			attr_s(e, "value", p->value);
			obj_end(e);
		}
		list_end(e);
		obj_end(e);
	}
	list_end(e);
}

/* Whether the history of ID belongs to no configured resource */
static bool is_orphan(const mon_state *m, const char *id)
{
	const vigil_srsc *r = g_hash_table_lookup(m->s->by_id, id);

	return r == NULL || r->orphan;
}

/* migration-threshold as a number, as crm_mon prints it (INFINITY is 1000000) */
static long long threshold(const char *v)
{
	int score = VIGIL_SCORE_INFINITY;

	if (v != NULL && vigil_score_parse(v, &score) < 0)
		score = VIGIL_SCORE_INFINITY;
	return score;
}

/* The OCF code's name as crm_mon prints it, with the degraded codes of OCF 1.1 */
static const char *rc_text(int rc)
{
	if (rc == 190)
		return "OCF_DEGRADED";
	if (rc == 191)
		return "OCF_DEGRADED_PROMOTED";
	return rc >= 0 && rc <= 9 ? vigil_ocf_rc_text(rc) : "unknown";
}

/* crm_mon's dates in the history: "Fri Mar  2 05:46:01 2012" */
static char *ctime_of(const char *epoch)
{
	time_t t = epoch != NULL ? (time_t)g_ascii_strtoll(epoch, NULL, 10) : 0;
	char buf[64];

	if (t <= 0 || strftime(buf, sizeof(buf), "%a %b %e %H:%M:%S %Y", localtime(&t)) == 0)
		return NULL;
	return g_strdup(buf);
}

static void attr_ms(emitter *e, const char *key, const char *ms)
{
	g_autofree char *v = ms != NULL ? g_strconcat(ms, "ms", NULL) : NULL;

	attr_s(e, key, v);
}

/* as crm_mon: a probe that found the resource stopped is no news */
static bool newsworthy(const vigil_lrm_op *op)
{
	return !(op->interval_ms_v == 0 && op->rc_code_v == 7 &&
		 g_strcmp0(op->operation, "monitor") == 0);
}

static bool history_has_news(const vigil_lrm_rsc *lr)
{
	for (guint k = 0; k < lr->ops->len; k++)
		if (newsworthy(g_ptr_array_index(lr->ops, k)))
			return true;
	return false;
}

static bool node_has_news(const vigil_node_state *st)
{
	for (guint j = 0; j < st->lrm_rscs->len; j++)
		if (history_has_news(g_ptr_array_index(st->lrm_rscs, j)))
			return true;
	return false;
}

static gint by_call(gconstpointer a, gconstpointer b)
{
	const vigil_lrm_op *x = *(const vigil_lrm_op *const *)a, *y = *(const vigil_lrm_op *const *)b;

	return x->call_id_v < y->call_id_v ? -1 : x->call_id_v > y->call_id_v;
}

static bool state_online(const mon_state *m, const vigil_node_state *st)
{
	for (guint i = 0; i < m->s->nodes->len; i++) {
		const vigil_snode *n = g_ptr_array_index(m->s->nodes, i);

		if (n->info->state == st)
			return node_online(m, n);
	}
	return false;
}

/* Each online node's operations per resource, by call, as crm_mon's <node_history> */
static void write_history(emitter *e, const mon_state *m)
{
	bool any_online = false;

	for (guint i = 0; i < m->cib->node_states->len; i++)
		any_online |= state_online(m, g_ptr_array_index(m->cib->node_states, i));
	list_begin(e, "node_history", true);
	/* crm_mon writes the list, empty or not, when a node is online */
	if (any_online)
		materialize_list(e);
	for (guint i = 0; i < m->cib->node_states->len; i++) {
		const vigil_node_state *st = g_ptr_array_index(m->cib->node_states, i);

		if (!state_online(m, st) || !node_has_news(st))
			continue;
		obj_begin(e, "node");
		attr_s(e, "name", st->uname);
		list_begin(e, "resources", false);
		for (guint j = 0; j < st->lrm_rscs->len; j++) {
			const vigil_lrm_rsc *lr = g_ptr_array_index(st->lrm_rscs, j);
			const vigil_rsc *cfg = vigil_cib_find_rsc(m->cib, lr->id);
			const char *mt = cfg != NULL ? vigil_rsc_meta(m->cib, cfg,
								      "migration-threshold") : NULL;
			g_autofree char *last = NULL, *last_text = NULL;
			long long fc = failcount(st, lr->id, &last);

			if (!history_has_news(lr))
				continue;
			obj_begin(e, "resource_history");
			attr_s(e, "id", lr->id);
			attr_b(e, "orphan", is_orphan(m, lr->id));
			attr_i(e, "migration-threshold", threshold(mt));
			if (fc > 0) {
				attr_i(e, "fail-count", fc);
				last_text = ctime_of(last);
				attr_s(e, "last-failure", last_text);
			}
			g_autoptr(GPtrArray) ops = g_ptr_array_sized_new(lr->ops->len);

			for (guint k = 0; k < lr->ops->len; k++)
				g_ptr_array_add(ops, g_ptr_array_index(lr->ops, k));
			g_ptr_array_sort(ops, by_call);
			list_begin(e, "operations", false);
			for (guint k = 0; k < ops->len; k++) {
				const vigil_lrm_op *op = g_ptr_array_index(ops, k);
				g_autofree char *when = ctime_of(op->last_rc_change);
				bool probe = op->interval_ms_v == 0 &&
					     g_strcmp0(op->operation, "monitor") == 0;

				if (!newsworthy(op))
					continue;
				obj_begin(e, "operation_history");
				attr_s(e, "call", op->call_id);
				attr_s(e, "task", probe ? "probe" : op->operation);
				attr_i(e, "rc", op->rc_code_v);
				attr_s(e, "rc_text", rc_text(op->rc_code_v));
				if (op->interval_ms_v > 0) {
					g_autofree char *iv = g_strdup_printf(
						"%" G_GINT64_FORMAT "ms", op->interval_ms_v);

					attr_s(e, "interval", iv);
				}
				attr_s(e, "last-rc-change", when);
				attr_ms(e, "exec-time", op->exec_time);
				attr_ms(e, "queue-time", op->queue_time);
				obj_end(e);
			}
			list_end(e);
			obj_end(e);
		}
		list_end(e);
		obj_end(e);
	}
	list_end(e);
}

static void write_failures(emitter *e, const mon_state *m)
{
	list_begin(e, "failures", true);
	for (guint i = 0; i < m->cib->node_states->len; i++) {
		const vigil_node_state *st = g_ptr_array_index(m->cib->node_states, i);

		/* as crm_mon: what a node that is not online last reported is not listed */
		if (!state_online(m, st))
			continue;
		for (guint j = 0; j < st->lrm_rscs->len; j++) {
			const vigil_lrm_rsc *lr = g_ptr_array_index(st->lrm_rscs, j);

			for (guint k = 0; k < lr->ops->len; k++) {
				const vigil_lrm_op *op = g_ptr_array_index(lr->ops, k);
				g_autofree char *key = NULL;

				if (!vigil_op_failed(op))
					continue;
				key = g_strdup_printf("%s_%s_%" G_GINT64_FORMAT, lr->id,
						      op->operation != NULL ? op->operation : "?",
						      op->interval_ms_v);
				g_autofree char *when = stamp(op->last_rc_change);

				obj_begin(e, "failure");
				/* crm_mon names an entry by its operation key, or by its id when
				 * it has none */
				if (op->operation_key != NULL)
					attr_s(e, "op_key", op->operation_key);
				else if (op->last_rc_change != NULL)
					attr_s(e, "op_key", key);
				else
					attr_s(e, "id", op->id);
				attr_s(e, "node", st->uname);
				attr_s(e, "exitstatus", rc_text(op->rc_code_v));
				attr_s(e, "exitreason", op->exit_reason != NULL ? op->exit_reason
										: "none");
				attr_i(e, "exitcode", op->rc_code_v);
				attr_s(e, "call", op->call_id);
				attr_s(e, "status", exec_status_text(op->op_status_v));
				attr_s(e, "last-rc-change", when);
				if (op->last_rc_change != NULL) {
					attr_s(e, "queued", op->queue_time);
					attr_s(e, "exec", op->exec_time);
					attr_i(e, "interval", op->interval_ms_v);
					attr_s(e, "task", op->operation);
				}
				obj_end(e);
			}
		}
	}
	list_end(e);
}

/* Location constraints that keep a resource off a node (negative scores), as crm_mon's
 * <bans>, in its order (the last constraint first). */
static void write_bans(emitter *e, const mon_state *m)
{
	list_begin(e, "bans", true);
	for (guint i = m->cib->constraints->len; i-- > 0;) {
		const vigil_constraint *c = g_ptr_array_index(m->cib->constraints, i);
		int score = 0;

		if (c->kind != VIGIL_CONS_LOCATION || c->rsc == NULL || c->node == NULL ||
		    c->score == NULL || vigil_score_parse(c->score, &score) < 0 || score >= 0)
			continue;
		obj_begin(e, "ban");
		attr_s(e, "id", c->id);
		attr_s(e, "resource", c->rsc);
		attr_s(e, "node", c->node);
		attr_i(e, "weight", score);
		attr_b(e, "promoted-only", g_strcmp0(c->role, "Promoted") == 0 ||
						   g_strcmp0(c->role, "Master") == 0);
		attr_b(e, "master_only", g_strcmp0(c->role, "Promoted") == 0 ||
						 g_strcmp0(c->role, "Master") == 0);
		obj_end(e);
	}
	list_end(e);
}

/* crm_mon's <fence_history>: each fencing, newest first (delegate and completed when
 * known, exit-reason of a failure); in JSON also the device. */
static void write_fencing(emitter *e, const mon_state *m)
{
	g_autoptr(GVariant) list = m->history != NULL ? g_variant_get_child_value(m->history, 0) :
							 NULL;

	list_begin(e, "fence_history", true);
	for (gsize i = list != NULL ? g_variant_n_children(list) : 0; i > 0; i--) {
		const char *target, *task, *device, *by, *origin, *state, *reason;
		int64_t ms;

		g_variant_get_child(list, i - 1, "(&s&s&s&s&s&s&sx)", &target, &task, &device, &by,
				    &origin, &state, &reason, &ms);
		obj_begin(e, "fence_event");
		attr_s(e, "action", task);
		attr_s(e, "target", target);
		attr_s(e, "client", strcmp(reason, "asked with 'vigil stonith fence'") == 0 ?
					    "vigil stonith fence" : "vigild");
		attr_s(e, "origin", origin);
		attr_s(e, "status", strcmp(state, "done") == 0 ? "success" : state);
		if (by[0] != '\0')
			attr_s(e, "delegate", by);
		if (device[0] != '\0')
			attr_s(e, "device", device);
		if (ms > 0) {
			g_autoptr(GDateTime) t = g_date_time_new_from_unix_utc(ms / 1000);
			g_autofree char *when = g_date_time_format(t, "%Y-%m-%d %H:%M:%SZ");

			attr_s(e, "completed", when);
		}
		if (strcmp(state, "failed") == 0 && reason[0] != '\0')
			attr_s(e, "exit-reason", reason);
		obj_end(e);
	}
	list_end(e);
}

int vigil_monitor_structured(const vigil_cib *cib, const vigil_view *view, GVariant *history,
			     bool json, GString *out)
{
	g_autoptr(vigil_sched) s = NULL;
	emitter e = { .out = out, .json = json };
	mon_state m = { .cib = cib, .view = view, .history = history };
	int r = vigil_sched_unpack(cib, (int64_t)time(NULL), &s);

	if (r < 0)
		return r;
	m.s = s;
	if (json) {
		g_string_append_c(out, '{');
		push(&e, (frame){ .name = "vigil-mon" });
		attr_s(&e, "api-version", "1.0");
		attr_s(&e, "request", "vigil-mon --output-as=json");
	} else {
		obj_begin(&e, "pacemaker-result");
		attr_s(&e, "api-version", "2.25");
		attr_s(&e, "request", "vigil-mon --output-as=xml");
	}
	write_summary(&e, &m);
	write_nodes(&e, &m);
	list_begin(&e, "resources", true);
	for (guint i = 0; i < s->rscs->len; i++)
		write_resource(&e, &m, g_ptr_array_index(s->rscs, i));
	list_end(&e);
	write_attributes(&e, &m);
	write_history(&e, &m);
	write_failures(&e, &m);
	write_bans(&e, &m);
	write_fencing(&e, &m);
	obj_begin(&e, "status");
	attr_i(&e, "code", 0);
	attr_s(&e, "message", "OK");
	obj_end(&e);
	if (json) {
		e.depth--;
		g_string_append(out, "\n}\n");
	} else {
		obj_end(&e);
	}
	return 0;
}
