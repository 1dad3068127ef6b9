# Shared by the TAP test scripts: where things are, a temporary directory removed on exit,
# and the helpers every script wants. Source it: . "$(dirname "$0")/../lib.sh"
# Environment: top_srcdir, top_builddir (default: this checkout), VIGIL (the vigil
# binary), CRM_VERIFY (Pacemaker's crm_verify). 'make check' sets them all.
top_srcdir=${top_srcdir:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
VIGIL=${VIGIL:-$top_builddir/cli/vigil}
CRM_VERIFY=${CRM_VERIFY:-$(command -v crm_verify || echo /usr/sbin/crm_verify)}

# bail MESSAGE: the script cannot run at all.
bail() {
	echo "Bail out! $*"
	exit 99
}

# require WHAT PATH: PATH must exist and be executable (or be a directory). Without it the
# whole script is skipped, except under CI, where a missing peer or input is a failure.
require() {
	if [ -x "$2" ]; then
		return 0
	fi
	if [ -n "${CI:-}" ]; then
		echo "1..1"
		echo "not ok 1 - $1 is required under CI (looked for '$2')"
		exit 0
	fi
	echo "1..0 # SKIP $1 not found at '$2'"
	exit 0
}

# make_tmp NAME: sets $tmp to a new directory that is removed when the script exits.
make_tmp() {
	tmp=$(mktemp -d "${TMPDIR:-/tmp}/vigil-$1.XXXXXX") || bail "mktemp -d failed"
	trap 'rm -rf "$tmp"' EXIT
	trap 'exit 130' INT TERM
}

# diag FILE: FILE's lines as TAP diagnostics.
diag() {
	if [ -s "$1" ]; then
		sed 's/^/#   /' "$1"
	else
		echo "#   (nothing)"
	fi
}
