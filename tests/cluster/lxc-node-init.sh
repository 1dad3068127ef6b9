#!/usr/bin/env bash
# PID 1 of a cluster node that is a libvirt LXC domain (tests/cluster/lxc.sh): what the
# node's boot does. The domain shares the machine's root file system; this makes the node's
# own view of it, in the domain's mount namespace:
#   - a fresh tmpfs on /run and /dev/shm at every boot (libqb's IPC lives there), as on a
#     real machine: nothing of a run before the power cut survives it;
#   - the node's directories bound over /var/lib/corosync, /var/lib/vigil and its
#     corosync.conf over /etc/corosync/corosync.conf, and the node's directory itself on
#     /run/node (what survives a reboot: the disk);
#   - its addresses (eth0 on the ring, eth1 on the public network when it has one), the
#     sysctls of its etc/sysctl.conf if the test wrote one, and /run/www/index.html saying
#     its name, for a web server the tests run on it;
# then either starts corosync and vigild itself and stays PID 1 (reaping) until the power
# goes, or (SYSTEMD=1) boots systemd as PID 1 through node-init.sh, in a cgroup2 group of
# its own (CGROUP, made here) and a cgroup namespace, whose units start corosync and vigild.
# Usage: lxc-node-init.sh NODE_DIR (NODE_DIR/node.env says the rest)
set -eu
d=$1
exec >> "$d/init.log" 2>&1
. "$d/node.env"
export PATH=/usr/sbin:/usr/bin:/sbin:/bin OCF_RA_PATH VIGIL_FENCE_PATH

echo "boot $(date +%T.%N)" >> "$d/boots"
mount -t tmpfs -o mode=0755 tmpfs /run
# what systemd-tmpfiles makes at boot for the packages the tests use (never run here)
mkdir -p /run/resource-agents /run/haproxy /run/www /run/node /dev/shm
echo "node$I" > /run/www/index.html # what a web server on the node serves
mount -t tmpfs -o mode=1777 tmpfs /dev/shm
mount --bind "$d" /run/node
mount --bind "$d/corosync" /var/lib/corosync
mount --bind "$d/vigil" /var/lib/vigil
mount --bind "$d/etc/corosync.conf" /etc/corosync/corosync.conf

ip link set lo up
ip addr add "$RING_ADDR/24" dev eth0
ip link set eth0 up
if [ -n "${PUB_ADDR:-}" ]; then
	ip addr add "$PUB_ADDR/24" dev eth1
	ip link set eth1 up
fi
if [ -f "$d/etc/sysctl.conf" ]; then sysctl -q -p "$d/etc/sysctl.conf"; fi

if [ "${SYSTEMD:-0}" = 1 ]; then
	mkdir /run/cgroup2
	mount -t cgroup2 cgroup2 /run/cgroup2
	mkdir -p "/run/cgroup2/$CGROUP"
	echo $$ > "/run/cgroup2/$CGROUP/cgroup.procs"
	umount /run/cgroup2
	rmdir /run/cgroup2
	echo "up $(date +%T.%N) (systemd)" >> "$d/boots"
	# the build tree stays visible if it lives under the /tmp that node-init.sh hides
	exec unshare --cgroup env NODE_INIT_RUN=keep NODE_INIT_KEEP="$KEEP" \
		bash "$(dirname "$0")/node-init.sh" "$d"
fi

corosync -f >> "$d/corosync.out" 2>&1 &
# shellcheck disable=SC2086 # VIGILD_ARGS is a list of words
"$VIGILD" --wait-corosync 30 $VIGILD_ARGS >> "$d/vigild.log" 2>&1 &
echo "up $(date +%T.%N)" >> "$d/boots"
# PID 1: reap whatever ends, for as long as the domain runs
while :; do
	wait -n 2>/dev/null || sleep 1
done
