#!/usr/bin/env bash
# 'vigil config verify -x' against the CIB corpus, as TAP:
#   corpus/valid/*.xml    must pass: exit 0, nothing printed;
#   corpus/invalid/*.xml  must fail as NAME.expect says: its first line is "exit: N",
#                         every further non-empty line is a fixed string that must appear
#                         in vigil's stderr;
#   NAME.xfail            (optional, one line) marks a known vigil bug: the case is
#                         reported as a TAP TODO ("not ok ... # TODO"); if it starts to
#                         pass, it shows up as "ok ... # TODO" (remove the .xfail then).
# Environment: VIGIL (the vigil binary, default $top_builddir/cli/vigil), top_srcdir
# (default: the checkout this script is in), top_builddir (default: top_srcdir).
# Exits 0 unless it cannot run at all ("Bail out!").
set -u

# shellcheck source=../lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
corpus=$top_srcdir/tests/cib/corpus

[ -x "$VIGIL" ] || bail "no vigil binary at '$VIGIL'; build it or set VIGIL"
if [ ! -d "$corpus/valid" ] || [ ! -d "$corpus/invalid" ]; then
	bail "no corpus in '$corpus'"
fi

make_tmp verify-corpus

shopt -s nullglob
valid=("$corpus"/valid/*.xml)
invalid=("$corpus"/invalid/*.xml)
[ ${#valid[@]} -gt 0 ] || bail "no valid CIBs in '$corpus/valid'"
[ ${#invalid[@]} -gt 0 ] || bail "no invalid CIBs in '$corpus/invalid'"

echo "1..$(( ${#valid[@]} + ${#invalid[@]} ))"
n=0


# run_vigil CIB: runs 'vigil config verify -x CIB'; sets rc, output in $tmp/out and $tmp/err
run_vigil() {
	"$VIGIL" config verify -x "$1" >"$tmp/out" 2>"$tmp/err"
	rc=$?
}

for f in "${valid[@]}"; do
	n=$((n + 1))
	name=valid/${f##*/}
	run_vigil "$f"
	if [ "$rc" -eq 0 ] && [ ! -s "$tmp/err" ] && [ ! -s "$tmp/out" ]; then
		echo "ok $n - $name: vigil config verify exits 0 and prints nothing"
	else
		echo "not ok $n - $name: vigil config verify exits 0 and prints nothing"
		echo "# exit status $rc (expected 0); stderr:"
		diag "$tmp/err"
		if [ -s "$tmp/out" ]; then
			echo "# stdout:"
			diag "$tmp/out"
		fi
	fi
done

for f in "${invalid[@]}"; do
	n=$((n + 1))
	base=${f%.xml}
	name=invalid/${f##*/}
	todo=
	if [ -f "$base.xfail" ]; then
		todo=" # TODO $(head -n 1 "$base.xfail")"
	fi
	problems=()
	want_rc=
	if [ ! -f "$base.expect" ]; then
		problems+=("no ${base##*/}.expect beside it")
	else
		first=$(head -n 1 "$base.expect")
		if [[ $first =~ ^exit:\ ([0-9]+)$ ]]; then
			want_rc=${BASH_REMATCH[1]}
		else
			problems+=("first line of ${base##*/}.expect is not 'exit: N': '$first'")
		fi
	fi
	run_vigil "$f"
	if [ -n "$want_rc" ]; then
		[ "$rc" -eq "$want_rc" ] || problems+=("exit status $rc, expected $want_rc")
		while IFS= read -r want; do
			[ -n "$want" ] || continue
			grep -qF -- "$want" "$tmp/err" || problems+=("missing from stderr: $want")
		done < <(tail -n +2 "$base.expect")
	fi
	desc="$name: vigil config verify exits ${want_rc:-?} with the expected messages"
	if [ ${#problems[@]} -eq 0 ]; then
		echo "ok $n - $desc$todo"
	else
		echo "not ok $n - $desc$todo"
		printf '# %s\n' "${problems[@]}"
		echo "# vigil's stderr:"
		diag "$tmp/err"
	fi
done
exit 0
