/* vigil simulate: what the scheduler would do with a CIB, printed as crm_simulate prints it
 * (so the two can be diffed), with what-ifs and an explanation of any resource's placement. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>


#include "cli/cli.h"
#include "cib/inject.h"
#include "sched/sched.h"

typedef struct sim_args {
	char *xml_file, *save_graph, *save_output, *datetime, *explain;
	gboolean simulate, run, show_scores;
	char **node_up, **node_down, **node_fail, **op_fail, **standby;
} sim_args;

static void sim_args_clear(sim_args *a)
{
	g_free(a->xml_file);
	g_free(a->save_graph);
	g_free(a->save_output);
	g_free(a->datetime);
	g_free(a->explain);
	g_strfreev(a->node_up);
	g_strfreev(a->node_down);
	g_strfreev(a->node_fail);
	g_strfreev(a->op_fail);
	g_strfreev(a->standby);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(sim_args, sim_args_clear)

static const char *const usage_hint = "see 'vigil simulate --help'";

static int parse_args(int argc, char **argv, sim_args *a)
{
	GOptionEntry entries[] = {
		{ "xml-file", 'x', 0, G_OPTION_ARG_FILENAME, &a->xml_file,
		  "Read the CIB (configuration and status) from FILE", "FILE" },
		{ "run", 'R', 0, G_OPTION_ARG_NONE, &a->run,
		  "Schedule, and print the Transition Summary", NULL },
		{ "simulate", 'S', 0, G_OPTION_ARG_NONE, &a->simulate,
		  "Schedule, simulate the execution, and print the revised status", NULL },
		{ "show-scores", 's', 0, G_OPTION_ARG_NONE, &a->show_scores,
		  "Print every resource's allocation scores", NULL },
		{ "save-graph", 'G', 0, G_OPTION_ARG_FILENAME, &a->save_graph,
		  "Write the transition graph (XML) to FILE", "FILE" },
		{ "save-output", 'O', 0, G_OPTION_ARG_FILENAME, &a->save_output,
		  "Write the CIB after the simulated transition to FILE", "FILE" },
		{ "node-up", 'u', 0, G_OPTION_ARG_STRING_ARRAY, &a->node_up,
		  "What if NODE joined the cluster", "NODE" },
		{ "node-down", 'd', 0, G_OPTION_ARG_STRING_ARRAY, &a->node_down,
		  "What if NODE left the cluster cleanly", "NODE" },
		{ "node-fail", 'f', 0, G_OPTION_ARG_STRING_ARRAY, &a->node_fail,
		  "What if NODE were lost (it must be fenced)", "NODE" },
		{ "op-fail", 'F', 0, G_OPTION_ARG_STRING_ARRAY, &a->op_fail,
		  "What if operation RSC_TASK_INTERVALMS on NODE returned RC", "OP@NODE=RC" },
		{ "standby", 0, 0, G_OPTION_ARG_STRING_ARRAY, &a->standby,
		  "What if NODE were put in standby", "NODE" },
		{ "set-datetime", 't', 0, G_OPTION_ARG_STRING, &a->datetime,
		  "Evaluate at this time (ISO 8601, or seconds since the epoch)", "TIME" },
		{ "explain", 0, 0, G_OPTION_ARG_STRING, &a->explain,
		  "Explain why RSC is placed where it is", "RSC" },
		{ NULL }
	};
	g_autoptr(GOptionContext) ctx = g_option_context_new("- vigil simulate");
	g_autoptr(GError) err = NULL;

	g_option_context_set_summary(ctx, "Shows what the cluster would do with a CIB, as "
				     "crm_simulate does, with what-ifs.");
	g_option_context_add_main_entries(ctx, entries, NULL);
	if (!g_option_context_parse(ctx, &argc, &argv, &err)) {
		fprintf(stderr, "vigil simulate: %s; %s.\n", err->message, usage_hint);
		return -EINVAL;
	}
	if (argc > 1) {
		fprintf(stderr, "vigil simulate: unexpected argument '%s'; %s.\n", argv[1],
			usage_hint);
		return -EINVAL;
	}
	if (a->xml_file == NULL) {
		fprintf(stderr, "vigil simulate: give the CIB file to simulate with -x FILE.\n");
		return -EINVAL;
	}
	return 0;
}

/* --- time --------------------------------------------------------------------------------- */

