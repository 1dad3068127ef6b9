/* Prints a CIB's cluster status the way crm_simulate prints "Current cluster status", for
 * tests/scheduler/current-status.sh to compare with Pacemaker's own summaries. */
#include "config.h"

#include <stdio.h>

#include "common/score.h"
#include "sched/sched.h"

static void dump_rsc(const vigil_sched *s, const vigil_srsc *r)
{
	for (guint i = 0; i < r->children->len; i++)
		dump_rsc(s, g_ptr_array_index(r->children, i));
	fprintf(stderr, "%s: role=%d next=%d managed=%d failed=%d assigned=%s weights:", r->id,
		r->role, r->next_role, r->managed, r->failed,
		r->assigned != NULL ? r->assigned->name : "-");
	for (guint i = 0; r->weights != NULL && i < s->nodes->len; i++) {
		char buf[16];

		fprintf(stderr, " %s=%s", ((vigil_snode *)g_ptr_array_index(s->nodes, i))->name,
			r->weights[i] == VIGIL_NOT_ALLOWED ? "x" : vigil_score_str(r->weights[i], buf));
	}
	fprintf(stderr, "\n");
}

static void dump(const vigil_sched *s)
{
	for (guint i = 0; i < s->rscs->len; i++)
		dump_rsc(s, g_ptr_array_index(s->rscs, i));
	for (guint i = 0; i < s->actions->len; i++) {
		const vigil_action *a = g_ptr_array_index(s->actions, i);

		fprintf(stderr, "action %u %s %d on %s flags=%x reason=%s\n", a->id,
			a->rsc != NULL ? a->rsc->id : "-", a->task,
			a->node != NULL ? a->node->name : "-", a->flags,
			a->reason != NULL ? a->reason : "");
		for (guint j = 0; j < a->after->len; j++) {
			const vigil_ordering *o = g_ptr_array_index(a->after, j);

			fprintf(stderr, "    -> %u (type %x)\n", o->then->id, o->type);
		}
	}
}

int main(int argc, char **argv)
{
	g_autoptr(GPtrArray) diags = vigil_diags_new();
	g_autoptr(vigil_cib) cib = NULL;
	g_autoptr(vigil_sched) s = NULL;
	g_autoptr(GString) out = g_string_new(NULL);
	int64_t now = g_get_real_time() / G_USEC_PER_SEC;

	bool summary = argc == 3 && g_strcmp0(argv[2], "--summary") == 0;

	if (argc != 2 && !summary) {
		fprintf(stderr, "usage: print-status CIB.xml [--summary]\n");
		return 64;
	}
	if (vigil_cib_load_file(argv[1], diags, &cib) < 0) {
		fprintf(stderr, "print-status: cannot load %s\n", argv[1]);
		return 65;
	}
	/* crm_simulate evaluates the file at its execution-date, or now */
	if (cib->execution_date != NULL) {
		g_autoptr(GDateTime) t = g_date_time_new_from_unix_utc(
			g_ascii_strtoll(cib->execution_date, NULL, 10));
		g_autofree char *when = g_date_time_format(t, "%Y-%m-%d %H:%M:%SZ");

		printf("Using the original execution date of: %s\n", when);
		now = g_date_time_to_unix(t);
	}
	vigil_sched_unpack(cib, now, &s);
	vigil_sched_format_header(s, out);
	printf("%s", out->str);
	g_string_truncate(out, 0);
	vigil_sched_format_status(s, out);
	printf("Current cluster status:\n%s", out->str);
	if (summary) {
		g_string_truncate(out, 0);
		vigil_sched_run(s);
		vigil_sched_format_summary(s, out);
		printf("\nTransition Summary:\n%s", out->str);
		if (g_getenv("VIGIL_SCHED_DEBUG") != NULL)
			dump(s);
	}
	return 0;
}
