#!/usr/bin/env bash
# vigil-fenced against Debian's fence_xvm, unchanged, and against fence_vigil: the daemon on
# a host namespace of its own with the same fence_virt.conf fence_virtd takes, its libvirt
# connection on libvirt's test driver (domains node1..node3), the requesters on a node
# namespace beside it (tests/cluster/netns.sh). Every action with honest answers (an
# unknown domain fails instead of reading "off"; reboot powers an off domain on), sha256 and
# sha512, a wrong key; datagrams that are truncated, badly signed, garbage or replayed are
# dropped without effect (tests/agents/xvm-client.py, written from the protocol's
# description); a request whose callback address never answers does not hold back a
# concurrent one; the tcp listener (Debian's fence_virt -T) with groups judged on the real
# peer address; the IPv6 multicast listener; a key others can read, a missing key and an
# unknown interface are refused with what to do.
set -u
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../cluster/netns.sh"
cluster_require
VF=${VIGIL_FENCED:-$top_builddir/daemons/vigil-fenced/vigil-fenced}
FV=$top_builddir/agents/fence_vigil/fence_vigil
require "vigil-fenced (make)" "$VF"
require "fence_vigil (make)" "$FV"
require "fence_xvm (fence-virt)" /usr/sbin/fence_xvm
PY=/usr/bin/python3
require python3 "$PY"
CLIENT=$top_srcdir/tests/agents/xvm-client.py

echo "1..27"
cluster_create 2
host_create fence 50
host_create fence512 51
host_create tcpfence 52
virtd_start fence 1229 sha256 "$VF"
vf_pid=$spawned_pid
virtd_start fence512 1230 sha512 "$VF"
key=$virtd_key
log=$tmp/fence_virtd-fence.log

# xvm ARGS...: Debian's fence_xvm on node 1; output in $tmp/out, code in $rc
xvm() {
	node_exec 1 /usr/sbin/fence_xvm -k "$key" -t 5 "$@" > "$tmp/out" 2>&1
	rc=$?
}
is() { # is RC [TEXT]
	[ "$rc" -eq "$1" ] && { [ -z "${2:-}" ] || grep -q -- "$2" "$tmp/out"; } ||
		{ { cat "$tmp/out"; echo "rc=$rc"; } > "$tmp/why"; return 1; }
}
t() { # t DESCRIPTION RC [TEXT]
	local what=$1
	shift
	if is "$@"; then ok "$what"; else not_ok "$what"; diag "$tmp/why"; fi
}
client() { node_exec 1 "$PY" "$CLIENT" --key "$key" --via 198.18.0.1 "$@" 2>&1; }

wait_for 10 eval 'node_exec 1 /usr/sbin/fence_xvm -k "$key" -t 2 -o monitor > /dev/null 2>&1' ||
	{ sed 's/^/# /' "$log"; bail "vigil-fenced did not answer within 10 s"; }

xvm -o list
t "fence_xvm list: the domains, as fence_virtd lists them" 0 "^node2 *[0-9a-f-]\{36\} on$"
xvm -o status -H node2
t "fence_xvm status of a running domain: exit 0" 0 "Status: ON"
xvm -o off -H node2
rc1=$rc
xvm -o status -H node2
[ "$rc1" -eq 0 ] || echo "off exited $rc1" > "$tmp/out"
t "off (exit 0), then status: OFF, exit 2" 2 "Status: OFF"
xvm -o reboot -H node2
rc1=$rc
xvm -o status -H node2
[ "$rc1" -eq 0 ] || echo "reboot exited $rc1" > "$tmp/out"
t "reboot of an off domain powers it on (fence_virtd leaves it off)" 0 "Status: ON"
xvm -o reboot -H node3
t "reboot of a running domain: exit 0" 0
check "the log says who asked what and how it went" \
	grep -q "reboot of node3 for 198.18.0.1: success ([0-9]* ms)" "$log"