static int parse_time(const char *text, int64_t *ret)
{
	g_autoptr(GDateTime) t = NULL;
	char *end = NULL;
	long long v = strtoll(text, &end, 10);

	if (*text != '\0' && *end == '\0') {
		*ret = v;
		return 0;
	}
	t = g_date_time_new_from_iso8601(text, g_time_zone_new_utc());
	if (t == NULL) {
		g_autofree char *with_z = g_strconcat(text, "Z", NULL);

		t = g_date_time_new_from_iso8601(with_z, NULL);
	}
	if (t == NULL)
		return -EINVAL;
	*ret = g_date_time_to_unix(t);
	return 0;
}

static char *format_time(int64_t when)
{
	g_autoptr(GDateTime) t = g_date_time_new_from_unix_utc(when);

	return g_date_time_format(t, "%Y-%m-%d %H:%M:%SZ");
}

/* --- what-ifs ------------------------------------------------------------------------------ */

static int node_what_ifs(vigil_inject *doc, char **names, vigil_inject_node_kind kind, const char *opt,
			 GString *out)
{
	static const char *const what[] = {
		[VIGIL_INJECT_UP] = "Bringing node", [VIGIL_INJECT_DOWN] = "Taking node",
		[VIGIL_INJECT_FAIL] = "Failing node",
	};
	static const char *const how[] = {
		[VIGIL_INJECT_UP] = " online", [VIGIL_INJECT_DOWN] = " offline",
		[VIGIL_INJECT_FAIL] = "",
	};

	for (size_t i = 0; names != NULL && names[i] != NULL; i++) {
		g_string_append_printf(out, "  * %s %s%s\n", what[kind], names[i], how[kind]);
		if (vigil_inject_node(doc, names[i], kind) < 0) {
			fprintf(stderr, "vigil simulate: --%s: no node '%s' in the CIB; 'vigil config "
				"show -x FILE' lists the nodes.\n", opt, names[i]);
			return -ENOENT;
		}
	}
	return 0;
}

/* "RSC_TASK_INTERVALMS@NODE=RC", as crm_simulate takes it. */
static int op_what_if(vigil_inject *doc, const char *spec, int64_t now)
{
	g_autofree char *copy = g_strdup(spec);
	char *at = strchr(copy, '@'), *eq = at != NULL ? strchr(at, '=') : NULL;
	char *task, *interval, *end = NULL;
	long rc;
	unsigned long long ms;
	int r;

	if (at == NULL || eq == NULL)
		goto bad;
	*at = '\0';
	*eq = '\0';
	rc = strtol(eq + 1, &end, 10);
	if (eq[1] == '\0' || *end != '\0' || rc < 0 || rc > 255)
		goto bad;
	interval = strrchr(copy, '_');
	if (interval == NULL || interval == copy)
		goto bad;
	*interval++ = '\0';
	ms = strtoull(interval, &end, 10);
	if (*interval == '\0' || *end != '\0')
		goto bad;
	task = strrchr(copy, '_');
	if (task == NULL || task == copy)
		goto bad;
	*task++ = '\0';
	r = vigil_inject_op(doc, copy, task, ms, at + 1, (int)rc, now, NULL, NULL);
	if (r == -ESRCH)
		fprintf(stderr, "vigil simulate: --op-fail %s: no primitive '%s' in the CIB.\n",
			spec, copy);
	else if (r < 0)
		fprintf(stderr, "vigil simulate: --op-fail %s: no node '%s' in the CIB.\n", spec,
			at + 1);
	return r;
bad:
	fprintf(stderr, "vigil simulate: --op-fail '%s': expected RSC_TASK_INTERVALMS@NODE=RC, "
		"for example vip_monitor_30000@node1=7.\n", spec);
	return -EINVAL;
}

static bool have_what_ifs(const sim_args *a)
{
	return a->node_up != NULL || a->node_down != NULL || a->node_fail != NULL ||
	       a->standby != NULL || a->op_fail != NULL;
}

/* Applies the what-ifs, listing them as crm_simulate does ("Performing Requested
 * Modifications"). */
