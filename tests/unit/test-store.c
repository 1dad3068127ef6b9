/* Unit tests of the durable CIB store (lib/cib/store.c).
 *
 * Each test runs in its own fresh temp directory, removed by the fixture teardown.
 * Assertions are non-fatal (g_test_set_nonfatal_assertions), so a failing test still
 * reaches its teardown; the tests are written so that they do not crash after a failed
 * assertion (strings are compared with g_assert_cmpstr, which accepts NULL). */
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "cib/store.h"

/* Output parameters must not be written on failure: they are preset to these. */
static char sentinel[] = "untouched";
#define SENTINEL sentinel
#define SENTINEL_LEN ((size_t)4242)

typedef struct store_fixture {
	char *dir;		/* the temp directory */
	vigil_store *store;	/* opened by fx_open(), freed by teardown */
} store_fixture;

/* --- helpers ---------------------------------------------------------------------------- */

static void rm_rf(const char *path)
{
	g_autoptr(GDir) dir = NULL;
	const char *name;

	if (!g_file_test(path, G_FILE_TEST_IS_DIR) || g_file_test(path, G_FILE_TEST_IS_SYMLINK)) {
		(void)g_unlink(path);
		return;
	}
	(void)g_chmod(path, 0700);
	dir = g_dir_open(path, 0, NULL);
	while (dir && (name = g_dir_read_name(dir))) {
		g_autofree char *child = g_build_filename(path, name, NULL);

		rm_rf(child);
	}
	(void)g_rmdir(path);
}

static void fx_setup(store_fixture *fx, gconstpointer data)
{
	g_autoptr(GError) error = NULL;

	(void)data;
	fx->dir = g_dir_make_tmp("vigil-store-XXXXXX", &error);
	g_assert_no_error(error);
	fx->store = NULL;
}

static void fx_teardown(store_fixture *fx, gconstpointer data)
{
	(void)data;
	vigil_store_free(fx->store);
	if (fx->dir)
		rm_rf(fx->dir);
	g_free(fx->dir);
}

/* (Re)opens the fixture's store with KEEP versions. */
static void fx_open(store_fixture *fx, unsigned keep)
{
	vigil_store_free(g_steal_pointer(&fx->store));
	g_assert_cmpint(vigil_store_open(fx->dir, keep, &fx->store), ==, 0);
	g_assert_nonnull(fx->store);
}

static char *fx_path(const store_fixture *fx, const char *name)
{
	return g_build_filename(fx->dir, name, NULL);
}

static void fx_put(const store_fixture *fx, const char *name, const char *data, gssize len)
{
	g_autofree char *path = fx_path(fx, name);
	g_autoptr(GError) error = NULL;

	g_file_set_contents(path, data, len, &error);
	g_assert_no_error(error);
}

static char *fx_get(const store_fixture *fx, const char *name)
{
	g_autofree char *path = fx_path(fx, name);
	char *data = NULL;

	if (!g_file_get_contents(path, &data, NULL, NULL))
		return NULL;
	return data;
}

static bool fx_exists(const store_fixture *fx, const char *name)
{
	g_autofree char *path = fx_path(fx, name);

	return g_file_test(path, G_FILE_TEST_EXISTS);
}

/* Number of temp files (".cib.xml.*") in the store directory. */
static unsigned fx_temps(const store_fixture *fx)
{
	g_autoptr(GDir) dir = g_dir_open(fx->dir, 0, NULL);
	const char *name;
	unsigned n = 0;

	while (dir && (name = g_dir_read_name(dir)))
		n += g_str_has_prefix(name, ".cib.xml.");
	return n;
}

/* The digest file content the store writes for DATA. */
static char *sig_for(const char *data, size_t len)
{
	g_autofree char *hex = g_compute_checksum_for_data(G_CHECKSUM_SHA256,
							   (const guchar *)data, len);

	return g_strdup_printf("sha256:%s len:%zu\n", hex, len);
}

static void write_ok(vigil_store *store, const char *text)
{
	g_assert_cmpint(vigil_store_write(store, text, strlen(text)), ==, 0);
}

