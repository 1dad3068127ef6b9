/* The durable on-disk store of the CIB bytes. See store.h.
 *
 * Layout of the store directory:
 *   cib.xml, cib.xml.sig            current version and its digest
 *   cib.xml.K, cib.xml.K.sig        previous version K (1 = newest)
 *   .cib.xml.*                      temp files; leftovers of a crash, removed by the next write
 *
 * A digest file holds "sha256:HEX len:N\n".
 *
 * Write protocol (all names relative to the directory, all files fsync()ed):
 *   1. stage: write .cib.xml.tmp.R (data) and .cib.xml.sig.tmp.R (digest), fsync the dir;
 *   2. rotate: cib.xml.N-1 -> cib.xml.N ... cib.xml.1 -> cib.xml.2 (with the .sig files),
 *      then hard-link cib.xml to cib.xml.1 (and cib.xml.sig to cib.xml.1.sig), so that
 *      cib.xml is never missing;
 *   3. rename the data temp file to cib.xml;
 *   4. rename the digest temp file to cib.xml.sig; fsync the dir.
 * A crash before 3 leaves the old version current. A crash between 3 and 4 leaves the new
 * data with the old digest: store_recover(), run by open and write, finds the staged
 * digest that matches cib.xml and completes step 4. A crash inside step 2 may leave one
 * history entry whose digest does not match; it is then reported as -EBADMSG, never
 * returned as the wrong content. */
#ifndef G_LOG_DOMAIN
#define G_LOG_DOMAIN "vigil-store"
#endif

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cib/store.h"
#include "common/fileio.h"

#define CIB_NAME "cib.xml"
#define SIG_SUFFIX ".sig"
#define CIB_SIG_NAME CIB_NAME SIG_SUFFIX
#define TEMP_PREFIX "." CIB_NAME "."	/* every temp file name starts with this */
#define DATA_TEMP_PREFIX TEMP_PREFIX "tmp."
#define SIG_TEMP_PREFIX TEMP_PREFIX "sig.tmp."
#define LINK_TEMP_NAME TEMP_PREFIX "link.tmp"
#define SIG_PREFIX "sha256:"
#define SIG_LEN_PREFIX " len:"
#define SHA256_HEX_LEN 64
#define SIG_MAX_SIZE 256
#define FILE_MODE 0600
#define DIR_MODE 0750
#define READ_CHUNK 16384
#define TEMP_ATTEMPTS 100

struct vigil_store {
	char *dir;
	char *path;	/* DIR/cib.xml */
	int dirfd;
	unsigned keep;
};

typedef int store_fd;
static void close_fd(int fd)
{
	(void)close(fd);
}
G_DEFINE_AUTO_CLEANUP_FREE_FUNC(store_fd, close_fd, -1)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(DIR, closedir)

/* --- system call helpers: 0 or -errno ------------------------------------------------- */


/* Closes *FD and reports a deferred write error. EINTR is not retried: the fd is gone. */
static int close_checked(int *fd)
{
	int r = close(*fd);

	*fd = -1;
	if (r < 0 && errno != EINTR)
		return -errno;
	return 0;
}

static int unlink_if_exists(int dirfd, const char *name)
{
	if (unlinkat(dirfd, name, 0) == 0 || errno == ENOENT)
		return 0;
	return -errno;
}

/* For error paths, where the first error is the one to report. */
static void unlink_quiet(int dirfd, const char *name)
{
	int r = unlink_if_exists(dirfd, name);

	if (r < 0)
		g_debug("cannot remove %s: %s", name, g_strerror(-r));
}

static bool exists_at(int dirfd, const char *name)
{
	struct stat st;

	return fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0;
}

static int rename_at(int dirfd, const char *from, const char *to)
{
	if (renameat(dirfd, from, dirfd, to) < 0)
		return -errno;
	return 0;
}

/* Reads all of NAME (relative to DIRFD), refusing more than MAX bytes with -EFBIG.
 * The result is NUL-terminated. */
