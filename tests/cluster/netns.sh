# A cluster of N nodes on this machine, for the tests that run the real daemons. Source it
# after tests/lib.sh: . "$(dirname "$0")/netns.sh"
#
# Every node is a network namespace on a bridge in a hub namespace of its own, so nothing
# touches the machine's interfaces and two runs never share a name (each run's names carry
# a random id). Node I has address 198.18.0.I/24. Every process of a node runs in a private
# mount namespace where the node's own directories are bound over /run, /var/lib/corosync
# and /var/lib/vigil (and, when the test wrote one in the node's etc/, /etc/group: a test
# can make a user a member of haclient without touching the machine's own /etc/group).
# Everything a run creates (processes by pid, namespaces, files) is
# removed on exit, whatever the exit.
#
#   cluster_create N [two_node]  namespaces, bridge, per-node directories, corosync.conf
#   node_exec I CMD...           CMD inside node I (its network and mount namespaces)
#   node_spawn I LOG CMD...      the same in the background, output to LOG; remembered for
#                                cleanup, and its pid in $spawned_pid
#   corosync_start I             corosync on node I; corosync_wait_quorate I waits for it
#   link_down I / link_up I      cut or restore node I's link to the others
#   node_kill I                  everything node I runs, killed by pid (SIGKILL)
#   host_create NAME I           a plain host (no cluster software) on the same bridge, address
#                                198.18.0.I; host_spawn NAME LOG CMD... runs CMD there in the
#                                background; host_exec NAME CMD... in the foreground
#   virtd_start HOST PORT HASH [DAEMON]
#                                Debian's fence_virtd (or vigil-fenced) on host HOST, its
#                                libvirt backend on libvirt's test driver (domains
#                                node1..node3), key $virtd_key
#   node_boot_systemd I          systemd as PID 1 of node I (node-init.sh), in a cgroup of the
#                                run's own; node_unit_state I UNIT tells a unit's ActiveState
#
# VIGIL_KEEP_CLUSTER_LOGS=DIR keeps each node's logs (vigild, corosync) in DIR/nodeI.

cluster_nodes=0
cluster_id=""
declare -a cluster_pids=()
declare -a cluster_pid_node=()
declare -a cluster_cgroups=()
declare -a cluster_hosts=()

# cluster_require: skips (or fails under CI) when this machine cannot run a cluster.
cluster_require() {
	if [ "$(id -u)" -ne 0 ]; then
		echo "1..0 # SKIP network namespaces need root"
		exit 0
	fi
	require corosync "$(command -v corosync || echo /usr/sbin/corosync)"
	require "ip (iproute2)" "$(command -v ip || echo /usr/sbin/ip)"
	require unshare "$(command -v unshare || echo /usr/bin/unshare)"
}

ns_hub() { echo "vg${cluster_id}h"; }
ns_node() { echo "vg${cluster_id}n$1"; }
node_dir() { echo "$tmp/node$1"; }
node_addr() { echo "198.18.0.$1"; }

declare -a cluster_hooks=()
# at_cleanup CMD...: run CMD (a string for eval) first when the test ends
at_cleanup() { cluster_hooks+=("$*"); }

