#!/usr/bin/env bash
# Pacemaker's crm_verify against the same CIB corpus, as TAP:
#   corpus/valid/*.xml    crm_verify -x exits 0; and the CIB as Vigil writes it
#                         ('vigil config show -x FILE --xml') passes crm_verify and
#                         'vigil config verify' again;
#   corpus/invalid/*.xml  crm_verify's verdict matches NAME.crm, one line:
#                           rejects           crm_verify exits non-zero too;
#                           accepts: REASON   crm_verify exits 0 (Vigil is deliberately
#                                             stricter, for REASON).
# Environment: CRM_VERIFY (default: crm_verify from PATH, else /usr/sbin/crm_verify),
# VIGIL (default $top_builddir/cli/vigil), top_srcdir (default: the checkout this
# script is in), top_builddir (default: top_srcdir). Without crm_verify the whole test
# is skipped, unless CI is set: there a missing crm_verify is a failure.
set -u

# shellcheck source=../lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
corpus=$top_srcdir/tests/cib/corpus

require crm_verify "$CRM_VERIFY"
[ -x "$VIGIL" ] || bail "no vigil binary at '$VIGIL'; build it or set VIGIL"
if [ ! -d "$corpus/valid" ] || [ ! -d "$corpus/invalid" ]; then
	bail "no corpus in '$corpus'"
fi

make_tmp crm-agreement

shopt -s nullglob
valid=("$corpus"/valid/*.xml)
invalid=("$corpus"/invalid/*.xml)
[ ${#valid[@]} -gt 0 ] || bail "no valid CIBs in '$corpus/valid'"
[ ${#invalid[@]} -gt 0 ] || bail "no invalid CIBs in '$corpus/invalid'"

echo "1..$(( 3 * ${#valid[@]} + ${#invalid[@]} ))"
n=0


# crm CIB: runs 'crm_verify -x CIB'; sets crm_rc, output in $tmp/crm
crm() {
	"$CRM_VERIFY" -x "$1" >"$tmp/crm" 2>&1
	crm_rc=$?
}

# result OK DESC: prints the TAP line for one test
result() {
	n=$((n + 1))
	if [ "$1" = yes ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
	fi
}

for f in "${valid[@]}"; do
	name=valid/${f##*/}

	crm "$f"
	if [ "$crm_rc" -eq 0 ]; then
		result yes "$name: crm_verify accepts it"
	else
		result no "$name: crm_verify accepts it"
		echo "# crm_verify exited $crm_rc:"
		diag "$tmp/crm"
	fi

	# the CIB as Vigil writes it
	written=$tmp/written-${f##*/}
	if ! "$VIGIL" config show -x "$f" --xml >"$written" 2>"$tmp/err"; then
		result no "$name: as written by vigil, crm_verify accepts it"
		echo "# vigil config show --xml failed:"
		diag "$tmp/err"
		result no "$name: as written by vigil, vigil config verify accepts it"
		continue
	fi
	crm "$written"
	if [ "$crm_rc" -eq 0 ]; then
		result yes "$name: as written by vigil, crm_verify accepts it"
	else
		result no "$name: as written by vigil, crm_verify accepts it"
		echo "# crm_verify exited $crm_rc:"
		diag "$tmp/crm"
	fi
	"$VIGIL" config verify -x "$written" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ "$rc" -eq 0 ] && [ ! -s "$tmp/out" ] && [ ! -s "$tmp/err" ]; then
		result yes "$name: as written by vigil, vigil config verify accepts it"
	else
		result no "$name: as written by vigil, vigil config verify accepts it"
		echo "# vigil config verify exited $rc:"
		diag "$tmp/err"
	fi
done

for f in "${invalid[@]}"; do
	base=${f%.xml}
	name=invalid/${f##*/}
	verdict=
	[ -f "$base.crm" ] && verdict=$(head -n 1 "$base.crm")

	crm "$f"
	case "$verdict" in
	rejects)
		desc="$name: crm_verify rejects it too"
		if [ "$crm_rc" -ne 0 ]; then
			result yes "$desc"
		else
			result no "$desc"
			echo "# crm_verify exited 0:"
			diag "$tmp/crm"
		fi
		;;
	"accepts: "?*)
		# '#' would start a TAP directive in the description
		desc="$name: crm_verify accepts it, vigil is stricter: ${verdict#accepts: }"
		desc=${desc//#/No.}
		if [ "$crm_rc" -eq 0 ]; then
			result yes "$desc"
		else
			result no "$desc"
			echo "# crm_verify exited $crm_rc:"
			diag "$tmp/crm"
		fi
		;;
	*)
		result no "$name: crm_verify's verdict is recorded in ${base##*/}.crm"
		echo "# ${base##*/}.crm is missing or does not start with 'rejects' or 'accepts: REASON'"
		;;
	esac
done
exit 0