/* Asserts that version N (0 = current) reads back as WANT. */
static void assert_version(vigil_store *store, unsigned n, const char *want)
{
	g_autofree char *data = NULL;
	size_t len = 0;
	int r = n == 0 ? vigil_store_read(store, &data, &len)
		       : vigil_store_read_version(store, n, &data, &len);

	g_assert_cmpint(r, ==, 0);
	g_assert_cmpstr(data, ==, want);
	g_assert_cmpuint(len, ==, strlen(want));
}

/* Asserts that reading version N (0 = current) fails with ERR and leaves the outputs alone. */
static void assert_read_fails(vigil_store *store, unsigned n, int err)
{
	char *data = SENTINEL;
	size_t len = SENTINEL_LEN;
	int r = n == 0 ? vigil_store_read(store, &data, &len)
		       : vigil_store_read_version(store, n, &data, &len);

	g_assert_cmpint(r, ==, err);
	g_assert_true(data == SENTINEL);
	g_assert_cmpuint(len, ==, SENTINEL_LEN);
	if (data != SENTINEL)
		g_free(data);
}

/* --- tests ------------------------------------------------------------------------------ */

static void test_roundtrip(store_fixture *fx, gconstpointer data)
{
	static const char bin[] = "<cib>\0binary\n</cib>";
	static const char text[] = "<cib epoch=\"1\"/>";
	g_autofree char *sig = NULL;
	g_autofree char *want_sig = sig_for(text, strlen(text));
	g_autofree char *want_path = fx_path(fx, "cib.xml");
	g_autofree char *got = NULL;
	size_t len = 0;

	(void)data;
	fx_open(fx, 3);
	g_assert_cmpstr(vigil_store_path(fx->store), ==, want_path);
	write_ok(fx->store, text);
	assert_version(fx->store, 0, text);
	sig = fx_get(fx, "cib.xml.sig");
	g_assert_cmpstr(sig, ==, want_sig);

	/* Survives closing and reopening. */
	fx_open(fx, 3);
	assert_version(fx->store, 0, text);

	/* Arbitrary bytes, embedded NUL included, and the result is NUL-terminated. */
	g_assert_cmpint(vigil_store_write(fx->store, bin, sizeof(bin)), ==, 0);
	g_assert_cmpint(vigil_store_read(fx->store, &got, &len), ==, 0);
	g_assert_cmpuint(len, ==, sizeof(bin));
	if (got && len == sizeof(bin)) {
		g_assert_cmpmem(got, len, bin, sizeof(bin));
		g_assert_cmpint(got[len], ==, '\0');
	}
	g_assert_cmpuint(fx_temps(fx), ==, 0);
}

static void test_empty_store(store_fixture *fx, gconstpointer data)
{
	(void)data;
	fx_open(fx, 2);
	assert_read_fails(fx->store, 0, -ENOENT);
	assert_read_fails(fx->store, 1, -ENOENT);
	g_assert_cmpuint(vigil_store_versions(fx->store), ==, 0);
}

static void test_creates_dir(store_fixture *fx, gconstpointer data)
{
	g_autofree char *sub = fx_path(fx, "a/b/cib");
	g_autofree char *file = g_build_filename(sub, "cib.xml", NULL);
	g_autoptr(vigil_store) store = NULL;
	mode_t mask = umask(022);
	struct stat st = { 0 };

	(void)data;
	g_assert_cmpint(vigil_store_open(sub, 1, &store), ==, 0);
	umask(mask);
	g_assert_cmpint(stat(sub, &st), ==, 0);
	g_assert_true(S_ISDIR(st.st_mode));
	g_assert_cmpuint(st.st_mode & 07777, ==, 0750);
	if (store)
		write_ok(store, "x");
	g_assert_cmpint(stat(file, &st), ==, 0);
	g_assert_cmpuint(st.st_mode & 0777, ==, 0600);
}

