#!/usr/bin/env bash
# ocf:vigil:IPaddr2 on its own, as an executor runs it, between two network namespaces of
# this run's own joined by a veth pair (198.18.7.0/24 and 2001:db8:7::/64): what
# ocf:heartbeat:IPaddr2 does (address, prefix and interface from the route, label,
# broadcast, announcements that a neighbour's cache takes, idempotent start and stop,
# probes), its errors (one line, the OCF code that tells the cluster what to do), and
# what it does better (a monitor fails on a downed interface; an IPv6 address that
# another host has fails the start instead of staying "dadfailed").
set -u
. "$(dirname "$0")/../lib.sh"
if [ "$(id -u)" -ne 0 ]; then
	echo "1..0 # SKIP network namespaces need root"
	exit 0
fi
AGENT=$top_builddir/agents/resource.d/vigil/IPaddr2
require "ocf:vigil:IPaddr2 (make)" "$AGENT"
require "ip (iproute2)" "$(command -v ip || echo /usr/sbin/ip)"
require "ping (iputils-ping)" "$(command -v ping || echo /usr/bin/ping)"
require "xmllint (libxml2-utils)" "$(command -v xmllint || echo /usr/bin/xmllint)"
DTD=/usr/share/resource-agents/ra-api-1.dtd
make_tmp ipaddr2

