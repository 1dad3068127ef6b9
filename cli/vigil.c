/* vigil: the cluster's command line, in pcs's grammar. */
#include "config.h"

#include <locale.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

static void usage(FILE *out)
{
	fputs("Usage: vigil [-f FILE] COMMAND [ARGS...]\n"
	      "\n"
	      "Commands:\n"
	      "  config verify [-x FILE]   check a CIB file (or the live CIB), as crm_verify does\n"
	      "  config show [-x FILE]     list nodes, resources, constraints and properties\n"
	      "  config show [-x FILE] --xml print the CIB as Vigil writes it\n"
	      "  config export [FILE]      the running cluster's CIB, as XML\n"
	      "  config import FILE        FILE's configuration replaces the cluster's\n"
	      "  simulate -x FILE [-R|-S]  what the cluster would do, as crm_simulate shows it\n"
	      "  status                    the running cluster: DC, quorum, nodes, resources\n"
	      "  property set|unset|list   cluster properties (property set stonith-enabled=false)\n"
	      "  resource create ID AGENT [NAME=VALUE...] [op ACTION NAME=VALUE...] [meta ...]\n"
	      "           [--group G] [--disabled]; resource delete|enable|disable ID;\n"
	      "           resource group add GROUP RSC...; resource move|ban RSC NODE;\n"
	      "           resource clear RSC; resource update RSC NAME=VALUE...;\n"
	      "           resource cleanup [RSC] (forget failures: probe again);\n"
	      "           resource restart RSC\n"
	      "           resource list|standards|providers|agents [ocf:PROVIDER]|describe AGENT\n"
	      "  constraint location RSC prefers|avoids NODE[=SCORE]...;\n"
	      "           constraint colocation add RSC with RSC [SCORE];\n"
	      "           constraint order [ACTION] RSC then [ACTION] RSC; constraint list|delete\n"
	      "  stonith create ID AGENT [NAME=VALUE...]; stonith list; stonith fence NODE [--off];\n"
	      "  stonith history [NODE]\n"
	      "  node standby|unstandby|maintenance|unmaintenance NODE\n"
	      "  cluster setup NAME NODE[=ADDR]...  write corosync.conf (and its key)\n"
	      "  cluster start [--all]     corosync and vigild here (--all: every node, by ssh)\n"
	      "  cluster stop [--all]      resources moved away, then vigild and corosync stop\n"
	      "\n"
	      "-f FILE: the configuration commands change FILE instead of the running cluster's\n"
	      "CIB, as pcs -f does. --wait[=SECONDS]: after a change to the running cluster,\n"
	      "wait until it settles (default 60 s) and say where the resources are.\n"
	      "  help                      this text\n"
	      "\n"
	      "Run 'vigil COMMAND --help' for a command's options.\n", out);
}

#define STALE_RETRIES 5

static const struct command {
	const char *name;
	int (*run)(int argc, char **argv);
} commands[] = {
	{ "config", vigil_cmd_config },
	{ "simulate", vigil_cmd_simulate },
	{ "status", vigil_cmd_status },
	{ "property", vigil_cmd_property },
	{ "resource", vigil_cmd_resource },
	{ "stonith", vigil_cmd_stonith },
	{ "node", vigil_cmd_node },
	{ "cluster", vigil_cmd_cluster },
	{ "constraint", vigil_cmd_constraint },
};

bool vigil_stale;
int vigil_stale_retries;

/* Runs C, again (on a copy of the arguments: option parsing changes them) while the CIB
 * it changed was changed by someone else between its read and its write. */
static int run_command(const struct command *c, int argc, char **argv)
{
	for (vigil_stale_retries = STALE_RETRIES;; vigil_stale_retries--) {
		g_auto(GStrv) copy = g_strdupv(argv);
		int rc;

		vigil_stale = false;
		rc = c->run(argc, copy);
		if (!vigil_stale)
			return rc;
		g_usleep(20000 * (STALE_RETRIES - vigil_stale_retries + 1));
	}
}

int main(int argc, char **argv)
{
	setlocale(LC_ALL, "");
	/* The heap grows 4 MiB at a time instead of 128 KiB: reading a big CIB then costs a
	 * few brk() calls, not hundreds. The thread that reads the configuration beside the
	 * status (lib/cib) keeps the arena glibc gives it: sharing one arena with the main
	 * thread made both wait on its lock (a third slower at 32 x 2,000, bench/scheduler). */
	mallopt(M_TOP_PAD, 4 << 20);
	if (argc >= 3 && strcmp(argv[1], "-f") == 0) {
		vigil_cib_file = argv[2];
		argv[2] = argv[0];
		argc -= 2;
		argv += 2;
	}
	/* --wait[=SECONDS], anywhere: for every command that changes the running cluster */
	for (int i = 1; i < argc; i++) {
		bool plain = strcmp(argv[i], "--wait") == 0;

		if (!plain && strncmp(argv[i], "--wait=", 7) != 0)
			continue;
		vigil_wait_seconds = plain ? 60 : atoi(argv[i] + 7);
		if (!plain && (vigil_wait_seconds <= 0 || strspn(argv[i] + 7, "0123456789") !=
							    strlen(argv[i] + 7))) {
			fprintf(stderr, "vigil: --wait=SECONDS needs a whole number of seconds.\n");
			return VIGIL_EXIT_USAGE;
		}
		memmove(&argv[i], &argv[i + 1], (size_t)(argc - i) * sizeof(*argv));
		argc--;
		break;
	}
	if (argc < 2) {
		usage(stderr);
		return VIGIL_EXIT_USAGE;
	}
	if (strcmp(argv[1], "help") == 0 || strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "-h") == 0) {
		usage(stdout);
		return VIGIL_EXIT_OK;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("vigil %s\n", PACKAGE_VERSION);
		return VIGIL_EXIT_OK;
	}
	for (size_t i = 0; i < G_N_ELEMENTS(commands); i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			return run_command(&commands[i], argc - 1, argv + 1);
	fprintf(stderr, "vigil: unknown command '%s'; 'vigil help' lists the commands.\n",
		argv[1]);
	return VIGIL_EXIT_USAGE;
}
