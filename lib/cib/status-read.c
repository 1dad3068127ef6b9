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
 * the same kind (writers keep the order), and otherwise by a small hash; it copies a value
 * into the arena while it checks it, and carves the histories' structs from the same chunks;
 * an lrm_resource's array of operations is made at its end tag, at its final size. */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "cib/cib-private.h"
#include "cib/scan16.h"
#include "common/arena.h"

#define MAX_DEPTH 64
#define MAX_FIELDS 32    /* in one field table */
#define FIELD_BUCKETS 64 /* of a field index's hash: more than MAX_FIELDS */
#define ROOM_CHUNK 16384  /* what histories and their strings take from the arena at a time */
#define FAST_VALUE_MAX 48  /* longer values, and the document's last 128 bytes, are read the
			    * general way (fast_attrs()) */

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
	/* ' NAME="', padded with NULs, as at_field() compares it, and which bits of the
	 * comparison's mask that is */
	char pattern[MAX_FIELDS][32];
	guint32 want[MAX_FIELDS];
	guint8 len[MAX_FIELDS];       /* of each name */
	guint8 bucket[FIELD_BUCKETS]; /* 1 + the index of the field there, or 0 */
} field_index;

/* Where the attributes of a start tag go: the fields of OBJ (those of IX) or EXTRA, with
 * their strings in the arena or allocated one by one; nowhere outside status (OBJ NULL). */
typedef struct target {
	void *obj;
	const field_index *ix;
	vigil_extra *extra;
	bool arena_strings;
	guint8 *follows; /* the scanner's, for this kind of element */
	struct last_values *last; /* the scanner's, for this kind of element */
} target;

/* The value each field had in the last element of a kind that took the fast way: most of a
 * history's values (operation, rc-code, on_node, op-digest, the agent of a resource...)
 * are the ones the history before had, and are kept once. On a machine where each page
 * of memory costs a fault, fewer bytes is faster, not only smaller. */
typedef struct last_values {
	const char *value[MAX_FIELDS];
	size_t len[MAX_FIELDS];
} last_values;

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
	char *room;         /* where the next of them or their strings goes, in the arena */
	size_t room_left;
	/* the operations of the open lrm_resource, which get an array of the right size at its
	 * end tag */
	vigil_lrm_op **pending;
	size_t n_pending, pending_size;
	/* for each kind of element, the order of its attributes in the last one: at [I + 1],
	 * 1 + the field that followed field I ([0]: the first field); 0 if none did */
	guint8 follows[N_KINDS][MAX_FIELDS + 1];
	last_values last[N_KINDS];
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

/* The number of bits set in MASK, which has few (the newlines in 16 bytes). */
static unsigned count_bits(unsigned mask)
{
	unsigned n = 0;

	for (; mask != 0; mask &= mask - 1)
		n++;
	return n;
}

/* A run of whitespace, such as a newline and the next line's indentation. */
G_GNUC_NO_INLINE static void skip_ws_run(scanner *sc)
{
	const char *p = sc->p;
	unsigned newlines, stop;

	while ((stop = scan16_ws_end(block_at(sc, p), &newlines)) == 0) {
		sc->line += count_bits(newlines);
		p += 16;
	}
	/* the newlines before the first byte that is not whitespace */
	sc->line += count_bits(newlines & ((stop & -stop) - 1));
	sc->p = p + lowest_bit(stop);
}

