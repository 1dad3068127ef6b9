/* Benchmark: checking a CIB file, Vigil against Pacemaker, side by side.
 *
 * Generates steady-state clusters (every resource probed on every node, running on its
 * home node with a recurring monitor), writes each to a temporary file, and runs
 * 'vigil config verify -x' and 'crm_verify -x' on it as child processes, several times
 * each. Prints the median wall time and the peak resident memory of each, and both exit
 * codes (they should agree). Figures only: nothing here passes or fails on speed.
 *
 *   bench/cib-verify [--vigil PATH] [--crm-verify PATH] [--runs N] [NODESxRESOURCES ...]
 */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <glib.h>

typedef struct measure {
	double wall_ms; /* median */
	long max_rss_kb;
	int exit_code;
} measure;

static void gen_config(GString *x, unsigned nodes, unsigned rscs)
{
	g_string_append(x, "  <configuration>\n    <crm_config><cluster_property_set id=\"o\">"
			"<nvpair id=\"o-se\" name=\"stonith-enabled\" value=\"true\"/>"
			"</cluster_property_set></crm_config>\n    <nodes>\n");
	for (unsigned n = 1; n <= nodes; n++)
		g_string_append_printf(x, "      <node id=\"%u\" uname=\"node%u\"/>\n", n, n);
	g_string_append(x, "    </nodes>\n    <resources>\n      <primitive id=\"fence\" "
			"class=\"stonith\" type=\"fence_xvm\"/>\n");
	for (unsigned r = 0; r < rscs; r++)
		g_string_append_printf(x,
			"      <primitive id=\"r%u\" class=\"ocf\" provider=\"pacemaker\" "
			"type=\"Dummy\"><operations><op id=\"r%u-mon\" name=\"monitor\" "
			"interval=\"10s\" timeout=\"20s\"/></operations></primitive>\n", r, r);
	g_string_append(x, "    </resources>\n    <constraints>\n");
	for (unsigned r = 0; r + 1 < rscs; r += 10)
		g_string_append_printf(x, "      <rsc_order id=\"o%u\" first=\"r%u\" then=\"r%u\"/>\n",
				       r, r, r + 1);
	g_string_append(x, "    </constraints>\n  </configuration>\n");
}

static void gen_history(GString *x, unsigned node, unsigned nodes, unsigned rscs)
{
	g_string_append_printf(x, "    <node_state id=\"%u\" uname=\"node%u\" in_ccm=\"true\" "
			       "crmd=\"online\" join=\"member\" expected=\"member\">\n"
			       "      <lrm id=\"%u\"><lrm_resources>\n", node, node, node);
	for (unsigned r = 0; r < rscs; r++) {
		bool home = r % nodes == node - 1;

		g_string_append_printf(x, "        <lrm_resource id=\"r%u\" class=\"ocf\" "
				       "provider=\"pacemaker\" type=\"Dummy\">", r);
		g_string_append_printf(x, "<lrm_rsc_op id=\"r%u_last_0\" operation_key=\"r%u_%s_0\" "
				       "operation=\"%s\" call-id=\"%u\" rc-code=\"%d\" op-status=\"0\" "
				       "interval=\"0\" last-rc-change=\"1700000000\"/>", r, r,
				       home ? "start" : "monitor", home ? "start" : "monitor",
				       2 * r + 1, home ? 0 : 7);
		if (home)
			g_string_append_printf(x, "<lrm_rsc_op id=\"r%u_monitor_10000\" "
					       "operation_key=\"r%u_monitor_10000\" operation=\"monitor\" "
					       "call-id=\"%u\" rc-code=\"0\" op-status=\"0\" "
					       "interval=\"10000\" last-rc-change=\"1700000000\"/>",
					       r, r, 2 * r + 2);
		g_string_append(x, "</lrm_resource>\n");
	}
	g_string_append(x, "      </lrm_resources></lrm>\n    </node_state>\n");
}

