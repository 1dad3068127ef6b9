#!/usr/bin/env bash
# 'vigil cluster start --all', on 3 nodes with nothing running but an sshd in each node's
# namespaces (Debian's, with a key of this test's, as crmsh's users set it up):
# - run on node1, it starts corosync and vigild there, and over ssh on the others at once
#   ('vigil cluster start' there); a node whose sshd does not answer is named, with what to
#   do, and the command exits 1, while the others form a cluster with quorum;
# - run again once that node's sshd is up, it starts the missing node only: every node
#   online; a third time, every node says it is running already (exit 0).
set -u
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/netns.sh"
cluster_require
require vigild "$VIGILD"
require "sshd (openssh-server)" /usr/sbin/sshd
require "ssh (openssh-client)" "$(command -v ssh || echo /usr/bin/ssh)"

echo "1..7"
cluster_create 3
for i in 1 2 3; do
	at_cleanup "kill_pidfile $(node_dir "$i")/run/vigil/vigild.pid; kill_pidfile $(node_dir "$i")/run/corosync.pid"
done
kill_pidfile() { local p; p=$(cat "$1" 2>/dev/null) && [ -n "$p" ] && kill -KILL "$p" 2>/dev/null; }

# root's key and the hosts' keys, this test's own; 'vigil' on the ssh sessions' PATH
mkdir -p "$tmp/ssh" "$tmp/bin"
ssh-keygen -q -t ed25519 -N '' -C vigil-test -f "$tmp/ssh/id" || bail "ssh-keygen failed"
ssh-keygen -q -t ed25519 -N '' -f "$tmp/ssh/host" || bail "ssh-keygen failed"
cp "$tmp/ssh/id.pub" "$tmp/ssh/authorized_keys"
ln -s "$VIGIL" "$tmp/bin/vigil"
export VIGIL_SSH="ssh -F /dev/null -i $tmp/ssh/id -o UserKnownHostsFile=$tmp/ssh/known_hosts -o GlobalKnownHostsFile=/dev/null -o StrictHostKeyChecking=accept-new"
options() { echo "--logfile $(node_dir "$1")/vigild-started.log --wait-corosync 30"; }
sshd_start() { # sshd_start I: Debian's sshd in node I's namespaces, on its address only
	local d
	d=$(node_dir "$1")
	mkdir -p "$d/run/sshd"
	cat > "$d/sshd_config" <<-EOF
		ListenAddress $(node_addr "$1")
		HostKey $tmp/ssh/host
		AuthorizedKeysFile $tmp/ssh/authorized_keys
		PermitRootLogin prohibit-password
		PasswordAuthentication no
		KbdInteractiveAuthentication no
		UsePAM no
		StrictModes no
		PidFile none
		SetEnv PATH=$tmp/bin:/usr/sbin:/usr/bin:/sbin:/bin VIGILD=$VIGILD "VIGILD_OPTIONS=$(options "$1")"
	EOF
	node_spawn "$1" "$d/sshd.log" /usr/sbin/sshd -D -e -f "$d/sshd_config"
	wait_for 10 eval "node_exec $1 ss -ltn 2>/dev/null | grep -q '$(node_addr "$1"):22 '" ||
		bail "sshd did not start on node$1: $(cat "$d/sshd.log")"
}
start_all() { # start_all OUT: 'vigil cluster start --all' on node1; its exit code in rc
	node_exec 1 env VIGILD="$VIGILD" VIGILD_OPTIONS="$(options 1)" \
		"$VIGIL" cluster start --all --wait=60 > "$1" 2>&1
	rc=$?
}
sshd_start 2

start_all "$tmp/first.out"
check "--all with node3's sshd down: node1 and node2 started, exit 1" \
	eval '[ $rc = 1 ] && grep -q "^node2: Started corosync and vigild on this node" "$tmp/first.out" &&
	      grep -q "^Started corosync and vigild on this node; the cluster: [0-9] of 3 nodes online" "$tmp/first.out" ||
	      { sed "s/^/# /" "$tmp/first.out"; false; }'
check "node3 is named, with why and what to do" \
	grep -q "^vigil cluster start: cannot reach node3 at 198.18.0.3 by ssh (ssh: connect to host 198.18.0.3 port 22: Connection refused); give root key-based ssh" "$tmp/first.out"
check "node1 and node2 form a cluster with quorum" \
	wait_for 30 says 1 "Current DC: node[12] .* with quorum" "Online: \[ node1 node2 \]"

sshd_start 3
start_all "$tmp/second.out"
check "again with node3's sshd up: node3 started, the others already running, exit 0" \
	eval '[ $rc = 0 ] && grep -q "^node2: vigild is already running on this node\.$" "$tmp/second.out" &&
	      grep -q "^node3: Started corosync and vigild on this node" "$tmp/second.out" &&
	      grep -q "^Already running: corosync and vigild on this node; the cluster: " "$tmp/second.out" ||
	      { sed "s/^/# /" "$tmp/second.out"; false; }'
check "all three online, with quorum, on every node" \
	wait_for 30 eval 'for i in 1 2 3; do says $i "Online: \[ node1 node2 node3 \]" "with quorum" || exit 1; done'
start_all "$tmp/third.out"
check "a third time: nothing to start, every node says so, exit 0" \
	eval '[ $rc = 0 ] && [ "$(grep -c "vigild is already running on this node" "$tmp/third.out")" = 2 ] &&
	      grep -q "^Already running: .*3 of 3 nodes online" "$tmp/third.out"'
node_exec 1 "$VIGIL" cluster start --everywhere > "$tmp/usage.out" 2>&1
rc=$?
check "an unknown option: usage (exit 64)" \
	eval '[ $rc = 64 ] && grep -q "^vigil cluster start: usage: vigil cluster start \[--all\]" "$tmp/usage.out"'
dump_logs