static int apply_what_ifs(vigil_inject *doc, const sim_args *a, int64_t now, GString *out)
{
	int r;

	if (!have_what_ifs(a))
		return 0;
	g_string_append(out, "\nPerforming Requested Modifications:\n");
	if ((r = node_what_ifs(doc, a->node_up, VIGIL_INJECT_UP, "node-up", out)) < 0 ||
	    (r = node_what_ifs(doc, a->node_down, VIGIL_INJECT_DOWN, "node-down", out)) < 0 ||
	    (r = node_what_ifs(doc, a->node_fail, VIGIL_INJECT_FAIL, "node-fail", out)) < 0)
		return r;
	for (size_t i = 0; a->standby != NULL && a->standby[i] != NULL; i++) {
		g_string_append_printf(out, "  * Putting node %s in standby\n", a->standby[i]);
		if (vigil_inject_node_attr(doc, a->standby[i], "standby", "on") < 0) {
			fprintf(stderr, "vigil simulate: --standby: no node '%s' in the CIB.\n",
				a->standby[i]);
			return -ENOENT;
		}
	}
	for (size_t i = 0; a->op_fail != NULL && a->op_fail[i] != NULL; i++) {
		g_string_append_printf(out, "  * Injecting %s into the configuration\n",
				       a->op_fail[i]);
		if ((r = op_what_if(doc, a->op_fail[i], now)) < 0)
			return r;
	}
	return 0;
}

/* --- loading ----------------------------------------------------------------------------- */

/* --- printing ---------------------------------------------------------------------------- */

/* Prints the status of CIB at NOW; returns the working set it read (to schedule on). */
static vigil_sched *print_status(const vigil_cib *cib, int64_t now, const char *title,
				 GString *out)
{
	vigil_sched *s = NULL;

	vigil_sched_unpack(cib, now, &s);
	vigil_sched_format_header(s, out);
	g_string_append_printf(out, "%s:\n", title);
	vigil_sched_format_status(s, out);
	return s;
}

static char *action_key(const vigil_action *a)
{
	if (a->task == VIGIL_TASK_MONITOR && a->interval_ms > 0)
		return g_strdup_printf("monitor=%llu", (unsigned long long)a->interval_ms);
	return g_strdup(vigil_task_name(a->task));
}

static gint by_id(gconstpointer x, gconstpointer y)
{
	unsigned a = (*(const vigil_action *const *)x)->id, b = (*(const vigil_action *const *)y)->id;

	return (a > b) - (a < b);
}

/* The graph's actions in an order that respects every ordering between them: in rounds,
 * each action whose predecessors ran in an earlier round, in creation order (Kahn's
 * algorithm, level by level). */
static GPtrArray *execution_order(const vigil_sched *s)
{
	GPtrArray *order = g_ptr_array_new();
	g_autofree unsigned *waiting = g_new0(unsigned, s->actions->len);
	g_autoptr(GPtrArray) level = g_ptr_array_new();

	for (guint i = 0; i < s->actions->len; i++) {
		const vigil_action *a = g_ptr_array_index(s->actions, i);

		if (!vigil_action_in_graph(a))
			continue;
		for (guint j = 0; j < a->before->len; j++)
			if (vigil_action_in_graph(
				    ((const vigil_ordering *)g_ptr_array_index(a->before, j))->first))
				waiting[a->id]++;
		if (waiting[a->id] == 0)
			g_ptr_array_add(level, (gpointer)a);
	}
	while (level->len > 0) {
		g_autoptr(GPtrArray) next = g_ptr_array_new();

		g_ptr_array_extend(order, level, NULL, NULL);
		for (guint i = 0; i < level->len; i++) {
			const vigil_action *a = g_ptr_array_index(level, i);

			for (guint j = 0; j < a->after->len; j++) {
				const vigil_action *t =
					((const vigil_ordering *)g_ptr_array_index(a->after, j))->then;

				if (vigil_action_in_graph(t) && --waiting[t->id] == 0)
					g_ptr_array_add(next, (gpointer)t);
			}
		}
		g_ptr_array_sort(next, by_id);
		g_ptr_array_set_size(level, 0);
		g_ptr_array_extend(level, next, NULL, NULL);
	}
	return order;
}

