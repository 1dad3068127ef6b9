/* The systemd class, loaded on first use: GIO (D-Bus) and what it pulls in (GObject,
 * libmount, libselinux...) are a fifth of vigild's resident memory, and a node that runs no
 * systemd resource never needs them. The module is vigil-systemd.so beside the vigild
 * binary (the build tree), else in PKGLIBDIR (installed). */
#include "config.h"

#include <dlfcn.h>
#include <limits.h>
#include <string.h>
#include <unistd.h>
#include <glib.h>
#include <qb/qblog.h>

#include "daemons/vigild/vigild.h"

#define MODULE "vigil-systemd.so"

static const vigil_unit_ops *load(const char *path, GString *why)
{
	void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	const vigil_unit_ops *ops;

	if (h == NULL) {
		g_string_append_printf(why, "%s%s", why->len > 0 ? "; " : "", dlerror());
		return NULL;
	}
	ops = dlsym(h, VIGIL_UNIT_OPS_SYMBOL);
	if (ops == NULL) {
		g_string_append_printf(why, "%s%s has no %s", why->len > 0 ? "; " : "", path,
				       VIGIL_UNIT_OPS_SYMBOL);
		dlclose(h);
	}
	return ops; /* kept loaded for the daemon's life */
}

const vigil_unit_ops *vigild_units(const char **ret_why)
{
	static const vigil_unit_ops *ops;
	static char *failed;
	char self[PATH_MAX];
	ssize_t n;
	g_autoptr(GString) why = NULL;

	if (ops != NULL || failed != NULL) {
		if (ret_why != NULL)
			*ret_why = failed;
		return ops;
	}
	why = g_string_new(NULL);
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n > 0 && memchr(self, '/', (size_t)n) != NULL) {
		g_autofree char *dir = NULL, *beside = NULL;

		self[n] = '\0';
		dir = g_path_get_dirname(self);
		beside = g_build_filename(dir, MODULE, NULL);
		if (access(beside, F_OK) == 0)
			ops = load(beside, why);
	}
	if (ops == NULL)
		ops = load(PKGLIBDIR "/" MODULE, why);
	if (ops != NULL) {
		qb_log(LOG_INFO, "the systemd class is loaded (%s)", MODULE);
	} else {
		failed = g_strdup_printf("vigild cannot load its systemd class (%s); reinstall "
					 "vigil", why->str);
		qb_log(LOG_ERR, "%s", failed);
	}
	if (ret_why != NULL)
		*ret_why = failed;
	return ops;
}
