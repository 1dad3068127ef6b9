#!/usr/bin/env bash
# Vigil's own scheduler golden cases (tests/scheduler/golden/INDEX: one per behaviour the
# scheduler must have, with a one-line description): 'vigil simulate -x NAME.xml -S ARGS'
# must print NAME.out exactly. Where crm_simulate can run the same case (no what-if
# arguments), the status and Transition Summary must also equal crm_simulate -R's, so a
# golden file cannot silently bless a wrong decision.
# VIGIL_REGENERATE=1 rewrites the .out files from what Vigil prints now (review the diff).
set -u
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
dir=$top_srcdir/tests/scheduler/golden
vigil=$top_builddir/cli/vigil
CRM_SIMULATE=${CRM_SIMULATE:-$(command -v crm_simulate || echo /usr/sbin/crm_simulate)}

require "cli/vigil" "$vigil"
make_tmp golden

mapfile -t entries < <(grep -v '^#' "$dir/INDEX")
echo "1..$((2 * ${#entries[@]}))"
n=0
for entry in "${entries[@]}"; do
	IFS=$'\t' read -r name args what <<<"$entry"
	[ "$args" = - ] && args=
	# shellcheck disable=SC2086
	"$vigil" simulate -x "$dir/$name.xml" -S $args >"$tmp/got" 2>&1
	n=$((n + 1))
	if [ "${VIGIL_REGENERATE:-}" = 1 ]; then
		cp "$tmp/got" "$dir/$name.out"
		echo "ok $n - $name: regenerated # SKIP VIGIL_REGENERATE=1"
	elif cmp -s "$dir/$name.out" "$tmp/got"; then
		echo "ok $n - $name: $what"
	else
		echo "not ok $n - $name: $what"
		diff "$dir/$name.out" "$tmp/got" >"$tmp/diff"
		diag "$tmp/diff" | head -30
	fi
	n=$((n + 1))
	if [ -n "$args" ] && [ "${args#--explain}" = "$args" ]; then
		echo "ok $n - $name: crm_simulate cannot apply what-ifs to a file # SKIP"
	elif [ ! -x "$CRM_SIMULATE" ]; then
		echo "ok $n - $name: agrees with crm_simulate # SKIP crm_simulate not installed"
	else
		"$CRM_SIMULATE" -x "$dir/$name.xml" -R 2>/dev/null | sed -E 's/ocf::/ocf:/g' \
			>"$tmp/expected"
		"$vigil" simulate -x "$dir/$name.xml" -R >"$tmp/got" 2>&1
		if cmp -s "$tmp/expected" "$tmp/got"; then
			echo "ok $n - $name: status and Transition Summary as crm_simulate's"
		else
			echo "not ok $n - $name: differs from crm_simulate"
			diff "$tmp/expected" "$tmp/got" >"$tmp/diff"
			diag "$tmp/diff" | head -30
		fi
	fi
done