static void print_execution(const GPtrArray *order, GString *out)
{
	for (guint i = 0; i < order->len; i++) {
		const vigil_action *a = g_ptr_array_index(order, i);
		g_autofree char *op = action_key(a);

		if (a->task == VIGIL_TASK_FENCE)
			g_string_append_printf(out, "  * Fencing %s (reboot)\n", a->node->name);
		else if (a->flags & VIGIL_ACT_PSEUDO)
			g_string_append_printf(out, "  * Pseudo action:   %s_%s_0\n", a->rsc->id,
					       vigil_task_name(a->task));
		else
			g_string_append_printf(out, "  * Resource action: %-15s %s on %s\n",
					       a->rsc->id, op, a->node->name);
	}
}

/* The simulated transition's results, recorded as the cluster would record them. */
static void record_execution(vigil_inject *doc, const GPtrArray *order, int64_t now)
{
	for (guint i = 0; i < order->len; i++) {
		const vigil_action *a = g_ptr_array_index(order, i);

		if (a->task == VIGIL_TASK_FENCE)
			vigil_inject_fenced(doc, a->node->name);
	}
	/* a resource's parameter digest, computed once however many nodes it runs on */
	g_autoptr(GHashTable) digests = g_hash_table_new_full(NULL, NULL, NULL, g_free);

	for (guint i = 0; i < order->len; i++) {
		const vigil_action *a = g_ptr_array_index(order, i);
		bool probe = a->task == VIGIL_TASK_MONITOR && a->interval_ms == 0;
		const char *digest = NULL;

		if (a->task == VIGIL_TASK_FENCE || (a->flags & VIGIL_ACT_PSEUDO) || a->node == NULL)
			continue;
		if (a->rsc->cfg != NULL && a->interval_ms == 0) {
			digest = g_hash_table_lookup(digests, a->rsc->cfg);
			if (digest == NULL) {
				digest = vigil_rsc_param_digest(a->rsc->cfg);
				g_hash_table_insert(digests, (gpointer)a->rsc->cfg, (gpointer)digest);
			}
		}
		vigil_inject_op(doc, a->rsc->id, vigil_task_name(a->task), a->interval_ms,
				a->node->name, probe ? 7 : 0, now, digest, NULL);
	}
}

static void graph_action_xml(GString *g, const char *indent, const vigil_action *a)
{
	g_autofree char *key = a->rsc != NULL ?
		g_strdup_printf("%s_%s_%llu", a->rsc->id, vigil_task_name(a->task),
				(unsigned long long)a->interval_ms) : g_strdup("stonith");
	const char *elem = a->task == VIGIL_TASK_FENCE ? "crm_event" :
			   (a->flags & VIGIL_ACT_PSEUDO) ? "pseudo_event" : "rsc_op";

	g_string_append_printf(g, "%s<%s id=\"%u\" operation=\"%s\" operation_key=\"%s\"", indent,
			       elem, a->id, vigil_task_name(a->task), key);
	if (a->node != NULL && !(a->flags & VIGIL_ACT_PSEUDO))
		g_string_append_printf(g, " on_node=\"%s\"", a->node->name);
	if (a->task == VIGIL_TASK_FENCE)
		g_string_append_printf(g, " device=\"%s\"", a->device != NULL ? a->device->id : "");
	if (a->task == VIGIL_TASK_FENCE && a->has_priority_delay) /* Pacemaker's meta, seconds */
		g_string_append_printf(g, " priority_fencing_delay=\"%llu\"",
				       (unsigned long long)a->priority_delay_s);
	g_string_append(g, "/>\n");
}

/* The transition graph in the shape of Pacemaker's: one synapse per action, with the
 * actions it waits for as inputs. */
static int save_graph(const vigil_sched *s, const GPtrArray *order, const char *path)
{
	g_autoptr(GString) g = g_string_new("<transition_graph transition_id=\"0\">\n");
	g_autoptr(GError) err = NULL;

	for (guint i = 0; i < order->len; i++) {
		const vigil_action *a = g_ptr_array_index(order, i);

		g_string_append_printf(g, "  <synapse id=\"%u\">\n    <action_set>\n", i);
		graph_action_xml(g, "      ", a);
		g_string_append(g, "    </action_set>\n    <inputs>\n");
		for (guint j = 0; j < a->before->len; j++) {
			const vigil_ordering *o = g_ptr_array_index(a->before, j);

			if (!vigil_action_in_graph(o->first))
				continue;
			g_string_append(g, "      <trigger>\n");
			graph_action_xml(g, "        ", o->first);
			g_string_append(g, "      </trigger>\n");
		}
		g_string_append(g, "    </inputs>\n  </synapse>\n");
	}
	g_string_append(g, "</transition_graph>\n");
	(void)s;
	if (!g_file_set_contents(path, g->str, (gssize)g->len, &err)) {
		fprintf(stderr, "vigil simulate: cannot write the graph: %s.\n", err->message);
		return -EIO;
	}
	return 0;
}