static void test_invalid_args(store_fixture *fx, gconstpointer data)
{
	vigil_store *store = (vigil_store *)SENTINEL;

	(void)data;
	g_assert_cmpint(vigil_store_open(fx->dir, 0, &store), ==, -EINVAL);
	g_assert_cmpint(vigil_store_open(NULL, 1, &store), ==, -EINVAL);
	g_assert_cmpint(vigil_store_open("", 1, &store), ==, -EINVAL);
	g_assert_cmpint(vigil_store_open(fx->dir, VIGIL_STORE_MAX_VERSIONS + 1, &store), ==,
			-EINVAL);
	g_assert_true(store == (vigil_store *)SENTINEL);
	fx_open(fx, 2);
	g_assert_cmpint(vigil_store_write(fx->store, "x", 0), ==, -EINVAL);
	g_assert_cmpint(vigil_store_write(fx->store, NULL, 1), ==, -EINVAL);
	g_assert_false(fx_exists(fx, "cib.xml"));
	write_ok(fx->store, "x");
	assert_read_fails(fx->store, 3, -EINVAL); /* beyond keep_versions */
	g_assert_cmpint(vigil_store_read_version(fx->store, 0, NULL, NULL), ==, -EINVAL);
	g_assert_cmpint(vigil_store_read(fx->store, NULL, NULL), ==, -EINVAL);
	vigil_store_free(NULL);
}

static void test_rotation(store_fixture *fx, gconstpointer data)
{
	static const char *const v[] = { "v0", "v1", "v2", "v3", "v4", "v5" };

	(void)data;
	fx_open(fx, 3);
	write_ok(fx->store, v[0]);
	g_assert_cmpuint(vigil_store_versions(fx->store), ==, 0);
	write_ok(fx->store, v[1]);
	g_assert_cmpuint(vigil_store_versions(fx->store), ==, 1);
	assert_version(fx->store, 1, v[0]);
	for (unsigned i = 2; i < G_N_ELEMENTS(v); i++)
		write_ok(fx->store, v[i]);
	g_assert_cmpuint(vigil_store_versions(fx->store), ==, 3);
	assert_version(fx->store, 0, "v5");
	assert_version(fx->store, 1, "v4");
	assert_version(fx->store, 2, "v3");
	assert_version(fx->store, 3, "v2");
	assert_read_fails(fx->store, 4, -EINVAL);
	g_assert_false(fx_exists(fx, "cib.xml.4"));
	g_assert_false(fx_exists(fx, "cib.xml.4.sig"));
	g_assert_cmpuint(fx_temps(fx), ==, 0);

	/* Reopening with fewer versions deletes the extra ones at the next write. */
	fx_open(fx, 1);
	write_ok(fx->store, "v6");
	g_assert_cmpuint(vigil_store_versions(fx->store), ==, 1);
	assert_version(fx->store, 1, "v5");
	g_assert_false(fx_exists(fx, "cib.xml.2"));
	g_assert_false(fx_exists(fx, "cib.xml.3.sig"));
	write_ok(fx->store, "v7");
	assert_version(fx->store, 0, "v7");
	assert_version(fx->store, 1, "v6");
	g_assert_false(fx_exists(fx, "cib.xml.2"));
}

static void test_truncated(store_fixture *fx, gconstpointer data)
{
	g_autofree char *path = fx_path(fx, "cib.xml");
	g_autofree char *old = fx_path(fx, "cib.xml.1");

	(void)data;
	fx_open(fx, 2);
	write_ok(fx->store, "<cib><configuration/></cib>");
	write_ok(fx->store, "<cib><configuration><nodes/></configuration></cib>");
	g_assert_cmpint(truncate(path, 10), ==, 0);
	assert_read_fails(fx->store, 0, -EBADMSG);
	/* The history is not affected, and reopening does not "repair" anything. */
	assert_version(fx->store, 1, "<cib><configuration/></cib>");
	fx_open(fx, 2);
	assert_read_fails(fx->store, 0, -EBADMSG);
	/* A truncated history entry is refused too. */
	g_assert_cmpint(truncate(old, 5), ==, 0);
	assert_read_fails(fx->store, 1, -EBADMSG);
}

