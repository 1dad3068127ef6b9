/* vigil: the cluster's command line, in pcs's grammar. */
#include "config.h"

#include <locale.h>
#include <malloc.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

static void usage(FILE *out)
{
	fputs("Usage: vigil COMMAND [ARGS...]\n"
	      "\n"
	      "Commands:\n"
	      "  config verify -x FILE     check a CIB file, as crm_verify -x does\n"
	      "  config show -x FILE       list nodes, resources, constraints and properties\n"
	      "  config show -x FILE --xml print the CIB as Vigil writes it\n"
	      "  simulate -x FILE [-R|-S]  what the cluster would do, as crm_simulate shows it\n"
	      "  help                      this text\n"
	      "\n"
	      "Run 'vigil COMMAND --help' for a command's options.\n", out);
}

static const struct command {
	const char *name;
	int (*run)(int argc, char **argv);
} commands[] = {
	{ "config", vigil_cmd_config },
	{ "simulate", vigil_cmd_simulate },
};

int main(int argc, char **argv)
{
	setlocale(LC_ALL, "");
	/* One malloc arena: the thread that reads a CIB's configuration beside its status
	 * (lib/cib) would otherwise get an arena of its own, grown a page at a time by an
	 * mprotect() each, hundreds per run; a short-lived command gains nothing from it. */
	mallopt(M_ARENA_MAX, 1);
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
			return commands[i].run(argc - 1, argv + 1);
	fprintf(stderr, "vigil: unknown command '%s'; 'vigil help' lists the commands.\n",
		argv[1]);
	return VIGIL_EXIT_USAGE;
}
