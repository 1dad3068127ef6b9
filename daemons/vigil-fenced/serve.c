/* Serving fence requests: each by a worker thread of its own, so that a slow reboot, a
 * callback address that never answers or a requester that stalls its challenge holds no
 * other request back (fence_virtd serves one at a time). The replay window is
 * fence_virtd's: a request served is not served again for 10 s. Copies of a request with
 * the same callback address (retransmissions) are dropped while one is in flight; copies
 * with other callback addresses (fence_xvm sends one per interface) are tried at once, and
 * the requester takes the first callback that reaches it. */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <syslog.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <glib.h>

#include "daemons/vigil-fenced/fenced.h"
#include "fence/io.h"

#define REPLAY_WINDOW_US (10 * G_USEC_PER_SEC)
#define CONNECT_TIMEOUT_MS 5000
#define STEP_TIMEOUT_MS 10000
#define MAX_WORKERS 64

struct fenced {
	fenced_conf *conf;
	fenced_backend *backend;
	GThreadPool *pool;
	GMutex lock;
	GHashTable *inflight;     /* replay key -> NULL */
	GHashTable *served;       /* replay key -> expiry (gint64 *, monotonic) */
};

typedef struct job {
	fenced *f;
	vigil_xvm_req req;
	bool have_req;            /* multicast: read already; tcp: read by the worker */
	char *requester;
	char *key;                /* replay key, once known */
	char *flight;             /* the same with the callback address */
	int fd;                   /* tcp: the connection; multicast: -1 until the callback */
} job;

static void job_free(job *j)
{
	if (j->fd >= 0)
		close(j->fd);
	g_free(j->requester);
	g_free(j->key);
	g_free(j->flight);
	g_free(j);
}

static char *replay_key(const vigil_xvm_req *r)
{
	g_autofree char *lower = g_ascii_strdown(r->domain, -1);

	return g_strdup_printf("%d/%u/%s", r->op, r->seqno, lower);
}

/* Sets J's keys; false (and none kept) when a copy is in flight or it was served lately. */
static bool claim(fenced *f, job *j)
{
	char addr[INET6_ADDRSTRLEN] = "";
	const char *key, *flight;
	gint64 now = g_get_monotonic_time();
	gint64 *until;
	bool ok;

	if (j->req.family != 0)
		inet_ntop(j->req.family, j->req.address, addr, sizeof(addr));
	j->key = replay_key(&j->req);
	j->flight = g_strdup_printf("%s/%s/%u", j->key, addr, j->req.port);
	key = j->key;
	flight = j->flight;
	g_mutex_lock(&f->lock);
	until = g_hash_table_lookup(f->served, key);
	if (until != NULL && *until <= now) {
		g_hash_table_remove(f->served, key);
		until = NULL;
	}
	ok = until == NULL && !g_hash_table_contains(f->inflight, flight);
	if (ok)
		g_hash_table_add(f->inflight, g_strdup(flight));
	g_mutex_unlock(&f->lock);
	if (!ok) {
		g_clear_pointer(&j->key, g_free);
		g_clear_pointer(&j->flight, g_free);
	}
	return ok;
}

static void release(fenced *f, const job *j, bool served)
{
	gint64 *until = g_new(gint64, 1);

	*until = g_get_monotonic_time() + REPLAY_WINDOW_US;
	g_mutex_lock(&f->lock);
	g_hash_table_remove(f->inflight, j->flight);
	if (served)
		g_hash_table_insert(f->served, g_strdup(j->key), until);
	else
		g_free(until);
	g_mutex_unlock(&f->lock);
}

/* ---- I/O with deadlines ------------------------------------------------------------------- */

/* vigil_xvm_io() within TIMEOUT_MS from now. */
static int io_full(int fd, void *buf, size_t n, bool writing, int timeout_ms)
{
	return vigil_xvm_io(fd, buf, n, writing, g_get_monotonic_time() / 1000 + timeout_ms);
}

/* The callback to the requester's address and port, within 5 s. */
static int call_back(const vigil_xvm_req *r)
{
	struct sockaddr_storage ss = { 0 };
	socklen_t len;
	struct pollfd p;
	int fd, err = 0;
	socklen_t elen = sizeof(err);

	if (r->family == AF_INET) {
		struct sockaddr_in *a = (struct sockaddr_in *)&ss;

		a->sin_family = AF_INET;
		a->sin_port = htons(r->port);
		memcpy(&a->sin_addr, r->address, 4);
		len = sizeof(*a);
	} else {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;

		a->sin6_family = AF_INET6;
		a->sin6_port = htons(r->port);
		memcpy(&a->sin6_addr, r->address, 16);
		len = sizeof(*a);
	}
	fd = socket(r->family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&ss, len) < 0 && errno != EINPROGRESS) {
		err = errno;
		close(fd);
		return -err;
	}
	p = (struct pollfd){ .fd = fd, .events = POLLOUT };
	if (poll(&p, 1, CONNECT_TIMEOUT_MS) <= 0) {
		close(fd);
		return -ETIMEDOUT;
	}
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &elen) < 0 || err != 0) {
		close(fd);
		return -(err != 0 ? err : EIO);
	}
	return fd;
}