static void test_flipped_byte(store_fixture *fx, gconstpointer data)
{
	g_autofree char *content = NULL;

	(void)data;
	fx_open(fx, 1);
	write_ok(fx->store, "<cib epoch=\"7\"/>");
	content = fx_get(fx, "cib.xml");
	g_assert_nonnull(content);
	if (!content)
		return;
	content[5] ^= 0x01; /* same length, different bytes */
	fx_put(fx, "cib.xml", content, -1);
	assert_read_fails(fx->store, 0, -EBADMSG);
	fx_open(fx, 1); /* recovery must not accept it either */
	assert_read_fails(fx->store, 0, -EBADMSG);
}

static void test_missing_sig(store_fixture *fx, gconstpointer data)
{
	g_autofree char *sig = fx_path(fx, "cib.xml.sig");
	g_autofree char *sig1 = fx_path(fx, "cib.xml.1.sig");

	(void)data;
	fx_open(fx, 1);
	write_ok(fx->store, "one");
	write_ok(fx->store, "two");
	g_assert_cmpint(g_unlink(sig), ==, 0);
	g_assert_cmpint(g_unlink(sig1), ==, 0);
	assert_read_fails(fx->store, 0, -EBADMSG);
	assert_read_fails(fx->store, 1, -EBADMSG);
}

static void test_malformed_sig(store_fixture *fx, gconstpointer data)
{
	g_autofree char *good = sig_for("abc", 3);
	g_autofree char *upper = g_ascii_strup(good, -1);
	g_autofree char *no_nl = g_strndup(good, strlen(good) - 1);
	g_autofree char *extra = g_strconcat(good, "x", NULL);
	g_autofree char *wrong_len = g_strdup(good);
	g_autofree char *md5 = g_strconcat("md5:", good + strlen("sha256:"), NULL);
	g_autofree char *huge = g_strnfill(4096, 'a');
	g_autofree char *written = NULL;
	const char *bad[] = { "", "\n", "sha256:", upper, no_nl, extra, md5, huge,
			      "sha256:abc len:3\n", wrong_len };

	(void)data;
	wrong_len[strlen(wrong_len) - 2] = 'x'; /* "len:x\n" */
	fx_open(fx, 1);
	write_ok(fx->store, "abc");
	written = fx_get(fx, "cib.xml.sig");
	g_assert_cmpstr(written, ==, good);
	for (unsigned i = 0; i < G_N_ELEMENTS(bad); i++) {
		g_test_message("digest file: \"%.80s\"", bad[i]);
		fx_put(fx, "cib.xml.sig", bad[i], -1);
		assert_read_fails(fx->store, 0, -EBADMSG);
	}
	fx_put(fx, "cib.xml.sig", good, -1);
	assert_version(fx->store, 0, "abc");
}

static void test_empty_file(store_fixture *fx, gconstpointer data)
{
	g_autofree char *sig = sig_for("", 0);

	(void)data;
	fx_open(fx, 1);
	fx_put(fx, "cib.xml", "", 0);
	fx_put(fx, "cib.xml.sig", sig, -1);
	assert_read_fails(fx->store, 0, -EBADMSG);
	fx_put(fx, "cib.xml.1", "", 0);
	fx_put(fx, "cib.xml.1.sig", sig, -1);
	assert_read_fails(fx->store, 1, -EBADMSG);
}

