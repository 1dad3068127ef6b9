/* Unit tests of fence_virt.conf's reader (lib/fence/conf.c): Debian's shipped file, nested
 * and repeated blocks and keys by fence_virtd's paths, comments, bare words, and errors
 * that say their line. */
#include "config.h"

#include <errno.h>
#include <string.h>

#include <glib.h>

#include "fence/conf.h"

static const char debian[] =
	"fence_virtd {\n"
	"\tlistener = \"multicast\";\n"
	"\tbackend = \"libvirt\";\n"
	"\tmodule_path = \"/usr/lib/x86_64-linux-gnu/fence-virt\";\n"
	"}\n"
	"\n"
	"listeners {\n"
	"\tmulticast {\n"
	"\t\tkey_file = \"/etc/fence_virt.key\";   # the key\n"
	"\t\taddress = \"225.0.0.12\";\n"
	"\t\t# Needed on Fedora systems\n"
	"\t\tinterface = \"virbr0\";\n"
	"\t}\n"
	"}\n"
	"\n"
	"backends {\n"
	"\tlibvirt {\n"
	"\t\turi = \"qemu:///system\";\n"
	"\t\turi = \"lxc:///\";\n"
	"\t}\n"
	"}\n"
	"groups {\n"
	"\tgroup { name = \"c1\"; ip = \"198.18.0.1\"; ip = \"198.18.0.2\"; uuid = \"node1\"; }\n"
	"\tgroup { name = c2; ip = \"198.18.0.9\"; };\n"
	"}\n";

static vigil_fconf *parse_ok(const char *text)
{
	vigil_fconf *c = NULL;
	g_autofree char *error = NULL;

	g_assert_cmpint(vigil_fconf_parse(text, strlen(text), &c, &error), ==, 0);
	g_assert_null(error);
	return c;
}

static void test_paths(void)
{
	g_autoptr(vigil_fconf) c = parse_ok(debian);
	g_autoptr(GPtrArray) keys = NULL;

	g_assert_cmpstr(vigil_fconf_get(c, "fence_virtd/@listener"), ==, "multicast");
	g_assert_cmpstr(vigil_fconf_get(c, "listeners/multicast/@key_file"), ==,
			"/etc/fence_virt.key");
	g_assert_cmpstr(vigil_fconf_get(c, "listeners/multicast/@interface"), ==, "virbr0");
	g_assert_cmpstr(vigil_fconf_get(c, "backends/libvirt/@uri"), ==, "qemu:///system");
	g_assert_cmpstr(vigil_fconf_get(c, "backends/libvirt/@uri[2]"), ==, "lxc:///");
	g_assert_null(vigil_fconf_get(c, "backends/libvirt/@uri[3]"));
	g_assert_cmpuint(vigil_fconf_count(c, "backends/libvirt/@uri"), ==, 2);
	g_assert_cmpuint(vigil_fconf_count(c, "groups/group"), ==, 2);
	g_assert_cmpstr(vigil_fconf_get(c, "groups/group[2]/@name"), ==, "c2"); /* a bare word */
	g_assert_cmpstr(vigil_fconf_get(c, "groups/group[1]/@ip[2]"), ==, "198.18.0.2");
	g_assert_cmpuint(vigil_fconf_count(c, "groups/group[1]/@ip"), ==, 2);
	g_assert_null(vigil_fconf_get(c, "listeners/tcp/@port"));
	g_assert_null(vigil_fconf_get(c, "fence_virtd"));
	g_assert_null(vigil_fconf_get(c, "groups/group[0]/@name"));
	keys = vigil_fconf_keys(c, "listeners/multicast");
	g_assert_cmpuint(keys->len, ==, 3);
	g_assert_cmpstr(keys->pdata[2], ==, "interface");
	g_assert_null(vigil_fconf_keys(c, "listeners/serial"));
}

static void test_errors(void)
{
	static const struct { const char *text, *error; } cases[] = {
		{ "a {\n b = \"c\";\n", "line 3: a block is not closed" },
		{ "a {\n b \"c\";\n}\n", "line 2: expected '=' or '{' after 'b'" },
		{ "a {\n b = \"c\n\";\n}\n", "line 2: the value of 'b' must be in double quotes" },
		{ "a {\n b = \"c\"\n}\n", "line 3: expected ';' after b = \"c\"" },
		{ "}\n", "line 1: '}' closes no block" },
		{ "= \"x\";", "line 1: expected a name" },
	};

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		vigil_fconf *c = NULL;
		g_autofree char *error = NULL;

		g_assert_cmpint(vigil_fconf_parse(cases[i].text, strlen(cases[i].text), &c, &error),
				==, -EINVAL);
		g_assert_null(c);
		if (!g_str_has_prefix(error, cases[i].error))
			g_test_message("'%s': %s", cases[i].text, error);
		g_assert_true(g_str_has_prefix(error, cases[i].error));
	}
}

static void test_empty(void)
{
	g_autoptr(vigil_fconf) c = parse_ok("# nothing but a comment\n");

	g_assert_null(vigil_fconf_get(c, "fence_virtd/@listener"));
	g_assert_cmpuint(vigil_fconf_count(c, "fence_virtd"), ==, 0);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/fconf/paths", test_paths);
	g_test_add_func("/fconf/errors", test_errors);
	g_test_add_func("/fconf/empty", test_empty);
	return g_test_run();
}
