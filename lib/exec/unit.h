/* Running one resource action of class systemd, through systemd's D-Bus API on the system
 * bus (GDBus), never by running systemctl:
 * - start and stop are jobs (StartUnit, StopUnit), awaited to their JobRemoved signal;
 * - monitor reads the unit's LoadState and ActiveState;
 * - before a start the unit gets a drop-in, /run/systemd/system/UNIT.d/50-vigil.conf, that
 *   turns systemd's own restarts off (as Pacemaker's does): the cluster, not systemd,
 *   decides what happens when a unit fails, and a failure is seen, counted and recovered
 *   where the scheduler says.
 * Results are OCF codes, as Pacemaker maps them, through the same callback as exec.h's.
 *
 * A watch follows one unit's ActiveState (PropertiesChanged), so that a unit that dies is
 * noticed at once instead of at the next monitor.
 *
 * Everything runs on the caller's GLib main context; nothing blocks but the first
 * connection to the bus. */
#pragma once

#include <glib.h>

#include "exec/exec.h"

typedef struct vigil_unit_action vigil_unit_action;

/* Starts REQ's action (REQ->type is the unit: "haproxy" means haproxy.service). DONE is
 * called once, from CTX's main loop (NULL: the thread's default). */
vigil_unit_action *vigil_unit_start(const vigil_exec_request *req, GMainContext *ctx,
				    vigil_exec_done_fn done, gpointer user);
/* Stops waiting for the action (a job already queued in systemd goes on); DONE is then
 * called with status CANCELLED. */
void vigil_unit_cancel(vigil_unit_action *a);

/* The unit systemd:TYPE names: TYPE itself when it has a unit suffix, else TYPE.service;
 * NULL when TYPE is not a plain unit name. Free with g_free(). */
char *vigil_unit_name(const char *type);
/* The D-Bus object path of UNIT (systemd's escaping of its name). */
char *vigil_unit_object_path(const char *unit);
/* The drop-in that vigild gives UNIT before starting it. */
char *vigil_unit_override(const char *unit);
/* The OCF code of a unit in ACTIVE_STATE (for a monitor): running or not running. */
int vigil_unit_rc_of_state(const char *active_state);

/* Calls FN(UNIT, ACTIVE_STATE, USER) whenever UNIT's ActiveState changes, from the default
 * main context, until vigil_unit_unwatch(). Survives a restart of the bus. */
typedef void (*vigil_unit_state_fn)(const char *unit, const char *active_state, gpointer user);
guint vigil_unit_watch(const char *unit, vigil_unit_state_fn fn, gpointer user);
void vigil_unit_unwatch(guint id);

/* The functions above, as the module daemons/vigild/vigil-systemd.so offers them under
 * VIGIL_UNIT_OPS_SYMBOL (vigild loads it on first use: a node without systemd resources
 * never maps GIO). */
typedef struct vigil_unit_ops {
	vigil_unit_action *(*start)(const vigil_exec_request *req, GMainContext *ctx,
				    vigil_exec_done_fn done, gpointer user);
	void (*cancel)(vigil_unit_action *a);
	char *(*name)(const char *type);
	int (*rc_of_state)(const char *active_state);
	guint (*watch)(const char *unit, vigil_unit_state_fn fn, gpointer user);
	void (*unwatch)(guint id);
} vigil_unit_ops;
#define VIGIL_UNIT_OPS_SYMBOL "vigil_unit_ops_v1"
