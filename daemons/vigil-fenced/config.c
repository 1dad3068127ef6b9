/* fence_virt.conf as vigil-fenced reads it: fence_virtd's keys and defaults, and a clear
 * line for each problem instead of a silent fallback. */
#include "config.h"

#include <errno.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <arpa/inet.h>
#include <glib.h>

#include "daemons/vigil-fenced/fenced.h"
#include "fence/conf.h"

#define DEFAULT_KEY "/etc/cluster/fence_xvm.key"

static void group_free(fenced_group *g)
{
	g_free(g->name);
	g_ptr_array_unref(g->ips);
	g_ptr_array_unref(g->domains);
	g_free(g);
}

void fenced_conf_free(fenced_conf *c)
{
	if (c == NULL)
		return;
	g_free(c->listener);
	g_free(c->key_file);
	g_free(c->key);
	g_free(c->address);
	g_free(c->interface);
	g_ptr_array_unref(c->uris);
	g_ptr_array_unref(c->groups);
	g_free(c);
}

static int complain(char **ret_error, int r, const char *fmt, ...) G_GNUC_PRINTF(3, 4);
static int complain(char **ret_error, int r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	*ret_error = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	return r;
}

static const char *get_or(const vigil_fconf *f, const char *path, const char *def)
{
	const char *v = vigil_fconf_get(f, path);

	return v != NULL ? v : def;
}

/* The key: it must exist, be readable by root alone, and not be empty. Never chmod'ed. */
static int load_key(fenced_conf *c, char **ret_error)
{
	struct stat st;
	int r;

	if (stat(c->key_file, &st) < 0)
		return complain(ret_error, -errno, "the key file %s: %s; create it with 'dd "
				"if=/dev/urandom of=%s bs=4096 count=1 && chmod 600 %s' and copy "
				"it to the nodes", c->key_file, g_strerror(errno), c->key_file,
				c->key_file);
	if (st.st_mode & (S_IRWXG | S_IRWXO))
		return complain(ret_error, -EPERM, "the key file %s can be read by others "
				"(mode %04o); run 'chmod 600 %s'", c->key_file,
				(unsigned)(st.st_mode & 07777), c->key_file);
	r = vigil_xvm_key_load(c->key_file, &c->key, &c->key_len);
	if (r < 0)
		return complain(ret_error, r, "the key file %s: %s", c->key_file,
				r == -ENODATA ? "it is empty" : g_strerror(-r));
	return 0;
}

static int read_listener(fenced_conf *c, const vigil_fconf *f, char **ret_error)
{
	g_autofree char *base = g_strdup_printf("listeners/%s", c->listener);
	g_autofree char *p = NULL;
	const char *family, *port;
	char *end;
	unsigned long n;

#define L(key) (g_free(p), p = g_strdup_printf("%s/@%s", base, key), p)
	if (strcmp(c->listener, "multicast") != 0 && strcmp(c->listener, "tcp") != 0)
		return complain(ret_error, -ENOTSUP, "listener \"%s\" is not served by "
				"vigil-fenced; use \"multicast\" or \"tcp\"", c->listener);
	c->key_file = g_strdup(get_or(f, L("key_file"), DEFAULT_KEY));
	if (vigil_xvm_hash_parse(get_or(f, L("hash"), "sha256"), &c->hash) < 0 ||
	    vigil_xvm_hash_parse(get_or(f, L("auth"), "sha256"), &c->auth) < 0)
		return complain(ret_error, -EINVAL, "%s: hash and auth must be none, sha1, sha256 "
				"or sha512", base);
	family = get_or(f, L("family"), "ipv4");
	c->family = strcmp(family, "ipv6") == 0 ? AF_INET6 : AF_INET;
	if (strcmp(family, "ipv4") != 0 && strcmp(family, "ipv6") != 0)
		return complain(ret_error, -EINVAL, "%s: family must be ipv4 or ipv6, not \"%s\"",
				base, family);
	c->address = g_strdup(get_or(f, L("address"),
				     strcmp(c->listener, "tcp") == 0 ?
					     (c->family == AF_INET ? "127.0.0.1" : "::1") :
					     (c->family == AF_INET ? VIGIL_XVM_GROUP_V4 :
							      VIGIL_XVM_GROUP_V6)));
	{
		uint8_t buf[16];

		if (inet_pton(c->family, c->address, buf) != 1)
			return complain(ret_error, -EINVAL, "%s: address \"%s\" is not an %s "
					"address", base, c->address, family);
	}
	port = get_or(f, L("port"), "1229");
	n = strtoul(port, &end, 10);
	if (*end != '\0' || n == 0 || n > 65535)
		return complain(ret_error, -EINVAL, "%s: port must be a number from 1 to 65535, "
				"not \"%s\"", base, port);
	c->port = (unsigned)n;
	if (vigil_fconf_get(f, L("interface")) != NULL) {
		c->interface = g_strdup(vigil_fconf_get(f, p));
		if (if_nametoindex(c->interface) == 0)
			return complain(ret_error, -ENODEV, "%s: interface \"%s\" does not exist "
					"here (fence_virtd would listen on every interface "
					"instead); fix it or remove it", base, c->interface);
	}
#undef L
	return 0;
}

