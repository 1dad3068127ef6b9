/* Running one resource action: an OCF agent (or a fence agent, see fence.h) as a child
 * process, in a process group of its own, with the OCF environment, a timeout after which
 * the whole group is killed, its output kept, and its result mapped as the OCF
 * specification says. The caller's GLib main context does the waiting; nothing blocks.
 *
 * The systemd class has an executor of its own (unit.h). */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <glib.h>

/* OCF return codes (OCF Resource Agent API 1.1). */
enum {
	VIGIL_OCF_SUCCESS = 0,
	VIGIL_OCF_ERR_GENERIC = 1,
	VIGIL_OCF_ERR_ARGS = 2,
	VIGIL_OCF_ERR_UNIMPLEMENTED = 3,
	VIGIL_OCF_ERR_PERM = 4,
	VIGIL_OCF_ERR_INSTALLED = 5,
	VIGIL_OCF_ERR_CONFIGURED = 6,
	VIGIL_OCF_NOT_RUNNING = 7,
	VIGIL_OCF_RUNNING_PROMOTED = 8,
	VIGIL_OCF_FAILED_PROMOTED = 9,
};

/* How an action ended, besides its return code (Pacemaker's op-status). */
typedef enum vigil_exec_status {
	VIGIL_EXEC_DONE = 0,          /* it ran to its end: rc is the agent's */
	VIGIL_EXEC_CANCELLED = 1,
	VIGIL_EXEC_TIMEOUT = 2,       /* killed after its timeout */
	VIGIL_EXEC_NOT_SUPPORTED = 3,
	VIGIL_EXEC_ERROR = 4,         /* killed by a signal, or could not be run */
	VIGIL_EXEC_NOT_INSTALLED = 7, /* no such agent */
} vigil_exec_status;

typedef struct vigil_exec_request {
	/* OCF_ROOT, and the agent is ROOT/resource.d/PROVIDER/TYPE; NULL: the configured
	 * root (/usr/lib/ocf), the agent found with vigil_ocf_agent_path() */
	const char *root;
	const char *provider, *type;
	const char *rsc_id;      /* OCF_RESOURCE_INSTANCE */
	const char *action;      /* start, stop, monitor, meta-data, validate-all, ... */
	uint64_t interval_ms;    /* of a recurring monitor; 0 otherwise */
	uint64_t timeout_ms;     /* 0: 20 s, Pacemaker's default */
	GHashTable *params;      /* instance attributes, name -> value; may be NULL */
	GHashTable *meta;        /* meta attributes, name -> value; may be NULL */
	/* a fence agent instead: PROGRAM (an absolute path) is run with no arguments and
	 * INPUT on its standard input; the OCF fields above are then unused */
	const char *program;
	const char *input;
} vigil_exec_request;

typedef struct vigil_exec_result {
	int rc;                  /* an OCF code (VIGIL_OCF_*) */
	vigil_exec_status status;
	char *exit_reason;       /* the agent's "ocf-exit-reason:" line, or our own; or NULL */
	char *output;            /* what it wrote to stdout and stderr (the last 64 KiB) */
	int64_t exec_ms;         /* how long it ran */
} vigil_exec_result;

typedef struct vigil_exec vigil_exec;
typedef void (*vigil_exec_done_fn)(const vigil_exec_result *result, gpointer user);

/* Starts REQ's action. DONE is called once, from CTX's main loop (NULL: the thread's
 * default), when the action has ended, also when it could not start (status
 * NOT_INSTALLED or ERROR). Returns the running action, for vigil_exec_cancel(). */
vigil_exec *vigil_exec_start(const vigil_exec_request *req, GMainContext *ctx,
			     vigil_exec_done_fn done, gpointer user);
/* Kills the action's whole process group; DONE is then called with status CANCELLED. */
void vigil_exec_cancel(vigil_exec *e);

/* The directories OCF agents are found in, in order, as Pacemaker's OCF_RA_PATH: those of
 * the OCF_RA_PATH environment variable (colon-separated), then the configured root's
 * resource.d (/usr/lib/ocf/resource.d), each once. g_strfreev() it. */
char **vigil_ocf_ra_dirs(void);

/* The agent PROVIDER:TYPE, the first executable DIR/PROVIDER/TYPE of vigil_ocf_ra_dirs();
 * NULL if there is none (or a name is not plain). g_free() it. */
char *vigil_ocf_agent_path(const char *provider, const char *type);

/* The OCF providers (or, with PROVIDER, its agents) of every directory of
 * vigil_ocf_ra_dirs(), sorted, each name once. */
GPtrArray *vigil_ocf_list(const char *provider);

/* The names of the entries of DIR/SUB (SUB may be NULL) for every DIR of DIRS (a
 * NULL-terminated list; empty entries skipped) that start with PREFIX (and, if EXECUTABLE,
 * can be run), sorted, each name once. */
GPtrArray *vigil_names_in_dirs(char **dirs, const char *sub, const char *prefix,
			       bool executable);

/* Whether S is a provider's or agent's plain name (letters, digits, '_', '-', '.', not
 * starting with '.'): no path in it. */
bool vigil_exec_plain_name(const char *s);

/* The OCF code for a process that exited with EXIT_CODE: anything outside 0-9 is a generic
 * error, as Pacemaker maps it. */
int vigil_ocf_rc_from_exit(int exit_code);

/* The text of an OCF code, as crm_mon names them ("not running", "error"...). */
const char *vigil_ocf_rc_text(int rc);
