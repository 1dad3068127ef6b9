#!/usr/bin/env bash
# The scheduler's decisions, against Pacemaker itself: for each of the 152 cases of
# Pacemaker's scheduler suite, the "Transition Summary" of 'vigil simulate -R' must equal
# Pacemaker's expected one byte for byte (after the cts harness's ocf:: -> ocf:). A case
# Vigil does not match is listed, with the reason, in tests/scheduler/known-differences; it
# is an expected failure (TODO), and a listed case that starts to match fails the test.
set -u
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
cases=${VIGIL_SCHEDULER_CASES:-$top_srcdir/../shared/scheduler-cases/xml}
summaries=$cases/../summary
known=$top_srcdir/tests/scheduler/known-differences
vigil=$top_builddir/cli/vigil

require "Pacemaker's scheduler cases" "$cases"
require "cli/vigil" "$vigil"
make_tmp transition-summary

files=("$cases"/*.xml)
echo "1..${#files[@]}"
n=0 same=0
for f in "${files[@]}"; do
	name=$(basename "$f" .xml)
	n=$((n + 1))
	why=$(awk -F'\t' -v n="$name" '$1 == n { print $2 }' "$known")
	awk '/^Transition Summary:/ { p = 1 } /^Executing Cluster Transition:/ { exit } p' \
		"$summaries/$name.summary" | sed -E 's/ocf::/ocf:/g' |
		sed -e :a -e '/^\n*$/{$d;N;ba' -e '}' >"$tmp/expected"
	"$vigil" simulate -x "$f" -R 2>&1 | awk '/^Transition Summary:/ { p = 1 } p' >"$tmp/got"
	if cmp -s "$tmp/expected" "$tmp/got"; then
		same=$((same + 1))
		if [ -n "$why" ]; then
			echo "not ok $n - $name: matches, but is listed in tests/scheduler/known-differences; remove it there"
		else
			echo "ok $n - $name: transition summary as Pacemaker's"
		fi
	elif [ -n "$why" ]; then
		echo "not ok $n - $name # TODO known difference: $why"
	else
		echo "not ok $n - $name: transition summary differs from Pacemaker's"
		diff "$tmp/expected" "$tmp/got" >"$tmp/diff"
		diag "$tmp/diff" | head -30
	fi
done
echo "# transition summary matches Pacemaker on $same of ${#files[@]} scheduler cases"
