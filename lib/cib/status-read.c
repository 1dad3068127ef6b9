/* The fast path for reading a CIB's status section.
 *
 * A running cluster's status section is most of its CIB: one lrm_rsc_op per resource, node
 * and operation (70,000 elements and 26 MB at 32 nodes x 2,000 resources). Building a
 * libxml2 tree of it, walking it, validating it against the schema (where it is "anything
 * goes") and freeing it took 90% of the time of planning a steady cluster. This reader
 * scans the document once and builds the status structs straight from the bytes; libxml2
 * then parses only the rest, with the status content replaced by as many newlines as it
 * had, so that line numbers are unchanged. The histories (lrm_resource, lrm_rsc_op) and
 * their strings go to an arena the CIB owns: one allocation per megabyte, not a dozen per
 * operation.
 *
 * It is deliberately narrow: it accepts only what it can prove libxml2 would read the same
 * way (ASCII names and values, the five predefined entities, comments, the elements
 * cib-read.c puts in structs) and returns -EAGAIN for anything else (a DOCTYPE, CDATA, a
 * processing instruction, a non-UTF-8 encoding, character references, non-ASCII bytes,
 * namespaces, text, an element kept verbatim, any well-formedness error). The caller then
 * reads the document the general way, which also produces the diagnostics. Replacing a
 * balanced, well-formed run of elements by whitespace keeps a document well-formed or
 * not-well-formed alike, so the result is the same either way; tests/unit/test-cib and the
 * fuzz target compare the two paths.
 *
 * Most of the bytes are attribute names, values and indentation, so that is where the
 * reader is quick: it looks at sixteen bytes at a time (scan16.h); it recognises a name by
 * comparing it with the one that followed the previous attribute in the last element of
 * the same kind (writers keep the order), and otherwise by a small hash; it copies values
 * beside their struct in the arena; an lrm_resource's array of operations is made at its end
 * tag, at its final size. */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "cib/cib-private.h"
#include "cib/scan16.h"
#include "common/arena.h"

#define MAX_DEPTH 64
#define MAX_ATTRS 64
#define MAX_FIELDS 32    /* in one field table */
#define FIELD_BUCKETS 64 /* of a field index's hash: more than MAX_FIELDS */

/* What an element inside <status> becomes. */
typedef enum {
	K_STATUS,
	K_NODE_STATE,
	K_LRM,
	K_LRM_RESOURCES,
	K_LRM_RESOURCE,
	K_LRM_OP,
	K_TRANSIENT,
	K_NVSET,
	K_NVPAIR,
	N_KINDS
} kind;

typedef struct text_span {
	const char *s;
	size_t len;
} text_span;

typedef struct attr {
	text_span name, value;
	int field;   /* the index of its field in the element's table, or -1 */
	bool decode; /* the value holds an entity reference */
} attr;

typedef struct frame {
	text_span name;
	kind kind;       /* inside status only */
	void *obj;       /* the struct this element fills, inside status only */
	bool seen_first; /* lrm / transient_attributes / lrm_resources already read */
} frame;

/* A field table made quick to search: a hash of a name's length and first and last
 * characters picks a bucket, probed linearly (each table's names have a bucket of their own,
 * but nothing depends on that). */
typedef struct field_index {
	const vigil_field *fields;
	/* each name followed by '=', padded with NULs, as at_pattern() compares it; only names
	 * of up to 15 characters are compared so */
	char pattern[MAX_FIELDS][16];
	guint8 len[MAX_FIELDS];       /* of each name */
	guint8 bucket[FIELD_BUCKETS]; /* 1 + the index of the field there, or 0 */
} field_index;

typedef struct scanner {
	const char *data, *p, *end;
	/* the document's last 16 bytes, then 16 NULs: what the scans read near its end */
	char tail[32];
	unsigned line;
	frame stack[MAX_DEPTH];
	unsigned depth;
	int status_depth; /* depth of <status> on the stack, or -1 outside it */
	bool seen_status;
	vigil_status_span *out;
	GPtrArray *node_states;
	vigil_arena *arena; /* histories: lrm_resource and lrm_rsc_op */
	/* the operations of the open lrm_resource, which get an array of the right size at its
	 * end tag */
	vigil_lrm_op **pending;
	size_t n_pending, pending_size;
	/* for each kind of element, the order of its attributes in the last one: at [I + 1],
	 * 1 + the field that followed field I ([0]: the first field); 0 if none did */
	guint8 follows[N_KINDS][MAX_FIELDS + 1];
} scanner;