static int read_file_at(int dirfd, const char *name, size_t max, char **ret_data,
			size_t *ret_len)
{
	g_auto(store_fd) fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	g_autoptr(GString) buf = NULL;

	if (fd < 0)
		return -errno;
	buf = g_string_sized_new(READ_CHUNK);
	for (;;) {
		char chunk[READ_CHUNK];
		ssize_t n = read(fd, chunk, sizeof(chunk));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			break;
		if ((size_t)n > max - buf->len)
			return -EFBIG;
		g_string_append_len(buf, chunk, n);
	}
	*ret_len = buf->len;
	*ret_data = g_string_free(g_steal_pointer(&buf), FALSE);
	return 0;
}

/* Creates a new empty file named PREFIX + random suffix in DIRFD, like mkostemp(). */
static int create_temp(int dirfd, const char *prefix, int *ret_fd, char **ret_name)
{
	for (int i = 0; i < TEMP_ATTEMPTS; i++) {
		g_autofree char *name = g_strdup_printf("%s%08" G_GINT32_MODIFIER "x", prefix,
							g_random_int());
		int fd = openat(dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOCTTY,
				FILE_MODE);

		if (fd >= 0) {
			*ret_fd = fd;
			*ret_name = g_steal_pointer(&name);
			return 0;
		}
		if (errno != EEXIST)
			return -errno;
	}
	return -EEXIST;
}

/* Writes BUF to a new fsync()ed temp file; removes it again on failure. */
static int write_temp(int dirfd, const char *prefix, const char *buf, size_t len,
		      char **ret_name)
{
	g_auto(store_fd) fd = -1;
	g_autofree char *name = NULL;
	int r;

	r = create_temp(dirfd, prefix, &fd, &name);
	if (r < 0)
		return r;
	r = vigil_write_all(fd, buf, len);
	if (r >= 0)
		r = vigil_fsync(fd);
	if (r >= 0)
		r = close_checked(&fd);
	if (r < 0) {
		unlink_quiet(dirfd, name);
		return r;
	}
	*ret_name = g_steal_pointer(&name);
	return 0;
}

/* Names of the directory entries that start with PREFIX. */
static int list_prefixed(int dirfd, const char *prefix, GPtrArray **ret_names)
{
	g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
	g_autoptr(DIR) d = NULL;
	int fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	struct dirent *de;

	if (fd < 0)
		return -errno;
	d = fdopendir(fd);
	if (!d) {
		int r = -errno;

		close_fd(fd);
		return r;
	}
	while ((errno = 0, de = readdir(d)))
		if (g_str_has_prefix(de->d_name, prefix))
			g_ptr_array_add(names, g_strdup(de->d_name));
	if (errno != 0)
		return -errno;
	*ret_names = g_steal_pointer(&names);
	return 0;
}

/* --- digests ---------------------------------------------------------------------------- */

static char *sha256_hex(const char *data, size_t len)
{
	g_autoptr(GChecksum) sum = g_checksum_new(G_CHECKSUM_SHA256);

	g_checksum_update(sum, (const guchar *)data, len);
	return g_strdup(g_checksum_get_string(sum));
}

static char *format_sig(const char *data, size_t len)
{
	g_autofree char *hex = sha256_hex(data, len);

	return g_strdup_printf(SIG_PREFIX "%s" SIG_LEN_PREFIX "%zu\n", hex, len);
}

static bool is_lower_hex(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!g_ascii_isdigit(s[i]) && !(s[i] >= 'a' && s[i] <= 'f'))
			return false;
	return true;
}

