#!/usr/bin/env bash
# The scheduler's reading of the status section, against Pacemaker itself: for each of the
# 152 cases of Pacemaker's scheduler suite, the "Current cluster status" section (and the
# lines crm_simulate prints before it) must equal Pacemaker's expected summary, byte for
# byte, after the cts harness's own normalisation (ocf:: -> ocf:).
set -u
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
cases=${VIGIL_SCHEDULER_CASES:-$top_srcdir/../shared/scheduler-cases/xml}
summaries=$cases/../summary
vigil=$top_builddir/cli/vigil

require "Pacemaker's scheduler cases" "$cases"
require "cli/vigil" "$vigil"
make_tmp current-status

files=("$cases"/*.xml)
echo "1..${#files[@]}"
n=0 same=0
for f in "${files[@]}"; do
	name=$(basename "$f" .xml)
	n=$((n + 1))
	awk '/^Transition Summary:/ { exit } { print }' "$summaries/$name.summary" |
		sed -E 's/ocf::/ocf:/g' >"$tmp/expected"
	{ "$vigil" simulate -x "$f" 2>&1; echo; } >"$tmp/got"
	if cmp -s "$tmp/expected" "$tmp/got"; then
		same=$((same + 1))
		echo "ok $n - $name: current cluster status as crm_simulate prints it"
	else
		echo "not ok $n - $name: current cluster status differs from crm_simulate's"
		diff "$tmp/expected" "$tmp/got" >"$tmp/diff"
		diag "$tmp/diff" | head -30
	fi
done
echo "# current cluster status matches Pacemaker on $same of ${#files[@]} scheduler cases"