id=$$$RANDOM
A=vgip${id}a B=vgip${id}b
cleanup() {
	ip netns del "$A" 2>/dev/null
	ip netns del "$B" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
ip netns add "$A" && ip netns add "$B" || bail "cannot create network namespaces"
ip link add "vga$id" type veth peer name "vgb$id" || bail "cannot create a veth pair"
ip link set "vga$id" netns "$A" && ip link set "vgb$id" netns "$B" || bail "veth move"
ip -n "$A" link set "vga$id" name eth0 && ip -n "$B" link set "vgb$id" name eth0
for ns in "$A" "$B"; do
	ip -n "$ns" link set lo up
	ip -n "$ns" link set eth0 up
done
ip -n "$A" addr add 198.18.7.1/24 dev eth0
ip -n "$B" addr add 198.18.7.2/24 dev eth0
ip -n "$A" addr add 2001:db8:7::1/64 dev eth0 nodad
ip -n "$B" addr add 2001:db8:7::2/64 dev eth0 nodad
mac_a=$(ip -n "$A" -o link show eth0 | sed -n 's/.*link\/ether \([0-9a-f:]*\).*/\1/p')

tap_n=0
ok() { tap_n=$((tap_n + 1)); echo "ok $tap_n - $*"; }
not_ok() { tap_n=$((tap_n + 1)); echo "not ok $tap_n - $*"; }
check() { # check DESCRIPTION CMD...
	local what=$1
	shift
	if "$@"; then ok "$what"; else not_ok "$what"; diag "$tmp/err"; fi
}

# agent ACTION [NAME=VALUE...]: the agent in node A with OCF_RESKEY_NAME=VALUE, as an
# executor runs it; its code in $rc, its standard error in $tmp/err
agent() {
	local action=$1 kv env=()
	shift
	for kv in "$@"; do
		env+=("OCF_RESKEY_$kv")
	done
	ip netns exec "$A" env -i PATH="$PATH" OCF_ROOT=/usr/lib/ocf \
		OCF_RESOURCE_INSTANCE=vip "${env[@]}" "$AGENT" "$action" >"$tmp/out" 2>"$tmp/err"
	rc=$?
}
rc_is() { [ "$rc" -eq "$1" ] || { echo "rc $rc, expected $1" >>"$tmp/err"; return 1; }; }
reason_has() { grep -q "^ocf-exit-reason:.*$1" "$tmp/err"; }
addr_a() { ip -n "$A" -o addr show dev eth0 | grep " $1/"; }
neigh_b() { ip -n "$B" neigh show "$1" dev eth0; }
wait_until() { # wait_until SECONDS CMD...: true as soon as CMD is
	local end=$((SECONDS + $1))
	shift
	until "$@"; do
		[ "$SECONDS" -ge "$end" ] && return 1
		sleep 0.05
	done
}

echo "1..24"
V4=198.18.7.100 V6=2001:db8:7::100

# 1
agent meta-data
if rc_is 0 && xmllint --noout ${DTD:+--dtdvalid "$DTD"} "$tmp/out" 2>>"$tmp/err" &&
   grep -q '<parameter name="ip" required="1" unique="1">' "$tmp/out"; then
	ok "meta-data is valid OCF agent XML (ra-api-1.dtd) with ip required and unique"
else
	not_ok "meta-data is valid OCF agent XML"; diag "$tmp/err"
fi

# 2
agent validate-all ip=$V4
check "validate-all: only ip given, the route tells the interface and the prefix" rc_is 0

# 3-5: start, the neighbour's stale cache entry points at node A at once
ip -n "$B" neigh replace $V4 lladdr 02:00:00:00:00:99 dev eth0 nud stale
agent start ip=$V4
check "start: success" rc_is 0
check "start: $V4/24 on eth0 with broadcast 198.18.7.255 (prefix from the route)" \
	bash -c "ip -n $A -o addr show dev eth0 | grep -q 'inet $V4/24 brd 198.18.7.255 '"
check "start: a gratuitous ARP moved the neighbour's cache entry to node A's MAC" \
	wait_until 2 bash -c "ip -n $B neigh show $V4 dev eth0 | grep -q 'lladdr $mac_a'"

# 6
agent monitor ip=$V4 CRM_meta_interval=10000
if rc_is 0 && ip netns exec "$B" ping -c 1 -W 2 $V4 >/dev/null; then
	ok "monitor: running, and the address answers"
else
	not_ok "monitor: running, and the address answers"; diag "$tmp/err"
fi

# 7
agent start ip=$V4
if rc_is 0 && [ "$(ip -n "$A" -o addr show dev eth0 | grep -c " $V4/")" -eq 1 ]; then
	ok "start again: success, the address is there once"
else
	not_ok "start again: success, the address is there once"; diag "$tmp/err"
fi

# 8-9: stop, stop again, probe
agent stop ip=$V4
check "stop: success and the address is gone" bash -c "[ $rc -eq 0 ] && ! ip -n $A -o addr show dev eth0 | grep -q ' $V4/'"
agent stop ip=$V4
rc1=$rc
agent monitor ip=$V4
check "stop again: success; a probe then says not running (7)" bash -c "[ $rc1 -eq 0 ] && [ $rc -eq 7 ]"

# 10: the background announcements end with the address
agent start ip=$V4 arp_count=100 arp_interval=100
agent stop ip=$V4
sleep 0.4
if [ -z "$(ip netns pids "$A")" ]; then
	ok "announcements in the background end when the address is removed"
else
	not_ok "announcements in the background end when the address is removed"
	ps -o pid,args -p "$(ip netns pids "$A" | tr '\n' ',' | sed 's/,$//')" | sed 's/^/# /'
	for p in $(ip netns pids "$A"); do kill "$p"; done
fi

# 11: removed by hand, a recurring monitor fails
agent start ip=$V4
ip -n "$A" addr del $V4/24 dev eth0
agent monitor ip=$V4 CRM_meta_interval=10000
check "address removed by hand: monitor says not running (7)" rc_is 7

# 12: a downed interface fails the monitor (IPaddr2 would say running)
agent start ip=$V4 nic=eth0 cidr_netmask=24
ip -n "$A" link set eth0 down
agent monitor ip=$V4 nic=eth0 cidr_netmask=24 CRM_meta_interval=10000
if rc_is 1 && reason_has "interface eth0 holding $V4 is down"; then
	ok "interface down: monitor fails (1) and says why"
else
	not_ok "interface down: monitor fails (1) and says why"; diag "$tmp/err"
fi
ip -n "$A" link set eth0 up
agent stop ip=$V4 nic=eth0 cidr_netmask=24
# the kernel drops IPv6 addresses of an interface that goes down
ip -n "$A" addr add 2001:db8:7::1/64 dev eth0 nodad 2>/dev/null

# 13: label, dotted netmask, no broadcast
agent start ip=$V4 nic=eth0:vip cidr_netmask=255.255.255.128 broadcast=none
check "nic=eth0:vip, dotted netmask, broadcast=none: $V4/25 labelled eth0:vip, no brd" \
	bash -c "[ $rc -eq 0 ] && ip -n $A -o addr show dev eth0 | grep -q 'inet $V4/25 scope global eth0:vip'"
agent stop ip=$V4 nic=eth0:vip cidr_netmask=255.255.255.128

# 14-19: errors, each one line with the code that tells the cluster what to do
agent start ip=$V4 nic=eth9
check "a missing interface: not installed here (5), and says which" \
	bash -c "[ $rc -eq 5 ] && grep -q \"^ocf-exit-reason:interface 'eth9' (the nic parameter) does not exist on this node\" $tmp/err"
agent start ip=198.18.9.1
check "no route covers the address: not configured (6), says to set nic and cidr_netmask" \
	bash -c "[ $rc -eq 6 ] && grep -q '^ocf-exit-reason:no interface has a route that covers 198.18.9.1; set nic= and cidr_netmask=' $tmp/err"
agent start ip=198.18.7.100/24
check "an address with a prefix: not configured (6)" \
	bash -c "[ $rc -eq 6 ] && grep -q 'set cidr_netmask for it' $tmp/err"
agent start ip=$V4 cidr_netmask=33
check "cidr_netmask=33: not configured (6)" \
	bash -c "[ $rc -eq 6 ] && grep -q 'cidr_netmask must be a prefix length from 0 to 32' $tmp/err"
agent start ip=$V4 lvs_support=true
check "lvs_support=true: refused (6), not ignored, with the agent that has it" \
	bash -c "[ $rc -eq 6 ] && grep -q 'lvs_support is not supported by ocf:vigil:IPaddr2; use ocf:heartbeat:IPaddr2' $tmp/err"
agent stop ip=not-an-address
rc1=$rc
agent monitor ip=$V4 nic=eth9
check "stop of an address that cannot exist succeeds; a probe where nic is missing says 7" \
	bash -c "[ $rc1 -eq 0 ] && [ $rc -eq 7 ]"

# 20-22: IPv6, duplicate address detection, neighbour advertisement
ip -n "$B" -6 neigh replace $V6 lladdr 02:00:00:00:00:99 dev eth0 nud stale
agent start ip=$V6
check "IPv6 start: success after duplicate address detection, address not tentative" \
	bash -c "[ $rc -eq 0 ] && ip -n $A -o -6 addr show dev eth0 | grep ' $V6/64' | grep -vq tentative"
check "IPv6: an unsolicited neighbour advertisement moved the neighbour's entry to node A" \
	wait_until 2 bash -c "ip -n $B -6 neigh show $V6 dev eth0 | grep -q 'lladdr $mac_a'"
agent stop ip=$V6
agent start ip=$V6 nodad=true
check "IPv6 nodad=true: the address is added without detection" \
	bash -c "[ $rc -eq 0 ] && ip -n $A -o -6 addr show dev eth0 | grep ' $V6/64' | grep -q nodad"
agent stop ip=$V6

# 23: another host has the address
ip -n "$B" addr add $V6/64 dev eth0 nodad
agent start ip=$V6
if rc_is 1 && reason_has "$V6 is in use by another host on eth0" &&
   ! ip -n "$A" -o -6 addr show dev eth0 | grep -q " $V6/"; then
	ok "IPv6 address in use elsewhere: start fails (1), says so, leaves nothing behind"
else
	not_ok "IPv6 address in use elsewhere: start fails (1), says so, leaves nothing behind"
	diag "$tmp/err"
fi
ip -n "$B" addr del $V6/64 dev eth0

# 24
agent bogus ip=$V4
check "an unknown action: unimplemented (3)" rc_is 3
