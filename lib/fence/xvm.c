#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <glib.h>

#include "fence/xvm.h"

/* Offsets in the request (fence-virt's packed fence_req_t). */
enum {
	OFF_OP = 0,
	OFF_HASHTYPE = 1,
	OFF_ADDRLEN = 2,
	OFF_FLAGS = 3,
	OFF_DOMAIN = 4,
	OFF_ADDRESS = 68,
	OFF_PORT = 96,
	OFF_RANDOM = 98,
	OFF_SEQNO = 104,
	OFF_FAMILY = 108,
	OFF_HASH = 112,
};

/* Address families as Linux numbers them, which is what the wire carries. */
enum { WIRE_AF_INET = 2, WIRE_AF_INET6 = 10 };

static const char *const hash_names[] = { "none", "sha1", "sha256", "sha512" };

int vigil_xvm_hash_parse(const char *name, vigil_xvm_hash *ret)
{
	for (size_t i = 0; name != NULL && i < G_N_ELEMENTS(hash_names); i++)
		if (strcmp(name, hash_names[i]) == 0) {
			*ret = (vigil_xvm_hash)i;
			return 0;
		}
	return -EINVAL;
}

const char *vigil_xvm_hash_name(vigil_xvm_hash h)
{
	return (size_t)h < G_N_ELEMENTS(hash_names) ? hash_names[h] : "?";
}

static const struct { const char *name; vigil_xvm_op op; } op_names[] = {
	{ "null", VIGIL_XVM_NULL },       { "off", VIGIL_XVM_OFF },
	{ "reboot", VIGIL_XVM_REBOOT },   { "on", VIGIL_XVM_ON },
	{ "status", VIGIL_XVM_STATUS },   { "monitor", VIGIL_XVM_DEVSTATUS },
	{ "list", VIGIL_XVM_HOSTLIST },   { "list-status", VIGIL_XVM_HOSTLIST },
};

int vigil_xvm_op_parse(const char *action, vigil_xvm_op *ret)
{
	for (size_t i = 0; action != NULL && i < G_N_ELEMENTS(op_names); i++)
		if (strcmp(action, op_names[i].name) == 0) {
			*ret = op_names[i].op;
			return 0;
		}
	return -EINVAL;
}

const char *vigil_xvm_op_name(vigil_xvm_op op)
{
	for (size_t i = 0; i < G_N_ELEMENTS(op_names); i++)
		if (op_names[i].op == op)
			return op_names[i].name;
	return "?";
}

static GChecksumType checksum_type(vigil_xvm_hash h)
{
	return h == VIGIL_XVM_HASH_SHA1 ? G_CHECKSUM_SHA1 :
	       h == VIGIL_XVM_HASH_SHA256 ? G_CHECKSUM_SHA256 : G_CHECKSUM_SHA512;
}

int vigil_xvm_digest(vigil_xvm_hash h, const uint8_t *key, size_t key_len, const uint8_t *data,
		     size_t len, uint8_t out[VIGIL_XVM_HASH_SIZE])
{
	g_autoptr(GChecksum) c = NULL;
	gsize n = VIGIL_XVM_HASH_SIZE;

	if (h < VIGIL_XVM_HASH_SHA1 || h > VIGIL_XVM_HASH_SHA512)
		return -EINVAL;
	c = g_checksum_new(checksum_type(h));
	g_checksum_update(c, key, (gssize)key_len);
	g_checksum_update(c, data, (gssize)len);
	memset(out, 0, VIGIL_XVM_HASH_SIZE);
	g_checksum_get_digest(c, out, &n);
	return 0;
}

static void put_le16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void put_le32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static uint16_t get_le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | (p[1] << 8));
}

static uint32_t get_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) |
	       ((uint32_t)p[3] << 24);
}

/* The MAC of the request in BUF (its hash field taken as zeros) under H. */
static int request_mac(vigil_xvm_hash h, const uint8_t *key, size_t key_len,
		       const uint8_t buf[VIGIL_XVM_REQ_SIZE], uint8_t out[VIGIL_XVM_HASH_SIZE])
{
	uint8_t copy[VIGIL_XVM_REQ_SIZE];

	memcpy(copy, buf, sizeof(copy));
	memset(copy + OFF_HASH, 0, VIGIL_XVM_HASH_SIZE);
	return vigil_xvm_digest(h, key, key_len, copy, sizeof(copy), out);
}

int vigil_xvm_req_encode(const vigil_xvm_req *req, const uint8_t *key, size_t key_len,
			 uint8_t out[VIGIL_XVM_REQ_SIZE])
{
	bool v6 = req->family == AF_INET6, none = req->family == 0;
	size_t n = strnlen(req->domain, sizeof(req->domain));

	if (n > VIGIL_XVM_DOMAIN_MAX || req->hash > VIGIL_XVM_HASH_SHA512 ||
	    req->op > VIGIL_XVM_HOSTLIST)
		return -EINVAL;
	memset(out, 0, VIGIL_XVM_REQ_SIZE);
	out[OFF_OP] = (uint8_t)req->op;
	out[OFF_HASHTYPE] = (uint8_t)req->hash;
	out[OFF_ADDRLEN] = none ? 0 : v6 ? 16 : 4;
	out[OFF_FLAGS] = req->flags;
	memcpy(out + OFF_DOMAIN, req->domain, n);
	memcpy(out + OFF_ADDRESS, req->address, none ? 0 : v6 ? 16 : 4);
	put_le16(out + OFF_PORT, req->port);
	memcpy(out + OFF_RANDOM, req->random, sizeof(req->random));
	put_le32(out + OFF_SEQNO, req->seqno);
	put_le32(out + OFF_FAMILY, none ? 0 : v6 ? WIRE_AF_INET6 : WIRE_AF_INET);
	if (req->hash == VIGIL_XVM_HASH_NONE)
		return 0;
	return request_mac(req->hash, key, key_len, out, out + OFF_HASH);
}