/* Parses "sha256:HEX len:N\n" strictly. SIG is NUL-terminated, SIG_LEN bytes long. */
static int parse_sig(const char *sig, size_t sig_len, char ret_hex[SHA256_HEX_LEN + 1],
		     guint64 *ret_len)
{
	const char *p = sig + strlen(SIG_PREFIX);
	char *end = NULL;
	guint64 n;

	if (strlen(sig) != sig_len || !g_str_has_prefix(sig, SIG_PREFIX))
		return -EBADMSG;
	if (strlen(p) < SHA256_HEX_LEN || !is_lower_hex(p, SHA256_HEX_LEN))
		return -EBADMSG;
	if (!g_str_has_prefix(p + SHA256_HEX_LEN, SIG_LEN_PREFIX))
		return -EBADMSG;
	p += SHA256_HEX_LEN + strlen(SIG_LEN_PREFIX);
	if (!g_ascii_isdigit(*p))
		return -EBADMSG;
	errno = 0;
	n = g_ascii_strtoull(p, &end, 10);
	if (errno != 0 || strcmp(end, "\n") != 0)
		return -EBADMSG;
	memcpy(ret_hex, sig + strlen(SIG_PREFIX), SHA256_HEX_LEN);
	ret_hex[SHA256_HEX_LEN] = '\0';
	*ret_len = n;
	return 0;
}

/* Checks DATA (the content of NAME) against the digest file SIG_NAME. */
static int check_sig(int dirfd, const char *name, const char *sig_name, const char *data,
		     size_t len)
{
	g_autofree char *sig = NULL;
	g_autofree char *hex = NULL;
	char want_hex[SHA256_HEX_LEN + 1];
	guint64 want_len;
	size_t sig_len;
	int r;

	r = read_file_at(dirfd, sig_name, SIG_MAX_SIZE, &sig, &sig_len);
	if (r == -ENOENT || r == -EFBIG)
		r = -EBADMSG;
	else if (r >= 0)
		r = parse_sig(sig, sig_len, want_hex, &want_len);
	if (r == -EBADMSG)
		g_debug("%s: digest file %s is missing or malformed", name, sig_name);
	if (r < 0)
		return r;
	if (len == 0 || want_len != len) {
		g_debug("%s: %s: %zu bytes, its digest is of %" G_GUINT64_FORMAT, name,
			len == 0 ? "empty" : len < want_len ? "truncated" : "wrong length", len,
			want_len);
		return -EBADMSG;
	}
	hex = sha256_hex(data, len);
	if (strcmp(hex, want_hex) != 0) {
		g_debug("%s: corrupted: its SHA-256 does not match %s", name, sig_name);
		return -EBADMSG;
	}
	return 0;
}

static int load_verified(const vigil_store *store, const char *name, const char *sig_name,
			 char **ret_data, size_t *ret_len)
{
	g_autofree char *data = NULL;
	size_t len;
	int r;

	r = read_file_at(store->dirfd, name, SIZE_MAX, &data, &len);
	if (r < 0)
		return r;
	r = check_sig(store->dirfd, name, sig_name, data, len);
	if (r < 0)
		return r;
	*ret_data = g_steal_pointer(&data);
	if (ret_len)
		*ret_len = len;
	return 0;
}

/* --- recovery and clean-up -------------------------------------------------------------- */

/* Installs the staged digest among SIG_TEMPS that matches DATA, if any. */
static int install_staged_sig(const vigil_store *store, const GPtrArray *sig_temps,
			      const char *data, size_t len)
{
	for (guint i = 0; i < sig_temps->len; i++) {
		const char *name = g_ptr_array_index(sig_temps, i);
		int r;

		if (check_sig(store->dirfd, CIB_NAME, name, data, len) < 0)
			continue;
		r = rename_at(store->dirfd, name, CIB_SIG_NAME);
		if (r >= 0)
			r = vigil_fsync(store->dirfd);
		g_debug("%s: completing an interrupted write: %s", store->path,
			r < 0 ? g_strerror(-r) : "done");
		return r;
	}
	return 0;
}

/* Completes a write interrupted between installing cib.xml and its digest (see the top
 * of this file). Best effort: a failure only means that reads keep reporting -EBADMSG. */
static void store_recover(const vigil_store *store)
{
	g_autofree char *data = NULL;
	g_autoptr(GPtrArray) sig_temps = NULL;
	size_t len;

	if (read_file_at(store->dirfd, CIB_NAME, SIZE_MAX, &data, &len) < 0)
		return;
	if (check_sig(store->dirfd, CIB_NAME, CIB_SIG_NAME, data, len) >= 0)
		return;
	if (list_prefixed(store->dirfd, SIG_TEMP_PREFIX, &sig_temps) < 0)
		return;
	(void)install_staged_sig(store, sig_temps, data, len);
}

