/* Prints a CIB's cluster status the way crm_simulate prints "Current cluster status", for
 * tests/scheduler/current-status.sh to compare with Pacemaker's own summaries. */
#include "config.h"

#include <stdio.h>

#include "sched/sched.h"

int main(int argc, char **argv)
{
	g_autoptr(GPtrArray) diags = vigil_diags_new();
	g_autoptr(vigil_cib) cib = NULL;
	g_autoptr(vigil_sched) s = NULL;
	g_autoptr(GString) out = g_string_new(NULL);
	unsigned total = 0, disabled = 0, blocked = 0;
	int64_t now = g_get_real_time() / G_USEC_PER_SEC;

	if (argc != 2) {
		fprintf(stderr, "usage: print-status CIB.xml\n");
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
	for (guint i = 0; i < s->rscs->len; i++) {
		const vigil_srsc *r = g_ptr_array_index(s->rscs, i);
		GPtrArray *prims = r->children->len > 0 ? r->children : NULL;

		for (guint j = 0; j < (prims != NULL ? prims->len : 1); j++) {
			const vigil_srsc *p = prims != NULL ? g_ptr_array_index(prims, j) : r;

			total++;
			disabled += p->target_role == VIGIL_ROLE_STOPPED;
			blocked += p->blocked;
		}
	}
	if (g_strcmp0(cib->validate_with, "none") == 0)
		printf("Schema validation of configuration is disabled (enabling is encouraged "
		       "and prevents common misconfigurations)\n");
	if (s->opts.maintenance_mode)
		printf("\n              *** Resource management is DISABLED ***\n"
		       "  The cluster will not attempt to start, stop or recover services\n\n");
	if (disabled > 0 || blocked > 0)
		printf("%u of %u resource instances DISABLED and %u BLOCKED from further action "
		       "due to failure\n\n", disabled, total, blocked);
	vigil_sched_format_status(s, out);
	printf("Current cluster status:\n%s", out->str);
	return 0;
}
