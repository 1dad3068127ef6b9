#!/usr/bin/env bash
# Fencing in the loop, with Debian's fence_xvm as the device and Debian's fence_virtd on a
# host namespace as the power switch (its libvirt backend on libvirt's test driver, whose
# domains node1..node3 stand for the nodes; the real power switch, libvirt LXC domains, is
# the fencing issue's). On 3 nodes with stonith-enabled=true:
# - the node that holds the floating IP is killed while no device can fence it: the IP
#   stays stopped, and the reason is shown;
# - once the device can, the DC fences it, then the IP comes up on a survivor, and the
#   fencing is in 'vigil stonith history' and 'vigil status' on every survivor;
# - 'vigil stonith fence NODE' of a live member fences it; its vigild learns it and stops
#   (fence-reaction=stop), and the node is not fenced a second time when it leaves.
# FENCE_AGENT=fence_vigil runs the same with Vigil's own agent as the device, against the
# same fence_virtd (tests/cluster/fencing-fence-vigil.sh); FENCE_DAEMON=vigil-fenced puts
# Vigil's host daemon in fence_virtd's place (tests/cluster/fencing-vigil-fenced.sh).
set -u
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/netns.sh"
cluster_require
require vigild "$VIGILD"
VIGIL_MON=${VIGIL_MON:-$top_builddir/cli/vigil-mon}
require vigil-mon "$VIGIL_MON"
agent=${FENCE_AGENT:-fence_xvm}
if [ "$agent" = fence_vigil ]; then
	require "fence_vigil (make)" "$top_builddir/agents/fence_vigil/fence_vigil"
else
	require "fence_xvm (fence-virt)" /usr/sbin/fence_xvm
fi
require "fence_virtd (fence-virtd)" /usr/sbin/fence_virtd
require "ocf:heartbeat:IPaddr2 (resource-agents)" /usr/lib/ocf/resource.d/heartbeat/IPaddr2

daemon_name=${FENCE_DAEMON:-fence_virtd}
if [ "$daemon_name" = vigil-fenced ]; then
	daemon=$top_builddir/daemons/vigil-fenced/vigil-fenced
	require "vigil-fenced (make)" "$daemon"
else
	daemon=/usr/sbin/fence_virtd
fi

echo "1..17"
cluster_create 3
vip=198.18.0.100

# --- the power switch: fence_virtd on a host of its own, multicast on its eth0 -----------
host_create fence 50
virtd_start fence 1229 sha256 "$daemon"
power_cycled() { # power_cycled NODE: the daemon's log says it power-cycled NODE
	if [ "$daemon_name" = vigil-fenced ]; then
		grep -q "vigil-fenced\[[0-9]*\]: reboot of $1 for .*: success" "$tmp/fence_virtd-fence.log"
	else
		grep -q "^\[virt:REBOOT\] Calling virDomainCreateLinux() for $1\$" "$tmp/fence_virtd-fence.log"
	fi
}
key=$virtd_key
fence_virtd_pid=$spawned_pid

cluster_up 3
wait_for 20 says 1 "Current DC: node1 .* with quorum" || bail "the cluster did not form"
node_exec 1 /usr/sbin/fence_xvm -k "$key" -t 5 -o list > "$tmp/list.out" 2>&1
check "the power switch answers fence_xvm from a node (the test's own setup)" \
	grep -q "^node2 " "$tmp/list.out"

# --- the cluster, configured with the seed documents' commands ----------------------------
v() { node_exec 1 "$VIGIL" "$@"; }
v property set stonith-enabled=true > /dev/null &&
v stonith create vmfence "$agent" key_file="$key" timeout=5 \
	pcmk_host_map="node1:node1;node2:node2;node3:node3" > /dev/null &&
v resource create vip ocf:heartbeat:IPaddr2 ip=$vip cidr_netmask=24 nic=eth0 \
	op monitor interval=30s > /dev/null || bail "the configuration commands failed"

# vip_on: the one live node that holds the address (a killed node's namespace keeps it)
dead=""
vip_on() {
	local i found=""
	for i in $(seq "$cluster_nodes"); do
		[ "$i" = "$dead" ] && continue
		ip -n "$(ns_node "$i")" -4 addr show dev eth0 2>/dev/null | grep -q "inet $vip/" ||
			continue
		[ -n "$found" ] && return 1
		found=$i
	done
	[ -n "$found" ] && echo "$found"
}
check "the floating IP and the fence device start" \
	wait_for 30 eval '[ -n "$(vip_on)" ] && says 1 "vmfence.*Started node"'
v stonith history > "$tmp/history0.out" 2>&1
check "'vigil stonith history' says there was no fencing yet" \
	grep -q "^No fencing known" "$tmp/history0.out"

# --- no device can fence the lost node: its IP stays stopped, and why is shown ---------
holder=$(vip_on)
others=$(seq 3 | grep -vx "$holder" | tr '\n' ' ')
survivor=${others%% *}
[ "$holder" = 1 ] && dc=2 || dc=1
v property set stonith-max-attempts=3 > /dev/null || bail "cannot set stonith-max-attempts"
v resource update vmfence pcmk_host_map="node$survivor:node$survivor" > /dev/null ||
	bail "cannot narrow the device's host map"
sleep 1
node_kill "$holder"
link_down "$holder"
dead=$holder
check "a lost node that no device can fence is not fenced, and the reason is shown" \
	wait_for 40 eval 'node_exec $survivor "$VIGIL" status |
			  grep -q "reboot of node$holder failed: .*(no stonith device can fence node$holder"'
