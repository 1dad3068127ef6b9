/* vigil-fenced: the fence daemon of a hypervisor host. It takes fence_xvm requests
 * (lib/fence/xvm.h) from fence_vigil or Debian's fence_xvm, on a multicast group or a tcp
 * port, and acts on libvirt domains. Unlike fence_virtd, every request is served by a
 * worker thread of its own: a slow reboot, a callback address that never answers or a
 * requester that stalls its challenge holds no other request back. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <glib.h>
#include <sys/socket.h>

#include "fence/xvm.h"

typedef struct fenced_group {
	char *name;
	GPtrArray *ips;       /* requester addresses, as text */
	GPtrArray *domains;   /* domain names or UUIDs ("uuid" entries) */
} fenced_group;

typedef struct fenced_conf {
	char *listener;       /* "multicast" or "tcp" */
	char *key_file;
	uint8_t *key;
	size_t key_len;
	vigil_xvm_hash hash, auth;
	int family;           /* AF_INET or AF_INET6 */
	char *address;        /* the group (multicast) or the address to listen on (tcp) */
	unsigned port;
	char *interface;      /* multicast: NULL for every interface */
	GPtrArray *uris;      /* libvirt connection URIs, in order */
	GPtrArray *groups;    /* fenced_group*; empty: no access control */
} fenced_conf;

/* Reads PATH. On a problem: -errno and one line saying what to do in *RET_ERROR. */
int fenced_conf_load(const char *path, fenced_conf **ret, char **ret_error);
void fenced_conf_free(fenced_conf *c);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(fenced_conf, fenced_conf_free)

/* Whether the groups let REQUESTER act on DOMAIN (no groups: anyone with the key may). */
bool fenced_conf_allows(const fenced_conf *c, const char *requester, const char *domain);

/* ---- the libvirt side ------------------------------------------------------------------ */

typedef struct fenced_backend fenced_backend;

/* Opens the connections of URIS; one that cannot be opened, or that goes down, is opened
 * again in the background, every second, while its requests fail at once. */
fenced_backend *fenced_backend_new(GPtrArray *uris);
void fenced_backend_free(fenced_backend *b);

/* The result byte of OP on DOMAIN (VIGIL_XVM_RESP_*); *RET_WHY says why when it failed.
 * Thread-safe. For VIGIL_XVM_HOSTLIST use fenced_backend_list(). */
int fenced_backend_do(fenced_backend *b, vigil_xvm_op op, const char *domain, char **ret_why);

typedef struct fenced_host {
	char name[64], uuid[64];
	uint8_t state;        /* libvirt's virDomainState */
} fenced_host;

/* Every domain of every connection, sorted by name (case-insensitive). -errno and
 * *RET_WHY when a connection cannot be read. */
int fenced_backend_list(fenced_backend *b, GArray **ret_hosts, char **ret_why);

/* ---- requests ---------------------------------------------------------------------------- */

typedef struct fenced fenced;

fenced *fenced_new(fenced_conf *conf, fenced_backend *backend);
void fenced_free(fenced *f);

/* A datagram from FROM (multicast listener): checked, then served by a worker. */
void fenced_datagram(fenced *f, const uint8_t *buf, size_t len, const char *from);
/* A tcp connection FD from PEER: its request read and served by a worker. */
void fenced_connection(fenced *f, int fd, const char *peer);

/* ---- logging ----------------------------------------------------------------------------- */

/* One line at syslog priority PRIO (LOG_ERR...), to standard error with a timestamp, and to
 * syslog when running in the background. Thread-safe. Debug lines only with -d. */
void fenced_log(int prio, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