/* The requester challenges first, then this side (fence_xvm's order). 0 or -EPERM. */
static int challenge(const fenced_conf *c, int fd)
{
	uint8_t theirs[VIGIL_XVM_CHALLENGE_SIZE], answer[VIGIL_XVM_HASH_SIZE];
	uint8_t mine[VIGIL_XVM_CHALLENGE_SIZE], reply[VIGIL_XVM_HASH_SIZE];
	int r;

	if (c->auth == VIGIL_XVM_HASH_NONE)
		return 0;
	if ((r = io_full(fd, theirs, sizeof(theirs), false, STEP_TIMEOUT_MS)) < 0)
		return r;
	vigil_xvm_digest(c->auth, c->key, c->key_len, theirs, sizeof(theirs), answer);
	if (getrandom(mine, sizeof(mine), 0) != (ssize_t)sizeof(mine))
		return -EIO;
	if ((r = io_full(fd, answer, sizeof(answer), true, STEP_TIMEOUT_MS)) < 0 ||
	    (r = io_full(fd, mine, sizeof(mine), true, STEP_TIMEOUT_MS)) < 0 ||
	    (r = io_full(fd, reply, sizeof(reply), false, STEP_TIMEOUT_MS)) < 0)
		return r;
	return vigil_xvm_answer_ok(c->auth, c->key, c->key_len, mine, reply) ? 0 : -EPERM;
}

/* ---- the operations ------------------------------------------------------------------- */

static int send_list(fenced *f, const job *j, char **ret_why)
{
	g_autoptr(GArray) hosts = NULL;
	uint8_t rec[VIGIL_XVM_HOST_SIZE], head = VIGIL_XVM_RESP_HOSTLIST;
	uint8_t ok = VIGIL_XVM_RESP_SUCCESS;
	int r;

	if (fenced_backend_list(f->backend, &hosts, ret_why) < 0)
		return VIGIL_XVM_RESP_FAIL;
	if ((r = io_full(j->fd, &head, 1, true, STEP_TIMEOUT_MS)) < 0)
		return r;
	for (guint i = 0; i < hosts->len; i++) {
		const fenced_host *h = &g_array_index(hosts, fenced_host, i);

		if (!fenced_conf_allows(f->conf, j->requester, h->name) &&
		    !fenced_conf_allows(f->conf, j->requester, h->uuid))
			continue;
		vigil_xvm_host_encode(h->name, h->uuid, h->state, rec);
		if ((r = io_full(j->fd, rec, sizeof(rec), true, STEP_TIMEOUT_MS)) < 0)
			return r;
	}
	memset(rec, 0, sizeof(rec));
	if ((r = io_full(j->fd, rec, sizeof(rec), true, STEP_TIMEOUT_MS)) < 0)
		return r;
	io_full(j->fd, &ok, 1, true, 1000); /* fence_xvm does not read it: no error if it is gone */
	return VIGIL_XVM_RESP_HOSTLIST;
}

static const char *result_text(int r)
{
	switch (r) {
	case VIGIL_XVM_RESP_SUCCESS: return "success";
	case VIGIL_XVM_RESP_OFF: return "off";
	case VIGIL_XVM_RESP_PERM: return "permission denied";
	case VIGIL_XVM_RESP_HOSTLIST: return "listed";
	default: return "failed";
	}
}

/* After the challenge: the operation, its answer, its log line. */
static void act(fenced *f, job *j)
{
	const vigil_xvm_req *r = &j->req;
	g_autofree char *why = NULL;
	gint64 t0 = g_get_monotonic_time();
	int result;
	uint8_t byte;

	if (r->op != VIGIL_XVM_HOSTLIST && r->op != VIGIL_XVM_DEVSTATUS && r->op != VIGIL_XVM_NULL &&
	    !fenced_conf_allows(f->conf, j->requester, r->domain)) {
		result = VIGIL_XVM_RESP_PERM;
		why = g_strdup("no group lets this requester act on this domain");
	} else if (r->op == VIGIL_XVM_HOSTLIST) {
		result = send_list(f, j, &why);
	} else {
		result = fenced_backend_do(f->backend, r->op, r->domain, &why);
	}
	if (result >= 0 && result != VIGIL_XVM_RESP_HOSTLIST) {
		byte = (uint8_t)result;
		io_full(j->fd, &byte, 1, true, STEP_TIMEOUT_MS);
	}
	fenced_log(result == VIGIL_XVM_RESP_FAIL || result == VIGIL_XVM_RESP_PERM || result < 0 ?
			   LOG_WARNING : LOG_NOTICE,
		   "%s%s%s for %s: %s%s%s (%" G_GINT64_FORMAT " ms)", vigil_xvm_op_name(r->op),
		   r->domain[0] != '\0' ? " of " : "", r->domain, j->requester,
		   result < 0 ? "the requester went away" : result_text(result),
		   why != NULL ? " - " : "", why != NULL ? why : "",
		   (g_get_monotonic_time() - t0) / 1000);
}

