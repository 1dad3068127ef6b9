/* The libvirt side of vigil-fenced: honest answers. An unknown domain is a failure (not
 * "off", which would read as "fenced"); reboot powers an off domain on and fails if that
 * fails; monitor checks every connection. Called from worker threads. A connection that is
 * down is opened again by a thread of the backend's own, every second until libvirt
 * answers: a request never waits for a connection to open (it fails at once, saying
 * libvirt does not answer), so an unreachable libvirt holds no request back. */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <syslog.h>
#include <glib.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "daemons/vigil-fenced/fenced.h"

#define RECONNECT_EVERY_US G_USEC_PER_SEC

typedef struct conn {
	GMutex lock;         /* held only to read or swap c */
	char *uri;
	virConnectPtr c;
	bool said_down;      /* "does not answer" logged since it last answered */
} conn;

struct fenced_backend {
	conn *conns;
	guint n;
	GThread *reconnector;
	GMutex lock;         /* stopping, and the reconnector's sleep */
	GCond wake;
	bool stopping;
};

static void quiet(void *user, virErrorPtr e)
{
	/* libvirt's errors are read with virGetLastErrorMessage() where they matter */
}

/* Opens connection K if it has none; logs when it goes down and comes back. */
static void conn_open(conn *k)
{
	virConnectPtr fresh;
	bool need;

	g_mutex_lock(&k->lock);
	need = k->c == NULL;
	g_mutex_unlock(&k->lock);
	if (!need)
		return;
	fresh = virConnectOpen(k->uri); /* without the lock: it may take long */
	g_mutex_lock(&k->lock);
	if (fresh != NULL && k->c == NULL) {
		k->c = g_steal_pointer(&fresh);
		if (k->said_down)
			fenced_log(LOG_NOTICE, "libvirt at %s answers again", k->uri);
		k->said_down = false;
	} else if (fresh == NULL && !k->said_down) {
		const char *msg = virGetLastErrorMessage();

		fenced_log(LOG_WARNING, "libvirt at %s does not answer (%s): its requests fail "
			   "until it does; trying again every second", k->uri,
			   msg != NULL ? msg : "unknown libvirt error");
		k->said_down = true;
	}
	g_mutex_unlock(&k->lock);
	if (fresh != NULL)
		virConnectClose(fresh);
}

static gpointer reconnect_loop(gpointer user)
{
	fenced_backend *b = user;

	g_mutex_lock(&b->lock);
	while (!b->stopping) {
		g_mutex_unlock(&b->lock);
		for (guint i = 0; i < b->n; i++)
			conn_open(&b->conns[i]);
		g_mutex_lock(&b->lock);
		if (!b->stopping)
			g_cond_wait_until(&b->wake, &b->lock,
					  g_get_monotonic_time() + RECONNECT_EVERY_US);
	}
	g_mutex_unlock(&b->lock);
	return NULL;
}

fenced_backend *fenced_backend_new(GPtrArray *uris)
{
	fenced_backend *b = g_new0(fenced_backend, 1);

	virSetErrorFunc(NULL, quiet);
	b->n = uris->len;
	b->conns = g_new0(conn, MAX(b->n, 1));
	g_mutex_init(&b->lock);
	g_cond_init(&b->wake);
	for (guint i = 0; i < b->n; i++) {
		g_mutex_init(&b->conns[i].lock);
		b->conns[i].uri = g_strdup(uris->pdata[i]);
		conn_open(&b->conns[i]); /* the first try before serving: answers from the start */
	}
	b->reconnector = g_thread_new("libvirt-reconnect", reconnect_loop, b);
	return b;
}

void fenced_backend_free(fenced_backend *b)
{
	if (b == NULL)
		return;
	g_mutex_lock(&b->lock);
	b->stopping = true;
	g_cond_signal(&b->wake);
	g_mutex_unlock(&b->lock);
	g_thread_join(b->reconnector);
	for (guint i = 0; i < b->n; i++) {
		if (b->conns[i].c != NULL)
			virConnectClose(b->conns[i].c);
		g_free(b->conns[i].uri);
		g_mutex_clear(&b->conns[i].lock);
	}
	g_cond_clear(&b->wake);
	g_mutex_clear(&b->lock);
	g_free(b->conns);
	g_free(b);
}

/* Connection I if libvirt answers there (a reference the caller closes), else NULL at once:
 * a dead one is dropped, and the reconnector woken to open it again. */
