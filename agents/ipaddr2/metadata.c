/* ocf:vigil:IPaddr2's meta-data (OCF Resource Agent API 1.1). */
#include "config.h"

extern const char ipaddr2_metadata[];

#define PARAM(name, req, uniq, type, def, shortd, longd)                                   \
	"  <parameter name=\"" name "\" required=\"" req "\" unique=\"" uniq "\">\n"          \
	"   <longdesc lang=\"en\">" longd "</longdesc>\n"                                    \
	"   <shortdesc lang=\"en\">" shortd "</shortdesc>\n"                                 \
	"   <content type=\"" type "\" default=\"" def "\"/>\n"                               \
	"  </parameter>\n"

const char ipaddr2_metadata[] =
	"<?xml version=\"1.0\"?>\n"
	"<!DOCTYPE resource-agent SYSTEM \"ra-api-1.dtd\">\n"
	"<resource-agent name=\"IPaddr2\" version=\"" PACKAGE_VERSION "\">\n"
	" <version>1.1</version>\n"
	" <longdesc lang=\"en\">A floating IPv4 or IPv6 address, the parameters and behaviour of "
	"ocf:heartbeat:IPaddr2 for a single (not cloned) address, done over rtnetlink by a "
	"small program: it adds the address to the interface whose route covers it (or to nic), "
	"announces it with gratuitous ARPs or unsolicited neighbour advertisements, and "
	"removes it on stop. A monitor fails when the address is gone or its interface is "
	"down.</longdesc>\n"
	" <shortdesc lang=\"en\">Floating IP address</shortdesc>\n"
	" <parameters>\n"
	PARAM("ip", "1", "1", "string", "", "IPv4 or IPv6 address",
	      "The floating address, without a prefix (198.18.0.100, 2001:db8::10).")
	PARAM("nic", "0", "0", "string", "", "Network interface",
	      "The interface to add the address to (eth0, or eth0:label). Default: the "
	      "interface of the most specific route that covers the address.")
	PARAM("cidr_netmask", "0", "0", "string", "", "Prefix length",
	      "The prefix length (24) or, for IPv4, a dotted netmask. Default: the prefix of "
	      "the route that covers the address.")
	PARAM("broadcast", "0", "0", "string", "", "Broadcast address",
	      "The IPv4 broadcast address; 'none' for none. Default: computed from the "
	      "address and the prefix.")
	PARAM("iflabel", "0", "0", "string", "", "Interface label",
	      "An IPv4 label for the address; the kernel shows it as nic:iflabel (at most 15 "
	      "characters in all).")
	PARAM("arp_interval", "0", "0", "integer", "200", "Milliseconds between announcements",
	      "The time between two gratuitous ARPs (IPv4) or unsolicited neighbour "
	      "advertisements (IPv6).")
	PARAM("arp_count", "0", "0", "integer", "5", "Announcements on start",
	      "How many announcements a start sends; the first before the start returns.")
	PARAM("arp_count_refresh", "0", "0", "integer", "0", "Announcements on monitor",
	      "How many announcements each recurring monitor sends.")
	PARAM("arp_bg", "0", "0", "boolean", "true", "Announce in the background",
	      "Send the announcements after the first in the background, so that a start "
	      "returns at once.")
	PARAM("nodad", "0", "0", "boolean", "false", "No duplicate address detection",
	      "IPv6: use the address at once, without duplicate address detection. Otherwise "
	      "a start waits for the detection and fails if another host has the address.")
	PARAM("noprefixroute", "0", "0", "boolean", "false", "No prefix route",
	      "Do not add the route of the address's prefix.")
	PARAM("preferred_lft", "0", "0", "string", "forever", "Preferred lifetime",
	      "The address's preferred lifetime in seconds, or 'forever'; 0 makes an IPv6 "
	      "address deprecated, so that it is not chosen as a source address.")
	" </parameters>\n"
	" <actions>\n"
	"  <action name=\"start\" timeout=\"20s\"/>\n"
	"  <action name=\"stop\" timeout=\"20s\"/>\n"
	"  <action name=\"status\" depth=\"0\" timeout=\"20s\" interval=\"10s\"/>\n"
	"  <action name=\"monitor\" depth=\"0\" timeout=\"20s\" interval=\"10s\"/>\n"
	"  <action name=\"meta-data\" timeout=\"5s\"/>\n"
	"  <action name=\"validate-all\" timeout=\"20s\"/>\n"
	" </actions>\n"
	"</resource-agent>\n";