/* Byte classes: name start, name, whitespace. */
enum { C_NSTART = 1, C_NAME = 2, C_WS = 4 };
static guint8 classes[256];

static void init_classes(void)
{
	for (int c = 0; c < 256; c++) {
		guint8 k = 0;

		if (g_ascii_isalpha(c) || c == '_')
			k |= C_NSTART | C_NAME;
		if (g_ascii_isdigit(c) || c == '-' || c == '.')
			k |= C_NAME;
		if (c == ' ' || c == '\t' || c == '\n' || c == '\r')
			k |= C_WS;
		classes[c] = k;
	}
}

static guint8 cls(char c)
{
	return classes[(unsigned char)c];
}

static bool span_is(text_span s, const char *lit)
{
	size_t n = strlen(lit);

	return s.len == n && memcmp(s.s, lit, n) == 0;
}

/* --- sixteen bytes at a time (scan16.h) ------------------------------------------------ */

static void init_tail(scanner *sc)
{
	size_t n = MIN((size_t)(sc->end - sc->data), (size_t)16);

	memset(sc->tail, 0, sizeof(sc->tail));
	memcpy(sc->tail + 16 - n, sc->end - n, n);
}

/* The 16 bytes at P (at most the end) for a scan16_*() call: P itself, or near the end a copy
 * of what is left followed by NULs, which stop every scan, so that none reads past the end. */
static const char *block_at(const scanner *sc, const char *p)
{
	size_t left = (size_t)(sc->end - p);

	return G_LIKELY(left >= 16) ? p : sc->tail + 16 - left;
}

static unsigned lowest_bit(unsigned mask)
{
	return (unsigned)__builtin_ctz(mask);
}

/* A run of whitespace, such as a newline and the next line's indentation. */
G_GNUC_NO_INLINE static void skip_ws_run(scanner *sc)
{
	for (;;) {
		unsigned newlines, stop = scan16_ws_end(block_at(sc, sc->p), &newlines);
		unsigned n = stop != 0 ? lowest_bit(stop) : 16;

		for (newlines &= (1u << n) - 1; newlines != 0; newlines &= newlines - 1)
			sc->line++;
		sc->p += n;
		if (stop != 0)
			return;
	}
}

static void skip_ws(scanner *sc)
{
	if (sc->p >= sc->end || !(cls(*sc->p) & C_WS))
		return;
	/* the one space between two attributes */
	if (*sc->p == ' ' && sc->end - sc->p >= 2 && !(cls(sc->p[1]) & C_WS)) {
		sc->p++;
		return;
	}
	skip_ws_run(sc);
}

static int scan_name(scanner *sc, text_span *ret)
{
	const char *s = sc->p;
	unsigned stop;

	if (sc->p >= sc->end || !(cls(*sc->p) & C_NSTART))
		return -EAGAIN;
	while ((stop = scan16_name_end(block_at(sc, sc->p))) == 0)
		sc->p += 16;
	sc->p += lowest_bit(stop);
	*ret = (text_span){ s, (size_t)(sc->p - s) };
	return 0;
}

/* A quoted value, up to the first byte that ends or spoils it: the closing quote, an '&' to
 * decode, or what the general way must read ('<', control characters, non-ASCII). */
static int scan_value(scanner *sc, attr *a)
{
	const char *q;
	bool amp = false;
	char quote;

	if (sc->p >= sc->end || (*sc->p != '"' && *sc->p != '\''))
		return -EAGAIN;
	quote = *sc->p++;
	for (q = sc->p;; q++) {
		unsigned stop;

		while ((stop = scan16_value_end(block_at(sc, q), quote)) == 0)
			q += 16;
		q += lowest_bit(stop);
		if (q >= sc->end)
			return -EAGAIN; /* no closing quote */
		if (*q == quote)
			break;
		if (*q != '&')
			return -EAGAIN;
		amp = true;
	}
	a->decode = amp;
	a->value = (text_span){ sc->p, (size_t)(q - sc->p) };
	sc->p = q + 1;
	return 0;
}

