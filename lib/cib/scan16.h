/* Byte classes sixteen bytes at a time, for the fast status reader (status-read.c).
 *
 * Each scan16_*() looks at the 16 bytes at P (all of them must be readable) and returns a
 * mask with bit I set for byte I: where a scan stops, so that the caller moves on by the
 * count of trailing zeros (or by 16 if the mask is 0), or which bytes equal a pattern's. SSE2, which every x86-64 has, does a block in
 * a dozen instructions; elsewhere the *_bytewise() loops, which define the classes, are
 * used. tests/unit/test-cib checks that both give the same masks. */
#pragma once

#include <stdbool.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

static inline bool scan16_is_ws(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* A name character after the first, as the fast path reads names: ASCII letters and digits,
 * '_', '-' and '.' (':' too is one for XML, but a namespace goes the general way). */
static inline bool scan16_is_name(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '-' || c == '.';
}

/* What ends or spoils a quoted value: a quote (the caller knows whether it is the closing
 * one); '&', an entity to decode; and what the fast path leaves to libxml2: '<', control
 * characters (libxml2 normalises tabs and newlines in values), DEL and non-ASCII. */
static inline bool scan16_is_value_stop(unsigned char c)
{
	return c == '"' || c == '\'' || c == '&' || c == '<' || c < 0x20 || c > 0x7e;
}

/* Bytes that are not whitespace; the newlines among them go to *RET_NEWLINES. */
static inline unsigned scan16_ws_end_bytewise(const char *p, unsigned *ret_newlines)
{
	unsigned stop = 0, nl = 0;

	for (unsigned i = 0; i < 16; i++) {
		stop |= (unsigned)!scan16_is_ws((unsigned char)p[i]) << i;
		nl |= (unsigned)(p[i] == '\n') << i;
	}
	*ret_newlines = nl;
	return stop;
}

/* Bytes that are not name characters. */
static inline unsigned scan16_name_end_bytewise(const char *p)
{
	unsigned stop = 0;

	for (unsigned i = 0; i < 16; i++)
		stop |= (unsigned)!scan16_is_name((unsigned char)p[i]) << i;
	return stop;
}

/* Bytes that end or spoil a quoted value. */
static inline unsigned scan16_value_end_bytewise(const char *p)
{
	unsigned stop = 0;

	for (unsigned i = 0; i < 16; i++)
		stop |= (unsigned)scan16_is_value_stop((unsigned char)p[i]) << i;
	return stop;
}

/* scan16_value_end(), and the 16 bytes copied to DST. */
static inline unsigned scan16_value_end_copy_bytewise(const char *p, char *dst)
{
	memcpy(dst, p, 16);
	return scan16_value_end_bytewise(p);
}

/* Bytes equal to the byte at the same place in Q (16 readable bytes too). */
static inline unsigned scan16_equal_bytewise(const char *p, const char *q)
{
	unsigned equal = 0;

	for (unsigned i = 0; i < 16; i++)
		equal |= (unsigned)(p[i] == q[i]) << i;
	return equal;
}

#ifdef __SSE2__
/* SSE2 compares bytes as signed: X + (0x80 - LO) puts LO..LO+N-1 at the bottom of the
 * signed range, where "less than -128 + N" picks exactly them. */
static inline __m128i scan16_in_range(__m128i x, unsigned char lo, unsigned char n)
{
	return _mm_cmplt_epi8(_mm_add_epi8(x, _mm_set1_epi8((char)(0x80 - lo))),
			      _mm_set1_epi8((char)(-128 + n)));
}

static inline unsigned scan16_ws_end(const char *p, unsigned *ret_newlines)
{
	__m128i x = _mm_loadu_si128((const __m128i *)(const void *)p);
	__m128i nl = _mm_cmpeq_epi8(x, _mm_set1_epi8('\n'));
	__m128i ws = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8(' ')), nl),
				  _mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('\t')),
					       _mm_cmpeq_epi8(x, _mm_set1_epi8('\r'))));

	*ret_newlines = (unsigned)_mm_movemask_epi8(nl);
	return (unsigned)_mm_movemask_epi8(ws) ^ 0xffff;
}

static inline unsigned scan16_name_end(const char *p)
{
	__m128i x = _mm_loadu_si128((const __m128i *)(const void *)p);
	/* letters: OR-ing in 0x20 lowercases them and leaves no other byte in a..z */
	__m128i letter = scan16_in_range(_mm_or_si128(x, _mm_set1_epi8(0x20)), 'a', 26);
	/* '-', '.', '/' and the digits are 0x2d..0x39: all but '/' */
	__m128i digit = _mm_andnot_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('/')),
					 scan16_in_range(x, '-', '9' - '-' + 1));
	__m128i name = _mm_or_si128(_mm_or_si128(letter, digit),
				    _mm_cmpeq_epi8(x, _mm_set1_epi8('_')));

	return (unsigned)_mm_movemask_epi8(name) ^ 0xffff;
}

static inline unsigned scan16_value_stops(__m128i x)
{
	/* x + 1 < 0x21, signed: 0x00..0x1f (as 0x01..0x20), 0x7f..0xfe (as negatives), 0xff
	 * (as 0) */
	__m128i bad = _mm_cmplt_epi8(_mm_add_epi8(x, _mm_set1_epi8(1)), _mm_set1_epi8(0x21));
	/* '&' and '\'' are 0x26 and 0x27: the bytes that are 0x27 with bit 0 set */
	__m128i amp_apos = _mm_cmpeq_epi8(_mm_or_si128(x, _mm_set1_epi8(1)), _mm_set1_epi8('\''));
	__m128i quot_lt = _mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('"')),
				       _mm_cmpeq_epi8(x, _mm_set1_epi8('<')));

	return (unsigned)_mm_movemask_epi8(_mm_or_si128(bad, _mm_or_si128(amp_apos, quot_lt)));
}

static inline unsigned scan16_value_end(const char *p)
{
	return scan16_value_stops(_mm_loadu_si128((const __m128i *)(const void *)p));
}

static inline unsigned scan16_value_end_copy(const char *p, char *dst)
{
	__m128i x = _mm_loadu_si128((const __m128i *)(const void *)p);

	_mm_storeu_si128((__m128i *)(void *)dst, x);
	return scan16_value_stops(x);
}

static inline unsigned scan16_equal(const char *p, const char *q)
{
	return (unsigned)_mm_movemask_epi8(
		_mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)(const void *)p),
			       _mm_loadu_si128((const __m128i *)(const void *)q)));
}
#else
static inline unsigned scan16_ws_end(const char *p, unsigned *ret_newlines)
{
	return scan16_ws_end_bytewise(p, ret_newlines);
}

static inline unsigned scan16_name_end(const char *p)
{
	return scan16_name_end_bytewise(p);
}

static inline unsigned scan16_value_end(const char *p)
{
	return scan16_value_end_bytewise(p);
}

static inline unsigned scan16_value_end_copy(const char *p, char *dst)
{
	return scan16_value_end_copy_bytewise(p, dst);
}

static inline unsigned scan16_equal(const char *p, const char *q)
{
	return scan16_equal_bytewise(p, q);
}
#endif