static char *gen_cib(unsigned nodes, unsigned rscs)
{
	GString *x = g_string_new("<cib admin_epoch=\"0\" epoch=\"1\" num_updates=\"0\" "
				  "validate-with=\"pacemaker-3.9\" have-quorum=\"1\">\n");

	gen_config(x, nodes, rscs);
	g_string_append(x, "  <status>\n");
	for (unsigned n = 1; n <= nodes; n++)
		gen_history(x, n, nodes, rscs);
	g_string_append(x, "  </status>\n</cib>\n");
	return g_string_free(x, FALSE);
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* Runs ARGV once with output discarded; returns its exit code, wall time and peak RSS. */
static int run_once(char *const argv[], double *ret_ms, long *ret_rss_kb)
{
	struct rusage ru;
	double start = now_ms();
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return -errno;
	if (pid == 0) {
		if (freopen("/dev/null", "w", stdout) == NULL ||
		    freopen("/dev/null", "w", stderr) == NULL)
			_exit(126);
		execv(argv[0], argv);
		_exit(127);
	}
	if (wait4(pid, &status, 0, &ru) < 0)
		return -errno;
	*ret_ms = now_ms() - start;
	*ret_rss_kb = ru.ru_maxrss;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static measure run(char *const argv[], unsigned runs)
{
	g_autofree double *times = g_new0(double, runs);
	measure m = { 0 };

	for (unsigned i = 0; i < runs; i++) {
		long rss = 0;

		m.exit_code = run_once(argv, &times[i], &rss);
		if (rss > m.max_rss_kb)
			m.max_rss_kb = rss;
	}
	qsort(times, runs, sizeof(double), cmp_double);
	m.wall_ms = times[runs / 2];
	return m;
}

static void bench_size(const char *vigil, const char *crm_verify, unsigned nodes,
		       unsigned rscs, unsigned runs)
{
	g_autofree char *cib = gen_cib(nodes, rscs);
	g_autofree char *path = g_build_filename(g_get_tmp_dir(), "vigil-bench-XXXXXX", NULL);
	int fd = g_mkstemp(path);
	measure v, c;

	if (fd < 0 || write(fd, cib, strlen(cib)) != (ssize_t)strlen(cib)) {
		fprintf(stderr, "cib-verify: cannot write %s: %s\n", path, g_strerror(errno));
		exit(1);
	}
	close(fd);
	char *vigil_argv[] = { (char *)vigil, (char *)"config", (char *)"verify", (char *)"-x",
			       path, NULL };
	char *crm_argv[] = { (char *)crm_verify, (char *)"-x", path, NULL };

	v = run(vigil_argv, runs);
	c = run(crm_argv, runs);
	if (v.exit_code >= 126 || c.exit_code >= 126 || v.exit_code < 0 || c.exit_code < 0) {
		fprintf(stderr, "cib-verify: a checker could not run (vigil exit %d, crm_verify "
			"exit %d); run it by hand on %s.\n", v.exit_code, c.exit_code, path);
		exit(1);
	}
	printf("%5u x %-6u %8.0f kB | %9.1f ms %8.1f MB  exit %-3d | %9.1f ms %8.1f MB  exit %-3d"
	       " | %6.1fx\n", nodes, rscs, strlen(cib) / 1e3, v.wall_ms, v.max_rss_kb / 1024.0,
	       v.exit_code, c.wall_ms, c.max_rss_kb / 1024.0, c.exit_code,
	       v.wall_ms > 0 ? c.wall_ms / v.wall_ms : 0.0);
	fflush(stdout);
	unlink(path);
}

int main(int argc, char **argv)
{
	const char *vigil = "cli/.libs/vigil-cli", *crm_verify = "/usr/sbin/crm_verify";
	const char *sizes_default[] = { "2x20", "16x500", "32x2000" };
	unsigned runs = 3;
	int first = 1;

	for (; first < argc && g_str_has_prefix(argv[first], "--"); first += 2) {
		if (first + 1 >= argc)
			break;
		if (strcmp(argv[first], "--vigil") == 0)
			vigil = argv[first + 1];
		else if (strcmp(argv[first], "--crm-verify") == 0)
			crm_verify = argv[first + 1];
		else if (strcmp(argv[first], "--runs") == 0)
			runs = (unsigned)MAX(1, atoi(argv[first + 1]));
	}
	if (access(vigil, X_OK) != 0 || access(crm_verify, X_OK) != 0) {
		fprintf(stderr, "cib-verify: need %s and %s; build Vigil first ('make') and install "
			"pacemaker-cli-utils (scripts/install-deps).\n", vigil, crm_verify);
		return 1;
	}
	printf("Checking a CIB file: vigil config verify -x vs crm_verify -x "
	       "(median of %u runs, peak RSS)\n", runs);
	printf("nodes x rscs    CIB size |  vigil wall     vigil RSS          | crm_verify wall"
	       "  RSS              | speed-up\n");
	for (int i = first; i < argc || (first == argc && i - first < 3); i++) {
		const char *size = first == argc ? sizes_default[i - first] : argv[i];
		unsigned nodes = 0, rscs = 0;

		if (sscanf(size, "%ux%u", &nodes, &rscs) != 2 || nodes == 0) {
			fprintf(stderr, "cib-verify: size '%s' is not NODESxRESOURCES, e.g. 16x500.\n",
				size);
			return 1;
		}
		bench_size(vigil, crm_verify, nodes, rscs, runs);
	}
	return 0;
}