/* Mostly there is none: that is checked here, inline. */
static inline void skip_ws(scanner *sc)
{
	if (sc->p < sc->end && (cls(*sc->p) & C_WS))
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

/* Does the document at sc->p start with the LEN bytes at LIT? LIT has 16 bytes to read (it is
 * padded, or a name earlier in the document), so that a short one takes one comparison. */
static inline bool same_bytes(const scanner *sc, const char *lit, size_t len)
{
	unsigned want;

	if (len > 16 || sc->end - sc->p < 16)
		return (size_t)(sc->end - sc->p) >= len && memcmp(sc->p, lit, len) == 0;
	want = (1u << len) - 1;
	return (scan16_equal(sc->p, lit) & want) == want;
}

/* Is the name at sc->p LIT, of LEN bytes (and not the start of a longer name)? Moves past it
 * if so: what scan_name() and a comparison would do, when the name is known in advance. */
static inline bool take_name(scanner *sc, const char *lit, size_t len, text_span *ret)
{
	if ((size_t)(sc->end - sc->p) <= len || !same_bytes(sc, lit, len) ||
	    (cls(sc->p[len]) & C_NAME))
		return false;
	*ret = (text_span){ sc->p, len };
	sc->p += len;
	return true;
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

		while ((stop = scan16_value_end(block_at(sc, q))) == 0)
			q += 16;
		q += lowest_bit(stop);
		if (q >= sc->end)
			return -EAGAIN; /* no closing quote */
		if (*q == quote)
			break;
		if (*q == '&')
			amp = true;
		else if (*q != '"' && *q != '\'')
			return -EAGAIN; /* (the other quote is a character like any) */
	}
	a->decode = amp;
	a->value = (text_span){ sc->p, (size_t)(q - sc->p) };
	sc->p = q + 1;
	return 0;
}

/* --- field tables ---------------------------------------------------------------------- */

static const vigil_field id_field[] = { { "id", 0 }, VIGIL_FIELD_END };
static field_index op_index, lrm_rsc_index, node_state_index, nvset_index, nvpair_index,
	id_index;

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
		g_assert(i < MAX_FIELDS && len > 0 && len + 3 <= sizeof(ix->pattern[i]));
		while (ix->bucket[h] != 0)
			h = (h + 1) % FIELD_BUCKETS;
		ix->bucket[h] = (guint8)(i + 1);
		ix->len[i] = (guint8)len;
		ix->pattern[i][0] = ' ';
		memcpy(ix->pattern[i] + 1, fields[i].name, len);
		ix->pattern[i][len + 1] = '=';
		ix->pattern[i][len + 2] = '"';
		ix->want[i] = len + 3 < 32 ? (1u << (len + 3)) - 1 : 0xffffffffu;
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

/* Does the document at P (and P16, 16 bytes further, or as block_at() gives them) start with
 * field K's ' NAME="'? */
static inline bool at_field(const field_index *ix, int k, const char *p, const char *p16)
{
	guint32 equal = scan16_equal(p, ix->pattern[k]) |
			(guint32)scan16_equal(p16, ix->pattern[k] + 16) << 16;

	return (equal & ix->want[k]) == ix->want[k];
}