/* Constant-time comparison of two digests. */
static bool same_digest(const uint8_t *a, const uint8_t *b)
{
	uint8_t diff = 0;

	for (size_t i = 0; i < VIGIL_XVM_HASH_SIZE; i++)
		diff |= a[i] ^ b[i];
	return diff == 0;
}

static int decode_fields(const uint8_t *buf, vigil_xvm_req *r)
{
	uint32_t family = get_le32(buf + OFF_FAMILY);

	/* family 0: no callback address (a tcp requester's, which is called by nobody) */
	if (buf[OFF_OP] > VIGIL_XVM_HOSTLIST || buf[OFF_HASHTYPE] > VIGIL_XVM_HASH_SHA512 ||
	    (family != 0 && family != WIRE_AF_INET && family != WIRE_AF_INET6) ||
	    memchr(buf + OFF_DOMAIN, '\0', VIGIL_XVM_DOMAIN_MAX + 1) == NULL)
		return -EBADMSG;
	*r = (vigil_xvm_req){ .op = (vigil_xvm_op)buf[OFF_OP],
			      .hash = (vigil_xvm_hash)buf[OFF_HASHTYPE],
			      .flags = buf[OFF_FLAGS],
			      .family = family == 0 ? 0 : family == WIRE_AF_INET ? AF_INET : AF_INET6,
			      .port = get_le16(buf + OFF_PORT),
			      .seqno = get_le32(buf + OFF_SEQNO) };
	memcpy(r->domain, buf + OFF_DOMAIN, sizeof(r->domain));
	memcpy(r->address, buf + OFF_ADDRESS, family == 0 ? 0 : family == WIRE_AF_INET ? 4 : 16);
	memcpy(r->random, buf + OFF_RANDOM, sizeof(r->random));
	return 0;
}

int vigil_xvm_req_decode(const uint8_t *buf, size_t len, const uint8_t *key, size_t key_len,
			 vigil_xvm_hash min, vigil_xvm_req *ret)
{
	vigil_xvm_req r;
	uint8_t mac[VIGIL_XVM_HASH_SIZE];
	int e;

	if (len != VIGIL_XVM_REQ_SIZE || decode_fields(buf, &r) < 0)
		return -EBADMSG;
	if (r.hash < min)
		return -EPERM;
	if (r.hash != VIGIL_XVM_HASH_NONE) {
		if ((e = request_mac(r.hash, key, key_len, buf, mac)) < 0)
			return e;
		if (!same_digest(mac, buf + OFF_HASH))
			return -EPERM;
	}
	*ret = r;
	return 0;
}

bool vigil_xvm_answer_ok(vigil_xvm_hash h, const uint8_t *key, size_t key_len,
			 const uint8_t challenge[VIGIL_XVM_CHALLENGE_SIZE],
			 const uint8_t answer[VIGIL_XVM_HASH_SIZE])
{
	uint8_t want[VIGIL_XVM_HASH_SIZE];

	return vigil_xvm_digest(h, key, key_len, challenge, VIGIL_XVM_CHALLENGE_SIZE, want) == 0 &&
	       same_digest(want, answer);
}

void vigil_xvm_host_encode(const char *name, const char *uuid, uint8_t state,
			   uint8_t out[VIGIL_XVM_HOST_SIZE])
{
	memset(out, 0, VIGIL_XVM_HOST_SIZE);
	memcpy(out, name, MIN(strlen(name), (size_t)VIGIL_XVM_DOMAIN_MAX));
	memcpy(out + 64, uuid, MIN(strlen(uuid), (size_t)VIGIL_XVM_DOMAIN_MAX));
	out[128] = state;
}

int vigil_xvm_host_decode(const uint8_t in[VIGIL_XVM_HOST_SIZE], char name[64], char uuid[64],
			  uint8_t *ret_state)
{
	bool zero = true;

	/* the last byte is fence_virtd's uninitialised padding: not part of the check */
	for (size_t i = 0; i < VIGIL_XVM_HOST_SIZE - 1 && zero; i++)
		zero = in[i] == 0;
	if (zero)
		return 1;
	/* byte 63 of each string may be garbage: 63 characters at most */
	memcpy(name, in, 63);
	name[63] = '\0';
	memcpy(uuid, in + 64, 63);
	uuid[63] = '\0';
	*ret_state = in[128];
	return 0;
}

int vigil_xvm_key_load(const char *path, uint8_t **ret_key, size_t *ret_len)
{
	g_autofree uint8_t *key = g_malloc(VIGIL_XVM_KEY_MAX);
	size_t got = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);

	if (fd < 0)
		return -errno;
	while (got < VIGIL_XVM_KEY_MAX) {
		ssize_t n = read(fd, key + got, VIGIL_XVM_KEY_MAX - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int r = -errno;

			close(fd);
			return r;
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	if (got == 0)
		return -ENODATA;
	*ret_key = g_steal_pointer(&key);
	*ret_len = got;
	return 0;
}