/* A tcp requester's datagram, read by its worker. */
static bool read_request(fenced *f, job *j)
{
	uint8_t buf[VIGIL_XVM_REQ_SIZE];
	int r;

	if (io_full(j->fd, buf, sizeof(buf), false, STEP_TIMEOUT_MS) < 0)
		return false;
	r = vigil_xvm_req_decode(buf, sizeof(buf), f->conf->key, f->conf->key_len, f->conf->hash,
				 &j->req);
	if (r < 0)
		fenced_log(LOG_INFO, "dropped a request from %s: %s", j->requester,
			   r == -EPERM ? "not signed with this host's key (or a weaker hash)" :
					 "not a fence_xvm request");
	return r == 0;
}

static void work(gpointer data, gpointer user)
{
	job *j = data;
	fenced *f = user;
	bool served = false;
	int r;

	if (!j->have_req) {
		if (!read_request(f, j) || !claim(f, j))
			goto out;
	}
	if (j->fd < 0) {
		j->fd = call_back(&j->req);
		if (j->fd < 0) {
			fenced_log(LOG_WARNING, "%s of '%s' for %s: no callback to port %u (%s); "
				   "nothing done", vigil_xvm_op_name(j->req.op), j->req.domain,
				   j->requester, j->req.port, g_strerror(-j->fd));
			goto out;
		}
	}
	r = challenge(f->conf, j->fd);
	if (r < 0) {
		fenced_log(LOG_WARNING, "%s of '%s' for %s: %s; nothing done",
			   vigil_xvm_op_name(j->req.op), j->req.domain, j->requester,
			   r == -EPERM ? "the requester failed the challenge (another key?)" :
					 "the challenge did not complete");
		goto out;
	}
	served = true;
	act(f, j);
out:
	if (j->key != NULL)
		release(f, j, served);
	job_free(j);
}

/* ---- the entry points ------------------------------------------------------------------ */

fenced *fenced_new(fenced_conf *conf, fenced_backend *backend)
{
	fenced *f = g_new0(fenced, 1);

	f->conf = conf;
	f->backend = backend;
	g_mutex_init(&f->lock);
	f->inflight = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	f->served = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	f->pool = g_thread_pool_new(work, f, MAX_WORKERS, FALSE, NULL);
	return f;
}

void fenced_free(fenced *f)
{
	if (f == NULL)
		return;
	g_thread_pool_free(f->pool, FALSE, TRUE);
	g_hash_table_unref(f->inflight);
	g_hash_table_unref(f->served);
	g_mutex_clear(&f->lock);
	g_free(f);
}

void fenced_datagram(fenced *f, const uint8_t *buf, size_t len, const char *from)
{
	job *j = g_new0(job, 1);
	char addr[INET6_ADDRSTRLEN] = "";
	int r;

	j->f = f;
	j->fd = -1;
	r = vigil_xvm_req_decode(buf, len, f->conf->key, f->conf->key_len, f->conf->hash, &j->req);
	if (r < 0) {
		fenced_log(LOG_DEBUG, "dropped a datagram from %s: %s", from,
			   r == -EPERM ? "not signed with this host's key (or a weaker hash)" :
					 "not a fence_xvm request");
		job_free(j);
		return;
	}
	if (j->req.family == 0) {
		fenced_log(LOG_INFO, "dropped a request from %s: it has no callback address",
			   from);
		job_free(j);
		return;
	}
	/* the requester is who the request says it is: the callback goes there */
	inet_ntop(j->req.family, j->req.address, addr, sizeof(addr));
	j->requester = g_strdup(addr);
	j->have_req = true;
	if (!claim(f, j)) {
		fenced_log(LOG_DEBUG, "dropped a copy of a request from %s (served lately, or "
			   "in flight)", from);
		job_free(j);
		return;
	}
	g_thread_pool_push(f->pool, j, NULL);
}

void fenced_connection(fenced *f, int fd, const char *peer)
{
	job *j = g_new0(job, 1);

	j->f = f;
	j->fd = fd;
	j->requester = g_strdup(peer);
	g_thread_pool_push(f->pool, j, NULL);
}
