#include "config.h"

#include <errno.h>
#include <poll.h>
#include <sys/socket.h>
#include <glib.h>

#include "fence/io.h"

int vigil_xvm_io(int fd, void *buf, size_t n, bool writing, int64_t deadline_ms)
{
	size_t done = 0;

	while (done < n) {
		struct pollfd p = { .fd = fd, .events = writing ? POLLOUT : POLLIN };
		int64_t left = deadline_ms - g_get_monotonic_time() / 1000;
		ssize_t k;

		if (left <= 0 || poll(&p, 1, (int)MIN(left, G_MAXINT)) <= 0)
			return -ETIMEDOUT;
		k = writing ? send(fd, (uint8_t *)buf + done, n - done, MSG_NOSIGNAL) :
			      recv(fd, (uint8_t *)buf + done, n - done, 0);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return k == 0 ? -ECONNRESET : -errno;
		done += (size_t)k;
	}
	return 0;
}