check "its IP stays stopped on the survivors, with quorum" \
	eval 'sleep 3; [ -z "$(vip_on)" ] && says $survivor "with quorum"'

# --- once a device can, the DC fences it, then the IP starts on a survivor ----------------
node_exec "$survivor" "$VIGIL" resource update vmfence \
	pcmk_host_map="node1:node1;node2:node2;node3:node3" > /dev/null ||
	bail "cannot widen the device's host map"
check "the DC fences node$holder through $agent and fence_virtd" \
	wait_for 40 eval 'node_exec $survivor "$VIGIL" stonith history node'$holder' |
			  grep -q "^reboot of node'$holder' successful: delegate=node[0-9], device=vmfence, origin=node$dc, completed="'
check "$daemon_name power-cycled the domain" \
	eval 'power_cycled "node$holder" || { sed "s/^/# daemon: /" "$tmp/fence_virtd-fence.log"; false; }'
check "the floating IP comes up on a survivor" \
	wait_for 30 eval 'n=$(vip_on) && [ "$n" != "$holder" ]'
check "the IP started after the fencing was done" eval '
	fenced=$(grep -h "reboot of node$holder with vmfence: done" "$tmp"/node*/vigild.log | head -1 | cut -c1-15)
	started=$(grep -h "start vip: ok" "$(node_dir "$(vip_on)")/vigild.log" | tail -1 | cut -c1-15)
	[ -n "$fenced" ] && [ -n "$started" ] && [[ ! "$started" < "$fenced" ]]'
check "vigil-mon's XML and JSON list it (crm_mon's fence_history), valid against their schemas" eval '
	node_exec $survivor "$VIGIL_MON" --output-as=xml > "$tmp/mon.xml" &&
	xmllint --noout --relaxng "$top_srcdir/schemas/vigil-mon.rng" "$tmp/mon.xml" 2> /dev/null &&
	grep -q "<fence_event action=\"reboot\" target=\"node$holder\" client=\"vigild\" origin=\"node$dc\" status=\"success\" delegate=\"node[0-9]\" device=\"vmfence\" completed=" "$tmp/mon.xml" &&
	grep -q "<fence_event action=\"reboot\" target=\"node$holder\" .*status=\"failed\" .*exit-reason=\"no stonith device can fence" "$tmp/mon.xml" &&
	node_exec $survivor "$VIGIL_MON" --output-as=json > "$tmp/mon.json" &&
	/usr/bin/python3 -c "import json, sys, jsonschema
d = json.load(open(sys.argv[2]))
jsonschema.validate(d, json.load(open(sys.argv[1])))
assert d[\"fence_history\"][0][\"status\"] == \"success\", d[\"fence_history\"]
" "$top_srcdir/schemas/vigil-mon.schema.json" "$tmp/mon.json"'
check "'vigil status' on both survivors shows the fencing" eval '
	for i in $others; do
		says $i "Fencing History:" "reboot of node$holder successful" || exit 1
	done'

# --- a client fences a live member; its vigild stops; it is not fenced again -------------
ip -n "$(ns_node "$holder")" addr del "$vip/24" dev eth0 2>/dev/null # it was power-cycled
dead=""
link_up "$holder"
corosync_start "$holder"
corosync_wait_quorate "$holder" 30 || bail "corosync on node$holder did not come back"
vigild_start "$holder"
check "the fenced node rejoins when it comes back" \
	wait_for 40 says "$survivor" "Online: \[ node1 node2 node3 \]"
check "and learns the cluster's fencing history, its own fencing in it" \
	wait_for 10 eval 'node_exec $holder "$VIGIL" stonith history node$holder |
			  grep -q "^reboot of node$holder successful: delegate=node[0-9], device=vmfence"'
victim=$(vip_on)
asker=$(( victim % 3 + 1 ))
victim_pid=${vigild_pid[$victim]}
count() { node_exec "$asker" "$VIGIL" stonith history "node$victim" | grep -c "^reboot of node$victim"; }
before=$(count)
node_exec "$asker" "$VIGIL" stonith fence "node$victim" > "$tmp/fence.out" 2>&1
check "'vigil stonith fence node$victim' says it was done" \
	grep -q "^Node node$victim fenced (reboot, by node[0-9] with vmfence)\.$" "$tmp/fence.out"
check "the fenced node's vigild learns it, stops its resources and exits with 100" eval '
	wait_for 20 eval "! kill -0 $victim_pid 2>/dev/null"
	wait $victim_pid; [ $? = 100 ] &&
	grep -q "this node was fenced" "$(node_dir $victim)/vigild.log"'
check "the IP runs on another node, and node$victim was fenced once, not again" eval '
	wait_for 30 eval "n=\$(vip_on) && [ \"\$n\" != $victim ]" && sleep 3 &&
	[ "$(count)" = $((before + 1)) ]'
node_exec "$asker" "$VIGIL" stonith fence nosuchnode > "$tmp/bad.out" 2>&1
rc=$?
check "fencing an unknown node is refused in one line" \
	eval '[ $rc = 64 ] && [ "$(wc -l < "$tmp/bad.out")" = 1 ] && grep -q "no node .nosuchnode." "$tmp/bad.out"'
kill "$fence_virtd_pid" 2>/dev/null
dump_logs
