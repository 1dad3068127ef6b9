#!/bin/sh
# Runs a GLib test program so that it speaks TAP (automake puts the program first), with a
# temporary directory of its own as TMPDIR, removed when the program ends, however it ends
# (a failed assertion aborts it before its own cleanup).
dir=$(mktemp -d "${TMPDIR:-/tmp}/vigil-unit.XXXXXX") || {
	echo "Bail out! cannot make a temporary directory in ${TMPDIR:-/tmp}"
	exit 99
}
TMPDIR=$dir "$@" --tap
rc=$?
rm -rf "$dir"
exit "$rc"
