#!/usr/bin/env bash
# A floating IP (Debian's ocf:heartbeat:IPaddr2, unchanged) grouped with a service
# (ocf:heartbeat:Dummy) on 3 nodes in network namespaces: the group comes up on one node and
# the IP answers from the others; deleted by hand, the IP is back long before its 30 s
# monitor would have noticed, because vigild follows address removals (rtnetlink) and runs
# the monitor at once; the failure is counted; 'vigil node standby' of its node moves the
# whole group, in order, and 'unstandby' lets the node run resources again.
# VIP_PROVIDER=vigil runs the same with Vigil's own agent, ocf:vigil:IPaddr2
# (tests/cluster/vip-own-agent.sh).
set -u
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/netns.sh"
cluster_require
require vigild "$VIGILD"
provider=${VIP_PROVIDER:-heartbeat}
if [ "$provider" = vigil ]; then
	require "ocf:vigil:IPaddr2 (make)" "$top_builddir/agents/resource.d/vigil/IPaddr2"
else
	require "ocf:heartbeat:IPaddr2 (resource-agents)" /usr/lib/ocf/resource.d/heartbeat/IPaddr2
fi
require "ping (iputils-ping)" "$(command -v ping || echo /usr/bin/ping)"

echo "1..9"
cluster_create 3
cluster_up 3
vip=198.18.0.100
test_cib 3 "<group id=\"hagroup\"><primitive id=\"vip\" class=\"ocf\" provider=\"$provider\" type=\"IPaddr2\">
  <instance_attributes id=\"vip-ia\">
    <nvpair id=\"vip-ip\" name=\"ip\" value=\"$vip\"/>
    <nvpair id=\"vip-mask\" name=\"cidr_netmask\" value=\"24\"/>
    <nvpair id=\"vip-nic\" name=\"nic\" value=\"eth0\"/>
  </instance_attributes>
  <operations><op id=\"vip-monitor\" name=\"monitor\" interval=\"30s\"/></operations>
</primitive>
<primitive id=\"web\" class=\"ocf\" provider=\"heartbeat\" type=\"Dummy\">
  <operations><op id=\"web-monitor\" name=\"monitor\" interval=\"10s\"/></operations>
</primitive></group>" > "$tmp/cib.xml"

vip_on() { addr_on "$vip"; }

wait_for 20 says 1 "Current DC: node1 .* with quorum" || bail "the cluster did not form"
node_exec 1 "$VIGIL" config import "$tmp/cib.xml" > /dev/null 2>&1 || bail "import failed"
check "the floating IP comes up on exactly one node" \
	wait_for 30 eval '[ -n "$(vip_on)" ]'
holder=$(vip_on)
other=$(( holder % 3 + 1 ))
check "it answers from another node" \
	wait_for 10 eval 'ip netns exec "$(ns_node $other)" ping -c 1 -W 1 $vip > /dev/null 2>&1'

ip -n "$(ns_node "$holder")" addr del "$vip/24" dev eth0
# "at once": well before the monitor's next run, 30 s after the one at its start (a test
# run beside others on 2 cores may make the agent's three runs slow: 15 s is the bound)
check "deleted by hand, it is back at once (its monitor runs every 30 s)" \
	wait_for 15 eval '[ -n "$(vip_on)" ]'
check "vigild says why it looked" \
	grep -q "vip ip=$vip: its address was removed; \(running its monitor now\|its monitor runs again as soon as the run in progress ends\)" \
	"$(node_dir "$holder")/vigild.log"
check "the failure is counted" \
	wait_for 10 eval 'node_exec 1 "$VIGIL" config export | grep -q "fail-count-vip#monitor_30000"'

# web runs where the IP is: its Dummy state file is in that node's private /run
web_on() { [ -e "$(node_dir "$1")/run/resource-agents/Dummy-web.state" ]; }
check "the group's second member runs with the IP" \
	wait_for 10 eval 'n=$(vip_on) && web_on $n'

holder=$(vip_on) || holder=""
[ -n "$holder" ] || bail "the floating IP is not on exactly one node"
node_exec 1 "$VIGIL" node standby "node$holder" > "$tmp/standby.out" 2>&1
check "'vigil node standby' of its node moves the group" \
	wait_for 30 eval 'n=$(vip_on) && [ -n "$n" ] && [ "$n" != "$holder" ] && web_on $n &&
			  ! web_on $holder'
moved=$(vip_on)
check "the IP answers from its new node" \
	wait_for 10 eval 'ip netns exec "$(ns_node $holder)" ping -c 1 -W 1 $vip > /dev/null 2>&1'
node_exec 1 "$VIGIL" node unstandby "node$holder" > /dev/null 2>&1
check "after unstandby the node is back, and the group stays where it runs" \
	eval 'sleep 3; [ "$(vip_on)" = "$moved" ] && web_on $moved &&
	      node_exec 1 "$VIGIL" status | grep -q "Online: \[ node1 node2 node3 \]"'