/* Does the document at sc->p start with the N (up to 16) bytes of PATTERN, which hold no
 * NUL? */
static bool at_pattern(const scanner *sc, const char *pattern, unsigned n)
{
	unsigned want = (1u << n) - 1;

	return (scan16_equal(block_at(sc, sc->p), pattern) & want) == want;
}

/* --- field tables ---------------------------------------------------------------------- */

static const vigil_field id_field[] = { { "id", 0 }, VIGIL_FIELD_END };
static field_index op_index, lrm_rsc_index, node_state_index, nvset_index, nvpair_index,
	id_index;

/* The fields of each kind of element (none for <status>). */
static const field_index *const kind_index[N_KINDS] = {
	[K_NODE_STATE] = &node_state_index, [K_LRM] = &id_index,
	[K_LRM_RESOURCES] = &id_index,      [K_LRM_RESOURCE] = &lrm_rsc_index,
	[K_LRM_OP] = &op_index,             [K_TRANSIENT] = &id_index,
	[K_NVSET] = &nvset_index,           [K_NVPAIR] = &nvpair_index,
};

static unsigned name_hash(const char *s, size_t len)
{
	return ((unsigned)len + (unsigned char)s[0] + 2u * (unsigned char)s[len - 1]) %
	       FIELD_BUCKETS;
}

static void index_fields(field_index *ix, const vigil_field *fields)
{
	ix->fields = fields;
	for (unsigned i = 0; fields[i].name != NULL; i++) {
		size_t len = strlen(fields[i].name);
		unsigned h = name_hash(fields[i].name, len);

		/* fewer fields than buckets: a free one ends every probe */
		g_assert(i < MAX_FIELDS && len > 0 && len <= G_MAXUINT8);
		while (ix->bucket[h] != 0)
			h = (h + 1) % FIELD_BUCKETS;
		ix->bucket[h] = (guint8)(i + 1);
		ix->len[i] = (guint8)len;
		if (len < 16) {
			memcpy(ix->pattern[i], fields[i].name, len);
			ix->pattern[i][len] = '=';
		}
	}
}

static void init_indexes(void)
{
	index_fields(&op_index, vigil_lrm_op_fields);
	index_fields(&lrm_rsc_index, vigil_lrm_rsc_fields);
	index_fields(&node_state_index, vigil_node_state_fields);
	index_fields(&nvset_index, vigil_nvset_fields);
	index_fields(&nvpair_index, vigil_nvpair_fields);
	index_fields(&id_index, id_field);
}

/* The index of the field for the attribute NAME, or -1 if there is none (then the attribute
 * goes to 'extra'). */
static int field_of(const field_index *ix, text_span name)
{
	for (unsigned h = name_hash(name.s, name.len);; h = (h + 1) % FIELD_BUCKETS) {
		int k = ix->bucket[h] - 1;

		if (k < 0 || (ix->len[k] == name.len &&
			      memcmp(ix->fields[k].name, name.s, name.len) == 0))
			return k;
	}
}

/* --- tags ------------------------------------------------------------------------------ */

static bool at(const scanner *sc, const char *lit)
{
	size_t n = strlen(lit);

	return (size_t)(sc->end - sc->p) >= n && memcmp(sc->p, lit, n) == 0;
}

/* <!-- ... -->, with no "--" inside. */
static int skip_comment(scanner *sc)
{
	const char *q;

	for (q = sc->p + 4; q + 1 < sc->end; q++) {
		if (q[0] == '-' && q[1] == '-')
			break;
		if (*q == '\n')
			sc->line++;
		else if ((unsigned char)*q >= 0x80 || ((unsigned char)*q < 0x20 && !(cls(*q) & C_WS)))
			return -EAGAIN;
	}
	if (q + 2 >= sc->end || q[2] != '>')
		return -EAGAIN;
	sc->p = q + 3;
	return 0;
}

/* One attribute, from its name to past its closing quote, with its field in IX (NULL: no
 * fields). PREDICTED, the field that is likely to come next, is tried first: one comparison
 * instead of a scan and a lookup. */