static void read_groups(fenced_conf *c, const vigil_fconf *f)
{
	unsigned n = vigil_fconf_count(f, "groups/group");

	for (unsigned i = 1; i <= n; i++) {
		fenced_group *g = g_new0(fenced_group, 1);
		g_autofree char *name = g_strdup_printf("groups/group[%u]/@name", i);
		g_autofree char *ips = g_strdup_printf("groups/group[%u]/@ip", i);
		g_autofree char *uuids = g_strdup_printf("groups/group[%u]/@uuid", i);

		g->name = g_strdup(get_or(f, name, ""));
		g->ips = g_ptr_array_new_with_free_func(g_free);
		g->domains = g_ptr_array_new_with_free_func(g_free);
		for (unsigned k = 1; k <= vigil_fconf_count(f, ips); k++) {
			g_autofree char *at = g_strdup_printf("%s[%u]", ips, k);

			g_ptr_array_add(g->ips, g_strdup(vigil_fconf_get(f, at)));
		}
		for (unsigned k = 1; k <= vigil_fconf_count(f, uuids); k++) {
			g_autofree char *at = g_strdup_printf("%s[%u]", uuids, k);

			g_ptr_array_add(g->domains, g_strdup(vigil_fconf_get(f, at)));
		}
		g_ptr_array_add(c->groups, g);
	}
}

static int read_backend(fenced_conf *c, const vigil_fconf *f, char **ret_error)
{
	const char *backend = get_or(f, "fence_virtd/@backend", "libvirt");
	static const char *const keys[] = { "uri", "uri1", "uri2", "uri3", "uri4", "uri5",
					    "uri6", "uri7", "uri8", "uri9" };

	if (strcmp(backend, "libvirt") != 0)
		return complain(ret_error, -ENOTSUP, "backend \"%s\" is not served by "
				"vigil-fenced; use \"libvirt\"", backend);
	for (size_t i = 0; i < G_N_ELEMENTS(keys); i++) {
		g_autofree char *path = g_strdup_printf("backends/libvirt/@%s", keys[i]);
		unsigned n = vigil_fconf_count(f, path);

		for (unsigned k = 1; k <= n; k++) {
			g_autofree char *at = g_strdup_printf("%s[%u]", path, k);

			g_ptr_array_add(c->uris, g_strdup(vigil_fconf_get(f, at)));
		}
	}
	if (c->uris->len == 0)
		g_ptr_array_add(c->uris, g_strdup("qemu:///system"));
	return 0;
}

int fenced_conf_load(const char *path, fenced_conf **ret, char **ret_error)
{
	g_autoptr(fenced_conf) c = g_new0(fenced_conf, 1);
	g_autoptr(vigil_fconf) f = NULL;
	g_autoptr(GError) err = NULL;
	g_autofree char *text = NULL;
	g_autofree char *why = NULL;
	gsize len;
	int r;

	c->uris = g_ptr_array_new_with_free_func(g_free);
	c->groups = g_ptr_array_new_with_free_func((GDestroyNotify)group_free);
	if (!g_file_get_contents(path, &text, &len, &err))
		return complain(ret_error, -ENOENT, "cannot read %s: %s; give the configuration "
				"with -f FILE", path, err->message);
	if (vigil_fconf_parse(text, len, &f, &why) < 0)
		return complain(ret_error, -EINVAL, "%s: %s", path, why);
	c->listener = g_strdup(get_or(f, "fence_virtd/@listener", "multicast"));
	if ((r = read_listener(c, f, ret_error)) < 0 || (r = read_backend(c, f, ret_error)) < 0 ||
	    (r = load_key(c, ret_error)) < 0)
		return r;
	read_groups(c, f);
	*ret = g_steal_pointer(&c);
	return 0;
}

static bool has(const GPtrArray *a, const char *s, bool nocase)
{
	for (guint i = 0; i < a->len; i++)
		if (nocase ? g_ascii_strcasecmp(a->pdata[i], s) == 0 : strcmp(a->pdata[i], s) == 0)
			return true;
	return false;
}

bool fenced_conf_allows(const fenced_conf *c, const char *requester, const char *domain)
{
	if (c->groups->len == 0)
		return true;
	for (guint i = 0; i < c->groups->len; i++) {
		const fenced_group *g = g_ptr_array_index(c->groups, i);

		if (has(g->ips, requester, false) && (domain == NULL || has(g->domains, domain, true)))
			return true;
	}
	return false;
}