/* VIGIL_SIMULATE_DUMP=1: every action with its flags and reason, and its orderings, on
 * stderr (for comparing with crm_simulate -VVVVVV when hunting a difference). */
static void dump_actions(const vigil_sched *s)
{
	for (guint i = 0; i < s->actions->len; i++) {
		const vigil_action *a = g_ptr_array_index(s->actions, i);

		fprintf(stderr, "action %u %s %s%s%llu on %s:%s%s%s reason=%s\n", a->id,
			a->rsc != NULL ? a->rsc->id : "-", vigil_task_name(a->task),
			a->interval_ms > 0 ? "=" : "", (unsigned long long)a->interval_ms,
			a->node != NULL ? a->node->name : "-",
			a->flags & VIGIL_ACT_OPTIONAL ? " optional" : " required",
			a->flags & VIGIL_ACT_RUNNABLE ? " runnable" : " unrunnable",
			a->flags & VIGIL_ACT_PSEUDO ? " pseudo" : "",
			a->reason != NULL ? a->reason : "");
		for (guint j = 0; j < a->after->len; j++) {
			const vigil_ordering *o = g_ptr_array_index(a->after, j);

			fprintf(stderr, "    then %u (type 0x%x)\n", o->then->id, o->type);
		}
	}
}

/* --- the command ------------------------------------------------------------------------- */

/* Reads FILE: the CIB, validated, with diagnostics on failure. */
static int load_cib(const char *file, vigil_cib **ret_cib)
{
	g_autoptr(GPtrArray) diags = vigil_diags_new();
	int r = vigil_cib_load_file(file, diags, ret_cib);

	if (r == -ENOENT || r == -EACCES || r == -EISDIR || r == -EIO) {
		fprintf(stderr, "vigil simulate: cannot read %s: %s; check the path and "
			"permissions.\n", file, g_strerror(-r));
		return -EIO;
	}
	for (guint i = 0; r < 0 && i < diags->len; i++)
		vigil_print_diag(stderr, file, g_ptr_array_index(diags, i));
	if (r < 0)
		fprintf(stderr, "vigil simulate: %s is not a valid CIB; 'vigil config verify -x %s' "
			"says more.\n", file, file);
	return r;
}

/* The date the cluster is simulated at: --set-datetime, the CIB's execution-date, or now. */
static int simulation_time(const sim_args *a, const vigil_cib *cib, int64_t *now, GString *out)
{
	*now = g_get_real_time() / G_USEC_PER_SEC;
	if (a->datetime != NULL) {
		if (parse_time(a->datetime, now) < 0) {
			fprintf(stderr, "vigil simulate: --set-datetime '%s': give ISO 8601 "
				"(2026-11-22T10:00:00Z) or seconds since the epoch.\n", a->datetime);
			return -EINVAL;
		}
	} else if (cib->execution_date != NULL) {
		g_autofree char *when = NULL;

		*now = g_ascii_strtoll(cib->execution_date, NULL, 10);
		when = format_time(*now);
		g_string_append_printf(out, "Using the original execution date of: %s\n", when);
	}
	return 0;
}

/* -S and --save-output: the transition's results recorded in CIB (in place), then the
 * revised status. */
static int execute(const sim_args *a, vigil_inject *in, vigil_cib *cib, const GPtrArray *order,
		   int64_t now, GString *out)
{
	record_execution(in, order, now);
	if (a->simulate) {
		g_string_append(out, "\nExecuting Cluster Transition:\n");
		print_execution(order, out);
		g_string_append(out, "\n");
		vigil_sched_free(print_status(cib, now, "Revised Cluster Status", out));
	}
	if (a->save_output != NULL && vigil_cib_save_file(cib, a->save_output) < 0) {
		fprintf(stderr, "vigil simulate: cannot write %s; check the directory "
			"exists and is writable.\n", a->save_output);
		return -EIO;
	}
	return 0;
}