static int scan_attr(scanner *sc, const field_index *ix, int predicted, attr *a)
{
	if (predicted >= 0 && ix->len[predicted] < 16 &&
	    at_pattern(sc, ix->pattern[predicted], ix->len[predicted] + 1u)) {
		a->name = (text_span){ sc->p, ix->len[predicted] };
		a->field = predicted;
		sc->p += a->name.len + 1;
	} else {
		if (scan_name(sc, &a->name) < 0)
			return -EAGAIN;
		skip_ws(sc);
		if (sc->p >= sc->end || *sc->p != '=')
			return -EAGAIN;
		sc->p++;
		a->field = ix != NULL ? field_of(ix, a->name) : -1;
	}
	skip_ws(sc);
	return scan_value(sc, a);
}

/* The attributes of a start tag, up to '>' or "/>", with their fields in IX (NULL: no
 * fields); FOLLOWS is where the order of IX's fields is learnt (see the scanner). */
static int scan_attrs(scanner *sc, const field_index *ix, guint8 *follows, attr *attrs,
		      unsigned *ret_n, bool *ret_empty)
{
	unsigned n = 0;
	int prev = -1; /* the last attribute that had a field */

	for (;;) {
		const char *before = sc->p;
		attr *a = &attrs[n];

		skip_ws(sc);
		if (sc->p >= sc->end)
			return -EAGAIN;
		if (*sc->p == '>' || at(sc, "/>")) {
			*ret_empty = *sc->p == '/';
			sc->p += *ret_empty ? 2 : 1;
			*ret_n = n;
			return 0;
		}
		/* attributes are separated by whitespace */
		if (sc->p == before || n == MAX_ATTRS)
			return -EAGAIN;
		if (scan_attr(sc, ix, ix != NULL ? follows[prev + 1] - 1 : -1, a) < 0)
			return -EAGAIN;
		if (a->field >= 0) {
			follows[prev + 1] = (guint8)(a->field + 1);
			prev = a->field;
		}
		n++;
	}
}

/* --- values ---------------------------------------------------------------------------- */

/* Writes the LEN bytes at S, with the five predefined entities replaced, and a NUL to DST;
 * returns the length written, or -EAGAIN for a character reference or an undeclared
 * entity. */
static ssize_t decode_entities(char *dst, const char *s, size_t len)
{
	static const struct {
		const char *ref;
		char c;
	} entities[] = { { "&lt;", '<' }, { "&gt;", '>' }, { "&amp;", '&' },
			 { "&quot;", '"' }, { "&apos;", '\'' } };
	size_t n = 0;

	for (size_t i = 0; i < len;) {
		size_t k;

		if (s[i] != '&') {
			dst[n++] = s[i++];
			continue;
		}
		for (k = 0; k < G_N_ELEMENTS(entities); k++) {
			size_t ref_len = strlen(entities[k].ref);

			if (i + ref_len <= len && memcmp(s + i, entities[k].ref, ref_len) == 0) {
				dst[n++] = entities[k].c;
				i += ref_len;
				break;
			}
		}
		if (k == G_N_ELEMENTS(entities))
			return -EAGAIN;
	}
	dst[n] = '\0';
	return (ssize_t)n;
}

/* A's value, decoded, in a string of its own; NULL for what the general way must read. */
static char *decode(const attr *a)
{
	char *s = g_malloc(a->value.len + 1);

	if (decode_entities(s, a->value.s, a->value.len) < 0) {
		g_free(s);
		return NULL;
	}
	return s;
}

/* Writes A's value, decoded, and a NUL to DST, which has room for 16 bytes more than the raw
 * value; returns the length written, or -EAGAIN. Values are short: one or two 16-byte moves
 * copy them, where the document has 16 bytes to spare after them. */
static ssize_t pack_value(const scanner *sc, char *dst, const attr *a)
{
	const char *s = a->value.s;
	size_t len = a->value.len;

	if (G_UNLIKELY(a->decode))
		return decode_entities(dst, s, len);
	if (G_LIKELY((size_t)(sc->end - s) >= len + 16)) {
		for (size_t i = 0; i < len; i += 16)
			memcpy(dst + i, s + i, 16);
	} else {
		memcpy(dst, s, len);
	}
	dst[len] = '\0';
	return (ssize_t)len;
}

