/* Whole reads and writes on the callback connection of the fence_xvm protocol, for both
 * its ends (fence_vigil and vigil-fenced): a challenge, an answer, a host record. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Reads (or, WRITING, writes) all N bytes of BUF on FD before DEADLINE_MS (on the
 * monotonic clock, in ms: g_get_monotonic_time() / 1000). 0, -ETIMEDOUT, -ECONNRESET (the
 * peer closed), or another -errno. */
int vigil_xvm_io(int fd, void *buf, size_t n, bool writing, int64_t deadline_ms);
