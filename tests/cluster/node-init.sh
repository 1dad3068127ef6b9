#!/usr/bin/env bash
# The start of a test node that runs systemd as its PID 1 (netns.sh's node_boot_systemd).
# Run as the first process of fresh PID, mount and cgroup namespaces inside the node's network
# namespace, it makes the node's file system view, then execs systemd:
#   - the node's own /run (its directory run/, shared with the node's corosync and vigild, so
#     that they reach its system bus and its runtime units);
#   - PRIVATE /tmp, /var/tmp, /var/log and /var/lib/systemd, so that nothing systemd or a
#     unit does can touch the machine's (systemd-tmpfiles once wiped a machine's /tmp);
#   - /etc/systemd/system a tmpfs with one target of ours, ha-node.target, and every unit
#     that would touch the machine (tmpfiles, journald and its /dev/log, sysctl, modules,
#     binfmt, udev, utmp, sysusers, random-seed...) masked;
#   - /sys read-only, the cgroup2 hierarchy of the node's own cgroup mounted on /sys/fs/cgroup;
#   - the node's etc/haproxy (when the test wrote one) over /etc/haproxy, and its
#     etc/systemd-units/* copied in /etc/systemd/system (drop-ins for the test's units).
# Usage: node-init.sh NODE_DIR
# NODE_INIT_RUN=keep leaves /run as it is (a node that is an LXC domain has a fresh tmpfs
# there already: lxc-node-init.sh); NODE_INIT_KEEP, below.
set -eu
d=$1

# first what comes from NODE_DIR, which may live under the /tmp hidden below
if [ "${NODE_INIT_RUN:-bind}" = bind ]; then
	mount --bind "$d/run" /run
fi
mkdir -p /run/systemd/system /run/dbus
if [ -d "$d/etc/haproxy" ]; then mount --bind "$d/etc/haproxy" /etc/haproxy; fi
units=/etc/systemd/system
mount -t tmpfs -o mode=0755 tmpfs "$units"
if [ -d "$d/etc/systemd-units" ]; then cp -r "$d/etc/systemd-units/." "$units/"; fi

mount -t cgroup2 cgroup2 /sys/fs/cgroup
mount -o remount,bind,ro /sys
# NODE_INIT_KEEP: directories under /tmp that stay visible at their paths (a build tree
# there, whose programs the node's units run), bound back onto the private /tmp
keep=()
for k in ${NODE_INIT_KEEP:-}; do
	case $k in /tmp/?*) ;; *) continue ;; esac
	case " ${keep[*]} " in *" $k "*) continue ;; esac
	mkdir -p "/run/node-keep/${#keep[@]}"
	mount --bind "$k" "/run/node-keep/${#keep[@]}"
	keep+=("$k")
done
for dir in /tmp /var/tmp /var/log /var/lib/systemd; do
	mount -t tmpfs -o mode=0755 tmpfs "$dir"
done
chmod 1777 /tmp /var/tmp
for i in "${!keep[@]}"; do
	mkdir -p "${keep[$i]}"
	mount --bind "/run/node-keep/$i" "${keep[$i]}"
done

cat > "$units/ha-node.target" <<'EOF'
[Unit]
Description=Vigil test node
Wants=dbus.service
EOF
mask() { ln -sf /dev/null "$units/$1"; }
for u in /lib/systemd/system/sysinit.target.wants/* /lib/systemd/system/sockets.target.wants/*; do
	[ "$(basename "$u")" = dbus.socket ] || mask "$(basename "$u")"
done
for u in systemd-tmpfiles-setup.service systemd-tmpfiles-setup-dev.service \
	systemd-tmpfiles-clean.service systemd-tmpfiles-clean.timer \
	systemd-journald.service systemd-journald.socket systemd-journald-dev-log.socket \
	systemd-journald-audit.socket systemd-journal-flush.service modprobe@.service \
	systemd-udevd.service systemd-udev-trigger.service systemd-sysctl.service \
	systemd-modules-load.service systemd-binfmt.service proc-sys-fs-binfmt_misc.automount \
	systemd-update-utmp.service systemd-update-utmp-runlevel.service \
	systemd-sysusers.service systemd-random-seed.service systemd-remount-fs.service \
	systemd-logind.service systemd-timesyncd.service systemd-networkd.service \
	systemd-firstboot.service systemd-machine-id-commit.service ldconfig.service; do
	mask "$u"
done
exec env container=vigil-test /lib/systemd/systemd --unit=ha-node.target