static void test_leftover_temp(store_fixture *fx, gconstpointer data)
{
	g_autofree char *sig2 = sig_for("v2", 2);

	(void)data;
	fx_open(fx, 2);
	write_ok(fx->store, "v1");
	/* A crash after staging v2 but before installing it. */
	fx_put(fx, ".cib.xml.tmp.0badf00d", "v2", -1);
	fx_put(fx, ".cib.xml.sig.tmp.0badf00d", sig2, -1);
	fx_put(fx, ".cib.xml.tmp.garbage", "\x01\x02 not a cib", -1);
	fx_put(fx, ".cib.xml.link.tmp", "junk", -1);
	assert_version(fx->store, 0, "v1");
	fx_open(fx, 2);
	assert_version(fx->store, 0, "v1");
	g_assert_cmpuint(fx_temps(fx), ==, 4);
	write_ok(fx->store, "v3");
	g_assert_cmpuint(fx_temps(fx), ==, 0);
	assert_version(fx->store, 0, "v3");
	assert_version(fx->store, 1, "v1");
	g_assert_cmpuint(vigil_store_versions(fx->store), ==, 1);
}

/* A crash between installing cib.xml and cib.xml.sig is completed by the next open. */
static void test_recover(store_fixture *fx, gconstpointer data)
{
	g_autofree char *sig1 = sig_for("v1", 2);
	g_autofree char *sig2 = sig_for("v2", 2);
	g_autofree char *wrong = sig_for("zz", 2);

	(void)data;
	fx_open(fx, 2);
	write_ok(fx->store, "v1");
	/* The state write() leaves after step 3: rotation done, data renamed, digest staged. */
	fx_put(fx, "cib.xml.1", "v1", -1);
	fx_put(fx, "cib.xml.1.sig", sig1, -1);
	fx_put(fx, ".cib.xml.sig.tmp.aaaaaaaa", wrong, -1);
	fx_put(fx, ".cib.xml.sig.tmp.12345678", sig2, -1);
	fx_put(fx, "cib.xml", "v2", -1);
	assert_read_fails(fx->store, 0, -EBADMSG);
	assert_version(fx->store, 1, "v1"); /* the old version stays loadable meanwhile */
	fx_open(fx, 2);
	assert_version(fx->store, 0, "v2");
	assert_version(fx->store, 1, "v1");
	g_assert_false(fx_exists(fx, ".cib.xml.sig.tmp.12345678"));
	write_ok(fx->store, "v3");
	assert_version(fx->store, 1, "v2");
	assert_version(fx->store, 2, "v1");
	g_assert_cmpuint(fx_temps(fx), ==, 0);
}

/* Failure injection: the slot a rotation moves into is a (non-empty) directory. */
static void check_blocked_slot(store_fixture *fx, unsigned keep, const char *slot)
{
	g_autofree char *path = fx_path(fx, slot);
	g_autofree char *inner = g_build_filename(path, "f", NULL);
	int r;

	fx_open(fx, keep);
	for (unsigned i = 0; i < keep + 1; i++)
		write_ok(fx->store, i == keep ? "last good" : "older");
	g_assert_cmpint(g_unlink(path), ==, 0);
	g_assert_cmpint(g_mkdir(path, 0700), ==, 0);
	fx_put(fx, "cib.xml.sig.tmp.unused", "x", -1); /* not a temp name: must stay */
	g_assert_true(g_file_set_contents(inner, "x", -1, NULL));
	r = vigil_store_write(fx->store, "new", 3);
	g_test_message("write with %s a directory: %d (%s)", slot, r, g_strerror(-r));
	g_assert_cmpint(r, <, 0);
	assert_version(fx->store, 0, "last good");
	g_assert_cmpuint(fx_temps(fx), ==, 0);
	g_assert_true(fx_exists(fx, "cib.xml.sig.tmp.unused"));
	fx_open(fx, keep);
	assert_version(fx->store, 0, "last good");
}

static void test_fail_slot_dir_keep1(store_fixture *fx, gconstpointer data)
{
	(void)data;
	check_blocked_slot(fx, 1, "cib.xml.1");
}

static void test_fail_slot_dir_keep3(store_fixture *fx, gconstpointer data)
{
	(void)data;
	check_blocked_slot(fx, 3, "cib.xml.3");
}

