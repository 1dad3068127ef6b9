#!/usr/bin/env bash
# cli/vigil, the front end (cli/vigil-front.c), in a network namespace of its own (its
# abstract socket names are its own, and no vigild runs there):
# - without a status socket it becomes the full CLI: 'vigil status' says vigild is not
#   running (exit 69), 'vigil --version' answers;
# - the text of a status socket held by root is printed as it comes;
# - a status socket held by another user is not believed: anyone may bind the abstract
#   name while vigild is down;
# - 'vigil node standby|unstandby NODE' goes to a command socket held by root, as NUL-ended
#   words; its 'R' is success (exit 0, nothing printed), its 'F' hands the command to the
#   full CLI; another user's socket is sent nothing, nor is a command with options;
# - the full CLI and vigil-mon talk only to a libqb service 'vigild' that root runs: one
#   that another user offers under that name is refused, with what to do.
set -u
. "$(dirname "$0")/../lib.sh"
if [ "$(id -u)" -ne 0 ]; then
	echo "1..0 # SKIP a network namespace of its own needs root"
	exit 0
fi
FRONT=$top_builddir/cli/vigil
require "cli/vigil (make)" "$FRONT"
require python3 /usr/bin/python3
QB_SERVER=$top_builddir/tests/cli/qb-server
require "tests/cli/qb-server (make check)" "$QB_SERVER"
make_tmp front
echo "1..11"
n=0
point() { # point DESCRIPTION CMD...
	local what=$1
	n=$((n + 1))
	shift
	if "$@"; then echo "ok $n - $what"; else echo "not ok $n - $what"; diag "$tmp/out"; fi
}
# with_server USER SERVER... -- CMD...: in a network namespace of its own (its abstract
# socket names are its own), SERVER run by USER until it prints "ready", then CMD; CMD's
# output in $tmp/out, its exit code in rc
with_server() {
	rm -f "$tmp/ready"
	unshare -n bash -c '
		tmp=$1 user=$2 server=()
		shift 2
		while [ "$1" != -- ]; do server+=("$1"); shift; done
		shift
		setpriv --reuid="$user" --regid="$user" --clear-groups "${server[@]}" > "$tmp/ready" &
		for _ in $(seq 50); do grep -q ready "$tmp/ready" 2>/dev/null && break; sleep 0.1; done
		"$@"; rc=$?; kill $! 2>/dev/null; wait; exit $rc' sh "$tmp" "$@" > "$tmp/out" 2>&1
	rc=$?
}
chmod 777 "$tmp"

# serve AS_USER TEXT: a status socket held by AS_USER sending 'S' TEXT, then 'vigil status'
cat > "$tmp/serve.py" <<'EOF'
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind("\0vigild-status")
s.listen(1)
print("ready", flush=True)
c, _ = s.accept()
c.sendall(b"S" + sys.argv[1].encode() + b"\n")
c.close()
EOF
serve() { with_server "$1" /usr/bin/python3 "$tmp/serve.py" "$2" -- "$FRONT" status; }

unshare -n "$FRONT" status > "$tmp/out" 2>&1
rc=$?
point "no status socket: the full CLI answers 'vigil status' (vigild is not running, exit 69)" \
	eval '[ $rc = 69 ] && grep -q "vigild is not running on this node" "$tmp/out"'
unshare -n "$FRONT" --version > "$tmp/out" 2>&1
point "every other command is the full CLI's ('vigil --version')" \
	grep -q "^vigil [0-9]" "$tmp/out"
serve 0 "the status as vigild says it"
point "a status socket held by root: its text is printed" \
	eval '[ "$(cat "$tmp/out")" = "the status as vigild says it" ]'
serve 65534 "a forged status"
point "a status socket held by another user is not believed: the full CLI answers" \
	eval '! grep -q "forged" "$tmp/out" && grep -q "vigild is not running" "$tmp/out"'

# command AS_USER REPLY ARGS...: a command socket held by AS_USER that records what it
# gets in $tmp/got and answers REPLY; then 'vigil ARGS' (exit code in rc)
cat > "$tmp/command.py" <<'EOF'
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind("\0vigild-command")
s.listen(1)
print("ready", flush=True)
c, _ = s.accept()
got = b""
while not got.endswith(b"\0\0"):
    b = c.recv(4096)
    if not b:
        break
    got += b
open(sys.argv[2], "wb").write(got)
c.sendall(sys.argv[1].encode())
c.close()
EOF
command() {
	local user=$1 answer=$2
	shift 2
	rm -f "$tmp/got"
	with_server "$user" /usr/bin/python3 "$tmp/command.py" "$answer" "$tmp/got" -- "$FRONT" "$@"
}
command 0 R node standby node2
point "'vigil node standby NODE' with a root command socket answering R: exit 0, silent" \
	eval '[ $rc = 0 ] && [ ! -s "$tmp/out" ]'
point "the request is the command's words, each ended by a NUL, and an empty one" \
	eval '[ "$(tr "\\0" "|" < "$tmp/got")" = "node|standby|node2||" ]'
command 0 F node unstandby node2
point "an answer F: the full CLI runs the command (vigild is not running, exit 69)" \
	eval '[ $rc = 69 ] && grep -q "^vigil node unstandby: vigild is not running" "$tmp/out" &&
	      grep -q "unstandby" "$tmp/got"'
command 65534 R node standby node2
point "a command socket held by another user is sent nothing: the full CLI runs it" \
	eval '[ $rc = 69 ] && [ ! -s "$tmp/got" ]'
command 0 R node standby node2 --wait=5
point "a command with options is the full CLI's: the socket is not used" \
	eval '[ $rc = 69 ] && [ ! -s "$tmp/got" ]'

# forged NAME CMD...: a libqb service 'vigild' run by nobody, then CMD (exit code in rc)
forged() { with_server 65534 "$QB_SERVER" vigild -- "$@"; }
forged "$FRONT" config show
point "the full CLI refuses a libqb 'vigild' that is not root's: says so, exit 69" \
	eval '[ $rc = 69 ] && grep -q "ready" "$tmp/ready" &&
	      grep -q "^vigil config show: the local service .vigild. is not root.s, so not vigild.s" "$tmp/out"'
forged "$top_builddir/cli/vigil-mon" -1
point "vigil-mon -1 refuses it too" \
	eval '[ $rc = 69 ] && grep -q "is not root.s, so not vigild.s" "$tmp/out"'