/* Removes the temp files a crash left behind. */
static void remove_temps(const vigil_store *store)
{
	g_autoptr(GPtrArray) temps = NULL;

	if (list_prefixed(store->dirfd, TEMP_PREFIX, &temps) < 0)
		return;
	for (guint i = 0; i < temps->len; i++) {
		g_debug("%s: removing leftover %s", store->dir,
			(const char *)g_ptr_array_index(temps, i));
		unlink_quiet(store->dirfd, g_ptr_array_index(temps, i));
	}
}

/* --- rotation --------------------------------------------------------------------------- */

static char *version_name(unsigned n, bool sig)
{
	return g_strdup_printf(CIB_NAME ".%u%s", n, sig ? SIG_SUFFIX : "");
}

/* Renames FROM to TO; if FROM does not exist, removes TO so no stale file stays there. */
static int rename_or_drop(int dirfd, const char *from, const char *to)
{
	if (renameat(dirfd, from, dirfd, to) == 0)
		return 0;
	if (errno != ENOENT)
		return -errno;
	return unlink_if_exists(dirfd, to);
}

/* Atomically makes TO another name of FROM (or removes TO if FROM does not exist). */
static int link_or_drop(int dirfd, const char *from, const char *to)
{
	int r = unlink_if_exists(dirfd, LINK_TEMP_NAME);

	if (r < 0)
		return r;
	if (linkat(dirfd, from, dirfd, LINK_TEMP_NAME, 0) < 0)
		return errno == ENOENT ? unlink_if_exists(dirfd, to) : -errno;
	r = rename_at(dirfd, LINK_TEMP_NAME, to);
	/* Also needed on success: rename() of two links to one file does nothing. */
	unlink_quiet(dirfd, LINK_TEMP_NAME);
	return r;
}

/* Moves version N-1 (0 = current) to N, data and digest. */
static int shift_version(const vigil_store *store, unsigned n)
{
	g_autofree char *from = n > 1 ? version_name(n - 1, false) : g_strdup(CIB_NAME);
	g_autofree char *from_sig = n > 1 ? version_name(n - 1, true) : g_strdup(CIB_SIG_NAME);
	g_autofree char *to = version_name(n, false);
	g_autofree char *to_sig = version_name(n, true);
	int r;

	if (n == 1) {
		r = link_or_drop(store->dirfd, from, to);
		return r < 0 ? r : link_or_drop(store->dirfd, from_sig, to_sig);
	}
	r = rename_or_drop(store->dirfd, from, to);
	return r < 0 ? r : rename_or_drop(store->dirfd, from_sig, to_sig);
}

/* Removes the versions beyond KEEP (left by an earlier open with a larger keep_versions). */
static int prune_versions(const vigil_store *store)
{
	for (unsigned n = store->keep + 1; n <= VIGIL_STORE_MAX_VERSIONS; n++) {
		g_autofree char *name = version_name(n, false);
		g_autofree char *sig = version_name(n, true);
		int r;

		if (!exists_at(store->dirfd, name) && !exists_at(store->dirfd, sig))
			break;
		r = unlink_if_exists(store->dirfd, name);
		if (r >= 0)
			r = unlink_if_exists(store->dirfd, sig);
		if (r < 0)
			return r;
	}
	return 0;
}

static int rotate(const vigil_store *store)
{
	int r = prune_versions(store);

	for (unsigned n = store->keep; r >= 0 && n >= 1; n--)
		r = shift_version(store, n);
	return r;
}

/* --- public API ------------------------------------------------------------------------- */

