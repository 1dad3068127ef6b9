/* What the DC computes at a failover, without reading any file: the CIB is already in memory
 * (as it is in vigild), one node is marked lost, and the scheduler replans. Prints the time
 * of the replan alone (unpack + placement + actions + summary), best and median of N runs.
 *
 *     bench/sched-replan CIB.xml NODE [RUNS]
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "sched/sched.h"

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Marks NODE lost (out of the membership, expected up): what corosync reports at a failure. */
static int fail_node(vigil_cib *cib, const char *node)
{
	for (guint i = 0; i < cib->node_states->len; i++) {
		vigil_node_state *st = g_ptr_array_index(cib->node_states, i);

		if (g_strcmp0(st->uname, node) != 0)
			continue;
		g_free(st->in_ccm);
		g_free(st->crmd);
		g_free(st->join);
		g_free(st->expected);
		st->in_ccm = g_strdup("false");
		st->crmd = g_strdup("offline");
		st->join = g_strdup("down");
		st->expected = g_strdup("member");
		return 0;
	}
	return -1;
}

int main(int argc, char **argv)
{
	g_autoptr(GPtrArray) diags = vigil_diags_new();
	g_autoptr(vigil_cib) cib = NULL;
	int runs = argc > 3 ? atoi(argv[3]) : 5;
	double *ms;
	struct rusage ru;
	int64_t now;
	size_t lines = 0;

	if (argc < 3 || runs < 1) {
		fprintf(stderr, "usage: sched-replan CIB.xml NODE [RUNS]\n");
		return 64;
	}
	if (vigil_cib_load_file(argv[1], diags, &cib) < 0 || fail_node(cib, argv[2]) < 0) {
		fprintf(stderr, "sched-replan: cannot load %s, or no node_state for %s\n", argv[1],
			argv[2]);
		return 1;
	}
	now = cib->execution_date != NULL ? g_ascii_strtoll(cib->execution_date, NULL, 10) : 0;
	ms = g_new(double, runs);
	for (int i = 0; i < runs; i++) {
		g_autoptr(vigil_sched) s = NULL;
		g_autoptr(GString) out = g_string_new(NULL);
		gint64 t0 = g_get_monotonic_time();

		vigil_sched_unpack(cib, now, &s);
		vigil_sched_run(s);
		vigil_sched_format_summary(s, out);
		ms[i] = (double)(g_get_monotonic_time() - t0) / 1000.0;
		lines = 0;
		for (const char *p = out->str; *p != '\0'; p++)
			lines += *p == '\n';
	}
	qsort(ms, (size_t)runs, sizeof(*ms), cmp_double);
	getrusage(RUSAGE_SELF, &ru);
	printf("replan after losing %s: best %.1f ms, median %.1f ms over %d runs; %zu summary "
	       "lines; peak RSS %.0f MB (CIB loaded once)\n", argv[2], ms[0], ms[runs / 2], runs,
	       lines, ru.ru_maxrss / 1024.0);
	g_free(ms);
	return 0;
}
