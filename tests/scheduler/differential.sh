#!/usr/bin/env bash
# Differential test of the scheduler against Pacemaker's: for each seed, a random CIB from
# gen-cib.py; what 'vigil simulate -R' prints (the current cluster status and the
# Transition Summary) must equal what crm_simulate -R prints. Seeds
# VIGIL_DIFF_FIRST..VIGIL_DIFF_LAST (default 1..300, VIGIL_DIFF_JOBS at a time), sizes
# VIGIL_DIFF_ARGS (default "--max-nodes 8 --max-primitives 40"). A disagreement is
# 'not ok' with its seed and the diff; reproduce
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

# one seed: its CIB, both tools' output, and "same" or "differs" in $tmp/SEED.result
run_seed() {
	local seed=$1 d=$tmp/$1
	mkdir "$d"
	# shellcheck disable=SC2086
	if ! python3 "$gen" "$seed" $args >"$d/cib.xml"; then
		echo "generator failed" >"$d/result"
		return
	fi
	"$CRM_SIMULATE" -x "$d/cib.xml" -R 2>/dev/null | sed -E 's/ocf::/ocf:/g' >"$d/expected"
	"$vigil" simulate -x "$d/cib.xml" -R >"$d/got" 2>&1
	if cmp -s "$d/expected" "$d/got"; then
		echo same >"$d/result"
		rm -f "$d/cib.xml" "$d/expected" "$d/got"
	else
		echo differs >"$d/result"
		diff "$d/expected" "$d/got" >"$d/diff"
	fi
}
export -f run_seed
export tmp gen args vigil CRM_SIMULATE

# seeds run in parallel (VIGIL_DIFF_JOBS, default: one per CPU), reported in order
seq "$first" "$last" | xargs -P "${VIGIL_DIFF_JOBS:-$(nproc)}" -I{} bash -c 'run_seed {}'

echo "1..$((last - first + 1))"
n=0 same=0
for seed in $(seq "$first" "$last"); do
	n=$((n + 1))
	case $(cat "$tmp/$seed/result" 2>/dev/null) in
	same)
		same=$((same + 1))
		echo "ok $n - seed $seed: status and transition summary as crm_simulate's" ;;
	differs)
		echo "not ok $n - seed $seed: differs from crm_simulate (gen-cib.py $seed $args)"
		diag "$tmp/$seed/diff" | head -20 ;;
	*)
		echo "not ok $n - seed $seed: gen-cib.py or the run failed" ;;
	esac
done
echo "# vigil simulate agrees with crm_simulate on $same of $n random CIBs ($args)"
