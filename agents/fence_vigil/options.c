#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <glib.h>

#include "agents/fence_vigil/options.h"

#define DEFAULT_KEY "/etc/cluster/fence_xvm.key"

static int number(const char *name, const char *v, unsigned min, unsigned max, unsigned *ret,
		  FILE *err)
{
	char *end;
	unsigned long n;

	errno = 0;
	n = strtoul(v, &end, 10);
	if (v[0] < '0' || v[0] > '9' || *end != '\0' || errno != 0 || n < min || n > max) {
		fprintf(err, "fence_vigil: %s must be a number from %u to %u, not '%s'.\n", name,
			min, max, v);
		return -EINVAL;
	}
	*ret = (unsigned)n;
	return 0;
}

static int set_hash(const char *name, const char *v, vigil_xvm_hash *ret, FILE *err)
{
	if (vigil_xvm_hash_parse(v, ret) == 0)
		return 0;
	fprintf(err, "fence_vigil: %s must be none, sha1, sha256 or sha512, not '%s'.\n", name, v);
	return -EINVAL;
}

static int set_plug(fv_opts *o, const char *name, const char *v, FILE *err)
{
	if (o->plug != NULL && strcmp(o->plug, v) != 0) {
		fprintf(err, "fence_vigil: two domains given ('%s', then %s='%s'); give one, as "
			"plug=.\n", o->plug, name, v);
		return -EINVAL;
	}
	if (strlen(v) > VIGIL_XVM_DOMAIN_MAX) {
		fprintf(err, "fence_vigil: the domain '%s' is longer than %d characters.\n", v,
			VIGIL_XVM_DOMAIN_MAX);
		return -EINVAL;
	}
	g_free(o->plug);
	o->plug = g_strdup(v);
	return 0;
}

static int set_family(fv_opts *o, const char *v, FILE *err)
{
	if (strcmp(v, "auto") == 0)
		o->family = 0;
	else if (strcmp(v, "ipv4") == 0)
		o->family = AF_INET;
	else if (strcmp(v, "ipv6") == 0)
		o->family = AF_INET6;
	else {
		fprintf(err, "fence_vigil: ip_family must be ipv4, ipv6 or auto, not '%s'.\n", v);
		return -EINVAL;
	}
	return 0;
}

static void set_string(char **field, const char *v)
{
	g_free(*field);
	*field = g_strdup(v);
}

/* NAME=V into O: 0, -EINVAL (bad value, said on ERR), -ENOENT (a name it does not know). */
static int set(fv_opts *o, const char *name, const char *v, FILE *err)
{
	if (strcmp(name, "action") == 0 || strcmp(name, "option") == 0)
		set_string(&o->action, v);
	else if (strcmp(name, "plug") == 0 || strcmp(name, "port") == 0 ||
		 strcmp(name, "domain") == 0)
		return set_plug(o, name, v, err);
	else if (strcmp(name, "key_file") == 0)
		set_string(&o->key_file, v);
	else if (strcmp(name, "multicast_address") == 0)
		set_string(&o->group, v);
	else if (strcmp(name, "ipport") == 0)
		return number(name, v, 1, 65535, &o->port, err);
	else if (strcmp(name, "ip_family") == 0)
		return set_family(o, v, err);
	else if (strcmp(name, "retrans") == 0)
		return number(name, v, 1, 600, &o->retrans_ds, err);
	else if (strcmp(name, "hash") == 0)
		return set_hash(name, v, &o->hash, err);
	else if (strcmp(name, "auth") == 0)
		return set_hash(name, v, &o->auth, err);
	else if (strcmp(name, "timeout") == 0)
		return number(name, v, 1, 3600, &o->timeout_s, err);
	else if (strcmp(name, "delay") == 0)
		return number(name, v, 0, 3600, &o->delay_s, err);
	else if (strcmp(name, "use_uuid") == 0)
		o->use_uuid = v[0] == '\0' || strcmp(v, "1") == 0 || g_ascii_strcasecmp(v, "on") == 0 ||
			      g_ascii_strcasecmp(v, "yes") == 0 || g_ascii_strcasecmp(v, "true") == 0;
	else if (strcmp(name, "debug") == 0)
		return number(name, v[0] != '\0' ? v : "1", 0, 99, &o->debug, err);
	else if (strcmp(name, "agent") == 0 || strcmp(name, "nodename") == 0 ||
		 strcmp(name, "self") == 0)
		; /* what a cluster passes to every agent: accepted, unused */
	else
		return -ENOENT;
	return 0;
}