cluster_cleanup() {
	local i pid h
	for h in "${cluster_hooks[@]}"; do
		eval "$h"
	done
	for i in "${!cluster_pids[@]}"; do
		pid=${cluster_pids[$i]}
		kill -TERM "$pid" 2>/dev/null
	done
	for h in "${cluster_cgroups[@]}"; do
		cgroup_remove "$h"
	done
	for i in "${!cluster_pids[@]}"; do
		pid=${cluster_pids[$i]}
		for _ in $(seq 50); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
		kill -KILL "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	done
	for i in $(seq "$cluster_nodes"); do
		ip netns del "$(ns_node "$i")" 2>/dev/null
		if [ -n "${VIGIL_KEEP_CLUSTER_LOGS:-}" ]; then
			mkdir -p "$VIGIL_KEEP_CLUSTER_LOGS/node$i"
			cp "$(node_dir "$i")"/*.log "$(node_dir "$i")"/run/corosync.log "$(node_dir "$i")"/vigil/cib.xml \
				"$VIGIL_KEEP_CLUSTER_LOGS/node$i/" 2>/dev/null
		fi
	done
	for h in "${cluster_hosts[@]}"; do
		ip netns del "$(ns_host "$h")" 2>/dev/null
	done
	[ -n "$cluster_id" ] && ip netns del "$(ns_hub)" 2>/dev/null
	rm -rf "$tmp"
}

# cluster_corosync_conf N TWO_NODE: corosync.conf for node I's directory, on stdout.
cluster_corosync_conf() {
	local n=$1 two=$2 i
	cat <<EOF
totem {
	version: 2
	cluster_name: vigiltest$cluster_id
	transport: knet
	crypto_cipher: none
	crypto_hash: none
	token: 1000
}
nodelist {
EOF
	for i in $(seq "$n"); do
		printf '\tnode {\n\t\tring0_addr: %s\n\t\tname: node%s\n\t\tnodeid: %s\n\t}\n' \
			"$(node_addr "$i")" "$i" "$i"
	done
	cat <<EOF
}
quorum {
	provider: corosync_votequorum
	two_node: $two
}
logging {
	to_logfile: yes
	logfile: /run/corosync.log
	to_syslog: no
	to_stderr: no
	timestamp: on
}
EOF
}

# cluster_begin N TWO NAME: what every kind of test cluster starts with: a cluster id of
# its own, N nodes, a temporary directory named after NAME, the cleanup at exit, and the
# hub's network namespace (lo up). Sets two (1: two_node) from N and TWO.
cluster_begin() {
	two=$2
	[ "$1" -eq 2 ] && [ -z "$two" ] && two=1
	two=${two:-0}
	cluster_id=$(od -An -N3 -tx1 /dev/urandom | tr -d ' \n')
	cluster_nodes=$1
	make_tmp "$3"
	trap cluster_cleanup EXIT
	ip netns add "$(ns_hub)" || bail "cannot create network namespace $(ns_hub)"
	ip -n "$(ns_hub)" link set lo up
}

cluster_create() {
	local n=$1 two i d
	cluster_begin "$n" "${2:-}" cluster
	ip -n "$(ns_hub)" link add br0 type bridge || bail "cannot create the hub bridge"
	ip -n "$(ns_hub)" link set br0 up
	for i in $(seq "$n"); do
		d=$(node_dir "$i")
		# run/resource-agents: what systemd-tmpfiles makes at boot for the OCF agents
		mkdir -p "$d/run/resource-agents" "$d/corosync" "$d/vigil" "$d/etc" "$d/shm"
		# the node's own /dev/shm (libqb's IPC lives there): what a daemon killed leaves
		# behind goes with the test (no size of its own: a benchmark's many cold starts
		# leave a lot, as they would on the host's)
		mount -t tmpfs -o mode=1777 "vigil-shm-$cluster_id-$i" "$d/shm" ||
			bail "cannot mount node $i's /dev/shm"
		at_cleanup "umount -l $d/shm"
		cluster_corosync_conf "$n" "$two" > "$d/etc/corosync.conf"
		ip netns add "$(ns_node "$i")" || bail "cannot create network namespace $(ns_node "$i")"
		ip link add eth0 netns "$(ns_node "$i")" type veth peer name "v$i" \
			netns "$(ns_hub)" || bail "cannot create node $i's veth pair"
		ip -n "$(ns_hub)" link set "v$i" master br0 up
		ip -n "$(ns_node "$i")" link set lo up
		ip -n "$(ns_node "$i")" addr add "$(node_addr "$i")/24" dev eth0
		ip -n "$(ns_node "$i")" link set eth0 up
	done
}

# node_argv I: sets node_cmd to the command line that runs what follows it inside node I.
node_argv() {
	local d
	d=$(node_dir "$1")
	node_cmd=(ip netns exec "$(ns_node "$1")" unshare -m --propagation private sh -c
		'mount --bind "$0/run" /run && mount --bind "$0/corosync" /var/lib/corosync &&
		 mkdir -p /var/lib/vigil && mount --bind "$0/vigil" /var/lib/vigil &&
		 { [ ! -d "$0/shm" ] || mount --bind "$0/shm" /dev/shm; } &&
		 { [ ! -f "$0/etc/group" ] || mount --bind "$0/etc/group" /etc/group; } &&
		 { [ ! -f /etc/corosync/corosync.conf ] ||
		   mount --bind "$0/etc/corosync.conf" /etc/corosync/corosync.conf; } &&
		 exec "$@"' "$d")
}

node_exec() {
	local node_cmd
	node_argv "$1"
	shift
	"${node_cmd[@]}" "$@"
}

# every command in the chain execs the next, so the pid is the process itself
node_spawn() {
	local i=$1 log=$2 node_cmd
	shift 2
	node_argv "$i"
	(exec "${node_cmd[@]}" "$@") > "$log" 2>&1 &
	spawned_pid=$!
	cluster_pids+=("$spawned_pid")
	cluster_pid_node+=("$i")
}

declare -a corosync_pid
corosync_start() { # corosync_start I: corosync on node I, its pid in corosync_pid[I]
	node_spawn "$1" "$(node_dir "$1")/corosync.out" corosync -f -c "$(node_dir "$1")/etc/corosync.conf"
	corosync_pid[$1]=$spawned_pid
}

# corosync_wait_quorate I [SECONDS]: waits until node I's corosync says it is quorate.
corosync_wait_quorate() {
	local i=$1 limit=${2:-20} t
	for t in $(seq $((limit * 10))); do
		node_exec "$i" corosync-quorumtool -s 2>/dev/null | grep -q '^Quorate: *Yes' && return 0
		sleep 0.1
	done
	return 1
}

link_down() { ip -n "$(ns_hub)" link set "v$1" down; }
link_up() { ip -n "$(ns_hub)" link set "v$1" up; }
link_is_up() { ip -n "$(ns_hub)" -o link show "v$1" 2>/dev/null | grep -q '[<,]UP[,>]'; }

node_kill() {
	local i p
	[ -d "$(node_cgroup "$1")" ] && cgroup_kill "$(node_cgroup "$1")"
	# whatever else runs in the node's network namespace (an agent a killed daemon had
	# started): this run's own processes, gone as with the node's power
	for p in $(ip netns pids "$(ns_node "$1")" 2>/dev/null); do
		kill -KILL "$p" 2>/dev/null
	done
	for i in "${!cluster_pids[@]}"; do
		[ "${cluster_pid_node[$i]}" = "$1" ] || continue
		kill -KILL "${cluster_pids[$i]}" 2>/dev/null
		wait "${cluster_pids[$i]}" 2>/dev/null
	done
}

# virtd_start HOST PORT HASH [DAEMON]: Debian's fence_virtd (or DAEMON, which takes the
# same flags: vigil-fenced) on the host namespace HOST (host_create it first), listening on 225.0.0.12:PORT on its eth0 with HASH for requests and challenges,
# the key $virtd_key (made at the first call), its libvirt backend on libvirt's test driver
# whose domains node1..node3 stand for the nodes. Its log is $tmp/fence_virtd-HOST.log,
# its pid $spawned_pid.
virtd_key=""
virtd_start() {
	local host=$1 port=$2 hash=$3 daemon=${4:-/usr/sbin/fence_virtd} i
	local conf=$tmp/fence_virtd-$1.conf
	if [ -z "$virtd_key" ]; then
		virtd_key=$tmp/fence_xvm.key
		head -c 512 /dev/urandom > "$virtd_key"
		chmod 600 "$virtd_key"
		{
			echo "<node>"
			for i in 1 2 3; do
				printf "<domain type='test'><name>node%s</name>" "$i"
				printf "<memory>65536</memory><os><type>hvm</type></os></domain>\n"
			done
			echo "</node>"
		} > "$tmp/domains.xml"
	fi
	fence_conf "$conf" "$port" eth0 "$hash" "test://$tmp/domains.xml"
	host_spawn "$host" "$tmp/fence_virtd-$host.log" stdbuf -oL -eL "$daemon" -F \
		-d 2 -f "$conf" -p "$tmp/fence_virtd-$host.pid"
}

# fence_conf PATH PORT INTERFACE HASH URI: a fence_virt.conf (fence_virtd's, vigil-fenced's)
# at PATH, mode 600: the multicast listener on 225.0.0.12:PORT on INTERFACE with HASH for
# requests and challenges and the key $virtd_key, the libvirt backend on URI.
fence_conf() {
	cat > "$1" <<EOF
fence_virtd {
	listener = "multicast";
	backend = "libvirt";
}
listeners {
	multicast {
		key_file = "$virtd_key";
		address = "225.0.0.12";
		port = "$2";
		interface = "$3";
		hash = "$4";
		auth = "$4";
	}
}
backends {
	libvirt {
		uri = "$5";
	}
}
EOF
	chmod 600 "$1"
}

ns_host() { echo "vg${cluster_id}$1"; }
host_create() {
	local name=$1 i=$2
	ip netns add "$(ns_host "$name")" || bail "cannot create network namespace $(ns_host "$name")"
	cluster_hosts+=("$name")
	ip link add eth0 netns "$(ns_host "$name")" type veth peer name "h$name" \
		netns "$(ns_hub)" || bail "cannot create host $name's veth pair"
	ip -n "$(ns_hub)" link set "h$name" master br0 up
	ip -n "$(ns_host "$name")" link set lo up
	ip -n "$(ns_host "$name")" addr add "198.18.0.$i/24" dev eth0
	ip -n "$(ns_host "$name")" link set eth0 up
}
host_exec() {
	local name=$1
	shift
	ip netns exec "$(ns_host "$name")" "$@"
}
host_spawn() {
	local name=$1 log=$2
	shift 2
	(exec ip netns exec "$(ns_host "$name")" "$@") > "$log" 2>&1 &
	spawned_pid=$!
	cluster_pids+=("$spawned_pid")
	cluster_pid_node+=("host-$name")
}

# --- nodes with systemd as PID 1 (for systemd-class resources) ---------------------------
# Each runs in a cgroup of its own under the machine's cgroup2 hierarchy, in a cgroup
# namespace: systemd makes its slices there, and the whole node (every process systemd
# started) is killed at once through cgroup.kill, then the cgroups are removed.
cgroup2_root() {
	local m
	for m in /sys/fs/cgroup/unified /sys/fs/cgroup; do
		[ "$(stat -f -c %T "$m" 2>/dev/null)" = cgroup2fs ] && { echo "$m"; return 0; }
	done
	return 1
}
node_cgroup() { echo "$(cgroup2_root)/vigil-$cluster_id-n$1"; }
cgroup_kill() { # cgroup_kill DIR: every process in DIR and below, killed; waits for them
	echo 1 > "$1/cgroup.kill" 2>/dev/null || return 0
	for _ in $(seq 50); do
		grep -q '^populated 0' "$1/cgroup.events" 2>/dev/null && return 0
		sleep 0.1
	done
}
cgroup_remove() {
	[ -d "$1" ] || return 0
	cgroup_kill "$1"
	find "$1" -depth -type d -exec rmdir {} \; 2>/dev/null
}

node_boot_systemd() {
	local i=$1 d cg
	d=$(node_dir "$i")
	cgroup2_root > /dev/null || bail "this machine has no cgroup2 hierarchy for systemd nodes"
	cg=$(node_cgroup "$i")
	mkdir "$cg" || bail "cannot create the cgroup $cg"
	cluster_cgroups+=("$cg")
	mkdir -p "$d/run/systemd" "$d/run/haproxy"
	(echo "$BASHPID" > "$cg/cgroup.procs" &&
	 exec ip netns exec "$(ns_node "$i")" unshare --cgroup --pid --mount --uts --ipc --fork \
		--mount-proc --propagation private bash "$top_srcdir/tests/cluster/node-init.sh" "$d") \
		> "$d/systemd.log" 2>&1 &
	cluster_pids+=("$!")
	cluster_pid_node+=("$i")
	wait_for 30 node_unit_state "$i" dbus.service > /dev/null ||
		bail "systemd on node$i did not start its system bus (see $d/systemd.log)"
}

# node_unit_state I UNIT: prints UNIT's ActiveState in node I, asked over D-Bus (not
# systemctl); succeeds when it is "active"
node_unit_state() {
	local out
	out=$(node_exec "$1" busctl --system get-property org.freedesktop.systemd1 \
		"/org/freedesktop/systemd1/unit/$(unit_label "$2")" \
		org.freedesktop.systemd1.Unit ActiveState 2>/dev/null) || return 1
	out=${out#s \"}
	echo "${out%\"}"
	[ "${out%\"}" = active ]
}
unit_label() { # systemd's escaping of a unit name in an object path
	local s=$1 out="" c
	for ((k = 0; k < ${#s}; k++)); do
		c=${s:k:1}
		if [[ $c =~ [A-Za-z] ]] || { [[ $c =~ [0-9] ]] && [ "$k" -gt 0 ]; }; then
			out+=$c
		else
			out+=$(printf '_%02x' "'$c")
		fi
	done
	echo "$out"
}

# wait_for SECONDS CMD...: runs CMD every 0.1 s until it succeeds; fails after SECONDS.
wait_for() {
	local limit=$1 t
	shift
	for t in $(seq $((limit * 10))); do
		"$@" && return 0
		sleep 0.1
	done
	return 1
}

# addr_on ADDR: the one node whose eth0 holds ADDR (nothing, and false, if none or several)
addr_on() {
	local i found=""
	for i in $(seq "$cluster_nodes"); do
		if ip -n "$(ns_node "$i")" -4 addr show dev eth0 | grep -q "inet $1/"; then
			[ -n "$found" ] && return 1
			found=$i
		fi
	done
	[ -n "$found" ] && echo "$found"
}

# within SECONDS CMD...: the same, but SECONDS of the clock (wait_for's count of tries
# stretches when CMD is slow): for a point that claims how soon something happens.
within() {
	local end=$(( ${EPOCHREALTIME/./} + $1 * 1000000 ))
	shift
	while :; do
		"$@" && return 0
		[ "${EPOCHREALTIME/./}" -lt "$end" ] || return 1
		sleep 0.1
	done
}

# --- vigild on the nodes, and TAP test points -------------------------------------------
VIGILD=${VIGILD:-$top_builddir/daemons/vigild/vigild}
# Vigil's own agents from the build tree, before the installed ones
export OCF_RA_PATH=${OCF_RA_PATH:-$top_builddir/agents/resource.d}
export VIGIL_FENCE_PATH=${VIGIL_FENCE_PATH:-$top_builddir/agents/fence_vigil:/usr/sbin}
declare -a vigild_pid
tap_n=0
ok() { tap_n=$((tap_n + 1)); echo "ok $tap_n - $*"; }
not_ok() { tap_n=$((tap_n + 1)); echo "not ok $tap_n - $*"; }
check() { # check DESCRIPTION CMD...: one test point
	local what=$1
	shift
	if "$@"; then ok "$what"; else not_ok "$what"; dump_logs; fi
}
dump_logs() {
	local i
	for i in $(seq "$cluster_nodes"); do
		echo "# node$i vigild log:"
		tail -n 15 "$(node_dir "$i")/vigild.log" 2>/dev/null | sed 's/^/#   /'
		echo "# node$i vigil status:"
		node_exec "$i" "$VIGIL" status 2>&1 | sed 's/^/#   /'
	done
}
vigild_start() { # vigild_start I: vigild on node I, its pid in vigild_pid[I]
	node_spawn "$1" "$(node_dir "$1")/vigild.log" "$VIGILD" --wait-corosync 30 ${VIGILD_ARGS:-}
	vigild_pid[$1]=$spawned_pid
}
vigild_kill() { # vigild_kill I SIGNAL
	kill "-$2" "${vigild_pid[$1]}"
	wait "${vigild_pid[$1]}" 2>/dev/null
}
# cluster_up N: corosync on nodes 1..N, quorate, then vigild on each
cluster_up() {
	local i
	for i in $(seq "$1"); do corosync_start "$i"; done
	for i in $(seq "$1"); do
		corosync_wait_quorate "$i" 30 || bail "corosync on node$i did not become quorate"
	done
	for i in $(seq "$1"); do vigild_start "$i"; done
}
status_of() { node_exec "$1" "$VIGIL" status 2>&1; }
# says I PATTERN...: node I's 'vigil status' matches every extended regex PATTERN
says() {
	local i=$1 out p
	shift
	out=$(status_of "$i") || return 1
	for p in "$@"; do
		grep -Eq -- "$p" <<<"$out" || return 1
	done
}

