#!/usr/bin/env bash
# Differential test of the scheduler's reading of the status section: for each seed, a
# random CIB from gen-cib.py; Vigil's "Current cluster status" must equal crm_simulate's.
# Seeds VIGIL_DIFF_FIRST..VIGIL_DIFF_LAST (default 1..300). A disagreement is 'not ok' with
# its seed; reproduce it with: tests/scheduler/gen-cib.py SEED > x.xml; crm_simulate -x x.xml
set -u
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
first=${VIGIL_DIFF_FIRST:-1}
last=${VIGIL_DIFF_LAST:-300}
gen=$top_srcdir/tests/scheduler/gen-cib.py
print_status=$top_builddir/tests/scheduler/print-status
CRM_SIMULATE=${CRM_SIMULATE:-$(command -v crm_simulate || echo /usr/sbin/crm_simulate)}

require crm_simulate "$CRM_SIMULATE"
require "tests/scheduler/print-status" "$print_status"
command -v python3 >/dev/null || bail "python3 is needed for gen-cib.py (scripts/install-deps)"
make_tmp differential

echo "1..$((last - first + 1))"
n=0 same=0
for seed in $(seq "$first" "$last"); do
	n=$((n + 1))
	python3 "$gen" "$seed" --max-nodes 8 --max-primitives 40 >"$tmp/cib.xml" ||
		bail "gen-cib.py failed for seed $seed"
	{ "$CRM_SIMULATE" -x "$tmp/cib.xml" 2>/dev/null; echo; } >"$tmp/expected"
	{ "$print_status" "$tmp/cib.xml" 2>&1; echo; } >"$tmp/got"
	if cmp -s "$tmp/expected" "$tmp/got"; then
		same=$((same + 1))
		echo "ok $n - seed $seed: current cluster status as crm_simulate prints it"
	else
		echo "not ok $n - seed $seed: current cluster status differs from crm_simulate's"
		diff "$tmp/expected" "$tmp/got" >"$tmp/diff"
		diag "$tmp/diff" | head -20
	fi
done
echo "# current cluster status agrees with crm_simulate on $same of $n random CIBs"