static virConnectPtr conn_get(fenced_backend *b, guint i)
{
	conn *k = &b->conns[i];
	virConnectPtr c, dead = NULL;

	g_mutex_lock(&k->lock);
	if (k->c != NULL && virConnectIsAlive(k->c) != 1) {
		dead = k->c;
		k->c = NULL;
	}
	c = k->c;
	if (c != NULL)
		virConnectRef(c);
	g_mutex_unlock(&k->lock);
	if (c == NULL) {
		g_mutex_lock(&b->lock);
		g_cond_signal(&b->wake);
		g_mutex_unlock(&b->lock);
	}
	if (dead != NULL)
		virConnectClose(dead);
	return c;
}

static bool uuid_form(const char *s)
{
	if (strlen(s) != 36)
		return false;
	for (int i = 0; i < 36; i++)
		if ((i == 8 || i == 13 || i == 18 || i == 23) ? s[i] != '-' : !g_ascii_isxdigit(s[i]))
			return false;
	return true;
}

/* Connection I's C failed as a connection (libvirt went away): dropped, to be opened again
 * by the reconnector. */
static void conn_failed(fenced_backend *b, guint i, virConnectPtr c)
{
	conn *k = &b->conns[i];
	virConnectPtr dead = NULL;

	g_mutex_lock(&k->lock);
	if (k->c == c) {
		dead = k->c;
		k->c = NULL;
	}
	g_mutex_unlock(&k->lock);
	g_mutex_lock(&b->lock);
	g_cond_signal(&b->wake);
	g_mutex_unlock(&b->lock);
	if (dead != NULL)
		virConnectClose(dead);
}

/* DOMAIN by UUID (when it has that form) or name, on the first connection that has it. */
static virDomainPtr lookup(fenced_backend *b, const char *domain, char **ret_why)
{
	g_autoptr(GString) down = g_string_new(NULL);

	for (guint i = 0; i < b->n; i++) {
		virConnectPtr c = conn_get(b, i);
		virDomainPtr d;

		if (c == NULL) {
			g_string_append_printf(down, "%s%s", down->len > 0 ? ", " : "", b->conns[i].uri);
			continue;
		}
		d = uuid_form(domain) ? virDomainLookupByUUIDString(c, domain) :
					virDomainLookupByName(c, domain);
		if (d == NULL && virGetLastErrorCode() != VIR_ERR_NO_DOMAIN) {
			/* not "no such domain": the connection itself (libvirtd went away) */
			g_string_append_printf(down, "%s%s", down->len > 0 ? ", " : "", b->conns[i].uri);
			conn_failed(b, i, c);
		}
		virConnectClose(c);
		if (d != NULL)
			return d;
	}
	*ret_why = down->len > 0 ?
			   g_strdup_printf("no domain '%s' where libvirt answers, and %s does not "
					   "answer", domain, down->str) :
			   g_strdup_printf("no domain '%s' (a name is case-sensitive)", domain);
	return NULL;
}

static int state_of(virDomainPtr d)
{
	int state = -1, reason;

	if (virDomainGetState(d, &state, &reason, 0) < 0)
		return -1;
	return state;
}

static int fail_with(char **ret_why, const char *what, virDomainPtr d)
{
	const char *msg = virGetLastErrorMessage();

	*ret_why = g_strdup_printf("%s of '%s' failed: %s", what, virDomainGetName(d),
				   msg != NULL ? msg : "unknown libvirt error");
	return VIGIL_XVM_RESP_FAIL;
}

static int power_off(virDomainPtr d, char **ret_why)
{
	if (state_of(d) == VIR_DOMAIN_SHUTOFF)
		return VIGIL_XVM_RESP_SUCCESS;
	if (virDomainDestroy(d) < 0 && state_of(d) != VIR_DOMAIN_SHUTOFF)
		return fail_with(ret_why, "off", d);
	return VIGIL_XVM_RESP_SUCCESS;
}

static int power_on(virDomainPtr d, char **ret_why)
{
	int s = state_of(d);

	if (s != VIR_DOMAIN_SHUTOFF && s >= 0)
		return VIGIL_XVM_RESP_SUCCESS;
	if (virDomainCreate(d) < 0)
		return fail_with(ret_why, "power on", d);
	return VIGIL_XVM_RESP_SUCCESS;
}

/* Off, then on again. A transient domain is gone once destroyed: it is started again from
 * the definition it had. */
