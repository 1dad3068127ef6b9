# The seed scenario on a cluster of netns.sh: source it after netns.sh (and after lxc.sh,
# with seed_lxc=1, for nodes that are libvirt LXC domains, with fencing).
#
# Nodes 1..N run systemd as PID 1 (for systemd:haproxy), corosync and vigild. Two web
# servers (python3's http.server, each serving a page with its own name) live in hosts of
# their own, web1 at 198.18.0.21 and web2 at 198.18.0.22, and a client host at 198.18.0.30
# asks for pages through the floating IP 198.18.0.100, where haproxy balances the two.
# The group is made with the commands of the seed documents, 'pcs' replaced by 'vigil'.
#
#   seed_up N          the hosts, the nodes (systemd, corosync, vigild), a formed cluster
#                      (with seed_lxc=1: vigil-fenced on the host as the nodes' power switch)
#   seed_create_group  stonith-enabled=false (seed_lxc=1: true, and a stonith:fence_vigil
#                      device), then the vip + haproxy group, with vigil's CLI
#   client_page        one page through the VIP (the server's name), or fails
#   vip_on             the one node holding the VIP (fails if none or several)
#   haproxy_on         the one node where haproxy.service is active (same)
# (both among the nodes whose link is up: a node killed or cut off keeps what it had, and
# nobody can reach it)

seed_vip=198.18.0.100
seed_lxc=${seed_lxc:-0}
if [ "$seed_lxc" = 1 ]; then
	LXC_NETS=1 # one network, as the netns nodes have it: the addresses below are the same
	LXC_SYSTEMD=1
fi
PYTHON3=${PYTHON3:-/usr/bin/python3}
VIGIL_MON=${VIGIL_MON:-$top_builddir/cli/vigil-mon}

seed_require() {
	require "systemd" /lib/systemd/systemd
	require "haproxy" /usr/sbin/haproxy
	require "dbus-daemon (dbus)" "$(command -v dbus-daemon || echo /usr/bin/dbus-daemon)"
	require "busctl (systemd)" "$(command -v busctl || echo /usr/bin/busctl)"
	require "curl" "$(command -v curl || echo /usr/bin/curl)"
	require "python3" "$PYTHON3"
	require "ocf:heartbeat:IPaddr2 (resource-agents)" /usr/lib/ocf/resource.d/heartbeat/IPaddr2
}

# The node's haproxy: the VIP in front, the two web servers behind, checked every second.
# A drop-in of the test node clears the packaged unit's /dev/log bind: the node has no
# journald (node-init.sh masks it so that it cannot write to the machine's /dev and logs).
seed_node_files() {
	local d
	d=$(node_dir "$1")
	mkdir -p "$d/etc/haproxy" "$d/etc/systemd-units/haproxy.service.d"
	cat > "$d/etc/haproxy/haproxy.cfg" <<EOF
global
	maxconn 256
	stats socket /run/haproxy/admin.sock mode 600 level admin
defaults
	mode http
	timeout connect 1s
	timeout client 5s
	timeout server 5s
frontend web
	bind $seed_vip:80
	default_backend webs
backend webs
	balance roundrobin
	option httpchk GET /
	server web1 198.18.0.21:8080 check inter 1s fall 2 rise 1
	server web2 198.18.0.22:8080 check inter 1s fall 2 rise 1
EOF
	printf '[Service]\nBindReadOnlyPaths=\n' \
		> "$d/etc/systemd-units/haproxy.service.d/10-test-node.conf"
}

seed_web() { # seed_web NAME I
	local root="$tmp/$1-root"
	mkdir -p "$root"
	echo "$1" > "$root/index.html"
	host_create "$1" "$2"
	host_spawn "$1" "$tmp/$1.log" "$PYTHON3" -m http.server 8080 --bind "198.18.0.$2" \
		--directory "$root"
}

