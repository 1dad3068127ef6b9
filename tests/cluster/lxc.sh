# Cluster nodes that are libvirt LXC domains: a real power switch. Source it after netns.sh,
# whose helpers it re-defines for such nodes; the scenario scripts stay the same shape.
#
# The "hypervisor host" is the run's hub network namespace. In it run the run's own
# libvirtd (LXC driver only, in a private mount namespace whose /run/libvirt, /var/lib/libvirt,
# /var/log/libvirt and /var/cache/libvirt are directories of the run, so it shares nothing
# with another libvirtd) and, for the tests, vigil-fenced on lxc:///. The hub has two bridges:
#   br0  the cluster ring, 198.18.0.0/24: node I is 198.18.0.I (corosync, vigild's traffic);
#   br1  the public network, 198.18.1.0/24: node I is 198.18.1.I, the host 198.18.1.254
#        (vigil-fenced's multicast listener), the client 198.18.1.200, the floating IP's.
# link_down I cuts node I from the ring only: the public network and the fence path stay.
# With LXC_NETS=1 there is one network, br0, for all of it (the host is 198.18.0.254), as
# netns.sh's clusters have it.
#
# LXC_SYSTEMD=1: the nodes run systemd as PID 1 (node-init.sh, for systemd-class resources),
# each in a cgroup2 group of its own (node_cgroup I, as netns.sh's), and systemd's units
# start corosync and vigild: a power cycle is a real boot.
#
# A node's PID 1 is tests/cluster/lxc-node-init.sh, which does what a node's boot does: a
# fresh /run and /dev/shm, the node's own /var/lib/corosync, /var/lib/vigil and
# corosync.conf, its addresses, then corosync and vigild. "virsh destroy" (what fencing
# does) kills all of it at once; libvirt starting the domain again is a reboot.
#
#   lxc_require                  skips (fails under CI) without libvirtd's LXC driver
#   cluster_create N [two_node]  as netns.sh's, with the hub's second bridge and libvirtd
#   cluster_up N                 starts the domains; waits for quorum
#   node_exec I CMD...           CMD in node I's namespaces (as a shell on the node)
#   node_kill I                  the domain destroyed (power off); node_running I
#   link_down I / link_up I      node I's ring link cut or restored (link_is_up I)
#   node_boots I                 how many times node I has booted
#   lxc_domain I                 node I's domain name; $lxc_uri reaches the run's libvirtd
#   fenced_start                 vigil-fenced on the host, on lxc:///, key $virtd_key (the
#                                nodes' copy at $lxc_node_key)
#   host_create NAME I           a plain host on the public network (host_exec, host_spawn
#                                as netns.sh's)

# lxc_scenario_require: what the scenarios (lxc-*.sh) need: the cluster, libvirt's LXC
# driver, Vigil's daemons and agent, Debian's IPaddr2 and anything agents, curl
lxc_scenario_require() {
	cluster_require
	lxc_require
	require vigild "$VIGILD"
	require "vigil-fenced (make)" "$top_builddir/daemons/vigil-fenced/vigil-fenced"
	require "fence_vigil (make)" "$top_builddir/agents/fence_vigil/fence_vigil"
	require "ocf:heartbeat:IPaddr2 (resource-agents)" /usr/lib/ocf/resource.d/heartbeat/IPaddr2
	require "ocf:heartbeat:anything (resource-agents)" /usr/lib/ocf/resource.d/heartbeat/anything
	require curl "$(command -v curl || echo /usr/bin/curl)"
}

# client_watch VIP: a client host at .200 of the public network watching who answers ARP
# for VIP (vip-watch.py), log $tmp/watch.log, pid $watch_pid; page VIP's web page from it
client_watch() {
	vip=$1
	host_create client 200
	host_spawn client "$tmp/watch.out" /usr/bin/python3 "$top_srcdir/tests/cluster/vip-watch.py" \
		eth0 "$(pub_addr 200)" "$vip" "$tmp/watch.log"
	watch_pid=$spawned_pid
}
page() { host_exec client curl -sf --max-time 2 "http://$vip/"; }

