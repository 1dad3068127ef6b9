/* The messages vigild sends to its peers through corosync's process group. Fixed layout,
 * explicit little-endian byte order, versioned: a message is
 *
 *   u32 magic "VGL1" | u16 version (1) | u16 type | u32 payload length | u32 reserved (0)
 *
 * followed by the payload of its type. Nothing is ever sent as a C struct. A decoder
 * refuses (-EPROTO) anything short, long, of another version or type, or inconsistent. */
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <glib.h>

#include "cib/cib.h"

#define VIGIL_WIRE_MAGIC 0x314c4756u /* "VGL1" read as little-endian */
#define VIGIL_WIRE_VERSION 1
#define VIGIL_WIRE_HEADER 16
#define VIGIL_DIGEST_LEN 32 /* SHA-256 */

typedef enum vigil_wire_type {
	/* after a membership change: "this is the CIB I hold" */
	VIGIL_WIRE_CIB_OFFER = 1,
	/* the copy the members agreed on, from the member that holds it */
	VIGIL_WIRE_CIB_FULL = 2,
	/* a change: the CIB that replaces BASE, if BASE is still what everyone holds */
	VIGIL_WIRE_CIB_UPDATE = 3,
} vigil_wire_type;

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
