/* Failures the platform reports as they happen, so that they are not left for the next
 * monitor: an address removed from an interface (rtnetlink) makes the resources that hold
 * it (an "ip" parameter, as IPaddr2's) run their monitor at once. */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <glib-unix.h>
#include <qb/qblog.h>

#include "daemons/vigild/vigild.h"

struct vigild_events {
	int fd;
	guint watch;
};

/* The address an RTM_DELADDR message removes, as text; false if it has none. */
static bool removed_address(const struct nlmsghdr *h, char *buf, size_t size)
{
	const struct ifaddrmsg *ifa = NLMSG_DATA(h);
	int len = (int)IFA_PAYLOAD(h);
	const void *addr = NULL;

	for (const struct rtattr *a = IFA_RTA(ifa); RTA_OK(a, len); a = RTA_NEXT(a, len)) {
		if (a->rta_type == IFA_LOCAL)
			addr = RTA_DATA(a);
		else if (a->rta_type == IFA_ADDRESS && addr == NULL)
			addr = RTA_DATA(a);
	}
	return addr != NULL && inet_ntop(ifa->ifa_family, addr, buf, (socklen_t)size) != NULL;
}

static gboolean netlink_ready(gint fd, GIOCondition cond, gpointer user)
{
	vigild *d = user;
	char buf[8192] __attribute__((aligned(NLMSG_ALIGNTO)));
	ssize_t n;

	while ((n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT)) > 0) {
		for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, (size_t)n);
		     h = NLMSG_NEXT(h, n)) {
			char addr[INET6_ADDRSTRLEN];

			if (h->nlmsg_type == RTM_DELADDR &&
			    h->nlmsg_len >= NLMSG_LENGTH(sizeof(struct ifaddrmsg)) &&
			    removed_address(h, addr, sizeof(addr)))
				vigild_exec_check_param(d, "ip", addr, "its address was removed");
		}
	}
	if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR &&
		       errno != ENOBUFS)) {
		qb_log(LOG_WARNING, "address events stopped (%s); failures are found by the "
		       "monitors alone.", n == 0 ? "closed" : g_strerror(errno));
		d->events->watch = 0;
		return G_SOURCE_REMOVE;
	}
	return G_SOURCE_CONTINUE;
}

void vigild_events_start(vigild *d)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK,
				  .nl_groups = RTMGRP_IPV4_IFADDR | RTMGRP_IPV6_IFADDR };
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, NETLINK_ROUTE);

	d->events = g_new0(struct vigild_events, 1);
	d->events->fd = -1;
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		qb_log(LOG_WARNING, "cannot follow address changes (%s); failures are found by the "
		       "monitors alone.", g_strerror(errno));
		if (fd >= 0)
			close(fd);
		return;
	}
	d->events->fd = fd;
	d->events->watch = g_unix_fd_add(fd, G_IO_IN, netlink_ready, d);
}

void vigild_events_stop(vigild *d)
{
	if (d->events == NULL)
		return;
	if (d->events->watch != 0)
		g_source_remove(d->events->watch);
	if (d->events->fd >= 0)
		close(d->events->fd);
	g_clear_pointer(&d->events, g_free);
}
