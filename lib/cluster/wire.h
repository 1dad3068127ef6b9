/* The messages vigild sends to its peers through corosync's process group. Fixed layout,
 * explicit little-endian byte order, versioned: a message is
 *
 *   u32 magic "VGL1" | u16 version (2) | u16 type | u32 payload length | u32 reserved (0)
 *
 * followed by the payload of its type. Nothing is ever sent as a C struct. A decoder
 * refuses (-EPROTO) anything short, long, of another version or type, or inconsistent. */
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <glib.h>

#include "cib/cib.h"

#define VIGIL_WIRE_MAGIC 0x314c4756u /* "VGL1" read as little-endian */
#define VIGIL_WIRE_VERSION 2
#define VIGIL_WIRE_HEADER 16
#define VIGIL_DIGEST_LEN 32 /* SHA-256 */

typedef enum vigil_wire_type {
	/* after a membership change: "this is the CIB I hold" */
	VIGIL_WIRE_CIB_OFFER = 1,
	/* the copy the members agreed on, from the member that holds it */
	VIGIL_WIRE_CIB_FULL = 2,
	/* a change: the CIB that replaces BASE, if BASE is still what everyone holds */
	VIGIL_WIRE_CIB_UPDATE = 3,
	/* from the DC to the node that must run it: one action of a transition */
	VIGIL_WIRE_ACTION = 4,
	/* from the node that ran it, to all: how an action ended */
	VIGIL_WIRE_RESULT = 5,
	/* from every member after a membership change: "I am here"; then the RESULTs of its
	 * history, replayed (see VIGIL_JOINED_REPLAY_SHIFT) */
	VIGIL_WIRE_JOINED = 6,
	/* from any member to all: "fence op.node" (op.task: reboot, off, on; op.rsc: the
	 * device, or "" for the DC to choose; op.action: the sender's request number). The DC
	 * answers with an ACTION to the member that is to run the device, whose RESULT says
	 * how it went, or with a RESULT of its own when nobody can. */
	VIGIL_WIRE_FENCE = 7,
	/* from any member to all: "op.node stops" ("*": every member), op.task "shutdown"
	 * (vigild) or "stop" (vigild, then corosync): the DC moves its resources away, then
	 * it leaves, down cleanly */
	VIGIL_WIRE_SHUTDOWN = 8,
	/* from the DC after a membership change, to all: one ended fencing of its history, for
	 * members that joined since (op as the fencing's RESULT; op.target the member that
	 * ran it, 0 if none; op.interval_ms when it ended, in ms since the epoch). Only the
	 * history takes it: nothing is fenced or recorded again. */
	VIGIL_WIRE_FENCE_HISTORY = 9,
} vigil_wire_type;

/* JOINED: what the CIB holds of this node's history is to be forgotten: the RESULTs that
 * follow are all this vigild knows (nothing, when it just started) */
#define VIGIL_JOINED_FRESH 1u
/* JOINED: flags >> 16 is the number of RESULT messages that follow from the sender: its
 * history, replayed in order (the DC records them without counting failures again) */
#define VIGIL_JOINED_REPLAY_SHIFT 16

/* ACTION and RESULT: one resource action. Strings travel as u32 length (with the NUL) and
 * bytes ending in their only NUL, so the decoded pointers are C strings. */
typedef struct vigil_wire_op {
	uint32_t transition;   /* the DC's number for the transition */
	uint32_t action;       /* the action's number in it */
	uint32_t target;       /* the node id that runs it */
	uint32_t timeout_ms;
	uint64_t interval_ms;
	int32_t rc;            /* RESULT: the OCF code */
	uint32_t status;       /* RESULT: vigil_exec_status */
	uint32_t exec_ms;      /* RESULT */
	uint32_t origin;       /* fencing: the node id that asked for it (0: the DC's plan) */
	uint32_t priority_delay_ms; /* fencing: priority-fencing-delay for this target, waited
				     * on top of the device's pcmk_delay_base/max (0: none) */
	const char *rsc, *task;
	const char *reason;    /* RESULT: the exit reason, "" if none; fencing: why */
	const char *node;      /* fencing: the node fenced ("" for a resource action) */
} vigil_wire_op;

/* The identity of one CIB copy: its version and the SHA-256 of its bytes. */
typedef struct vigil_cib_id {
	vigil_cib_version version;
	uint8_t digest[VIGIL_DIGEST_LEN];
} vigil_cib_id;

typedef struct vigil_wire_msg {
	vigil_wire_type type;
	vigil_cib_id id;     /* OFFER, FULL: the copy; UPDATE: the base it applies to */
	vigil_cib_version new_version; /* UPDATE: the version of the CIB it brings */
	uint64_t request;    /* UPDATE: the sender's number for the request */
	const char *data;    /* FULL, UPDATE: the CIB's bytes (into the decoded buffer) */
	size_t len;
	vigil_wire_op op;    /* ACTION, RESULT, FENCE */
	uint32_t flags;      /* JOINED */
} vigil_wire_msg;

/* The identity of the CIB in DATA, LEN with version V. */
void vigil_cib_id_of(const char *data, size_t len, const vigil_cib_version *v,
		     vigil_cib_id *ret_id);
bool vigil_cib_id_equal(const vigil_cib_id *a, const vigil_cib_id *b);
/* Orders by version, then by digest bytes: every node ranks copies the same way. */
int vigil_cib_id_cmp(const vigil_cib_id *a, const vigil_cib_id *b);

/* MSG encoded; its length in *ret_len. */
uint8_t *vigil_wire_encode(const vigil_wire_msg *msg, size_t *ret_len);
/* BUF, LEN decoded into *ret_msg (whose data points into BUF). */
int vigil_wire_decode(const uint8_t *buf, size_t len, vigil_wire_msg *ret_msg);
