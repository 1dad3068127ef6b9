/* Unit tests of the fence_xvm protocol (lib/fence/xvm.c): the request's byte layout (as
 * captured from Debian's fence_xvm, ../shared/docs/fence_xvm-protocol.md §2), its MAC with
 * each hash, tampering and weaker hashes refused, challenges, host records, keys. The
 * real peers are in tests/agents/fence-vigil.sh. */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "fence/xvm.h"

static const uint8_t key[] = "a key of the test\n";

static vigil_xvm_req sample(vigil_xvm_hash h)
{
	vigil_xvm_req r = { .op = VIGIL_XVM_STATUS, .hash = h, .family = AF_INET, .port = 1229,
			    .random = { 0x16, 0x73, 0xdb, 0x91, 0x6e, 0x66 }, .seqno = 0x000801a2 };

	strcpy(r.domain, "node1");
	memcpy(r.address, (uint8_t[]){ 0x0a, 0x4d, 0x00, 0x02 }, 4);
	return r;
}

/* The bytes of the captured example: the same fields land at the same offsets. */
static void test_layout(void)
{
	vigil_xvm_req r = sample(VIGIL_XVM_HASH_SHA256);
	uint8_t buf[VIGIL_XVM_REQ_SIZE], want[112] = { 0x04, 0x02, 0x04, 0x00, 'n', 'o', 'd', 'e', '1' };

	memcpy(want + 68, (uint8_t[]){ 0x0a, 0x4d, 0x00, 0x02 }, 4);
	memcpy(want + 96, (uint8_t[]){ 0xcd, 0x04, 0x16, 0x73, 0xdb, 0x91, 0x6e, 0x66,
				       0xa2, 0x01, 0x08, 0x00, 0x02, 0x00, 0x00, 0x00 }, 16);
	g_assert_cmpint(vigil_xvm_req_encode(&r, key, sizeof(key) - 1, buf), ==, 0);
	g_assert_cmpmem(buf, 112, want, 112);
	/* SHA-256: 32 bytes of digest, then zeros */
	for (size_t i = 112 + 32; i < sizeof(buf); i++)
		g_assert_cmpint(buf[i], ==, 0);
}

static void test_roundtrip(void)
{
	for (vigil_xvm_hash h = VIGIL_XVM_HASH_NONE; h <= VIGIL_XVM_HASH_SHA512; h++) {
		vigil_xvm_req r = sample(h), back;
		uint8_t buf[VIGIL_XVM_REQ_SIZE];

		g_assert_cmpint(vigil_xvm_req_encode(&r, key, sizeof(key) - 1, buf), ==, 0);
		g_assert_cmpint(vigil_xvm_req_decode(buf, sizeof(buf), key, sizeof(key) - 1,
						     VIGIL_XVM_HASH_NONE, &back), ==, 0);
		g_assert_cmpint(back.op, ==, r.op);
		g_assert_cmpint(back.hash, ==, h);
		g_assert_cmpstr(back.domain, ==, "node1");
		g_assert_cmpint(back.family, ==, AF_INET);
		g_assert_cmpmem(back.address, 4, r.address, 4);
		g_assert_cmpuint(back.port, ==, 1229);
		g_assert_cmpuint(back.seqno, ==, 0x000801a2);
	}
}

/* Every byte changed: the request is refused (bad MAC or not a request), never misread. */
static void test_tamper(void)
{
	vigil_xvm_req r = sample(VIGIL_XVM_HASH_SHA512), back = { .seqno = 7 };
	uint8_t buf[VIGIL_XVM_REQ_SIZE];

	g_assert_cmpint(vigil_xvm_req_encode(&r, key, sizeof(key) - 1, buf), ==, 0);
	for (size_t i = 0; i < sizeof(buf); i++) {
		int e;

		buf[i] ^= 0x01;
		e = vigil_xvm_req_decode(buf, sizeof(buf), key, sizeof(key) - 1,
					 VIGIL_XVM_HASH_SHA256, &back);
		g_assert_true(e == -EPERM || e == -EBADMSG);
		buf[i] ^= 0x01;
	}
	g_assert_cmpuint(back.seqno, ==, 7); /* never written on failure */
	/* another key, a truncated or longer datagram */
	g_assert_cmpint(vigil_xvm_req_decode(buf, sizeof(buf), (const uint8_t *)"other", 5,
					     VIGIL_XVM_HASH_NONE, &back), ==, -EPERM);
	g_assert_cmpint(vigil_xvm_req_decode(buf, sizeof(buf) - 1, key, sizeof(key) - 1,
					     VIGIL_XVM_HASH_NONE, &back), ==, -EBADMSG);
}

/* A weaker hash than the daemon's is refused; a stronger one is taken (as fence_virtd). */
static void test_hash_strength(void)
{
	vigil_xvm_req r1 = sample(VIGIL_XVM_HASH_SHA1), r5 = sample(VIGIL_XVM_HASH_SHA512), back;
	uint8_t b1[VIGIL_XVM_REQ_SIZE], b5[VIGIL_XVM_REQ_SIZE];
	vigil_xvm_hash h;

	vigil_xvm_req_encode(&r1, key, sizeof(key) - 1, b1);
	vigil_xvm_req_encode(&r5, key, sizeof(key) - 1, b5);
	g_assert_cmpint(vigil_xvm_req_decode(b1, sizeof(b1), key, sizeof(key) - 1,
					     VIGIL_XVM_HASH_SHA256, &back), ==, -EPERM);
	g_assert_cmpint(vigil_xvm_req_decode(b5, sizeof(b5), key, sizeof(key) - 1,
					     VIGIL_XVM_HASH_SHA256, &back), ==, 0);
	g_assert_cmpint(vigil_xvm_hash_parse("sha512", &h), ==, 0);
	g_assert_cmpint(h, ==, VIGIL_XVM_HASH_SHA512);
	g_assert_cmpint(vigil_xvm_hash_parse("md5", &h), ==, -EINVAL);
}

