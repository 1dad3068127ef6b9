#!/usr/bin/env bash
# An address removed while its recurring monitor is running: that run may have looked at the
# address before it went, and so report it running. vigild must then run the monitor again
# as soon as that run ends, not wait for the next interval (30 s here). A test agent of the
# run's own (ocf:vigiltest:HeldIP, an address on eth0) makes the race certain: its monitor
# looks at the address first, then waits while a file exists; the test removes the address
# during that wait, then lets the monitor end with its stale "running". 2 nodes in network
# namespaces.
set -u
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/netns.sh"
cluster_require
require vigild "$VIGILD"

echo "1..4"
cluster_create 2
ip=198.18.0.101
hold=$tmp/hold     # while it exists, a monitor that found the address waits
looked=$tmp/looked # a monitor found the address and waits
mkdir -p "$tmp/ra/vigiltest"
cat > "$tmp/ra/vigiltest/HeldIP" <<'AGENT'
#!/bin/sh
# ocf:vigiltest:HeldIP: an address on eth0, for tests/cluster/monitor-race.sh only.
ip=$OCF_RESKEY_ip
has_ip() { ip -4 addr show dev eth0 | grep -q "inet $ip/"; }
case $1 in
meta-data)
	cat <<XML
<?xml version="1.0"?>
<resource-agent name="HeldIP" version="1.0">
  <version>1.1</version>
  <shortdesc lang="en">an address whose monitor can be held (a test's)</shortdesc>
  <longdesc lang="en">An address on eth0. A monitor that finds it waits while the file hold
names exists, after writing the file looked names.</longdesc>
  <parameters>
    <parameter name="ip" required="1" unique="1"><shortdesc lang="en">the address</shortdesc><content type="string"/></parameter>
    <parameter name="hold"><shortdesc lang="en">the file to wait on</shortdesc><content type="string"/></parameter>
    <parameter name="looked"><shortdesc lang="en">the file to write</shortdesc><content type="string"/></parameter>
  </parameters>
  <actions>
    <action name="start" timeout="20s"/><action name="stop" timeout="20s"/>
    <action name="monitor" timeout="40s" interval="30s"/>
    <action name="meta-data" timeout="5s"/><action name="validate-all" timeout="5s"/>
  </actions>
</resource-agent>
XML
	exit 0 ;;
start)	has_ip || ip addr add "$ip/24" dev eth0 || exit 1; exit 0 ;;
stop)	! has_ip || ip addr del "$ip/24" dev eth0 || exit 1; exit 0 ;;
monitor)
	has_ip || exit 7
	if [ -n "${OCF_RESKEY_hold:-}" ] && [ -e "$OCF_RESKEY_hold" ]; then
		touch "$OCF_RESKEY_looked"
		n=0
		while [ -e "$OCF_RESKEY_hold" ] && [ $n -lt 300 ]; do sleep 0.1; n=$((n + 1)); done
	fi
	exit 0 ;;
validate-all) exit 0 ;;
*)	exit 3 ;;
esac
AGENT
chmod 755 "$tmp/ra/vigiltest/HeldIP"
export OCF_RA_PATH=$tmp/ra:$OCF_RA_PATH
cluster_up 2

test_cib 2 "<primitive id=\"held\" class=\"ocf\" provider=\"vigiltest\" type=\"HeldIP\">
  <instance_attributes id=\"held-ia\">
    <nvpair id=\"held-ip\" name=\"ip\" value=\"$ip\"/>
    <nvpair id=\"held-hold\" name=\"hold\" value=\"$hold\"/>
    <nvpair id=\"held-looked\" name=\"looked\" value=\"$looked\"/>
  </instance_attributes>
  <operations><op id=\"held-monitor\" name=\"monitor\" interval=\"30s\" timeout=\"40s\"/></operations>
</primitive>" > "$tmp/cib.xml"

ip_on() { addr_on "$ip"; }

wait_for 20 says 1 "Current DC: node1 .* with quorum" || bail "the cluster did not form"
touch "$hold"
node_exec 1 "$VIGIL" config import "$tmp/cib.xml" > /dev/null 2>&1 || bail "import failed"
check "started, its first recurring monitor found the address and waits" \
	wait_for 30 eval '[ -e "$looked" ] && [ -n "$(ip_on)" ]'
holder=$(ip_on) || holder=""
[ -n "$holder" ] || bail "the address is not on exactly one node"

ip -n "$(ns_node "$holder")" addr del "$ip/24" dev eth0
check "vigild hears of the removal during the run, and says it runs the monitor again" \
	wait_for 10 grep -q "held ip=$ip: its address was removed; its monitor runs again as soon as the run in progress ends" \
	"$(node_dir "$holder")/vigild.log"
rm -f "$hold" # the run in progress ends, with its stale "running"
check "the address is back long before the 30 s monitor's next run" \
	within 15 eval '[ -n "$(ip_on)" ]'
check "the failure is counted" \
	wait_for 10 eval 'node_exec 1 "$VIGIL" config export | grep -q "fail-count-held#monitor_30000"'
