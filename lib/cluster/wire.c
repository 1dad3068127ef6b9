#include "config.h"

#include <errno.h>
#include <string.h>

#include "cluster/wire.h"

/* payload sizes before the CIB bytes */
#define ID_LEN (3 * 8 + VIGIL_DIGEST_LEN)
#define OFFER_LEN ID_LEN
#define FULL_FIXED (ID_LEN + 4)
#define UPDATE_FIXED (ID_LEN + 3 * 8 + 8 + 4)
/* an ACTION or RESULT: the numbers, then three strings (each at least its length and NUL) */
#define OP_NUMBERS (4 * 4 + 8 + 5 * 4)

void vigil_cib_id_of(const char *data, size_t len, const vigil_cib_version *v,
		     vigil_cib_id *ret_id)
{
	g_autoptr(GChecksum) sum = g_checksum_new(G_CHECKSUM_SHA256);
	gsize n = VIGIL_DIGEST_LEN;

	g_checksum_update(sum, (const guchar *)data, (gssize)len);
	g_checksum_get_digest(sum, ret_id->digest, &n);
	ret_id->version = *v;
}

bool vigil_cib_id_equal(const vigil_cib_id *a, const vigil_cib_id *b)
{
	return vigil_cib_id_cmp(a, b) == 0;
}

int vigil_cib_id_cmp(const vigil_cib_id *a, const vigil_cib_id *b)
{
	int c = vigil_cib_version_cmp(&a->version, &b->version);

	return c != 0 ? c : memcmp(a->digest, b->digest, VIGIL_DIGEST_LEN);
}

/* ---- little-endian fields ------------------------------------------------------------- */

static uint8_t *put_u16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	return p + 2;
}

static uint8_t *put_u32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
	return p + 4;
}

static uint8_t *put_u64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
	return p + 8;
}

static uint16_t get_u16(const uint8_t *p)
{
	return (uint16_t)(p[0] | (p[1] << 8));
}