int vigil_store_open(const char *dir, unsigned keep_versions, vigil_store **ret_store)
{
	g_autoptr(vigil_store) store = NULL;

	if (!dir || !*dir || !ret_store || keep_versions < 1 ||
	    keep_versions > VIGIL_STORE_MAX_VERSIONS)
		return -EINVAL;
	if (g_mkdir_with_parents(dir, DIR_MODE) < 0)
		return -errno;
	store = g_new0(vigil_store, 1);
	store->dirfd = -1;
	store->dir = g_strdup(dir);
	store->path = g_build_filename(dir, CIB_NAME, NULL);
	store->keep = keep_versions;
	store->dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (store->dirfd < 0)
		return -errno;
	store_recover(store);
	*ret_store = g_steal_pointer(&store);
	return 0;
}

void vigil_store_free(vigil_store *store)
{
	if (!store)
		return;
	if (store->dirfd >= 0)
		close_fd(store->dirfd);
	g_free(store->dir);
	g_free(store->path);
	g_free(store);
}

/* Step 1 of the write protocol: both temp files written, synced and in the directory. */
static int stage(const vigil_store *store, const char *data, size_t len, char **ret_data_tmp,
		 char **ret_sig_tmp)
{
	g_autofree char *sig = format_sig(data, len);
	g_autofree char *data_tmp = NULL;
	g_autofree char *sig_tmp = NULL;
	int r;

	r = write_temp(store->dirfd, DATA_TEMP_PREFIX, data, len, &data_tmp);
	if (r < 0)
		return r;
	r = write_temp(store->dirfd, SIG_TEMP_PREFIX, sig, strlen(sig), &sig_tmp);
	if (r >= 0)
		r = vigil_fsync(store->dirfd);
	if (r < 0) {
		unlink_quiet(store->dirfd, data_tmp);
		if (sig_tmp)
			unlink_quiet(store->dirfd, sig_tmp);
		return r;
	}
	*ret_data_tmp = g_steal_pointer(&data_tmp);
	*ret_sig_tmp = g_steal_pointer(&sig_tmp);
	return 0;
}

int vigil_store_write(vigil_store *store, const char *data, size_t len)
{
	g_autofree char *data_tmp = NULL;
	g_autofree char *sig_tmp = NULL;
	int r;

	if (!store || !data || len == 0)
		return -EINVAL;
	store_recover(store);
	remove_temps(store);
	r = stage(store, data, len, &data_tmp, &sig_tmp);
	if (r < 0)
		return r;
	r = rotate(store);
	if (r >= 0)
		r = rename_at(store->dirfd, data_tmp, CIB_NAME);
	if (r < 0) {
		g_debug("%s: write failed, keeping the current version: %s", store->path,
			g_strerror(-r));
		unlink_quiet(store->dirfd, data_tmp);
		unlink_quiet(store->dirfd, sig_tmp);
		return r;
	}
	/* The new data is current: on failure sig_tmp stays for store_recover(). */
	r = rename_at(store->dirfd, sig_tmp, CIB_SIG_NAME);
	if (r >= 0)
		r = vigil_fsync(store->dirfd);
	return r;
}

int vigil_store_read(vigil_store *store, char **ret_data, size_t *ret_len)
{
	if (!store || !ret_data)
		return -EINVAL;
	return load_verified(store, CIB_NAME, CIB_SIG_NAME, ret_data, ret_len);
}

int vigil_store_read_version(vigil_store *store, unsigned n, char **ret_data, size_t *ret_len)
{
	g_autofree char *name = NULL;
	g_autofree char *sig = NULL;

	if (!store || !ret_data || n < 1 || n > store->keep)
		return -EINVAL;
	name = version_name(n, false);
	sig = version_name(n, true);
	return load_verified(store, name, sig, ret_data, ret_len);
}

unsigned vigil_store_versions(const vigil_store *store)
{
	unsigned count = 0;

	if (!store)
		return 0;
	for (unsigned n = 1; n <= store->keep; n++) {
		g_autofree char *name = version_name(n, false);

		if (exists_at(store->dirfd, name))
			count++;
	}
	return count;
}

const char *vigil_store_path(const vigil_store *store)
{
	return store ? store->path : NULL;
}
