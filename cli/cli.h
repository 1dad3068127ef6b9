/* The 'vigil' command: shared declarations of the subcommands. */
#pragma once

#include <stdbool.h>
#include <stdio.h>
#include <glib.h>

#include "cib/cib.h"
#include "cluster/view.h"
#include "mon/status.h"

/* Exit codes, as Pacemaker's crm_verify uses them (crm_exit_t). */
enum {
	VIGIL_EXIT_OK = 0,
	VIGIL_EXIT_ERROR = 1,     /* cannot read the input, cannot write the output */
	VIGIL_EXIT_PRIVILEGE = 4, /* the daemon refused this user */
	VIGIL_EXIT_USAGE = 64,
	VIGIL_EXIT_UNAVAILABLE = 69, /* no vigild answers on this node */
	VIGIL_EXIT_CONFIG = 78,   /* not XML, not a CIB, or a CIB with errors or warnings */
	VIGIL_EXIT_TIMEOUT = 124, /* vigild did not answer in time */
};

/* 'vigil config SUBCOMMAND ...' */
int vigil_cmd_config(int argc, char **argv);

/* 'vigil simulate ...' */
int vigil_cmd_simulate(int argc, char **argv);

/* -f FILE before the command: the CIB file the configuration commands change (NULL: the
 * running cluster's CIB) */
extern const char *vigil_cib_file;

/* 'vigil property|resource|stonith|node ...' (cmd-edit.c) */
int vigil_cmd_property(int argc, char **argv);
int vigil_cmd_resource(int argc, char **argv);
int vigil_cmd_stonith(int argc, char **argv);
int vigil_cmd_node(int argc, char **argv);
/* 'vigil constraint ...', 'vigil resource move|ban|clear' (cmd-constraint.c) */
int vigil_cmd_constraint(int argc, char **argv);
int vigil_resource_move(int argc, char **argv, bool ban);
int vigil_resource_clear(int argc, char **argv);

/* 'vigil stonith fence|history ...' (cmd-stonith.c): ARGV[0] is the subcommand. */
int vigil_stonith_admin(int argc, char **argv);
/* The local vigild's fencing history (VIGIL_FENCE_HISTORY_TYPE in a tuple): 0 or -errno
 * (fence-history.c). */
int vigil_fence_history_fetch(GVariant **ret_reply);

/* 'vigil cluster setup ...' */
int vigil_cmd_cluster(int argc, char **argv);

/* 'vigil status ...' */
int vigil_cmd_status(int argc, char **argv);

/* The cluster as the local vigild sees it, in crm_mon's layout: summary, nodes, resources,
 * failed actions, fencing history, rendered by vigild (monitor.c). 0, or the -errno of
 * the request. */
int vigil_monitor_text(GString *out);
/* CIB's state (with VIEW, the local vigild's membership, and HISTORY, its fencing
 * history, when live; NULL for a file) as crm_mon's XML, or as the same tree in JSON
 * (cli/mon-output.c). 0 or -errno. */
int vigil_monitor_structured(const vigil_cib *cib, const vigil_view *view, GVariant *history,
			     bool json, GString *out);

/* Exit code for a failed request to the local vigild (-errno R), after printing why, in
 * one line starting with WHAT ("vigil status"). */
int vigil_daemon_error(const char *what, int r);

/* The running cluster's CIB text as the local vigild holds it, its version and whether
 * that node holds the agreed copy (either may be NULL): 0 or the request's -errno, quiet
 * (monitor.c). */
int vigil_live_text(int timeout_ms, char **ret_text, vigil_cib_version *ret_version,
		    bool *ret_synced);
/* The same, read into structs: 0 or -errno. */
int vigil_live_cib(vigil_cib **ret_cib);
/* The running cluster's CIB, as the local vigild holds it, and its version: 0, or the exit
 * code after a one-line message starting with WHAT (edit.c). */
int vigil_live_query(const char *what, char **ret_text, vigil_cib_version *ret_version);
/* TEXT's configuration replaces the cluster's if its CIB is still at version BASE: 0 (and
 * the new version), or the exit code after a one-line message. */
int vigil_live_replace(const char *what, const vigil_cib_version *base, const char *text,
		       vigil_cib_version *ret_now);

/* A change to the live CIB found it changed since it was read (the DC recorded something,
 * another client changed it): while vigil_stale_retries > 0, vigil_live_replace() sets
 * vigil_stale, quietly, and main() runs the whole command again on the new CIB. */
extern bool vigil_stale;
extern int vigil_stale_retries;

/* --wait[=SECONDS] (default 60): after a change to the running cluster, wait until it has
 * nothing left to do and say where the resources are (-1: do not wait). */
extern int vigil_wait_seconds;
int vigil_wait_settled(const char *what);

/* Prints the pcs-style listing of CIB to OUT. */
void vigil_config_show(const vigil_cib *cib, FILE *out);

/* Prints one diagnostic as "FILE:LINE: element E: error: message". */
void vigil_print_diag(FILE *out, const char *file, const vigil_diag *d);