static uint32_t get_u32(const uint8_t *p)
{
	uint32_t v = 0;

	for (int i = 3; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

static uint64_t get_u64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

static uint8_t *put_id(uint8_t *p, const vigil_cib_id *id)
{
	p = put_u64(p, id->version.admin_epoch);
	p = put_u64(p, id->version.epoch);
	p = put_u64(p, id->version.num_updates);
	memcpy(p, id->digest, VIGIL_DIGEST_LEN);
	return p + VIGIL_DIGEST_LEN;
}

static const uint8_t *get_id(const uint8_t *p, vigil_cib_id *id)
{
	id->version.admin_epoch = get_u64(p);
	id->version.epoch = get_u64(p + 8);
	id->version.num_updates = get_u64(p + 16);
	memcpy(id->digest, p + 24, VIGIL_DIGEST_LEN);
	return p + ID_LEN;
}

/* ---- messages ------------------------------------------------------------------------- */

static const char *op_str(const char *s)
{
	return s != NULL ? s : "";
}

static size_t op_len(const vigil_wire_op *op)
{
	return OP_NUMBERS + 4 * 4 + strlen(op_str(op->rsc)) + 1 + strlen(op_str(op->task)) + 1 +
	       strlen(op_str(op->reason)) + 1 + strlen(op_str(op->node)) + 1;
}

static size_t payload_len(const vigil_wire_msg *m)
{
	switch (m->type) {
	case VIGIL_WIRE_CIB_OFFER: return OFFER_LEN;
	case VIGIL_WIRE_CIB_FULL: return FULL_FIXED + m->len;
	case VIGIL_WIRE_CIB_UPDATE: return UPDATE_FIXED + m->len;
	case VIGIL_WIRE_ACTION: case VIGIL_WIRE_RESULT: case VIGIL_WIRE_FENCE:
	case VIGIL_WIRE_SHUTDOWN: case VIGIL_WIRE_FENCE_HISTORY:
		return op_len(&m->op);
	case VIGIL_WIRE_JOINED: return 4;
	}
	g_assert_not_reached();
}

static uint8_t *put_str(uint8_t *p, const char *s)
{
	size_t n = strlen(op_str(s)) + 1;

	p = put_u32(p, (uint32_t)n);
	memcpy(p, op_str(s), n);
	return p + n;
}

static void put_op(uint8_t *p, const vigil_wire_op *op)
{
	p = put_u32(p, op->transition);
	p = put_u32(p, op->action);
	p = put_u32(p, op->target);
	p = put_u32(p, op->timeout_ms);
	p = put_u64(p, op->interval_ms);
	p = put_u32(p, (uint32_t)op->rc);
	p = put_u32(p, op->status);
	p = put_u32(p, op->exec_ms);
	p = put_u32(p, op->origin);
	p = put_u32(p, op->priority_delay_ms);
	p = put_str(p, op->rsc);
	p = put_str(p, op->task);
	p = put_str(p, op->reason);
	put_str(p, op->node);
}

/* A string at *P (before END): its length, its bytes, one NUL at their end. */
static const char *get_str(const uint8_t **p, const uint8_t *end)
{
	const uint8_t *s;
	uint32_t n;

	if (end - *p < 4)
		return NULL;
	n = get_u32(*p);
	s = *p + 4;
	if (n == 0 || (size_t)(end - s) < n || s[n - 1] != '\0' || memchr(s, '\0', n) != s + n - 1)
		return NULL;
	*p = s + n;
	return (const char *)s;
}

static int get_op(const uint8_t *p, const uint8_t *end, vigil_wire_op *op)
{
	if (end - p < OP_NUMBERS)
		return -EPROTO;
	op->transition = get_u32(p);
	op->action = get_u32(p + 4);
	op->target = get_u32(p + 8);
	op->timeout_ms = get_u32(p + 12);
	op->interval_ms = get_u64(p + 16);
	op->rc = (int32_t)get_u32(p + 24);
	op->status = get_u32(p + 28);
	op->exec_ms = get_u32(p + 32);
	op->origin = get_u32(p + 36);
	op->priority_delay_ms = get_u32(p + 40);
	p += OP_NUMBERS;
	op->rsc = get_str(&p, end);
	op->task = op->rsc != NULL ? get_str(&p, end) : NULL;
	op->reason = op->task != NULL ? get_str(&p, end) : NULL;
	op->node = op->reason != NULL ? get_str(&p, end) : NULL;
	/* a resource action names its resource; fencing names its target (and maybe no
	 * device, when it asks the DC to choose one) */
	if (op->node == NULL || p != end || op->task[0] == '\0' ||
	    (op->rsc[0] == '\0' && op->node[0] == '\0'))
		return -EPROTO;
	return 0;
}

uint8_t *vigil_wire_encode(const vigil_wire_msg *m, size_t *ret_len)
{
	size_t plen = payload_len(m);
	uint8_t *buf, *p;

	g_assert(plen <= UINT32_MAX && m->len <= UINT32_MAX);
	buf = g_malloc(VIGIL_WIRE_HEADER + plen);
	p = put_u32(buf, VIGIL_WIRE_MAGIC);
	p = put_u16(p, VIGIL_WIRE_VERSION);
	p = put_u16(p, (uint16_t)m->type);
	p = put_u32(p, (uint32_t)plen);
	p = put_u32(p, 0);
	if (m->type == VIGIL_WIRE_JOINED) {
		put_u32(p, m->flags);
		*ret_len = VIGIL_WIRE_HEADER + plen;
		return buf;
	}
	if (m->type == VIGIL_WIRE_ACTION || m->type == VIGIL_WIRE_RESULT ||
	    m->type == VIGIL_WIRE_FENCE || m->type == VIGIL_WIRE_SHUTDOWN ||
	    m->type == VIGIL_WIRE_FENCE_HISTORY) {
		put_op(p, &m->op);
		*ret_len = VIGIL_WIRE_HEADER + plen;
		return buf;
	}
	p = put_id(p, &m->id);
	if (m->type == VIGIL_WIRE_CIB_UPDATE) {
		p = put_u64(p, m->new_version.admin_epoch);
		p = put_u64(p, m->new_version.epoch);
		p = put_u64(p, m->new_version.num_updates);
		p = put_u64(p, m->request);
	}
	if (m->type != VIGIL_WIRE_CIB_OFFER) {
		p = put_u32(p, (uint32_t)m->len);
		memcpy(p, m->data, m->len);
	}
	*ret_len = VIGIL_WIRE_HEADER + plen;
	return buf;
}

int vigil_wire_decode(const uint8_t *buf, size_t len, vigil_wire_msg *ret_msg)
{
	vigil_wire_msg m = { 0 };
	const uint8_t *p;
	size_t plen, fixed;

	if (len < VIGIL_WIRE_HEADER || get_u32(buf) != VIGIL_WIRE_MAGIC ||
	    get_u16(buf + 4) != VIGIL_WIRE_VERSION || get_u32(buf + 12) != 0)
		return -EPROTO;
	m.type = (vigil_wire_type)get_u16(buf + 6);
	plen = get_u32(buf + 8);
	if (plen != len - VIGIL_WIRE_HEADER)
		return -EPROTO;
	if (m.type == VIGIL_WIRE_JOINED) {
		if (plen != 4)
			return -EPROTO;
		m.flags = get_u32(buf + VIGIL_WIRE_HEADER);
		*ret_msg = m;
		return 0;
	}
	if (m.type == VIGIL_WIRE_ACTION || m.type == VIGIL_WIRE_RESULT ||
	    m.type == VIGIL_WIRE_FENCE || m.type == VIGIL_WIRE_SHUTDOWN ||
	    m.type == VIGIL_WIRE_FENCE_HISTORY) {
		if (get_op(buf + VIGIL_WIRE_HEADER, buf + len, &m.op) < 0)
			return -EPROTO;
		*ret_msg = m;
		return 0;
	}
	switch (m.type) {
	case VIGIL_WIRE_CIB_OFFER: fixed = OFFER_LEN; break;
	case VIGIL_WIRE_CIB_FULL: fixed = FULL_FIXED; break;
	case VIGIL_WIRE_CIB_UPDATE: fixed = UPDATE_FIXED; break;
	default: return -EPROTO;
	}
	if (plen < fixed)
		return -EPROTO;
	p = get_id(buf + VIGIL_WIRE_HEADER, &m.id);
	if (m.type == VIGIL_WIRE_CIB_UPDATE) {
		m.new_version.admin_epoch = get_u64(p);
		m.new_version.epoch = get_u64(p + 8);
		m.new_version.num_updates = get_u64(p + 16);
		m.request = get_u64(p + 24);
		p += 32;
	}
	if (m.type == VIGIL_WIRE_CIB_OFFER) {
		if (plen != fixed)
			return -EPROTO;
	} else {
		m.len = get_u32(p);
		p += 4;
		if (m.len != plen - fixed || m.len == 0)
			return -EPROTO;
		m.data = (const char *)p;
	}
	*ret_msg = m;
	return 0;
}