/* --- structs --------------------------------------------------------------------------- */

static bool extra_has(const vigil_extra *extra, text_span name)
{
	for (guint i = 0; extra->attrs != NULL && i < extra->attrs->len; i++) {
		const vigil_xattr *x = g_ptr_array_index(extra->attrs, i);

		if (span_is(name, x->name))
			return true;
	}
	return false;
}

/* An attribute no field holds, kept in EXTRA as vigil_fields_read() keeps it. */
static int read_extra(vigil_extra *extra, const attr *a)
{
	g_autofree char *name = NULL, *value = NULL;

	/* a namespace declaration, or a repeated attribute: the general path reports it */
	if ((a->name.len >= 5 && memcmp(a->name.s, "xmlns", 5) == 0) || extra_has(extra, a->name))
		return -EAGAIN;
	if ((value = decode(a)) == NULL)
		return -EAGAIN;
	name = g_strndup(a->name.s, a->name.len);
	vigil_extra_add_attr(extra, name, value);
	return 0;
}

/* Fills OBJ's fields (those of IX) from ATTRS, the rest into EXTRA, as vigil_fields_read()
 * does. With PACKED (room for every raw value and its NUL, and 16 bytes more), the fields'
 * strings are written there instead of allocated one by one. */
static int read_attrs_into(const scanner *sc, void *obj, const field_index *ix,
			   vigil_extra *extra, const attr *attrs, unsigned n, char *packed)
{
	for (unsigned i = 0; i < n; i++) {
		const attr *a = &attrs[i];
		char **slot;
		ssize_t len;

		if (a->field < 0) {
			if (read_extra(extra, a) < 0)
				return -EAGAIN;
			continue;
		}
		slot = (char **)(void *)((char *)obj + ix->fields[a->field].offset);
		/* a repeated attribute: the general path reports it */
		if (*slot != NULL)
			return -EAGAIN;
		if (packed == NULL) {
			if ((*slot = decode(a)) == NULL)
				return -EAGAIN;
			continue;
		}
		if ((len = pack_value(sc, packed, a)) < 0)
			return -EAGAIN;
		*slot = packed;
		packed += len + 1;
	}
	return 0;
}

static int read_attrs(const scanner *sc, void *obj, const field_index *ix, vigil_extra *extra,
		      const attr *attrs, unsigned n)
{
	return read_attrs_into(sc, obj, ix, extra, attrs, n, NULL);
}

/* --- histories, in the arena ----------------------------------------------------------- */

/* Room in ARENA for an object of SIZE and the values of ATTRS packed after it. */
static void *arena_object(vigil_arena *arena, size_t size, const attr *attrs, unsigned n)
{
	size_t room = size + 16;

	for (unsigned i = 0; i < n; i++)
		room += attrs[i].value.len + 1;
	/* only the object needs zeroing: the strings are written over */
	return memset(vigil_arena_alloc(arena, room), 0, size);
}

/* Histories go to the arena, with their strings: a big status holds one lrm_rsc_op per
 * resource, node and operation, with a dozen strings each. */
static vigil_lrm_op *read_op(scanner *sc, const attr *attrs, unsigned n, int *ret)
{
	vigil_lrm_op *op = arena_object(sc->arena, sizeof(*op), attrs, n);

	op->in_arena = true;
	*ret = read_attrs_into(sc, op, &op_index, &op->extra, attrs, n, (char *)(op + 1));
	vigil_lrm_op_parse_values(op);
	return op;
}

/* OP waits for the end of its lrm_resource (and is freed with the scanner if that never
 * comes). */
static void add_pending_op(scanner *sc, vigil_lrm_op *op)
{
	if (sc->n_pending == sc->pending_size) {
		sc->pending_size = MAX(2 * sc->pending_size, 16);
		sc->pending = g_renew(vigil_lrm_op *, sc->pending, sc->pending_size);
	}
	sc->pending[sc->n_pending++] = op;
}