# web_group VIP [META...]: the group web of the scenarios, made on node 1: the floating IP
# VIP on the public network (META for it, e.g. priority=10) and a web server on it that
# serves the node's name
web_group() {
	local v=(node_exec 1 "$VIGIL") ip=$1
	shift
	"${v[@]}" resource create vip ocf:heartbeat:IPaddr2 ip="$ip" cidr_netmask=24 nic=eth1 \
		op monitor interval=10s ${1:+meta "$@"} > /dev/null &&
	"${v[@]}" resource create www ocf:heartbeat:anything binfile=/usr/bin/python3 \
		cmdline_options="-m http.server 80 --bind $ip --directory /run/www" \
		op monitor interval=10s > /dev/null &&
	"${v[@]}" resource group add web vip www > /dev/null
}

lxc_driver=""
lxc_require() {
	local d
	require virsh "$(command -v virsh || echo /usr/bin/virsh)"
	require "libvirtd (libvirt-daemon)" /usr/sbin/libvirtd
	require "libvirt_lxc (libvirt-daemon-driver-lxc)" /usr/lib/libvirt/libvirt_lxc
	require nsenter "$(command -v nsenter || echo /usr/bin/nsenter)"
	for d in /usr/lib/*/libvirt/connection-driver; do
		[ -f "$d/libvirt_driver_lxc.so" ] && lxc_driver=$d/libvirt_driver_lxc.so
	done
	# a directory passes require's test: the driver's, when the driver is in it
	require "libvirt's LXC driver (libvirt-daemon-driver-lxc)" "${lxc_driver%/*}"
}

LXC_NETS=${LXC_NETS:-2}
LXC_SYSTEMD=${LXC_SYSTEMD:-0}
lxc_domain() { echo "vigil${cluster_id}n$1"; }
# lxc_host_map: pcmk_host_map for a fence device: every node, its domain by name
lxc_host_map() {
	local i map=""
	for i in $(seq "$cluster_nodes"); do map+="${map:+;}node$i:$(lxc_domain "$i")"; done
	echo "$map"
}
pub_net() { [ "$LXC_NETS" = 1 ] && echo 0 || echo 1; }
pub_addr() { echo "198.18.$(pub_net).$1"; }
pub_bridge() { echo "br$(pub_net)"; }
# where a node finds the fence key (fenced_start puts a copy in every node's directory,
# bound on /run/node: as /etc/cluster/fence_xvm.key on a real node, not under the /tmp that
# a systemd node hides)
lxc_node_key=/run/node/fence_xvm.key
lxc_uri=""
lxc_libvirtd_pid=""

# The cgroup hierarchies libvirt's LXC driver uses, mounted again inside libvirtd's mount
# namespace ('ip netns exec' gives it a fresh /sys without them): the v1 controllers when
# the machine has them (a cgroup2 mount beside them, as systemd's hybrid layout makes,
# makes libvirt fail: "Unable to create directory /sys/fs/cgroup/unified"), else cgroup2.
lxc_cgroup_mounts() {
	local controllers
	controllers=$(awk '$3 == "cgroup" && $2 ~ "^/sys/fs/cgroup/" { print $4 }' /proc/mounts |
		tr ',' '\n' | grep -Ex 'cpu|cpuacct|cpuset|memory|devices|freezer|blkio|pids' |
		sort -u | tr '\n' ' ')
	if [ -n "$controllers" ]; then
		echo "mount -t tmpfs cgroups /sys/fs/cgroup &&"
		echo "for c in $controllers; do mkdir /sys/fs/cgroup/\$c &&"
		echo "  mount -t cgroup -o \$c cgroup /sys/fs/cgroup/\$c || exit 1; done"
	else
		echo "mount -t cgroup2 cgroup2 /sys/fs/cgroup"
	fi
}

lxc_hypervisor_start() {
	local v=$tmp/libvirt dir
	mkdir -p "$v/run" "$v/lib" "$v/log" "$v/cache" "$v/drivers"
	# only the LXC driver: the QEMU driver would want its system user
	ln -sf "$lxc_driver" "$v/drivers/"
	# mount points for the private directories (empty, as libvirt's packages make them)
	for dir in /run/libvirt /var/lib/libvirt /var/log/libvirt /var/cache/libvirt; do
		[ -d "$dir" ] || mkdir -p "$dir" || bail "cannot make the mount point $dir"
	done
	(exec ip netns exec "$(ns_hub)" unshare -m --propagation private sh -c "
		$(lxc_cgroup_mounts) &&
		mount --bind \"\$0/run\" /run/libvirt && mount --bind \"\$0/lib\" /var/lib/libvirt &&
		mount --bind \"\$0/log\" /var/log/libvirt &&
		mount --bind \"\$0/cache\" /var/cache/libvirt &&
		LIBVIRT_DRIVER_DIR=\"\$0/drivers\" exec /usr/sbin/libvirtd -p \"\$0/libvirtd.pid\"" \
		"$v") > "$v/libvirtd.log" 2>&1 &
	lxc_libvirtd_pid=$!
	cluster_pids+=("$lxc_libvirtd_pid")
	cluster_pid_node+=(hypervisor)
	lxc_uri="lxc:///system?socket=$v/run/libvirt-sock"
	wait_for 20 virsh -q -c "$lxc_uri" list > /dev/null 2>&1 ||
		bail "libvirtd did not start (see $v/libvirtd.log: $(tail -1 "$v/libvirtd.log"))"
}

lxc_virsh() { virsh -q -c "$lxc_uri" "$@"; }

# The power switch first (or it would power a node on again when the others see it go: it
# did), then the domains, destroyed until libvirtd lists none running, and undefined; then
# (cluster_cleanup) libvirtd itself.
lxc_fenced_pid=""
lxc_cleanup() {
	local i dom
	if [ -n "$lxc_fenced_pid" ]; then
		kill -TERM "$lxc_fenced_pid" 2>/dev/null
		for _ in $(seq 50); do
			kill -0 "$lxc_fenced_pid" 2>/dev/null || break
			sleep 0.1
		done
		wait "$lxc_fenced_pid" 2>/dev/null
	fi
	[ -n "$lxc_uri" ] || return 0
	for _ in 1 2 3; do
		for dom in $(lxc_virsh list --name 2>/dev/null); do
			lxc_virsh destroy "$dom" > /dev/null 2>&1
		done
		[ -z "$(lxc_virsh list --name 2>/dev/null)" ] && break
	done
	for i in $(seq "$cluster_nodes"); do
		lxc_virsh undefine "$(lxc_domain "$i")" > /dev/null 2>&1
		[ "$LXC_SYSTEMD" = 1 ] && cgroup_remove "$(node_cgroup "$i")"
	done
}

cluster_create() {
	local n=$1 two i d
	cluster_begin "$n" "${2:-}" lxc
	at_cleanup lxc_cleanup
	for i in $(seq 0 $((LXC_NETS - 1))); do
		ip -n "$(ns_hub)" link add "br$i" type bridge || bail "cannot create the hub's bridges"
		ip -n "$(ns_hub)" link set "br$i" up
	done
	ip -n "$(ns_hub)" addr add "$(pub_addr 254)/24" dev "$(pub_bridge)"
	[ "$LXC_SYSTEMD" = 1 ] && { cgroup2_root > /dev/null ||
		bail "this machine has no cgroup2 hierarchy for systemd nodes"; }
	lxc_hypervisor_start
	for i in $(seq "$n"); do
		d=$(node_dir "$i")
		mkdir -p "$d/corosync" "$d/vigil" "$d/etc"
		# logs in the node's directory (/run/node): /run is a tmpfs, gone at power off
		cluster_corosync_conf "$n" "$two" | sed "s|/run/corosync.log|/run/node/corosync.log|" \
			> "$d/etc/corosync.conf"
		cat > "$d/node.env" <<EOF
I=$i
RING_ADDR=$(node_addr "$i")
PUB_ADDR=$([ "$LXC_NETS" = 2 ] && pub_addr "$i")
VIGILD=$VIGILD
VIGILD_ARGS="${VIGILD_ARGS:-}"
OCF_RA_PATH=$OCF_RA_PATH
VIGIL_FENCE_PATH=$VIGIL_FENCE_PATH
SYSTEMD=$LXC_SYSTEMD
CGROUP=vigil-$cluster_id-n$i
KEEP="$(cd "$top_builddir" && pwd) $(cd "$top_srcdir" && pwd)"
EOF
		[ "$LXC_SYSTEMD" = 1 ] && lxc_node_units "$i"
		lxc_domain_xml "$i" > "$d/domain.xml"
		lxc_virsh define "$d/domain.xml" > /dev/null || bail "cannot define node $i's domain"
	done
}

# The units of a systemd node (node-init.sh copies etc/systemd-units into the node): corosync
# and vigild, wanted by the node's target.
lxc_node_units() {
	local u
	u=$(node_dir "$1")/etc/systemd-units
	mkdir -p "$u/ha-node.target.d"
	printf '[Unit]\nWants=vigil-corosync.service vigild.service\n' \
		> "$u/ha-node.target.d/cluster.conf"
	cat > "$u/vigil-corosync.service" <<EOF
[Unit]
Description=corosync of this test node
[Service]
ExecStart=/usr/sbin/corosync -f
StandardOutput=append:/run/node/corosync.out
StandardError=append:/run/node/corosync.out
EOF
	cat > "$u/vigild.service" <<EOF
[Unit]
Description=vigild of this test node (the build tree's)
Requires=vigil-corosync.service
After=vigil-corosync.service
[Service]
Environment=OCF_RA_PATH=$OCF_RA_PATH VIGIL_FENCE_PATH=$VIGIL_FENCE_PATH
ExecStart=$VIGILD --wait-corosync 30 ${VIGILD_ARGS:-}
StandardOutput=append:/run/node/vigild.log
StandardError=append:/run/node/vigild.log
KillMode=process
EOF
}

# The domain of node I: its init, its memory, an interface on each bridge whose host side
# is named r<I> (ring) and p<I> (public) in the hub. The 'destroy' of a running domain is
# its power cut; 'start' its boot.
lxc_domain_xml() {
	local i=$1
	cat <<EOF
<domain type='lxc'>
  <name>$(lxc_domain "$i")</name>
  <memory unit='MiB'>512</memory>
  <os>
    <type>exe</type>
    <init>/bin/bash</init>
    <initarg>$top_srcdir/tests/cluster/lxc-node-init.sh</initarg>
    <initarg>$(node_dir "$i")</initarg>
  </os>
  <on_poweroff>destroy</on_poweroff>
  <on_reboot>restart</on_reboot>
  <on_crash>destroy</on_crash>
  <devices>
    <console type='pty'/>
    <interface type='bridge'>
      <source bridge='br0'/><target dev='r$i'/><guest dev='eth0'/>
      <mac address='52:54:00:18:00:$(printf %02x "$i")'/>
    </interface>
$([ "$LXC_NETS" = 2 ] && cat <<EON
    <interface type='bridge'>
      <source bridge='br1'/><target dev='p$i'/><guest dev='eth1'/>
      <mac address='52:54:00:18:01:$(printf %02x "$i")'/>
    </interface>
EON
)
  </devices>
</domain>
EOF
}

# The PID (as the machine sees it) of node I's init, if the domain runs: the child of
# libvirt's controller process for the domain (found without libvirtd, which a test may
# have stopped).
node_init_pid() {
	local ctl
	ctl=$(pgrep -xf "/usr/lib/libvirt/libvirt_lxc --name $(lxc_domain "$1") .*" | head -1)
	[ -n "$ctl" ] || return 1
	pgrep -P "$ctl" | head -1
}

node_argv() {
	local pid
	pid=$(node_init_pid "$1") || pid=0
	node_cmd=(nsenter -t "${pid:-0}" -m -n -u -i -p --)
}

node_exec() {
	local node_cmd
	node_argv "$1"
	shift
	"${node_cmd[@]}" env PATH=/usr/sbin:/usr/bin:/sbin:/bin "$@"
}

node_boots() { grep -c '^boot ' "$(node_dir "$1")/boots" 2>/dev/null || echo 0; }

node_start() {
	lxc_virsh start "$(lxc_domain "$1")" > /dev/null || bail "cannot start node $1's domain"
}
node_kill() { lxc_virsh destroy "$(lxc_domain "$1")" > /dev/null 2>&1; }
node_running() { [ "$(lxc_virsh domstate "$(lxc_domain "$1")" 2>/dev/null)" = running ]; }

link_down() { ip -n "$(ns_hub)" link set "r$1" down; }
link_up() { ip -n "$(ns_hub)" link set "r$1" up; }
link_is_up() { ip -n "$(ns_hub)" -o link show "r$1" 2>/dev/null | grep -q '[<,]UP[,>]'; }
node_boot_systemd() { :; } # the domain's start does it (LXC_SYSTEMD=1)

cluster_up() {
	local i
	for i in $(seq "$1"); do node_start "$i"; done
	for i in $(seq "$1"); do
		corosync_wait_quorate "$i" 30 || bail "corosync on node$i did not become quorate"
	done
}

# fenced_start [PORT]: vigil-fenced on the host (the hub), multicast on the public bridge,
# its libvirt backend this run's libvirtd; the key $virtd_key, made here, and a copy for
# each node, that the node sees as $lxc_node_key.
fenced_start() {
	local port=${1:-1229} conf=$tmp/vigil-fenced.conf i
	virtd_key=$tmp/fence_xvm.key
	head -c 512 /dev/urandom > "$virtd_key"
	chmod 600 "$virtd_key"
	for i in $(seq "$cluster_nodes"); do
		install -m 600 "$virtd_key" "$(node_dir "$i")/fence_xvm.key"
	done
	fence_conf "$conf" "$port" "$(pub_bridge)" sha256 "$lxc_uri"
	(exec ip netns exec "$(ns_hub)" stdbuf -oL -eL \
		"$top_builddir/daemons/vigil-fenced/vigil-fenced" -F -d 2 -f "$conf" \
		-p "$tmp/vigil-fenced.pid") > "$tmp/vigil-fenced.log" 2>&1 &
	spawned_pid=$!
	lxc_fenced_pid=$spawned_pid
	cluster_pids+=("$spawned_pid")
	cluster_pid_node+=(hypervisor)
}

# A plain host on the public network, address 198.18.1.I (198.18.0.I with LXC_NETS=1).
host_create() {
	local name=$1 i=$2
	ip netns add "$(ns_host "$name")" || bail "cannot create network namespace $(ns_host "$name")"
	cluster_hosts+=("$name")
	ip link add eth0 netns "$(ns_host "$name")" type veth peer name "h$name" \
		netns "$(ns_hub)" || bail "cannot create host $name's veth pair"
	ip -n "$(ns_hub)" link set "h$name" master "$(pub_bridge)" up
	ip -n "$(ns_host "$name")" link set lo up
	ip -n "$(ns_host "$name")" addr add "$(pub_addr "$i")/24" dev eth0
	ip -n "$(ns_host "$name")" link set eth0 up
}

dump_logs() {
	local i
	for i in $(seq "$cluster_nodes"); do
		echo "# node$i ($(lxc_virsh domstate "$(lxc_domain "$i")" 2>&1), booted $(node_boots "$i")x) vigild log:"
		tail -n 15 "$(node_dir "$i")/vigild.log" 2>/dev/null | sed 's/^/#   /'
		# its boots, and what its init (lxc-node-init.sh) said: why a boot did not finish
		echo "# node$i boots and init:"
		cat "$(node_dir "$i")/boots" 2>/dev/null | sed 's/^/#   /'
		tail -n 8 "$(node_dir "$i")/init.log" 2>/dev/null | sed 's/^/#   /'
		echo "# node$i libvirt's log of the domain:"
		tail -n 8 "$tmp/libvirt/log/lxc/$(lxc_domain "$i").log" 2>/dev/null | sed 's/^/#   /'
		if node_running "$i"; then
			echo "# node$i vigil status:"
			node_exec "$i" "$VIGIL" status 2>&1 | sed 's/^/#   /'
		fi
	done
	echo "# vigil-fenced:"
	tail -n 10 "$tmp/vigil-fenced.log" 2>/dev/null | sed 's/^/#   /'
}
