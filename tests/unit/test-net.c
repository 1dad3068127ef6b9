/* Unit tests of the address helpers of lib/net/ipaddr.c that need no kernel: parsing,
 * formatting, prefixes and broadcast addresses. (What talks to the kernel is tested
 * against real interfaces by tests/agents/ipaddr2.sh.) */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <arpa/inet.h>
#include <sys/socket.h>

#include <glib.h>

#include "net/ipaddr.h"

static vigil_ipaddr ip(const char *text)
{
	vigil_ipaddr a;

	g_assert_cmpint(vigil_ipaddr_parse(text, &a), ==, 0);
	return a;
}

static void test_parse(void)
{
	static const char *const bad[] = { "", "1.2.3", "1.2.3.4/24", "256.1.1.1", "::g",
					   "198.18.0.1 ", "eth0", NULL };
	vigil_ipaddr a = { .family = 12345 };
	char buf[INET6_ADDRSTRLEN];

	g_assert_cmpint(ip("198.18.0.100").family, ==, AF_INET);
	g_assert_cmpint(ip("2001:db8::10").family, ==, AF_INET6);
	for (size_t i = 0; bad[i] != NULL; i++) {
		g_assert_cmpint(vigil_ipaddr_parse(bad[i], &a), ==, -EINVAL);
		g_assert_cmpint(a.family, ==, 12345); /* untouched on failure */
	}
	g_assert_cmpint(vigil_ipaddr_parse(NULL, &a), ==, -EINVAL);
	a = ip("2001:0db8:0000::0010");
	g_assert_cmpint(vigil_ipaddr_format(&a, buf, sizeof(buf)), ==, 0);
	g_assert_cmpstr(buf, ==, "2001:db8::10"); /* RFC 5952, as IPaddr2 sanitizes it */
	g_assert_cmpint(vigil_ipaddr_bits(&a), ==, 128);
	a = ip("10.0.0.1");
	g_assert_cmpint(vigil_ipaddr_bits(&a), ==, 32);
}

static void test_prefix(void)
{
	vigil_ipaddr a = ip("198.18.7.100"), net = ip("198.18.7.0"), v6 = ip("2001:db8:7::100");
	vigil_ipaddr net6 = ip("2001:db8:7::");

	g_assert_true(vigil_ipaddr_in_prefix(&a, &net, 24));
	g_assert_true(vigil_ipaddr_in_prefix(&a, &net, 25));
	g_assert_false(vigil_ipaddr_in_prefix(&a, &net, 26)); /* .100 is past .63 */
	g_assert_true(vigil_ipaddr_in_prefix(&a, &net, 0));
	g_assert_false(vigil_ipaddr_in_prefix(&a, &net, 33));
	g_assert_false(vigil_ipaddr_in_prefix(&a, &net, -1));
	g_assert_false(vigil_ipaddr_in_prefix(&a, &net6, 0)); /* other family */
	g_assert_true(vigil_ipaddr_in_prefix(&v6, &net6, 64));
	g_assert_true(vigil_ipaddr_in_prefix(&v6, &net6, 119));
	g_assert_false(vigil_ipaddr_in_prefix(&v6, &net6, 128));
}

static void test_broadcast(void)
{
	static const struct { const char *ip; int prefix; const char *brd; } cases[] = {
		{ "198.18.7.100", 24, "198.18.7.255" }, { "198.18.7.100", 25, "198.18.7.127" },
		{ "198.18.7.200", 25, "198.18.7.255" }, { "10.1.2.3", 8, "10.255.255.255" },
		{ "10.1.2.3", 32, "10.1.2.3" },         { "10.1.2.3", 0, "255.255.255.255" },
	};

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		vigil_ipaddr a = ip(cases[i].ip), b = vigil_ipaddr_broadcast(&a, cases[i].prefix);
		char buf[INET6_ADDRSTRLEN];

		g_assert_cmpint(vigil_ipaddr_format(&b, buf, sizeof(buf)), ==, 0);
		g_assert_cmpstr(buf, ==, cases[i].brd);
	}
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/net/parse", test_parse);
	g_test_add_func("/net/prefix", test_prefix);
	g_test_add_func("/net/broadcast", test_broadcast);
	return g_test_run();
}