static void test_malformed(void)
{
	vigil_xvm_req r = sample(VIGIL_XVM_HASH_NONE), back;
	uint8_t buf[VIGIL_XVM_REQ_SIZE];

	vigil_xvm_req_encode(&r, NULL, 0, buf);
	memset(buf + 4, 'x', 64); /* no NUL in the domain */
	g_assert_cmpint(vigil_xvm_req_decode(buf, sizeof(buf), NULL, 0, VIGIL_XVM_HASH_NONE, &back),
			==, -EBADMSG);
	vigil_xvm_req_encode(&r, NULL, 0, buf);
	buf[0] = 7; /* METADATA is never sent */
	g_assert_cmpint(vigil_xvm_req_decode(buf, sizeof(buf), NULL, 0, VIGIL_XVM_HASH_NONE, &back),
			==, -EBADMSG);
	vigil_xvm_req_encode(&r, NULL, 0, buf);
	buf[108] = 3; /* family */
	g_assert_cmpint(vigil_xvm_req_decode(buf, sizeof(buf), NULL, 0, VIGIL_XVM_HASH_NONE, &back),
			==, -EBADMSG);
}

static void test_challenge(void)
{
	uint8_t c[VIGIL_XVM_CHALLENGE_SIZE], a[VIGIL_XVM_HASH_SIZE];

	for (size_t i = 0; i < sizeof(c); i++)
		c[i] = (uint8_t)(i * 7);
	g_assert_cmpint(vigil_xvm_digest(VIGIL_XVM_HASH_SHA256, key, sizeof(key) - 1, c, sizeof(c), a),
			==, 0);
	g_assert_true(vigil_xvm_answer_ok(VIGIL_XVM_HASH_SHA256, key, sizeof(key) - 1, c, a));
	g_assert_false(vigil_xvm_answer_ok(VIGIL_XVM_HASH_SHA512, key, sizeof(key) - 1, c, a));
	a[3] ^= 1;
	g_assert_false(vigil_xvm_answer_ok(VIGIL_XVM_HASH_SHA256, key, sizeof(key) - 1, c, a));
	g_assert_cmpint(vigil_xvm_digest(VIGIL_XVM_HASH_NONE, key, 1, c, sizeof(c), a), ==, -EINVAL);
}

static void test_host(void)
{
	uint8_t rec[VIGIL_XVM_HOST_SIZE], zero[VIGIL_XVM_HOST_SIZE] = { 0 };
	char name[64], uuid[64];
	uint8_t state = 0;

	vigil_xvm_host_encode("node2", "6695eb01-f6a4-8304-79aa-97f2502e193f", 1, rec);
	g_assert_cmpint(vigil_xvm_host_decode(rec, name, uuid, &state), ==, 0);
	g_assert_cmpstr(name, ==, "node2");
	g_assert_cmpstr(uuid, ==, "6695eb01-f6a4-8304-79aa-97f2502e193f");
	g_assert_cmpint(state, ==, 1);
	zero[129] = 0xab; /* fence_virtd's uninitialised padding */
	g_assert_cmpint(vigil_xvm_host_decode(zero, name, uuid, &state), ==, 1);
}

static void test_key(void)
{
	g_autofree char *dir = g_dir_make_tmp("vigil-test-xvm-XXXXXX", NULL);
	g_autofree char *big = g_build_filename(dir, "big", NULL);
	g_autofree char *empty = g_build_filename(dir, "empty", NULL);
	g_autofree char *data = g_malloc0(5000);
	g_autofree uint8_t *k = NULL;
	size_t len = 0;

	g_assert_true(g_file_set_contents(big, data, 5000, NULL));
	g_assert_true(g_file_set_contents(empty, "", 0, NULL));
	g_assert_cmpint(vigil_xvm_key_load(big, &k, &len), ==, 0);
	g_assert_cmpuint(len, ==, VIGIL_XVM_KEY_MAX); /* the first 4096 bytes, as fence_xvm */
	g_assert_cmpint(vigil_xvm_key_load(empty, &k, &len), ==, -ENODATA);
	g_assert_cmpint(vigil_xvm_key_load("/nonexistent/key", &k, &len), ==, -ENOENT);
	g_unlink(big);
	g_unlink(empty);
	g_rmdir(dir);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/xvm/layout", test_layout);
	g_test_add_func("/xvm/roundtrip", test_roundtrip);
	g_test_add_func("/xvm/tamper", test_tamper);
	g_test_add_func("/xvm/hash-strength", test_hash_strength);
	g_test_add_func("/xvm/malformed", test_malformed);
	g_test_add_func("/xvm/challenge", test_challenge);
	g_test_add_func("/xvm/host", test_host);
	g_test_add_func("/xvm/key", test_key);
	return g_test_run();
}