/* Failure injection: a file where the store directory should be. */
static void test_fail_not_a_dir(store_fixture *fx, gconstpointer data)
{
	g_autofree char *file = fx_path(fx, "file");
	g_autofree char *below = fx_path(fx, "file/cib");
	vigil_store *store = (vigil_store *)SENTINEL;

	(void)data;
	fx_put(fx, "file", "not a directory", -1);
	g_assert_cmpint(vigil_store_open(file, 1, &store), ==, -ENOTDIR);
	g_assert_cmpint(vigil_store_open(below, 1, &store), <, 0);
	g_assert_true(store == (vigil_store *)SENTINEL);
}

/* Failure injection that works as root: a file size limit makes write() fail (after a
 * short write), so staging fails; the current version must stay readable. */
static void test_fail_file_size(store_fixture *fx, gconstpointer data)
{
	g_autofree char *big = g_strnfill(100000, 'x');
	struct rlimit old_lim, lim;
	void (*old_handler)(int);
	int r;

	(void)data;
	fx_open(fx, 2);
	write_ok(fx->store, "small");
	write_ok(fx->store, "small 2");
	g_assert_cmpint(getrlimit(RLIMIT_FSIZE, &old_lim), ==, 0);
	lim = old_lim;
	lim.rlim_cur = 1000;
	old_handler = signal(SIGXFSZ, SIG_IGN);
	g_assert_cmpint(setrlimit(RLIMIT_FSIZE, &lim), ==, 0);
	r = vigil_store_write(fx->store, big, strlen(big));
	g_assert_cmpint(setrlimit(RLIMIT_FSIZE, &old_lim), ==, 0);
	signal(SIGXFSZ, old_handler);
	g_assert_cmpint(r, ==, -EFBIG);
	assert_version(fx->store, 0, "small 2");
	assert_version(fx->store, 1, "small");
	g_assert_cmpuint(fx_temps(fx), ==, 0);
	write_ok(fx->store, big);
	assert_version(fx->store, 0, big);
}

/* Failure injection for unprivileged runs: a read-only store directory. */
static void test_fail_readonly(store_fixture *fx, gconstpointer data)
{
	(void)data;
	if (geteuid() == 0) {
		g_test_skip("root bypasses directory permissions");
		return;
	}
	fx_open(fx, 1);
	write_ok(fx->store, "before");
	g_assert_cmpint(g_chmod(fx->dir, 0500), ==, 0);
	g_assert_cmpint(vigil_store_write(fx->store, "after", 5), ==, -EACCES);
	g_assert_cmpint(g_chmod(fx->dir, 0700), ==, 0);
	assert_version(fx->store, 0, "before");
}

int main(int argc, char **argv)
{
	static const struct {
		const char *path;
		void (*fn)(store_fixture *, gconstpointer);
	} tests[] = {
		{ "/store/roundtrip", test_roundtrip },
		{ "/store/empty-store", test_empty_store },
		{ "/store/creates-dir", test_creates_dir },
		{ "/store/invalid-args", test_invalid_args },
		{ "/store/rotation", test_rotation },
		{ "/store/corrupt/truncated", test_truncated },
		{ "/store/corrupt/flipped-byte", test_flipped_byte },
		{ "/store/corrupt/missing-sig", test_missing_sig },
		{ "/store/corrupt/malformed-sig", test_malformed_sig },
		{ "/store/corrupt/empty-file", test_empty_file },
		{ "/store/crash/leftover-temp", test_leftover_temp },
		{ "/store/crash/recover", test_recover },
		{ "/store/fail/slot-is-dir-keep1", test_fail_slot_dir_keep1 },
		{ "/store/fail/slot-is-dir-keep3", test_fail_slot_dir_keep3 },
		{ "/store/fail/not-a-dir", test_fail_not_a_dir },
		{ "/store/fail/file-size-limit", test_fail_file_size },
		{ "/store/fail/readonly-dir", test_fail_readonly },
	};

	g_test_init(&argc, &argv, NULL);
	g_test_set_nonfatal_assertions();
	for (unsigned i = 0; i < G_N_ELEMENTS(tests); i++)
		g_test_add(tests[i].path, store_fixture, NULL, fx_setup, tests[i].fn, fx_teardown);
	return g_test_run();
}