static void defaults(fv_opts *o)
{
	*o = (fv_opts){ .action = g_strdup("reboot"), .key_file = g_strdup(DEFAULT_KEY),
			.port = VIGIL_XVM_PORT, .retrans_ds = 20,
			.hash = VIGIL_XVM_HASH_SHA256, .auth = VIGIL_XVM_HASH_SHA256,
			.timeout_s = 30 };
}

/* One "name=value" line of standard input. */
static int stdin_line(fv_opts *o, char *line, FILE *err)
{
	char *eq, *name, *value;
	int r;

	g_strstrip(line);
	if (line[0] == '\0' || line[0] == '#')
		return 0;
	eq = strchr(line, '=');
	name = g_strstrip(eq != NULL ? g_strndup(line, (gsize)(eq - line)) : g_strdup(line));
	value = eq != NULL ? g_strstrip(eq + 1) : (char *)"";
	r = set(o, name, value, err);
	if (r == -ENOENT) {
		fprintf(err, "fence_vigil: ignoring unknown option '%s'.\n", name);
		r = 0;
	}
	g_free(name);
	return r;
}

static int from_stdin(fv_opts *o, FILE *in, FILE *err)
{
	char line[1024];

	while (fgets(line, sizeof(line), in) != NULL)
		if (stdin_line(o, line, err) < 0)
			return -EINVAL;
	return 0;
}

static const struct option long_opts[] = {
	{ "action", required_argument, NULL, 'o' },
	{ "plug", required_argument, NULL, 'H' },
	{ "port", required_argument, NULL, 'n' },
	{ "key-file", required_argument, NULL, 'k' },
	{ "key_file", required_argument, NULL, 'k' },
	{ "multicast-address", required_argument, NULL, 'a' },
	{ "ipport", required_argument, NULL, 'p' },
	{ "ip-family", required_argument, NULL, 'i' },
	{ "retrans", required_argument, NULL, 'r' },
	{ "hash", required_argument, NULL, 'c' },
	{ "auth", required_argument, NULL, 'C' },
	{ "timeout", required_argument, NULL, 't' },
	{ "delay", required_argument, NULL, 'w' },
	{ "use-uuid", no_argument, NULL, 'u' },
	{ "debug", optional_argument, NULL, 'd' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

static const char *flag_name(int c)
{
	switch (c) {
	case 'o': return "action";
	case 'H': return "plug";
	case 'n': return "port";
	case 'k': return "key_file";
	case 'a': return "multicast_address";
	case 'p': return "ipport";
	case 'i': return "ip_family";
	case 'r': return "retrans";
	case 'c': return "hash";
	case 'C': return "auth";
	case 't': return "timeout";
	case 'w': return "delay";
	case 'u': return "use_uuid";
	case 'd': return "debug";
	default: return NULL;
	}
}

static void usage(FILE *to)
{
	fputs("usage: fence_vigil [-o ACTION] [-H DOMAIN] [-k KEY_FILE] [-a GROUP] [-p PORT]\n"
	      "                   [-i ipv4|ipv6|auto] [-r RETRANS] [-c HASH] [-C AUTH] [-t TIMEOUT]\n"
	      "                   [-w DELAY] [-u] [-d]\n"
	      "       (or, with no arguments, name=value lines on standard input)\n"
	      "actions: off, on, reboot (default), status, monitor, list, list-status, metadata,\n"
	      "         validate-all\n", to);
}

static int from_argv(fv_opts *o, int argc, char **argv, FILE *err)
{
	int c;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "o:n:H:k:a:p:i:r:c:C:t:w:ud::hV", long_opts,
				NULL)) != -1) {
		if (c == 'h') {
			usage(stdout);
			return 1;
		}
		if (c == 'V') {
			printf("fence_vigil %s (fence_xvm protocol 1.9.0)\n", PACKAGE_VERSION);
			return 1;
		}
		if (flag_name(c) == NULL) {
			fprintf(err, "fence_vigil: unknown or incomplete option '%s'; 'fence_vigil "
				"--help' lists them.\n", argv[optind - 1]);
			return -EINVAL;
		}
		if (set(o, flag_name(c), optarg != NULL ? optarg : "", err) < 0)
			return -EINVAL;
	}
	if (optind < argc) {
		fprintf(err, "fence_vigil: unexpected argument '%s'; 'fence_vigil --help' lists "
			"the options.\n", argv[optind]);
		return -EINVAL;
	}
	return 0;
}

int fv_opts_read(int argc, char **argv, FILE *in, FILE *err, fv_opts *o)
{
	defaults(o);
	return argc > 1 ? from_argv(o, argc, argv, err) : from_stdin(o, in, err);
}

void fv_opts_clear(fv_opts *o)
{
	g_free(o->action);
	g_free(o->plug);
	g_free(o->key_file);
	g_free(o->group);
	*o = (fv_opts){ 0 };
}