seed_up() {
	local n=$1 i
	cluster_create "$n"
	[ "$seed_lxc" = 1 ] && fenced_start
	seed_web web1 21
	seed_web web2 22
	host_create client 30
	for i in $(seq "$n"); do
		seed_node_files "$i"
		# as every haproxy in front of a floating IP is set up: it may bind the VIP on a
		# node that does not hold it (yet); a sysctl of the node's own network namespace
		if [ "$seed_lxc" = 1 ]; then
			echo "net.ipv4.ip_nonlocal_bind = 1" > "$(node_dir "$i")/etc/sysctl.conf"
		else
			ip netns exec "$(ns_node "$i")" sysctl -qw net.ipv4.ip_nonlocal_bind=1
		fi
		node_boot_systemd "$i"
	done
	cluster_up "$n"
	# (LXC nodes boot systemd, then its units: longer on a loaded machine)
	wait_for $([ "$seed_lxc" = 1 ] && echo 60 || echo 30) \
		says 1 "Current DC: node1 .* with quorum" ||
		{ seed_diag; bail "the cluster did not form"; }
}

# seed_diag: what the nodes logged last, and what node 1 says, as TAP diagnostics on stderr
seed_diag() {
	local i
	for i in $(seq "$cluster_nodes"); do
		echo "# node$i: vigild.log, corosync.log:"
		tail -n 8 "$(node_dir "$i")/vigild.log" "$(node_dir "$i")/corosync.log" 2>&1 |
			sed 's/^/#   /'
	done >&2
	node_exec 1 "$VIGIL" status 2>&1 | sed 's/^/# node1: /' >&2
}

seed_create_group() {
	local v=(node_exec 1 "$VIGIL")
	if [ "$seed_lxc" = 1 ]; then
		"${v[@]}" property set stonith-enabled=true &&
		"${v[@]}" stonith create vmfence fence_vigil key_file="$lxc_node_key" \
			pcmk_host_map="$(lxc_host_map)" || return 1
	else
		"${v[@]}" property set stonith-enabled=false || return 1
	fi
	"${v[@]}" resource create vip ocf:heartbeat:IPaddr2 ip=$seed_vip cidr_netmask=24 \
		op monitor interval=30s &&
	"${v[@]}" resource create haproxy systemd:haproxy op monitor interval=60s &&
	"${v[@]}" resource group add hagroup vip haproxy
}

client_page() {
	host_exec client curl -s --max-time 2 "http://$seed_vip/"
}
# client_sees_both: pages from both web servers through the VIP
client_sees_both() {
	local seen="" p
	for _ in 1 2 3 4 5 6; do
		p=$(client_page) || return 1
		seen+=" $p"
	done
	[[ $seen == *web1* && $seen == *web2* ]]
}

node_addrs() { # node_addrs I: the IPv4 addresses of node I's eth0
	if [ "$seed_lxc" = 1 ]; then
		node_exec "$1" ip -4 addr show dev eth0
	else
		ip -n "$(ns_node "$1")" -4 addr show dev eth0
	fi
}
vip_on() {
	local i found=""
	for i in $(seq "$cluster_nodes"); do
		link_is_up "$i" || continue
		if node_addrs "$i" | grep -q "inet $seed_vip/"; then
			[ -n "$found" ] && return 1
			found=$i
		fi
	done
	[ -n "$found" ] && echo "$found"
}
haproxy_on() {
	local i found=""
	for i in $(seq "$cluster_nodes"); do
		link_is_up "$i" || continue
		if [ -d "$(node_cgroup "$i")" ] && node_unit_state "$i" haproxy.service > /dev/null; then
			[ -n "$found" ] && return 1
			found=$i
		fi
	done
	[ -n "$found" ] && echo "$found"
}
# group_on: the node running both, the VIP and haproxy; fails otherwise
group_on() {
	local v h
	v=$(vip_on) && h=$(haproxy_on) && [ "$v" = "$h" ] && echo "$v"
}
# haproxy_pids I: haproxy's processes in node I, as the machine numbers them
haproxy_pids() {
	cat "$(node_cgroup "$1")/system.slice/haproxy.service/cgroup.procs" 2>/dev/null
}