/* R's operations, at its end tag: in an array allocated once, at its size. */
static void end_lrm_rsc(scanner *sc, vigil_lrm_rsc *r)
{
	r->ops = g_ptr_array_new_full((guint)sc->n_pending, (GDestroyNotify)vigil_lrm_op_free);
	if (sc->n_pending > 0) {
		g_ptr_array_set_size(r->ops, (gint)sc->n_pending);
		memcpy(r->ops->pdata, sc->pending, sc->n_pending * sizeof(*sc->pending));
	}
	sc->n_pending = 0;
}

/* Its operations come at its end tag, from end_lrm_rsc(). */
static vigil_lrm_rsc *read_lrm_rsc(scanner *sc, const attr *attrs, unsigned n, int *ret)
{
	vigil_lrm_rsc *r = arena_object(sc->arena, sizeof(*r), attrs, n);

	r->in_arena = true;
	*ret = read_attrs_into(sc, r, &lrm_rsc_index, &r->extra, attrs, n, (char *)(r + 1));
	return r;
}

/* --- the elements of the status section ------------------------------------------------ */

/* The kind of element NAME is under PARENT, or -EAGAIN where cib-read.c would keep it
 * verbatim (or read it some other way): any child of an lrm_rsc_op or an nvpair, for one. */
static int child_kind(frame *parent, text_span name)
{
	switch (parent->kind) {
	case K_STATUS:
		return span_is(name, "node_state") ? K_NODE_STATE : -EAGAIN;
	case K_NODE_STATE: {
		vigil_node_state *ns = parent->obj;

		if (span_is(name, "lrm") && !ns->has_lrm)
			return K_LRM;
		if (span_is(name, "transient_attributes") && !ns->has_transient)
			return K_TRANSIENT;
		return -EAGAIN;
	}
	case K_LRM:
		return span_is(name, "lrm_resources") && !parent->seen_first ? K_LRM_RESOURCES :
									      -EAGAIN;
	case K_LRM_RESOURCES:
		return span_is(name, "lrm_resource") ? K_LRM_RESOURCE : -EAGAIN;
	case K_LRM_RESOURCE:
		return span_is(name, "lrm_rsc_op") ? K_LRM_OP : -EAGAIN;
	case K_TRANSIENT:
		return span_is(name, "instance_attributes") ? K_NVSET : -EAGAIN;
	case K_NVSET:
		return span_is(name, "nvpair") ? K_NVPAIR : -EAGAIN;
	default:
		return -EAGAIN;
	}
}

/* Builds the struct for a start tag inside status, of kind K under PARENT. */
static int status_element(scanner *sc, frame *parent, frame *f, const attr *attrs, unsigned n,
			  unsigned line)
{
	switch (f->kind) {
	case K_NODE_STATE: {
		vigil_node_state *ns = g_new0(vigil_node_state, 1);

		ns->lrm_rscs = VIGIL_PTR_ARRAY(vigil_lrm_rsc_free);
		ns->transient = VIGIL_PTR_ARRAY(vigil_nvset_free);
		g_ptr_array_add(sc->node_states, ns);
		f->obj = ns;
		return read_attrs(sc, ns, &node_state_index, &ns->extra, attrs, n);
	}
	case K_LRM: {
		vigil_node_state *ns = parent->obj;

		ns->has_lrm = true;
		f->obj = ns;
		return read_attrs(sc, &ns->lrm_id, &id_index, &ns->lrm_extra, attrs, n);
	}
	case K_LRM_RESOURCES: {
		vigil_node_state *ns = parent->obj;

		parent->seen_first = true;
		ns->has_lrm_resources = true;
		f->obj = ns;
		return read_attrs(sc, &ns->lrm_resources_id, &id_index, &ns->lrm_resources_extra,
				  attrs, n);
	}
	case K_LRM_RESOURCE: {
		vigil_node_state *ns = parent->obj;
		int ret;

		f->obj = read_lrm_rsc(sc, attrs, n, &ret);
		g_ptr_array_add(ns->lrm_rscs, f->obj);
		return ret;
	}
	case K_LRM_OP: {
		int ret;

		add_pending_op(sc, read_op(sc, attrs, n, &ret));
		return ret;
	}
	case K_TRANSIENT: {
		vigil_node_state *ns = parent->obj;

		ns->has_transient = true;
		f->obj = ns;
		return read_attrs(sc, &ns->transient_id, &id_index, &ns->transient_extra, attrs, n);
	}
	case K_NVSET: {
		vigil_node_state *ns = parent->obj;
		vigil_nvset *s = g_new0(vigil_nvset, 1);

		s->element = g_strdup("instance_attributes");
		s->nvpairs = VIGIL_PTR_ARRAY(vigil_nvpair_free);
		s->line = line;
		g_ptr_array_add(ns->transient, s);
		f->obj = s;
		return read_attrs(sc, s, &nvset_index, &s->extra, attrs, n);
	}
	case K_NVPAIR: {
		vigil_nvset *s = parent->obj;
		vigil_nvpair *p = g_new0(vigil_nvpair, 1);

		p->line = line;
		g_ptr_array_add(s->nvpairs, p);
		return read_attrs(sc, p, &nvpair_index, &p->extra, attrs, n);
	}
	default:
		return -EAGAIN;
	}
}