xvm -o on -H node3
t "on of a running domain: exit 0" 0
xvm -o status -H nosuchvm
t "status of an unknown domain fails (fence_virtd says OFF, read as 'fenced')" 1
check "and the log says there is no such domain" grep -q "status of nosuchvm for 198.18.0.1: failed - no domain 'nosuchvm'" "$log"
xvm -o monitor
t "monitor checks libvirt: exit 0" 0
xvm -p 1230 -c sha512 -C sha512 -o status -H node1
t "sha512 requests and challenges (a daemon set to sha512)" 0 "Status: ON"

node_exec 1 "$FV" -k "$key" -t 5 -o status -H node1 > "$tmp/out" 2>&1
rc=$?
t "fence_vigil against vigil-fenced" 0 "Status: ON"
head -c 512 /dev/urandom > "$tmp/wrong.key"
node_exec 1 "$FV" -k "$tmp/wrong.key" -t 2 -o status -H node1 > "$tmp/out" 2>&1
rc=$?
t "a wrong key: dropped; fence_vigil says what it tried" 1 "wrong key, or no fence daemon"

# datagrams that must be dropped without effect: no callback, nothing done
for how in truncate badsig garbage; do
	out=$(client --op 1 --domain node1 --mangle "$how" --wait 2)
	if [ "$out" = "no callback" ] && ! grep -q "off of node1" "$log"; then
		ok "a $how datagram is dropped: no callback, nothing done"
	else
		not_ok "a $how datagram is dropped: no callback, nothing done"
		echo "# $out"
	fi
done
out=$(client --op 4 --domain node1 --times 2 --wait 2 | tr '\n' ',')
if [ "$out" = "callback: 0,no callback," ]; then
	ok "a replayed request is served once (the replay window)"
else
	not_ok "a replayed request is served once (the replay window)"
	echo "# $out"
fi

# a callback address that never answers (198.18.0.77: nobody) must not delay another
client --op 4 --domain node1 --callback 198.18.0.77 --wait 1 > /dev/null &
stalled=$!
sleep 0.2
start=$(date +%s%N)
xvm -o status -H node2
took=$(( ($(date +%s%N) - start) / 1000000 ))
wait "$stalled"
if is 0 "Status: ON" && [ "$took" -lt 2000 ] &&
   wait_for 10 grep -q "status of 'node1' for 198.18.0.77: no callback to port" "$log"; then
	ok "a request whose callback never answers does not hold back another ($took ms)"
else
	not_ok "a request whose callback never answers does not hold back another ($took ms)"
	diag "$tmp/why"
fi

# configuration problems, each refused in one line that says what to do
cp "$tmp/fence_virtd-fence.conf" "$tmp/bad.conf"
cp "$key" "$tmp/open.key"
chmod 644 "$tmp/open.key"
sed -i "s|key_file = \".*\"|key_file = \"$tmp/open.key\"|" "$tmp/bad.conf"
out=$(host_exec fence "$VF" -F -f "$tmp/bad.conf" -p "$tmp/bad.pid" 2>&1)
rc=$?
if [ "$rc" -ne 0 ] && grep -q "can be read by others (mode 0644); run 'chmod 600 $tmp/open.key'" <<<"$out" &&
   [ "$(stat -c %a "$tmp/open.key")" = 644 ]; then
	ok "a key others can read is refused with the chmod to run (and not chmod'ed silently)"
else
	not_ok "a key others can read is refused with the chmod to run"; echo "# $out"
fi
sed -i "s|key_file = \".*\"|key_file = \"$tmp/none.key\"|" "$tmp/bad.conf"
out=$(host_exec fence "$VF" -F -f "$tmp/bad.conf" -p "$tmp/bad.pid" 2>&1)
rc=$?
if [ "$rc" -ne 0 ] && grep -q "the key file $tmp/none.key: No such file or directory; create it with 'dd" <<<"$out"; then
	ok "a missing key is refused with how to make one"
else
	not_ok "a missing key is refused with how to make one"; echo "# $out"
