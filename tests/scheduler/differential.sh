#!/usr/bin/env bash
# Differential test of the scheduler against Pacemaker's: for each seed, a random CIB from
# gen-cib.py; what 'vigil simulate -R' prints (the current cluster status and the
# Transition Summary) must equal what crm_simulate -R prints. Seeds
# VIGIL_DIFF_FIRST..VIGIL_DIFF_LAST (default 1..300), sizes VIGIL_DIFF_ARGS (default
# "--max-nodes 8 --max-primitives 40"). A disagreement is 'not ok' with its seed; reproduce
# it with: tests/scheduler/gen-cib.py SEED ARGS > x.xml; crm_simulate -x x.xml -R
set -u
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
first=${VIGIL_DIFF_FIRST:-1}
last=${VIGIL_DIFF_LAST:-300}
args=${VIGIL_DIFF_ARGS:---max-nodes 8 --max-primitives 40}
gen=$top_srcdir/tests/scheduler/gen-cib.py
vigil=$top_builddir/cli/vigil
CRM_SIMULATE=${CRM_SIMULATE:-$(command -v crm_simulate || echo /usr/sbin/crm_simulate)}

require crm_simulate "$CRM_SIMULATE"
require "cli/vigil" "$vigil"
command -v python3 >/dev/null || bail "python3 is needed for gen-cib.py (scripts/install-deps)"
make_tmp differential

echo "1..$((last - first + 1))"
n=0 same=0
for seed in $(seq "$first" "$last"); do
	n=$((n + 1))
	# shellcheck disable=SC2086
	python3 "$gen" "$seed" $args >"$tmp/cib.xml" || bail "gen-cib.py failed for seed $seed"
	"$CRM_SIMULATE" -x "$tmp/cib.xml" -R 2>/dev/null | sed -E 's/ocf::/ocf:/g' >"$tmp/expected"
	"$vigil" simulate -x "$tmp/cib.xml" -R >"$tmp/got" 2>&1
	if cmp -s "$tmp/expected" "$tmp/got"; then
		same=$((same + 1))
		echo "ok $n - seed $seed: status and transition summary as crm_simulate's"
	else
		echo "not ok $n - seed $seed: differs from crm_simulate (gen-cib.py $seed $args)"
		diff "$tmp/expected" "$tmp/got" >"$tmp/diff"
		diag "$tmp/diff" | head -20
	fi
done
echo "# vigil simulate agrees with crm_simulate on $same of $n random CIBs ($args)"
