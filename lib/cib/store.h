/* The durable on-disk store of the CIB bytes: one directory holding the current version
 * (cib.xml), its digest (cib.xml.sig), and up to N previous versions (cib.xml.1 newest ...
 * cib.xml.N oldest, each with its own .sig).
 *
 * Every file is verified against its digest when read, so a corrupted, truncated or empty
 * file is reported (-EBADMSG), never returned. Writes are atomic: a crash at any point
 * leaves either the old or the new version loadable (an interrupted write is completed
 * when the store is next opened or written).
 *
 * A store is not thread-safe, and there must be a single writer per directory. */
#pragma once

#include <stddef.h>
#include <glib.h>

/* Upper bound for keep_versions. */
#define VIGIL_STORE_MAX_VERSIONS 1000u

typedef struct vigil_store vigil_store;

/* Opens (creating it with mode 0750 if missing) the store directory DIR; keep_versions >= 1
 * (at most VIGIL_STORE_MAX_VERSIONS) is how many previous versions to keep besides the
 * current one. Completes a write a crash interrupted. -EINVAL on bad arguments, -ENOTDIR
 * if DIR exists but is not a directory, else -errno of the failed system call. */
int vigil_store_open(const char *dir, unsigned keep_versions, vigil_store **ret_store);

/* Closes the store. Accepts NULL. */
void vigil_store_free(vigil_store *store);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(vigil_store, vigil_store_free)

/* Atomically replaces the current CIB with DATA (LEN bytes, LEN > 0): writes a temp file in
 * DIR, fsync()s it, rotates the previous current file into the version history (cib.xml.1 is
 * the newest old version ... cib.xml.N oldest; older are deleted), rename()s the temp file to
 * cib.xml, writes the digest file cib.xml.sig the same atomic way, and fsync()s the directory.
 * A crash at any point leaves either the old or the new version loadable.
 * Returns -EINVAL for empty data, else -errno of the failed system call; on failure before
 * the new file is in place the previous current version is untouched. */
int vigil_store_write(vigil_store *store, const char *data, size_t len);

/* Reads the current CIB. Verifies it against its digest (SHA-256 hex) in cib.xml.sig.
 * Returns -ENOENT if the store has no CIB yet, -EBADMSG if the file is truncated, empty,
 * or its digest does not match (corrupted) or the .sig is missing/malformed.
 * Never returns an empty buffer as success. *ret_data is NUL-terminated (it may contain
 * other NUL bytes; *ret_len is the real length). ret_len may be NULL. */
int vigil_store_read(vigil_store *store, char **ret_data, size_t *ret_len);

/* Reads old version N (1 = newest previous), same verification. -EINVAL if N is 0 or more
 * than keep_versions, -ENOENT if that version does not exist (yet). */
int vigil_store_read_version(vigil_store *store, unsigned n, char **ret_data, size_t *ret_len);

/* Number of previous versions currently kept (existing cib.xml.1 ... cib.xml.N). */
unsigned vigil_store_versions(const vigil_store *store);

/* Path of the current file (for messages). */
const char *vigil_store_path(const vigil_store *store);