/* --- the document ---------------------------------------------------------------------- */

/* <status> itself, at depth 1 (its content is what the general reader will not see). */
static int status_start(scanner *sc, bool empty)
{
	if (sc->seen_status)
		return -EAGAIN;
	sc->seen_status = true;
	sc->out->start = sc->out->end = (size_t)(sc->p - sc->data);
	/* until the end tag: the line the content starts on */
	sc->out->lines = empty ? 0 : sc->line;
	if (!empty)
		sc->status_depth = (int)sc->depth;
	return 0;
}

/* A start tag, '<' already seen at sc->p. */
static int start_tag(scanner *sc)
{
	attr attrs[MAX_ATTRS];
	unsigned n = 0, line = sc->line;
	bool empty = false;
	frame f = { 0 };
	int r;

	sc->p++;
	if (scan_name(sc, &f.name) < 0 || sc->depth == MAX_DEPTH)
		return -EAGAIN;
	if (sc->status_depth >= 0) {
		frame *parent = &sc->stack[sc->depth - 1];

		if ((r = child_kind(parent, f.name)) < 0)
			return r;
		f.kind = (kind)r;
		if (scan_attrs(sc, kind_index[f.kind], sc->follows[f.kind], attrs, &n, &empty) < 0 ||
		    (r = status_element(sc, parent, &f, attrs, n, line)) < 0)
			return -EAGAIN;
	} else {
		if (scan_attrs(sc, NULL, NULL, attrs, &n, &empty) < 0)
			return -EAGAIN;
		if (sc->depth == 1 && span_is(f.name, "status") && status_start(sc, empty) < 0)
			return -EAGAIN;
	}
	if (!empty)
		sc->stack[sc->depth++] = f;
	else if (f.kind == K_LRM_RESOURCE)
		end_lrm_rsc(sc, f.obj);
	return 0;
}

/* An end tag, "</" already seen at sc->p. */
static int end_tag(scanner *sc)
{
	const char *lt = sc->p;
	text_span name;

	sc->p += 2;
	if (sc->depth == 0 || scan_name(sc, &name) < 0)
		return -EAGAIN;
	if (name.len != sc->stack[sc->depth - 1].name.len ||
	    memcmp(name.s, sc->stack[sc->depth - 1].name.s, name.len) != 0)
		return -EAGAIN;
	skip_ws(sc);
	if (sc->p >= sc->end || *sc->p != '>')
		return -EAGAIN;
	sc->p++;
	sc->depth--;
	if (sc->stack[sc->depth].kind == K_LRM_RESOURCE)
		end_lrm_rsc(sc, sc->stack[sc->depth].obj);
	if ((int)sc->depth == sc->status_depth) {
		sc->out->end = (size_t)(lt - sc->data);
		sc->out->lines = sc->line - sc->out->lines;
		sc->status_depth = -1;
	}
	return 0;
}

