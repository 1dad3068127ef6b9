#include "config.h"

#include <errno.h>
#include <string.h>

#include "cluster/cibsync.h"

typedef struct offer {
	uint32_t nodeid;
	bool in;          /* its offer has arrived */
	vigil_cib_id id;
} offer;

struct vigil_cibsync {
	uint32_t nodeid;
	const vigil_cibsync_ops *ops;
	void *ctx;
	GBytes *data;      /* the copy held */
	vigil_cib_id id;
	bool synced;
	GArray *offers;    /* of offer: one per member of the current membership */
	bool decided;      /* every offer is in: winner and holder are known */
	vigil_cib_id winner;
	uint32_t holder;
	uint64_t next_request;
};

vigil_cibsync *vigil_cibsync_new(uint32_t nodeid, const char *data, size_t len,
				 const vigil_cib_version *v, const vigil_cibsync_ops *ops,
				 void *ctx)
{
	vigil_cibsync *s = g_new0(vigil_cibsync, 1);

	s->nodeid = nodeid;
	s->ops = ops;
	s->ctx = ctx;
	s->data = g_bytes_new(data, len);
	vigil_cib_id_of(data, len, v, &s->id);
	s->offers = g_array_new(FALSE, TRUE, sizeof(offer));
	s->next_request = 1;
	return s;
}

void vigil_cibsync_free(vigil_cibsync *s)
{
	if (s == NULL)
		return;
	g_bytes_unref(s->data);
	g_array_unref(s->offers);
	g_free(s);
}

bool vigil_cibsync_synced(const vigil_cibsync *s)
{
	return s->synced;
}

const char *vigil_cibsync_current(const vigil_cibsync *s, size_t *ret_len,
				  vigil_cib_version *ret_version)
{
	gsize len = 0;
	const char *data = g_bytes_get_data(s->data, &len);

	if (ret_len != NULL)
		*ret_len = len;
	if (ret_version != NULL)
		*ret_version = s->id.version;
	return data;
}

static int send_msg(vigil_cibsync *s, const vigil_wire_msg *m)
{
	g_autofree uint8_t *buf = NULL;
	size_t len = 0;

	buf = vigil_wire_encode(m, &len);
	return s->ops->send(s->ctx, buf, len);
}

/* Holds DATA, LEN as the copy ID, and tells the daemon. */
static void adopt(vigil_cibsync *s, const char *data, size_t len, const vigil_cib_id *id)
{
	g_bytes_unref(s->data);
	s->data = g_bytes_new(data, len);
	s->id = *id;
	s->ops->adopt(s->ctx, data, len, &id->version);
}

static const char *current_data(const vigil_cibsync *s, size_t *ret_len)
{
	return vigil_cibsync_current(s, ret_len, NULL);
}

void vigil_cibsync_membership(vigil_cibsync *s, const uint32_t *members, size_t n)
{
	vigil_wire_msg m = { .type = VIGIL_WIRE_CIB_OFFER, .id = s->id };

	s->synced = false;
	s->decided = false;
	g_array_set_size(s->offers, 0);
	for (size_t i = 0; i < n; i++) {
		offer o = { .nodeid = members[i] };

		g_array_append_val(s->offers, o);
	}
	/* a failed send leaves this member unsynced until the next membership change */
	send_msg(s, &m);
}

static offer *offer_of(vigil_cibsync *s, uint32_t nodeid)
{
	for (guint i = 0; i < s->offers->len; i++) {
		offer *o = &g_array_index(s->offers, offer, i);

		if (o->nodeid == nodeid)
			return o;
	}
	return NULL;
}

/* Every offer is in: the winner, its holder, and whether anyone must be sent the copy. */
static void decide(vigil_cibsync *s)
{
	bool all_same = true;

	s->decided = true;
	s->winner = g_array_index(s->offers, offer, 0).id;
	for (guint i = 1; i < s->offers->len; i++) {
		const offer *o = &g_array_index(s->offers, offer, i);

		if (vigil_cib_id_cmp(&o->id, &s->winner) > 0)
			s->winner = o->id;
	}
	s->holder = 0;
	for (guint i = 0; i < s->offers->len; i++) {
		const offer *o = &g_array_index(s->offers, offer, i);

		if (!vigil_cib_id_equal(&o->id, &s->winner))
			all_same = false;
		else if (s->holder == 0 || o->nodeid < s->holder)
			s->holder = o->nodeid;
	}
	if (all_same) {
		s->synced = true;
	} else if (s->holder == s->nodeid) {
		size_t len;
		const char *data = current_data(s, &len);
		vigil_wire_msg m = { .type = VIGIL_WIRE_CIB_FULL, .id = s->id, .data = data,
				     .len = len };

		send_msg(s, &m);
	}
}

static void on_offer(vigil_cibsync *s, uint32_t sender, const vigil_wire_msg *m)
{
	offer *o = offer_of(s, sender);

	if (o == NULL || o->in || s->decided)
		return;
	o->in = true;
	o->id = m->id;
	for (guint i = 0; i < s->offers->len; i++)
		if (!g_array_index(s->offers, offer, i).in)
			return;
	decide(s);
}

static void on_full(vigil_cibsync *s, uint32_t sender, const vigil_wire_msg *m)
{
	vigil_cib_id got;

	if (!s->decided || s->synced || sender != s->holder ||
	    !vigil_cib_id_equal(&m->id, &s->winner))
		return;
	vigil_cib_id_of(m->data, m->len, &m->id.version, &got);
	if (!vigil_cib_id_equal(&got, &s->winner))
		return; /* not the bytes it claims to be: every member refuses it alike */
	if (!vigil_cib_id_equal(&s->id, &s->winner))
		adopt(s, m->data, m->len, &s->winner);
	s->synced = true;
}

static void on_update(vigil_cibsync *s, uint32_t sender, const vigil_wire_msg *m)
{
	int result = 0;

	if (!s->synced)
		result = -EAGAIN;
	else if (!vigil_cib_id_equal(&m->id, &s->id) ||
		 vigil_cib_version_cmp(&m->new_version, &s->id.version) <= 0)
		result = -ESTALE;
	if (result == 0) {
		vigil_cib_id id;

		vigil_cib_id_of(m->data, m->len, &m->new_version, &id);
		adopt(s, m->data, m->len, &id);
	}
	if (sender == s->nodeid)
		s->ops->decided(s->ctx, m->request, result);
}

int vigil_cibsync_deliver(vigil_cibsync *s, uint32_t sender, const uint8_t *buf, size_t len)
{
	vigil_wire_msg m;

	if (vigil_wire_decode(buf, len, &m) < 0)
		return -EPROTO;
	switch (m.type) {
	case VIGIL_WIRE_CIB_OFFER: on_offer(s, sender, &m); break;
	case VIGIL_WIRE_CIB_FULL: on_full(s, sender, &m); break;
	case VIGIL_WIRE_CIB_UPDATE: on_update(s, sender, &m); break;
	default: break; /* not the CIB's: the daemon routes those elsewhere */
	}
	return 0;
}

int vigil_cibsync_propose(vigil_cibsync *s, const char *data, size_t len,
			  const vigil_cib_version *new_version, uint64_t *ret_request)
{
	vigil_wire_msg m = { .type = VIGIL_WIRE_CIB_UPDATE, .id = s->id,
			     .new_version = *new_version, .request = s->next_request,
			     .data = data, .len = len };
	int r;

	if (!s->synced)
		return -EAGAIN;
	if (len == 0)
		return -EINVAL;
	r = send_msg(s, &m);
	if (r < 0)
		return r;
	*ret_request = s->next_request++;
	return 0;
}
