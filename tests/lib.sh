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

# test_cib NODES [RESOURCES_XML]: a CIB with stonith-enabled=false, nodes node1..NODES and
# the given <resources> content, on stdout.
test_cib() {
	local i
	cat <<XML
<cib admin_epoch="0" epoch="1" num_updates="0" validate-with="pacemaker-3.9" crm_feature_set="3.16.2">
  <configuration>
    <crm_config>
      <cluster_property_set id="cib-bootstrap-options">
        <nvpair id="opt-stonith" name="stonith-enabled" value="false"/>
      </cluster_property_set>
    </crm_config>
    <nodes>
XML
	for i in $(seq "$1"); do
		echo "      <node id=\"$i\" uname=\"node$i\"/>"
	done
	cat <<XML
    </nodes>
    <resources>${2:-}</resources>
    <constraints/>
  </configuration>
  <status/>
</cib>
XML
}
