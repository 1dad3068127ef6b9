/* The replicated CIB: how the vigild of a partition come to hold the same copy, and change
 * it together. A pure state machine: the daemon feeds it the process group's membership
 * changes and messages, in the order corosync delivers them (the same order on every
 * member: virtual synchrony), and it answers through callbacks. Tests drive it with a
 * simulated group.
 *
 * After every membership change each member offers the identity of its copy (version and
 * digest). Once every member's offer is in, all of them know the winner: the highest
 * (admin_epoch, epoch, num_updates), ties broken by digest, held by the lowest node id that
 * holds it. If some member holds another copy, the winner's holder sends it whole; a member
 * is "synced" when it holds the agreed copy.
 *
 * A change is proposed as the whole new CIB with the identity of the copy it was made
 * from. Every member applies it when it is delivered if that base is still the agreed copy
 * and the new version is higher, and refuses it otherwise: all decide the same, so the
 * copies never diverge. A change delivered before the members are synced is refused. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <glib.h>

#include "cluster/wire.h"

typedef struct vigil_cibsync vigil_cibsync;

typedef struct vigil_cibsync_ops {
	/* Sends BUF to every member of the group, this one included. 0 or -errno. */
	int (*send)(void *ctx, const uint8_t *buf, size_t len);
	/* The agreed CIB is now DATA, LEN (version V): keep it (the store). */
	void (*adopt)(void *ctx, const char *data, size_t len, const vigil_cib_version *v);
	/* This member's change REQUEST was decided: 0 applied, -ESTALE (made from a copy
	 * that is no longer the agreed one, or not newer), -EAGAIN (the members were not
	 * synced). */
	void (*decided)(void *ctx, uint64_t request, int result);
} vigil_cibsync_ops;

/* A member NODEID holding DATA, LEN (version V) when it starts. */
vigil_cibsync *vigil_cibsync_new(uint32_t nodeid, const char *data, size_t len,
				 const vigil_cib_version *v, const vigil_cibsync_ops *ops,
				 void *ctx);
void vigil_cibsync_free(vigil_cibsync *s);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(vigil_cibsync, vigil_cibsync_free)

/* The group now holds the N nodes MEMBERS (this one among them). */
void vigil_cibsync_membership(vigil_cibsync *s, const uint32_t *members, size_t n);
/* A message from SENDER. Malformed or unexpected messages are ignored (-EPROTO). */
int vigil_cibsync_deliver(vigil_cibsync *s, uint32_t sender, const uint8_t *buf, size_t len);
/* Proposes DATA, LEN (version NEW_VERSION) as the change of the current copy. Returns 0 and
 * the request's number (decided() reports it), -EAGAIN when not synced, or send()'s error. */
int vigil_cibsync_propose(vigil_cibsync *s, const char *data, size_t len,
			  const vigil_cib_version *new_version, uint64_t *ret_request);

bool vigil_cibsync_synced(const vigil_cibsync *s);
/* The copy this member holds. */
const char *vigil_cibsync_current(const vigil_cibsync *s, size_t *ret_len,
				  vigil_cib_version *ret_version);