/* Where OBJ holds field K. */
static inline char **field_slot(void *obj, const field_index *ix, int k)
{
	return (char **)(void *)((char *)obj + ix->fields[k].offset);
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

/* Room for N bytes in the arena for the histories and their strings: they are carved in order
 * out of chunks of the arena, and take_room() says how much of this one is taken. */
static inline char *room_for(scanner *sc, size_t n)
{
	if (G_UNLIKELY(n > sc->room_left)) {
		sc->room_left = MAX(n, (size_t)ROOM_CHUNK);
		sc->room = vigil_arena_alloc(sc->arena, sc->room_left);
	}
	return sc->room;
}

static inline void take_room(scanner *sc, size_t n)
{
	sc->room += n;
	sc->room_left -= n;
}

/* A zeroed struct of SIZE for a history, aligned for any member, from the same room as the
 * strings: a bump of a pointer, not a call. */
static inline void *room_struct(scanner *sc, size_t size)
{
	char *p = room_for(sc, size + 15);
	size_t pad = -(uintptr_t)p & 15;

	take_room(sc, pad + size);
	return memset(p + pad, 0, size);
}

/* Room for a string of up to LEN bytes and its NUL, and 15 bytes after them that
 * arena_copy() may write (and the next string writes over). */
static inline char *string_room(scanner *sc, size_t len)
{
	char *s = room_for(sc, len + 16);

	take_room(sc, len + 1);
	return s;
}

/* A copy of the LEN bytes at S (in the document) in the arena, with a NUL. Values are short:
 * one or two 16-byte moves copy them, where the document has 16 bytes to spare after them. */
static inline char *arena_copy(scanner *sc, const char *s, size_t len)
{
	char *dst = string_room(sc, len);

	if (G_LIKELY((size_t)(sc->end - s) >= len + 16)) {
		for (size_t i = 0; i < len; i += 16)
			memcpy(dst + i, s + i, 16);
	} else {
		memcpy(dst, s, len);
	}
	dst[len] = '\0';
	return dst;
}

/* A's value, decoded, as a string in the arena; NULL for what the general way must read. */
static char *arena_string(scanner *sc, const attr *a)
{
	char *dst;

	if (G_LIKELY(!a->decode))
		return arena_copy(sc, a->value.s, a->value.len);
	dst = string_room(sc, a->value.len);
	return decode_entities(dst, a->value.s, a->value.len) < 0 ? NULL : dst;
}

/* --- attributes ------------------------------------------------------------------------ */

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

/* Puts A where T says, as vigil_fields_read() would. */
static int store_attr(scanner *sc, const target *t, const attr *a)
{
	char **slot;

	if (t->obj == NULL)
		return 0;
	if (a->field < 0)
		return read_extra(t->extra, a);
	slot = field_slot(t->obj, t->ix, a->field);
	/* a repeated attribute: the general path reports it */
	if (*slot != NULL)
		return -EAGAIN;
	*slot = t->arena_strings ? arena_string(sc, a) : decode(a);
	return *slot != NULL ? 0 : -EAGAIN;
}

/* The next attribute's name and its field (field PREDICTED is tried first, with one
 * comparison), from just after the tag's name or the last value to past the '='; or the end
 * of the tag, '>' or "/>", which returns 1. */
static int scan_attr_name(scanner *sc, const field_index *ix, int predicted, attr *a,
			  bool *ret_empty)
{
	const char *before = sc->p;

	if (predicted >= 0 &&
	    at_field(ix, predicted, block_at(sc, sc->p),
		     block_at(sc, sc->end - sc->p >= 16 ? sc->p + 16 : sc->end))) {
		a->name = (text_span){ sc->p + 1, ix->len[predicted] };
		a->field = predicted;
		sc->p += a->name.len + 2;
		return 0;
	}
	skip_ws(sc);
	if (sc->p >= sc->end)
		return -EAGAIN;
	if (*sc->p == '>' || at(sc, "/>")) {
		*ret_empty = *sc->p == '/';
		sc->p += *ret_empty ? 2 : 1;
		return 1;
	}
	/* attributes are separated by whitespace */
	if (sc->p == before || scan_name(sc, &a->name) < 0)
		return -EAGAIN;
	skip_ws(sc);
	if (sc->p >= sc->end || *sc->p != '=')
		return -EAGAIN;
	sc->p++;
	a->field = ix != NULL ? field_of(ix, a->name) : -1;
	return 0;
}

/* The string field K had in the last element of its kind, if it was the LEN bytes at S;
 * else NULL. The strings of histories are never written once read, so they can be shared. */
static inline char *same_as_last(const last_values *last, int k, const char *s, size_t len)
{
	if (last->value[k] != NULL && last->len[k] == len && memcmp(last->value[k], s, len) == 0)
		return (char *)last->value[k];
	return NULL;
}

/* The common case of read_attrs(), kept tight: the attribute that the writer's order
 * predicts, ' NAME="VALUE"' with a short VALUE with nothing in it to decode or to refuse,
 * into a history (T's strings in the arena). It takes such attributes while they come and
 * leaves anything else (another attribute, the end of the tag, the document's last 128
 * bytes) to the general steps, which would read them alike. */
static int fast_attrs(scanner *sc, const target *t, int *prev)
{
	const field_index *ix = t->ix;
	const char *p = sc->p, *end = sc->end;
	int k, r = 0;

	/* (K is what t->follows predicts, so that needs no update here) */
	while (end - p >= 128 && (k = t->follows[*prev + 1] - 1) >= 0) {
		const char *value = p + ix->len[k] + 3;
		char *dst, **slot;
		unsigned stop = 0;
		size_t i;

		if (!at_field(ix, k, p, p + 16))
			break;
		/* copied to the arena as it is scanned: no second pass */
		dst = room_for(sc, FAST_VALUE_MAX + 16);
		for (i = 0; i < FAST_VALUE_MAX; i += 16)
			if ((stop = scan16_value_end_copy(value + i, dst + i)) != 0)
				break;
		if (stop == 0)
			break; /* a long value */
		i += lowest_bit(stop);
		if (value[i] != '"')
			break; /* an entity, the other quote, or a byte to refuse */
		slot = field_slot(t->obj, ix, k);
		if (*slot != NULL) {
			r = -EAGAIN; /* repeated */
			break;
		}
		*slot = same_as_last(t->last, k, dst, i);
		if (*slot == NULL) {
			dst[i] = '\0';
			take_room(sc, i + 1);
			*slot = dst;
			t->last->value[k] = dst;
			t->last->len[k] = i;
		}
		*prev = k;
		p = value + i + 1;
	}
	sc->p = p;
	return r;
}

/* The attributes of a start tag, up to '>' or "/>", into T. Writers put an element's
 * attributes in the same order every time: the field that followed the last one in the
 * last element of this kind is the one looked for first. */
static int read_attrs(scanner *sc, const target *t, bool *ret_empty)
{
	int prev = -1; /* the field of the last attribute that had one */

	for (;;) {
		int predicted;
		attr a;
		int r;

		if (t->arena_strings && fast_attrs(sc, t, &prev) < 0)
			return -EAGAIN;
		predicted = t->ix != NULL ? t->follows[prev + 1] - 1 : -1;
		r = scan_attr_name(sc, t->ix, predicted, &a, ret_empty);
		if (r != 0)
			return r > 0 ? 0 : r;
		skip_ws(sc);
		if (scan_value(sc, &a) < 0 || store_attr(sc, t, &a) < 0)
			return -EAGAIN;
		if (a.field >= 0) {
			t->follows[prev + 1] = (guint8)(a.field + 1);
			prev = a.field;
		}
	}
}

/* --- histories ------------------------------------------------------------------------- */

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
	for (size_t i = 0; i < sc->n_pending; i++)
		g_ptr_array_add(r->ops, sc->pending[i]);
	sc->n_pending = 0;
}