/* What a successful run read and planned, kept until the process ends, when the kernel
 * takes it back at once: freeing it piece by piece costs a sixth of a 32 x 10,000 run.
 * Reachable from here, so leak checkers do not count it as lost. */
static struct {
	vigil_cib *cib;
	vigil_inject *in;
	vigil_sched *sched;
	GPtrArray *order;
} kept_until_exit;

static int simulate(const sim_args *a, GString *out)
{
	g_autoptr(vigil_cib) cib = NULL;
	/* before the scheduler's state, so freed after it: see vigil_inject_new() */
	g_autoptr(vigil_inject) in = NULL;
	g_autoptr(vigil_sched) s = NULL;
	g_autoptr(GPtrArray) order = NULL;
	g_autoptr(GString) scores = NULL, explain = NULL;
	int64_t now = 0;
	int r;

	if ((r = load_cib(a->xml_file, &cib)) < 0)
		return r == -EIO ? VIGIL_EXIT_ERROR : VIGIL_EXIT_CONFIG;
	if (simulation_time(a, cib, &now, out) < 0)
		return VIGIL_EXIT_USAGE;
	/* the status as it is, then the what-ifs, then what the cluster would do */
	s = print_status(cib, now, "Current cluster status", out);
	in = vigil_inject_new(cib);
	r = apply_what_ifs(in, a, now, out);
	if (r < 0)
		return r == -EINVAL || r == -ENOENT || r == -ESRCH ? VIGIL_EXIT_USAGE :
								     VIGIL_EXIT_CONFIG;
	/* the working set just printed, unless the what-ifs changed the CIB */
	if (have_what_ifs(a)) {
		g_clear_pointer(&s, vigil_sched_free);
		vigil_sched_unpack(cib, now, &s);
	}
	if (a->show_scores)
		s->scores = scores = g_string_new(NULL);
	if (a->explain != NULL) {
		if (g_hash_table_lookup(s->by_id, a->explain) == NULL) {
			fprintf(stderr, "vigil simulate: --explain: no resource '%s' in the CIB; "
				"'vigil config show -x FILE' lists them.\n", a->explain);
			return VIGIL_EXIT_USAGE;
		}
		s->explain_id = a->explain;
		s->explain = explain = g_string_new(NULL);
	}
	vigil_sched_run(s);
	if (g_getenv("VIGIL_SIMULATE_DUMP") != NULL)
		dump_actions(s);
	if (scores != NULL)
		g_string_append_printf(out, "\nAllocation Scores:\n%s", scores->str);
	if (a->run || a->simulate || a->save_graph != NULL || a->save_output != NULL) {
		g_string_append(out, "\nTransition Summary:\n");
		vigil_sched_format_summary(s, out);
	}
	if (explain != NULL)
		g_string_append_printf(out, "\nWhy %s is where it is:\n%s", a->explain,
				       explain->str);
	if (a->save_graph != NULL || a->simulate || a->save_output != NULL)
		order = execution_order(s);
	if (a->save_graph != NULL && save_graph(s, order, a->save_graph) < 0)
		return VIGIL_EXIT_ERROR;
	if ((a->simulate || a->save_output != NULL) && execute(a, in, cib, order, now, out) < 0)
		return VIGIL_EXIT_ERROR;
	s->scores = s->explain = NULL; /* freed here, with their g_autoptr */
	kept_until_exit.sched = g_steal_pointer(&s);
	kept_until_exit.in = g_steal_pointer(&in);
	kept_until_exit.cib = g_steal_pointer(&cib);
	kept_until_exit.order = g_steal_pointer(&order);
	return VIGIL_EXIT_OK;
}

int vigil_cmd_simulate(int argc, char **argv)
{
	g_auto(sim_args) a = { 0 };
	g_autoptr(GString) out = g_string_new(NULL);
	int code;

	if (parse_args(argc, argv, &a) < 0)
		return VIGIL_EXIT_USAGE;
	code = simulate(&a, out);
	if (code == VIGIL_EXIT_OK)
		fputs(out->str, stdout);
	return code;
}