/* <?xml version="1.0" encoding="UTF-8"?>: anything but UTF-8 (or none) goes the general way. */
static int xml_decl(scanner *sc)
{
	const char *close, *enc;

	if (!at(sc, "<?xml") || sc->end - sc->p < 6 || !(cls(sc->p[5]) & C_WS))
		return at(sc, "<?") ? -EAGAIN : 0;
	close = g_strstr_len(sc->p, sc->end - sc->p, "?>");
	if (close == NULL)
		return -EAGAIN;
	enc = g_strstr_len(sc->p, close - sc->p, "encoding");
	if (enc != NULL) {
		g_autofree char *decl = g_strndup(enc, (gsize)(close - enc));

		if (!g_regex_match_simple("^encoding\\s*=\\s*(\"UTF-8\"|'UTF-8')", decl,
					  G_REGEX_CASELESS, 0))
			return -EAGAIN;
	}
	for (const char *q = sc->p; q < close; q++) {
		if (*q == '\n')
			sc->line++;
		else if ((unsigned char)*q >= 0x80 || (*q == '<' && q != sc->p))
			return -EAGAIN;
	}
	sc->p = close + 2;
	return 0;
}

/* Whitespace and comments. */
static int skip_misc(scanner *sc)
{
	for (;;) {
		skip_ws(sc);
		if (!at(sc, "<!--"))
			return 0;
		if (skip_comment(sc) < 0)
			return -EAGAIN;
	}
}

static int scan(scanner *sc)
{
	if (xml_decl(sc) < 0 || skip_misc(sc) < 0)
		return -EAGAIN;
	if (sc->p >= sc->end || *sc->p != '<' || start_tag(sc) < 0 || sc->depth != 1)
		return -EAGAIN;
	while (sc->depth > 0) {
		int r;

		if (skip_misc(sc) < 0 || sc->p >= sc->end || *sc->p != '<')
			return -EAGAIN; /* text, or the end before the root is closed */
		if (sc->p + 1 < sc->end && sc->p[1] == '/')
			r = end_tag(sc);
		else if (sc->p + 1 < sc->end && (sc->p[1] == '!' || sc->p[1] == '?'))
			r = -EAGAIN; /* DOCTYPE, CDATA, processing instructions */
		else
			r = start_tag(sc);
		if (r < 0)
			return r;
	}
	if (skip_misc(sc) < 0 || sc->p != sc->end)
		return -EAGAIN;
	return 0;
}

/* What the scanner holds when it gives up: the operations of an lrm_resource whose end it did
 * not reach. */
static void scanner_clear(scanner *sc)
{
	for (size_t i = 0; i < sc->n_pending; i++)
		vigil_lrm_op_free(sc->pending[i]);
	g_free(sc->pending);
}

int vigil_status_fast_read(const char *data, size_t len, vigil_status_span *ret_span,
			   GPtrArray **ret_states, vigil_arena **ret_arena)
{
	static gsize once = 0;
	scanner sc = { .data = data, .p = data, .end = data + len, .line = 1, .status_depth = -1 };
	/* freed after the states that point into it */
	g_autoptr(vigil_arena) arena = vigil_arena_new();
	g_autoptr(GPtrArray) states = VIGIL_PTR_ARRAY(vigil_node_state_free);
	int r;

	if (g_once_init_enter(&once)) {
		init_classes();
		init_indexes();
		g_once_init_leave(&once, 1);
	}
	*ret_span = (vigil_status_span){ .doc_len = len };
	init_tail(&sc);
	sc.out = ret_span;
	sc.node_states = states;
	sc.arena = arena;
	r = scan(&sc);
	scanner_clear(&sc);
	if (r < 0 || !sc.seen_status)
		return -EAGAIN;
	*ret_states = g_steal_pointer(&states);
	*ret_arena = g_steal_pointer(&arena);
	return 0;
}

char *vigil_status_reduced_doc(const char *data, const vigil_status_span *span, size_t *ret_len)
{
	size_t lines = span->lines, len;
	char *out, *q;

	len = span->start + lines + (span->doc_len - span->end);
	out = g_malloc(len + 1);
	memcpy(out, data, span->start);
	q = out + span->start;
	memset(q, '\n', lines);
	q += lines;
	memcpy(q, data + span->end, span->doc_len - span->end);
	out[len] = '\0';
	*ret_len = len;
	return out;
}
