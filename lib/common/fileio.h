/* Small system-call helpers shared by the on-disk writers. 0 or -errno. */
#pragma once

#include <stddef.h>

/* Writes all LEN bytes of BUF to FD, retrying short writes and EINTR. */
int vigil_write_all(int fd, const char *buf, size_t len);
/* fsync()s FD, retrying EINTR. */
int vigil_fsync(int fd);
/* fsync()s the directory that holds PATH, so a rename() into it is durable. */
int vigil_fsync_parent(const char *path);
