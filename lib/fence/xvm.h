/* The fence_xvm wire protocol, as fence-virt 4.12.1 (Debian's fence_xvm and fence_virtd)
 * speaks it (../shared/docs/fence_xvm-protocol.md): the 176-byte request datagram and its
 * keyed hash, the 64-byte challenges of the callback, the result codes and the 130-byte
 * host records. Every multi-byte field is little-endian on the wire, written and read
 * explicitly (fence-virt sends host order and only works between x86 machines).
 *
 * Pure functions over buffers: no sockets, no clock. GLib only (its checksums).
 * Every function returns 0 or a negative errno. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VIGIL_XVM_REQ_SIZE 176
#define VIGIL_XVM_HOST_SIZE 130
#define VIGIL_XVM_CHALLENGE_SIZE 64
#define VIGIL_XVM_HASH_SIZE 64
#define VIGIL_XVM_KEY_MAX 4096
#define VIGIL_XVM_DOMAIN_MAX 63     /* characters of a domain name or UUID */
#define VIGIL_XVM_PORT 1229
#define VIGIL_XVM_GROUP_V4 "225.0.0.12"
#define VIGIL_XVM_GROUP_V6 "ff05::3:1"

typedef enum vigil_xvm_op {
	VIGIL_XVM_NULL = 0,
	VIGIL_XVM_OFF = 1,
	VIGIL_XVM_REBOOT = 2,
	VIGIL_XVM_ON = 3,
	VIGIL_XVM_STATUS = 4,
	VIGIL_XVM_DEVSTATUS = 5,     /* the agent's "monitor" */
	VIGIL_XVM_HOSTLIST = 6,      /* "list", "list-status" */
} vigil_xvm_op;

typedef enum vigil_xvm_hash {
	VIGIL_XVM_HASH_NONE = 0,
	VIGIL_XVM_HASH_SHA1 = 1,
	VIGIL_XVM_HASH_SHA256 = 2,
	VIGIL_XVM_HASH_SHA512 = 3,
} vigil_xvm_hash;

/* The result byte. */
enum {
	VIGIL_XVM_RESP_SUCCESS = 0,  /* done; status: the domain runs */
	VIGIL_XVM_RESP_FAIL = 1,
	VIGIL_XVM_RESP_OFF = 2,      /* status: the domain is off */
	VIGIL_XVM_RESP_PERM = 3,     /* the groups ACL refuses the requester */
	VIGIL_XVM_RESP_HOSTLIST = 253,
};

typedef struct vigil_xvm_req {
	vigil_xvm_op op;
	vigil_xvm_hash hash;         /* of this request's MAC */
	uint8_t flags;               /* bit 0: RF_UUID (informational) */
	char domain[VIGIL_XVM_DOMAIN_MAX + 1];
	int family;                  /* AF_INET or AF_INET6: of ADDRESS; 0: none (tcp) */
	uint8_t address[16];         /* the callback address, network byte order */
	uint16_t port;               /* the callback port */
	uint8_t random[6];
	uint32_t seqno;
} vigil_xvm_req;

/* "none", "sha1", "sha256", "sha512". -EINVAL otherwise. */
int vigil_xvm_hash_parse(const char *name, vigil_xvm_hash *ret);
const char *vigil_xvm_hash_name(vigil_xvm_hash h);

/* An agent's action as a request: "off", "reboot", "on", "status", "monitor", "list",
 * "list-status", "null". -EINVAL otherwise. */
int vigil_xvm_op_parse(const char *action, vigil_xvm_op *ret);
const char *vigil_xvm_op_name(vigil_xvm_op op);

/* H(KEY || DATA), zero-padded to 64 bytes, as the request's MAC and the challenges'
 * answers are made. -EINVAL for VIGIL_XVM_HASH_NONE. */
int vigil_xvm_digest(vigil_xvm_hash h, const uint8_t *key, size_t key_len, const uint8_t *data,
		     size_t len, uint8_t out[VIGIL_XVM_HASH_SIZE]);

/* REQ as the datagram, its MAC made with KEY (none: zeros). */
int vigil_xvm_req_encode(const vigil_xvm_req *req, const uint8_t *key, size_t key_len,
			 uint8_t out[VIGIL_XVM_REQ_SIZE]);

/* The datagram BUF, LEN: -EBADMSG when it is not a request (its size, an unknown
 * operation, hash or address family, a domain without its terminating NUL); -EPERM when
 * its MAC is weaker than MIN (fence_virtd's configured "hash") or not made with KEY. RET
 * is written only on success. */
int vigil_xvm_req_decode(const uint8_t *buf, size_t len, const uint8_t *key, size_t key_len,
			 vigil_xvm_hash min, vigil_xvm_req *ret);

/* Whether ANSWER is H(KEY || CHALLENGE) under H (compared in constant time). */
bool vigil_xvm_answer_ok(vigil_xvm_hash h, const uint8_t *key, size_t key_len,
			 const uint8_t challenge[VIGIL_XVM_CHALLENGE_SIZE],
			 const uint8_t answer[VIGIL_XVM_HASH_SIZE]);

/* A host record: NAME and UUID (each at most 63 characters, truncated otherwise) and the
 * libvirt domain state. */
void vigil_xvm_host_encode(const char *name, const char *uuid, uint8_t state,
			   uint8_t out[VIGIL_XVM_HOST_SIZE]);
/* A host record back; 1 (and nothing written) for the all-zero record that ends a list. */
int vigil_xvm_host_decode(const uint8_t in[VIGIL_XVM_HOST_SIZE], char name[64], char uuid[64],
			  uint8_t *ret_state);

/* The key in PATH: its first 4096 bytes, as fence_xvm reads it. -ENOENT, -EACCES (cannot
 * be read), -ENODATA (empty), or another -errno. */
int vigil_xvm_key_load(const char *path, uint8_t **ret_key, size_t *ret_len);
