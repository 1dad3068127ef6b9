#!/usr/bin/env bash
# Fencing with a real power switch: three cluster nodes that are libvirt LXC domains
# (tests/cluster/lxc.sh), vigil-fenced on the host driving this run's libvirtd (lxc:///),
# stonith:fence_vigil as the device. A group (a floating IP and a web server on it) runs on
# one node; a client on the public network watches who answers ARP for the floating IP the
# whole time (tests/cluster/vip-watch.py). The active node's ring link is cut (its public
# link stays: it could still answer for the IP): the survivors fence it, libvirt destroys
# and starts the domain again, the group runs on a survivor, and the restarted node rejoins
# without fencing anyone. The client never sees the IP answered by two nodes. Last,
# libvirtd stops: vigil-fenced fails a request at once, and reconnects by itself when
# libvirtd is back.
set -u
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/netns.sh"
. "$(dirname "$0")/lxc.sh"
lxc_scenario_require

echo "1..15"
cluster_create 3
vip=198.18.1.100
fenced_start
cluster_up 3
check "three LXC domains boot into one quorate cluster" \
	wait_for 30 says 1 "Current DC: node[0-9] .* with quorum" "Online: \[ node1 node2 node3 \]"
node_exec 1 "$top_builddir/agents/fence_vigil/fence_vigil" -k "$lxc_node_key" -t 5 -o list \
	> "$tmp/list.out" 2>&1
check "vigil-fenced lists the domains to a node, running" eval '
	for i in 1 2 3; do grep -q "^$(lxc_domain $i) .* on\$" "$tmp/list.out" || exit 1; done' ||
	diag "$tmp/list.out"

# --- the client watches the floating IP from now on -----------------------------------------
client_watch "$vip"

v() { node_exec 1 "$VIGIL" "$@"; }
v property set stonith-enabled=true > /dev/null &&
v stonith create vmfence fence_vigil key_file="$lxc_node_key" timeout=5 \
	pcmk_host_map="$(lxc_host_map)" > /dev/null &&
web_group "$vip" || bail "the configuration commands failed"

check "the group starts, and the client gets a page through the floating IP" \
	wait_for 30 eval 'page > "$tmp/page0" 2>/dev/null'
holder=$(sed -n 's/^node\([0-9]\)$/\1/p' "$tmp/page0")
[ -n "$holder" ] || bail "the page did not name a node: $(cat "$tmp/page0")"
survivors=$(seq 3 | grep -vx "$holder" | tr '\n' ' ')
s1=${survivors%% *}

# --- the active node's ring link is cut ------------------------------------------------------
link_down "$holder"
check "the survivors fence node$holder through fence_vigil and vigil-fenced" \
	wait_for 40 eval 'node_exec $s1 "$VIGIL" stonith history node$holder |
			  grep -q "^reboot of node$holder successful: delegate=node[0-9], device=vmfence"'
check "vigil-fenced power-cycled its domain, which booted again" eval '
	grep -q "reboot of $(lxc_domain $holder) for .*: success" "$tmp/vigil-fenced.log" &&
	wait_for 20 eval "[ \$(node_boots $holder) = 2 ]"' ||
	diag "$tmp/vigil-fenced.log"
check "the group runs on a survivor: the client gets its page" \
	wait_for 30 eval 'p=$(page) && [ "$p" != "node$holder" ] && [ -n "$p" ]'
check "the floating IP started after the fencing was done" eval '
	fenced=$(grep -h "reboot of node$holder with vmfence: done" "$tmp"/node*/vigild.log | head -1 | cut -c1-15)
	started=$(grep -h "start vip: ok" "$(node_dir "$(page | tr -dc 0-9)")/vigild.log" | tail -1 | cut -c1-15)
	[ -n "$fenced" ] && [ -n "$started" ] && [[ ! "$started" < "$fenced" ]]'

# --- the restarted node comes back ---------------------------------------------------------------
check "the restarted node rejoins" \
	wait_for 60 says "$s1" "Online: \[ node1 node2 node3 \]"
check "and nobody is fenced again (one fencing in the history, every node booted as expected)" eval '
	sleep 5
	[ "$(node_exec $s1 "$VIGIL" stonith history | grep -c "^reboot of")" = 1 ] &&
	for i in 1 2 3; do
		[ "$(node_boots $i)" = $([ $i = $holder ] && echo 2 || echo 1) ] || exit 1
	done'
check "the group stayed where it was, the client still gets its pages" eval '
	p=$(page) && [ "$p" != "node$holder" ] && [ -n "$p" ]'

kill -TERM "$watch_pid"
wait "$watch_pid" 2>/dev/null
check "the client never saw the floating IP answered by two nodes" \
	eval '! grep -q "^TWO" "$tmp/watch.log"' || diag "$tmp/watch.log"
check "it saw it answered by node$holder, then by a survivor" eval '
	macs=$(grep -v "^TWO" "$tmp/watch.log" | cut -d" " -f2 | grep -v "^-" | uniq)
	[ "$(sed -n 1p <<<"$macs")" = "52:54:00:18:01:0$holder" ] &&
	[ "$(sed -n 2p <<<"$macs")" != "52:54:00:18:01:0$holder" ] &&
	[ "$(wc -l <<<"$macs")" = 2 ]' || diag "$tmp/watch.log"
check "vigil-fenced logged the fencing: requester, domain, operation, result, duration" \
	grep -Eq "reboot of $(lxc_domain "$holder") for 198\.18\.1\.[0-9]+.*: success .*ms" \
	"$tmp/vigil-fenced.log"

# --- libvirt goes away and comes back: vigil-fenced keeps serving, fails at once, reconnects -----
status_of_domain() { # status_of_domain OUT: fence_vigil status of node2's domain, from node1
	node_exec 1 "$top_builddir/agents/fence_vigil/fence_vigil" -k "$lxc_node_key" -t 5 \
		-o status -H "$(lxc_domain 2)" > "$1" 2>&1
}
kill -TERM "$lxc_libvirtd_pid"
wait "$lxc_libvirtd_pid" 2>/dev/null
t0=$(date +%s%N)
status_of_domain "$tmp/down.out"
rc=$?
t1=$(date +%s%N)
check "with libvirtd gone, a request fails at once (in $(( (t1 - t0) / 1000000 )) ms), and the log says libvirt does not answer" \
	eval '[ $rc != 0 ] && [ $(( (t1 - t0) / 1000000 )) -lt 3000 ] &&
	      grep -q "libvirt at .* does not answer" "$tmp/vigil-fenced.log"' ||
	diag "$tmp/down.out"
lxc_hypervisor_start
check "libvirtd back: vigil-fenced reconnects by itself, and the same request succeeds" \
	eval 'wait_for 10 grep -q "libvirt at .* answers again" "$tmp/vigil-fenced.log" &&
	      status_of_domain "$tmp/up.out"' || diag "$tmp/up.out"
dump_logs > "$tmp/final.log"
[ -n "${VIGIL_TEST_VERBOSE:-}" ] && cat "$tmp/final.log" "$tmp/watch.log" "$tmp/vigil-fenced.log"
exit 0
