# The seed scenario, end to end, on N nodes (seed-2.sh, seed-3.sh source this with N):
# haproxy as systemd:haproxy in nodes that run systemd as PID 1, grouped with an
# ocf:heartbeat:IPaddr2 floating IP, two web servers and a client in namespaces of their own
# (seed-lib.sh). The client gets pages through the VIP: after the group is made with vigil's
# CLI; after 'vigil node standby' of the active node moves it (and unstandby); when the VIP
# is deleted by hand or haproxy is killed (both recovered at once, not at the next monitor,
# with the fail-count in vigil-mon); when the active node is killed, last. On 3 nodes, first
# a minority cut off without quorum stops the group (no-quorum-policy=stop), the majority
# runs it, and after the heal there is one copy, not two.
set -u
n=$1
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
. "$(dirname "${BASH_SOURCE[0]}")/netns.sh"
. "$(dirname "${BASH_SOURCE[0]}")/seed-lib.sh"
cluster_require
require vigild "$VIGILD"
require vigil-mon "$VIGIL_MON"
seed_require

if [ "$n" -ge 3 ]; then echo "1..16"; else echo "1..13"; fi
seed_up "$n"

check "the group is made with vigil's CLI (the seed documents' commands)" seed_create_group
check "it runs on one node: the VIP and haproxy together" wait_for 30 group_on
check "the client gets pages from both web servers through the VIP" \
	wait_for 15 client_sees_both

# standby of the active node
on=$(group_on)
node_exec 1 "$VIGIL" node standby "node$on" > /dev/null 2>&1
check "'vigil node standby' of its node moves the group" \
	wait_for 30 eval 'g=$(group_on) && [ "$g" != "$on" ]'
check "the client gets pages after the move" wait_for 15 client_sees_both
node_exec 1 "$VIGIL" node unstandby "node$on" > /dev/null 2>&1
check "unstandby: the node is back, the group stays where it runs (stickiness)" \
	eval 'g=$(group_on); sleep 2; [ "$(group_on)" = "$g" ] &&
	      says 1 "Online: \[ $(seq -s " " -f "node%g" 1 "$n") \]"'

# the VIP deleted by hand
on=$(group_on)
ip -n "$(ns_node "$on")" addr del "$seed_vip/24" dev eth0
check "the VIP deleted by hand is back at once (its monitor runs every 30 s)" \
	wait_for 5 eval '[ -n "$(vip_on)" ] && client_page > /dev/null'
check "vigil-mon shows the VIP's fail-count" \
	wait_for 10 eval 'node_exec 1 "$VIGIL_MON" -1 | grep -Eq "vip_monitor_30000 on node$on .*not running"'

# haproxy killed (every process of the unit, by pid)
on=$(group_on)
pids=$(haproxy_pids "$on")
[ -n "$pids" ] || bail "no haproxy processes in node$on's cgroup"
kill -KILL $pids
check "haproxy killed is heard from systemd and recovered at once (its monitor: 60 s)" \
	wait_for 10 eval 'grep -q "haproxy: systemd says haproxy.service is now" \
			  "$(node_dir $on)/vigild.log" && [ -n "$(group_on)" ] &&
			  client_page > /dev/null'
check "vigil-mon shows haproxy's failure" \
	wait_for 10 eval 'node_exec 1 "$VIGIL_MON" -1 | grep -Eq "haproxy_monitor_60000 on node$on .*not running"'
check "the client gets pages from both web servers again" wait_for 15 client_sees_both

if [ "$n" -ge 3 ]; then
	# partition: the active node alone, without quorum
	on=$(group_on)
	link_down "$on"
	check "cut off without quorum, the minority node stops the group (no-quorum-policy=stop)" \
		wait_for 30 eval '! ip -n "$(ns_node $on)" -4 addr show dev eth0 | grep -q "inet $seed_vip/" &&
				  ! node_unit_state $on haproxy.service > /dev/null'
	check "the majority runs it, and the client gets pages" \
		wait_for 30 eval 'g=$(group_on) && [ "$g" != "$on" ] && client_page > /dev/null'
	link_up "$on"
	check "after the heal: one copy of the group, not two" \
		eval 'wait_for 30 says $on "Current DC: node[0-9]+ .* with quorum" && sleep 3 &&
		      [ -n "$(group_on)" ] && client_sees_both'
fi

# the active node dies: every process of it killed by pid, its link down
on=$(group_on)
node_kill "$on"
link_down "$on"
check "node$on killed: the group runs on a survivor" \
	wait_for 30 eval 'g=$(group_on) && [ "$g" != "$on" ]'
check "the client gets pages again" wait_for 15 client_sees_both