fi
cp "$tmp/fence_virtd-fence.conf" "$tmp/bad.conf"
sed -i 's|interface = "eth0"|interface = "eth9"|' "$tmp/bad.conf"
out=$(host_exec fence "$VF" -F -f "$tmp/bad.conf" -p "$tmp/bad.pid" 2>&1)
rc=$?
if [ "$rc" -ne 0 ] && grep -q 'interface "eth9" does not exist here' <<<"$out"; then
	ok "an unknown interface is refused (fence_virtd would listen everywhere instead)"
else
	not_ok "an unknown interface is refused"; echo "# $out"
fi

# the tcp listener, with groups: the real peer address decides (fence_virt -T, Debian's)
cat > "$tmp/tcp.conf" <<EOF
fence_virtd {
	listener = "tcp";
	backend = "libvirt";
}
listeners {
	tcp {
		key_file = "$key";
		address = "198.18.0.52";
		port = "1229";
	}
}
backends {
	libvirt {
		uri = "test://$tmp/domains.xml";
	}
}
groups {
	group {
		name = "only-node2";
		ip = "198.18.0.2";
		uuid = "node1";
	}
}
EOF
chmod 600 "$tmp/tcp.conf"
host_spawn tcpfence "$tmp/tcp.log" "$VF" -F -f "$tmp/tcp.conf" -p "$tmp/tcp.pid"
tcp_pid=$spawned_pid
wait_for 10 grep -q "serving fence_xvm requests (tcp 198.18.0.52:1229" "$tmp/tcp.log" ||
	sed 's/^/# /' "$tmp/tcp.log"
node_exec 2 /usr/sbin/fence_virt -T 198.18.0.52 -k "$key" -t 5 -o status -n node1 > "$tmp/out" 2>&1
rc=$?
t "tcp listener: fence_virt -T from node2 (in the group) gets its answer" 0 "Status: ON"
node_exec 1 /usr/sbin/fence_virt -T 198.18.0.52 -k "$key" -t 5 -o status -n node1 > "$tmp/out" 2>&1
rc=$?
t "tcp listener: node1, not in the group, is denied (exit 3)" 3
check "the log names the real peer" \
	grep -q "status of node1 for 198.18.0.1: permission denied" "$tmp/tcp.log"
kill "$tcp_pid" 2>/dev/null

# --- the IPv6 multicast listener (ff05::3:1, fence_xvm's IPv6 default) -------------------------
host_create fence6 53
ip -n "$(ns_host fence6)" addr add fd18::53/64 dev eth0 nodad
ip -n "$(ns_node 1)" addr add fd18::1/64 dev eth0 nodad
cat > "$tmp/v6.conf" <<EOF
fence_virtd {
	listener = "multicast";
	backend = "libvirt";
}
listeners {
	multicast {
		key_file = "$key";
		family = "ipv6";
		address = "ff05::3:1";
		port = "1233";
		interface = "eth0";
	}
}
backends {
	libvirt {
		uri = "test://$tmp/domains.xml";
	}
}
EOF
chmod 600 "$tmp/v6.conf"
host_spawn fence6 "$tmp/v6.log" stdbuf -oL -eL "$VF" -F -d 2 -f "$tmp/v6.conf" -p "$tmp/v6.pid"
v6_pid=$spawned_pid
wait_for 10 grep -q "serving fence_xvm requests (multicast ff05::3:1" "$tmp/v6.log" ||
	sed 's/^/# /' "$tmp/v6.log"
xvm -i ipv6 -p 1233 -o status -H node1
t "IPv6 multicast listener: Debian's fence_xvm -i ipv6 gets its answer" 0 "Status: ON"
check "the log names the requester by its IPv6 address" \
	grep -q "status of node1 for fd18::1: success" "$tmp/v6.log" || diag "$tmp/v6.log"
node_exec 1 "$FV" -k "$key" -t 5 -i ipv6 -p 1233 -o status -H node1 > "$tmp/out" 2>&1
rc=$?
t "and fence_vigil -i ipv6 too" 0 "Status: ON"
kill "$v6_pid" 2>/dev/null
kill "$vf_pid" 2>/dev/null