static int reboot(virDomainPtr d, char **ret_why)
{
	g_autofree char *xml = virDomainGetXMLDesc(d, VIR_DOMAIN_XML_SECURE);
	int persistent = virDomainIsPersistent(d);
	int r = power_off(d, ret_why);
	virDomainPtr again;

	if (r != VIGIL_XVM_RESP_SUCCESS)
		return r;
	if (persistent == 1)
		return power_on(d, ret_why);
	again = xml != NULL ? virDomainCreateXML(virDomainGetConnect(d), xml, 0) : NULL;
	if (again == NULL)
		return fail_with(ret_why, "power on (transient domain)", d);
	virDomainFree(again);
	return VIGIL_XVM_RESP_SUCCESS;
}

static int monitor(fenced_backend *b, char **ret_why)
{
	for (guint i = 0; i < b->n; i++) {
		virConnectPtr c = conn_get(b, i);

		if (c == NULL || virConnectGetLibVersion(c, &(unsigned long){ 0 }) < 0) {
			*ret_why = g_strdup_printf("libvirt at %s does not answer", b->conns[i].uri);
			if (c != NULL) {
				conn_failed(b, i, c);
				virConnectClose(c);
			}
			return VIGIL_XVM_RESP_FAIL;
		}
		virConnectClose(c);
	}
	return VIGIL_XVM_RESP_SUCCESS;
}

int fenced_backend_do(fenced_backend *b, vigil_xvm_op op, const char *domain, char **ret_why)
{
	virDomainPtr d;
	int r;

	if (op == VIGIL_XVM_DEVSTATUS)
		return monitor(b, ret_why);
	if (op == VIGIL_XVM_NULL) {
		*ret_why = g_strdup("the null operation does nothing, as fence_virtd's");
		return VIGIL_XVM_RESP_FAIL;
	}
	d = lookup(b, domain, ret_why);
	if (d == NULL)
		return VIGIL_XVM_RESP_FAIL;
	switch (op) {
	case VIGIL_XVM_STATUS:
		r = state_of(d);
		r = r < 0 ? fail_with(ret_why, "status", d) :
		    r == VIR_DOMAIN_SHUTOFF ? VIGIL_XVM_RESP_OFF : VIGIL_XVM_RESP_SUCCESS;
		break;
	case VIGIL_XVM_OFF:
		r = power_off(d, ret_why);
		break;
	case VIGIL_XVM_ON:
		r = power_on(d, ret_why);
		break;
	case VIGIL_XVM_REBOOT:
		r = reboot(d, ret_why);
		break;
	default:
		*ret_why = g_strdup("not an operation on one domain");
		r = VIGIL_XVM_RESP_FAIL;
	}
	virDomainFree(d);
	return r;
}

static gint by_name(gconstpointer a, gconstpointer b)
{
	return g_ascii_strcasecmp(((const fenced_host *)a)->name, ((const fenced_host *)b)->name);
}

int fenced_backend_list(fenced_backend *b, GArray **ret_hosts, char **ret_why)
{
	g_autoptr(GArray) hosts = g_array_new(FALSE, TRUE, sizeof(fenced_host));

	for (guint i = 0; i < b->n; i++) {
		virConnectPtr c = conn_get(b, i);
		virDomainPtr *doms = NULL;
		int n;

		if (c == NULL) {
			*ret_why = g_strdup_printf("libvirt at %s does not answer", b->conns[i].uri);
			return -ECONNREFUSED;
		}
		n = virConnectListAllDomains(c, &doms, 0);
		if (n < 0) {
			*ret_why = g_strdup_printf("libvirt at %s does not answer", b->conns[i].uri);
			conn_failed(b, i, c);
			virConnectClose(c);
			return -ECONNREFUSED;
		}
		for (int k = 0; k < n; k++) {
			fenced_host h = { 0 };
			char uuid[VIR_UUID_STRING_BUFLEN];
			int s = state_of(doms[k]);

			g_strlcpy(h.name, virDomainGetName(doms[k]), sizeof(h.name));
			if (virDomainGetUUIDString(doms[k], uuid) == 0)
				g_strlcpy(h.uuid, uuid, sizeof(h.uuid));
			h.state = (uint8_t)(s < 0 ? 0 : s);
			g_array_append_val(hosts, h);
			virDomainFree(doms[k]);
		}
		free(doms);
		virConnectClose(c);
	}
	g_array_sort(hosts, by_name);
	*ret_hosts = g_steal_pointer(&hosts);
	return 0;
}
