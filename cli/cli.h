/* The 'vigil' command: shared declarations of the subcommands. */
#pragma once

#include <stdio.h>
#include <glib.h>

#include "cib/cib.h"

/* Exit codes, as Pacemaker's crm_verify uses them (crm_exit_t). */
enum {
	VIGIL_EXIT_OK = 0,
	VIGIL_EXIT_ERROR = 1,     /* cannot read the input, cannot write the output */
	VIGIL_EXIT_USAGE = 64,
	VIGIL_EXIT_CONFIG = 78,   /* not XML, not a CIB, or a CIB with errors or warnings */
};

/* 'vigil config SUBCOMMAND ...' */
int vigil_cmd_config(int argc, char **argv);

/* 'vigil simulate ...' */
int vigil_cmd_simulate(int argc, char **argv);

/* Prints the pcs-style listing of CIB to OUT. */
void vigil_config_show(const vigil_cib *cib, FILE *out);

/* Prints one diagnostic as "FILE:LINE: element E: error: message". */
void vigil_print_diag(FILE *out, const char *file, const vigil_diag *d);
