#!/usr/bin/env bash
# 'vigil cluster setup NAME NODE[=ADDR]...' writes a corosync.conf (and its key) that
# corosync itself accepts ('corosync -t'): knet, encryption with a 256-byte key readable by
# root only, two_node for two nodes; it refuses to replace files without --force, and bad
# names with one line.
set -u
. "$(dirname "$0")/../lib.sh"
require corosync "$(command -v corosync || echo /usr/sbin/corosync)"
make_tmp cli-setup

echo "1..8"
n=0
t() {
	local what=$1
	shift
	n=$((n + 1))
	if "$@"; then echo "ok $n - $what"; else echo "not ok $n - $what"; diag "$tmp/out"; fi
}
setup() { "$VIGIL" cluster setup "$@" > "$tmp/out" 2>&1; }
# corosync checks the file; node1 is this host (127.0.0.1), so that it finds itself
valid() { corosync -t -c "$1" >> "$tmp/out" 2>&1; }

t "three nodes: a file and a key corosync accepts" \
	eval 'setup c3 node1=127.0.0.1 node2=198.18.0.2 node3=198.18.0.3 --output "$tmp/c3.conf" \
		--authkey "$tmp/c3.key" && valid "$tmp/c3.conf" &&
	      grep -q "crypto_cipher: aes256" "$tmp/c3.conf" && ! grep -q two_node "$tmp/c3.conf"'
t "the key: 256 bytes, readable by root only" \
	eval '[ "$(stat -c "%s %a" "$tmp/c3.key")" = "256 400" ]'
t "two nodes get two_node" \
	eval 'setup c2 node1=127.0.0.1 node2=198.18.0.2 --output "$tmp/c2.conf" \
		--authkey "$tmp/c2.key" --token 1000 && valid "$tmp/c2.conf" &&
	      grep -q "two_node: 1" "$tmp/c2.conf" && grep -q "token: 1000" "$tmp/c2.conf"'
t "existing files are kept unless --force" \
	eval 'before=$(sha256sum < "$tmp/c3.conf");
	      setup c3 node1=127.0.0.1 node2=198.18.0.9 --output "$tmp/c3.conf" --authkey "$tmp/c3.key";
	      [ $? -eq 1 ] && grep -q "already exists; .*Use --force" "$tmp/out" &&
	      [ "$(sha256sum < "$tmp/c3.conf")" = "$before" ] &&
	      setup c3 node1=127.0.0.1 node2=198.18.0.9 --output "$tmp/c3.conf" \
		--authkey "$tmp/c3.key" --force && grep -q 198.18.0.9 "$tmp/c3.conf"'
t "--no-encryption writes no key" \
	eval 'setup plain node1=127.0.0.1 node2=198.18.0.2 --output "$tmp/p.conf" \
		--authkey "$tmp/p.key" --no-encryption && valid "$tmp/p.conf" &&
	      grep -q "crypto_cipher: none" "$tmp/p.conf" && [ ! -e "$tmp/p.key" ]'
# exits CODE PATTERN ARGS...: setup ARGS exits CODE, says PATTERN, and writes nothing
exits() {
	local code=$1 pattern=$2
	shift 2
	setup "$@" --output "$tmp/x.conf" --authkey "$tmp/x.key"
	[ $? -eq "$code" ] && grep -q -- "$pattern" "$tmp/out" && [ ! -e "$tmp/x.conf" ]
}
t "a bad cluster name is one line, exit 64" exits 64 "cannot name a cluster" "bad name" node1
t "a bad node is one line, exit 64" exits 64 "is not NODE or NODE=ADDRESS" ok "node/1"
t "a node given twice is refused" exits 64 "given twice" ok node1 node1=198.18.0.1