/* --- the elements of the status section ------------------------------------------------ */

/* The name of the child each kind of element nearly always has, compared rather than
 * scanned (padded for same_bytes()). */
#define NAME(s) { s, sizeof(s) - 1 }
static const struct {
	char s[32];
	size_t len;
} usual_child[N_KINDS] = {
	[K_STATUS] = NAME("node_state"),        [K_NODE_STATE] = NAME("lrm"),
	[K_LRM] = NAME("lrm_resources"),        [K_LRM_RESOURCES] = NAME("lrm_resource"),
	[K_LRM_RESOURCE] = NAME("lrm_rsc_op"),  [K_TRANSIENT] = NAME("instance_attributes"),
	[K_NVSET] = NAME("nvpair"),
};
#undef NAME

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

/* Makes the struct for a start tag inside status, of kind F->kind under PARENT, and says in
 * *T where its attributes go. Histories go to the arena, with their strings: a big status
 * holds one lrm_rsc_op per resource, node and operation, with a dozen strings each. */
static void open_element(scanner *sc, frame *parent, frame *f, unsigned line, target *t)
{
	vigil_node_state *ns = parent->obj;

	switch (f->kind) {
	case K_NODE_STATE:
		ns = g_new0(vigil_node_state, 1);
		ns->lrm_rscs = VIGIL_PTR_ARRAY(vigil_lrm_rsc_free);
		ns->transient = VIGIL_PTR_ARRAY(vigil_nvset_free);
		g_ptr_array_add(sc->node_states, ns);
		f->obj = ns;
		*t = (target){ ns, &node_state_index, &ns->extra, false, NULL };
		break;
	case K_LRM:
		ns->has_lrm = true;
		f->obj = ns;
		*t = (target){ &ns->lrm_id, &id_index, &ns->lrm_extra, false, NULL };
		break;
	case K_LRM_RESOURCES:
		parent->seen_first = true;
		ns->has_lrm_resources = true;
		f->obj = ns;
		*t = (target){ &ns->lrm_resources_id, &id_index, &ns->lrm_resources_extra, false,
			       NULL };
		break;
	case K_LRM_RESOURCE: {
		/* its operations come at its end tag, from end_lrm_rsc() */
		vigil_lrm_rsc *r = room_struct(sc, sizeof(*r));

		r->in_arena = true;
		g_ptr_array_add(ns->lrm_rscs, r);
		f->obj = r;
		*t = (target){ r, &lrm_rsc_index, &r->extra, true, NULL };
		break;
	}
	case K_LRM_OP: {
		vigil_lrm_op *op = room_struct(sc, sizeof(*op));

		op->in_arena = true;
		add_pending_op(sc, op);
		*t = (target){ op, &op_index, &op->extra, true, NULL };
		break;
	}
	case K_TRANSIENT:
		ns->has_transient = true;
		f->obj = ns;
		*t = (target){ &ns->transient_id, &id_index, &ns->transient_extra, false, NULL };
		break;
	case K_NVSET: {
		vigil_nvset *s = g_new0(vigil_nvset, 1);

		s->element = g_strdup("instance_attributes");
		s->nvpairs = VIGIL_PTR_ARRAY(vigil_nvpair_free);
		s->line = line;
		g_ptr_array_add(ns->transient, s);
		f->obj = s;
		*t = (target){ s, &nvset_index, &s->extra, false, NULL };
		break;
	}
	case K_NVPAIR: {
		vigil_nvset *s = parent->obj;
		vigil_nvpair *p = g_new0(vigil_nvpair, 1);

		p->line = line;
		g_ptr_array_add(s->nvpairs, p);
		*t = (target){ p, &nvpair_index, &p->extra, false, NULL };
		break;
	}
	default:
		g_assert_not_reached(); /* child_kind() gives no other */
	}
	t->follows = sc->follows[f->kind];
	t->last = &sc->last[f->kind];
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
	unsigned line = sc->line;
	bool in_status = sc->status_depth >= 0, empty = false;
	frame f = { 0 };
	target t = { 0 };
	int r;

	sc->p++;
	if (sc->depth == MAX_DEPTH)
		return -EAGAIN;
	if (in_status) {
		frame *parent = &sc->stack[sc->depth - 1];

		if (usual_child[parent->kind].len == 0 ||
		    !take_name(sc, usual_child[parent->kind].s, usual_child[parent->kind].len,
			       &f.name)) {
			if (scan_name(sc, &f.name) < 0)
				return -EAGAIN;
		}
		if ((r = child_kind(parent, f.name)) < 0)
			return r;
		f.kind = (kind)r;
		open_element(sc, parent, &f, line, &t);
	} else if (scan_name(sc, &f.name) < 0) {
		return -EAGAIN;
	}
	if (read_attrs(sc, &t, &empty) < 0)
		return -EAGAIN;
	if (f.kind == K_LRM_OP)
		vigil_lrm_op_parse_values(t.obj);
	if (!in_status && sc->depth == 1 && span_is(f.name, "status") &&
	    status_start(sc, empty) < 0)
		return -EAGAIN;
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
	/* the name of the open element, and no other */
	if (sc->depth == 0 || !take_name(sc, sc->stack[sc->depth - 1].name.s,
					 sc->stack[sc->depth - 1].name.len, &name))
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
static inline int skip_misc(scanner *sc)
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
