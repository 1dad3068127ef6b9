#!/usr/bin/env bash
# A two-node split with a real power switch (tests/cluster/lxc.sh): both nodes' ring links
# cut at once, each node quorate alone (two_node), each fences the other. With
# priority-fencing-delay the node that runs the group (priority 10) fences first and the
# other waits: exactly one node survives, the one that runs the group, and the group never
# moves. The fenced node boots again while the ring is still cut: wait_for_all keeps it
# inquorate, so it fences nobody (no fence loop); once the ring is back it joins, and nobody
# is fenced again. A client on the public network watches who answers for the floating IP.
set -u
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/netns.sh"
. "$(dirname "$0")/lxc.sh"
lxc_scenario_require

echo "1..11"
cluster_create 2
vip=198.18.1.100
fenced_start
cluster_up 2
check "two LXC domains boot into one quorate two-node cluster" \
	wait_for 30 says 1 "Current DC: node[0-9] .* with quorum" "Online: \[ node1 node2 \]"

client_watch "$vip"

v() { node_exec 1 "$VIGIL" "$@"; }
v property set stonith-enabled=true priority-fencing-delay=6s > /dev/null &&
v stonith create vmfence fence_vigil key_file="$lxc_node_key" timeout=5 \
	pcmk_host_map="$(lxc_host_map)" pcmk_delay_max=1s > /dev/null &&
web_group "$vip" priority=10 || bail "the configuration commands failed"
check "the group starts, and the client gets a page through the floating IP" \
	wait_for 30 eval 'page > "$tmp/page0" 2>/dev/null'
holder=$(sed -n 's/^node\([0-9]\)$/\1/p' "$tmp/page0")
[ -n "$holder" ] || bail "the page did not name a node: $(cat "$tmp/page0")"
other=$((3 - holder))
# every monitor has run once: nothing of the start is still settling when the ring goes
wait_for 20 says "$holder" "vmfence.*Started" > /dev/null
sleep 2

# --- both ring links cut at once ---------------------------------------------------------------
link_down 1 & p1=$!
link_down 2 & p2=$!
wait "$p1" "$p2"
check "the node that runs the group fences the other one" \
	wait_for 40 eval 'node_exec $holder "$VIGIL" stonith history node$other |
			  grep -q "^reboot of node$other successful: delegate=node$holder, device=vmfence"'
check "the other one had to wait priority-fencing-delay before fencing it, and lost" eval '
	grep -q "fencing node$holder with vmfence in [0-9]* ms (priority-fencing-delay" \
		"$(node_dir $other)/vigild.log" &&
	! grep -q "reboot of $(lxc_domain $holder) for" "$tmp/vigil-fenced.log"' ||
	{ grep -h "fencing node" "$tmp"/node*/vigild.log | sed "s/^/# /"; diag "$tmp/vigil-fenced.log"; }
check "exactly one node survives: node$holder ran all along, node$other was power-cycled" eval '
	wait_for 20 eval "[ \$(node_boots $other) = 2 ]" && [ "$(node_boots $holder)" = 1 ] &&
	node_running $holder'
check "the fenced node boots with the ring still cut: inquorate (wait_for_all), it fences nobody, and does not plan in a loop" eval '
	wait_for 30 eval "node_exec $other corosync-quorumtool -s 2>/dev/null | grep -q \"^Quorate: *No\""
	sleep 8
	node_exec $other corosync-quorumtool -s | grep -q "^Quorate: *No" &&
	[ "$(node_boots $holder)" = 1 ] &&
	[ "$(grep -c "reboot of .* for .*: success" "$tmp/vigil-fenced.log")" = 1 ] &&
	[ "$(grep -c "transition [0-9]* complete" "$(node_dir $other)/vigild.log")" -lt 30 ]' ||
	diag "$tmp/vigil-fenced.log"
check "the group never moved: the client gets its page from node$holder" \
	eval '[ "$(page)" = "node$holder" ]'

# --- the ring comes back -----------------------------------------------------------------------
split_lines=$(wc -l < "$tmp/watch.log")
link_up "$holder"
link_up "$other"
check "the fenced node joins once the ring is back" \
	wait_for 60 says "$holder" "Online: \[ node1 node2 \]"
check "and nobody is fenced again: one fencing in the history, node$holder booted once" eval '
	sleep 5
	[ "$(node_exec $holder "$VIGIL" stonith history | grep -c "^reboot of")" = 1 ] &&
	[ "$(node_boots $holder)" = 1 ] && [ "$(node_boots $other)" = 2 ] &&
	[ "$(grep -c "reboot of .* for .*: success" "$tmp/vigil-fenced.log")" = 1 ]'

kill -TERM "$watch_pid"
wait "$watch_pid" 2>/dev/null
check "the client never saw the floating IP answered by two nodes" \
	eval '! grep -q "^TWO" "$tmp/watch.log"' || diag "$tmp/watch.log"
# (after the heal the scheduler may move the group to balance the nodes: no stickiness)
check "until the ring came back only node$holder ever answered for it" eval '
	[ "$(head -n "$split_lines" "$tmp/watch.log" | grep -v "^TWO" | cut -d" " -f2 |
	     grep -v "^-" | sort -u)" = "52:54:00:18:01:0$holder" ]' || diag "$tmp/watch.log"
dump_logs > "$tmp/final.log"
[ -n "${VIGIL_TEST_VERBOSE:-}" ] && cat "$tmp/final.log" "$tmp/watch.log" "$tmp/vigil-fenced.log"
exit 0
