/* fence_vigil's meta-data, in the form fence-agents and Pacemaker's fencer read. */
#include "config.h"

#include "agents/fence_vigil/options.h"

#define PARAM(name, flag, req, type, def, desc)                                               \
	"\t<parameter name=\"" name "\" unique=\"0\" required=\"" req "\">\n"                    \
	"\t\t<getopt mixed=\"" flag "\" />\n"                                                    \
	"\t\t<content type=\"" type "\"" def " />\n"                                             \
	"\t\t<shortdesc lang=\"en\">" desc "</shortdesc>\n"                                      \
	"\t</parameter>\n"

const char fv_metadata[] =
	"<?xml version=\"1.0\" ?>\n"
	"<resource-agent name=\"fence_vigil\" shortdesc=\"Fence agent for virtual machines and "
	"containers (fence_xvm protocol)\">\n"
	"<longdesc>fence_vigil fences libvirt domains (virtual machines, LXC containers) through "
	"a fence daemon on their host, vigil-fenced or fence_virtd, with the fence_xvm protocol: "
	"a signed multicast request, then a callback with a mutual challenge. It listens for the "
	"callback on a port of its own, so that several can run at once on one node, and when "
	"nothing answers it says what it tried. reboot powers an off domain on with "
	"vigil-fenced.</longdesc>\n"
	"<vendor-url>https://libvirt.org</vendor-url>\n"
	"<parameters>\n"
	PARAM("debug", "-d", "0", "boolean", "", "Specify (stdin) or increment (command line) "
	      "debug level")
	PARAM("ip_family", "-i", "0", "string", " default=\"auto\"", "IP Family ([auto], ipv4, "
	      "ipv6)")
	PARAM("multicast_address", "-a", "0", "string", "", "Multicast address "
	      "(default=225.0.0.12 / ff05::3:1)")
	PARAM("ipport", "-p", "0", "string", " default=\"1229\"", "The fence daemon's multicast "
	      "port (default=1229)")
	PARAM("retrans", "-r", "0", "string", " default=\"20\"", "Multicast retransmit time (in "
	      "1/10sec; default=20)")
	PARAM("auth", "-C", "0", "string", " default=\"sha256\"", "Authentication (none, sha1, "
	      "[sha256], sha512)")
	PARAM("hash", "-c", "0", "string", " default=\"sha256\"", "Packet hash strength (none, "
	      "sha1, [sha256], sha512)")
	PARAM("key_file", "-k", "0", "string", " default=\"/etc/cluster/fence_xvm.key\"",
	      "Shared key file (default=/etc/cluster/fence_xvm.key)")
	"\t<parameter name=\"plug\" unique=\"0\" required=\"1\" obsoletes=\"port\">\n"
	"\t\t<getopt mixed=\"-n\" />\n"
	"\t\t<content type=\"string\" />\n"
	"\t\t<shortdesc lang=\"en\">Domain (name or UUID) to fence</shortdesc>\n"
	"\t</parameter>\n"
	"\t<parameter name=\"port\" unique=\"0\" required=\"1\" deprecated=\"1\">\n"
	"\t\t<getopt mixed=\"-H\" />\n"
	"\t\t<content type=\"string\" />\n"
	"\t\t<shortdesc lang=\"en\">Domain (name or UUID) to fence</shortdesc>\n"
	"\t</parameter>\n"
	PARAM("use_uuid", "-u", "0", "string", " default=\"0\"", "Treat [domain] as UUID "
	      "(informational: the daemon recognizes UUIDs by their form)")
	PARAM("action", "-o", "0", "string", " default=\"reboot\"", "Fencing action (null, off, "
	      "on, [reboot], status, list, list-status, monitor, validate-all, metadata)")
	PARAM("timeout", "-t", "0", "string", " default=\"30\"", "Fencing timeout (in seconds; "
	      "default=30)")
	PARAM("delay", "-w", "0", "string", " default=\"0\"", "Fencing delay (in seconds; "
	      "default=0)")
	"</parameters>\n"
	"<actions>\n"
	"\t<action name=\"null\" />\n"
	"\t<action name=\"on\" />\n"
	"\t<action name=\"off\" />\n"
	"\t<action name=\"reboot\" />\n"
	"\t<action name=\"metadata\" />\n"
	"\t<action name=\"status\" />\n"
	"\t<action name=\"monitor\" />\n"
	"\t<action name=\"list\" />\n"
	"\t<action name=\"list-status\" />\n"
	"\t<action name=\"validate-all\" />\n"
	"</actions>\n"
	"</resource-agent>\n";
