#!/usr/bin/env bash
# vigil-mon --output-as=xml|json, on Pacemaker's scheduler inputs (../shared/scheduler-cases):
# every output is valid against its schema (schemas/vigil-mon.rng with xmllint,
# schemas/vigil-mon.schema.json with python3-jsonschema), the JSON is the XML's tree, and the
# XML is crm_mon's own ('CIB_file=X crm_mon --output-as=xml'), less the version strings, the
# times of this run and the nodes' feature sets, on every case but those listed with the
# reason in tests/cli/mon-known-differences (an entry that agrees is a failure: remove it).
set -u
. "$(dirname "$0")/../lib.sh"
VIGIL_MON=${VIGIL_MON:-$top_builddir/cli/vigil-mon}
CRM_MON=${CRM_MON:-$(command -v crm_mon || echo /usr/sbin/crm_mon)}
PY=/usr/bin/python3
cases=${VIGIL_SCHEDULER_CASES:-$top_srcdir/../shared/scheduler-cases/xml}
known=$top_srcdir/tests/cli/mon-known-differences
require vigil-mon "$VIGIL_MON"
require "crm_mon (pacemaker-cli-utils)" "$CRM_MON"
require "xmllint (libxml2-utils)" "$(command -v xmllint || echo /usr/bin/xmllint)"
require "python3 with jsonschema (python3-jsonschema)" "$PY"
[ -d "$cases" ] || bail "no scheduler cases in $cases"
$PY -c 'import jsonschema' 2>/dev/null || bail "python3-jsonschema is not installed (scripts/install-deps)"
make_tmp mon-output
export TZ=UTC

mapfile -t files < <(ls "$cases"/*.xml)
echo "1..$((${#files[@]} + 4))"
n=0
mkdir -p "$tmp/xml" "$tmp/json"
fail=0
for f in "${files[@]}"; do
	c=$(basename "$f" .xml)
	"$VIGIL_MON" --output-as=xml -x "$f" > "$tmp/xml/$c.xml" 2> "$tmp/err" &&
	"$VIGIL_MON" --output-as=json -x "$f" > "$tmp/json/$c.json" 2>> "$tmp/err" ||
		{ fail=$((fail + 1)); echo "# $c: $(head -1 "$tmp/err")"; }
done
n=$((n + 1))
if [ $fail -eq 0 ]; then echo "ok $n - vigil-mon writes XML and JSON for all ${#files[@]} cases"
else echo "not ok $n - vigil-mon writes XML and JSON for all ${#files[@]} cases ($fail failed)"; fi

n=$((n + 1))
if xmllint --noout --relaxng "$top_srcdir/schemas/vigil-mon.rng" "$tmp"/xml/*.xml \
	> "$tmp/rng.out" 2>&1; then
	echo "ok $n - every XML output is valid against schemas/vigil-mon.rng"
else
	echo "not ok $n - every XML output is valid against schemas/vigil-mon.rng"
	grep -v ' validates$' "$tmp/rng.out" | head -20 | sed 's/^/#   /'
fi

n=$((n + 1))
cat > "$tmp/check.py" <<'PY'
import json, sys, glob, os
import xml.etree.ElementTree as ET
import jsonschema
schema = json.load(open(sys.argv[1]))
jsonschema.Draft7Validator.check_schema(schema)
v = jsonschema.Draft7Validator(schema)
bad = 0
def same(x, j):
    # the XML element X and the JSON object J hold the same attributes
    for k, val in x.attrib.items():
        if k not in j:
            return "%s: %s missing" % (x.tag, k)
        jv = j[k]
        jv = ("true" if jv else "false") if isinstance(jv, bool) else str(jv)
        if jv != val:
            return "%s: %s=%s, JSON %s" % (x.tag, k, val, jv)
    return None
for path in sorted(glob.glob(os.path.join(sys.argv[2], "*.json"))):
    name = os.path.basename(path)[:-5]
    try:
        doc = json.load(open(path))
    except ValueError as e:
        print("# %s: not JSON: %s" % (name, e)); bad += 1; continue
    errs = list(v.iter_errors(doc))
    if errs:
        print("# %s: %s" % (name, errs[0].message)); bad += 1; continue
    x = ET.parse(os.path.join(sys.argv[3], name + ".xml")).getroot()
    pairs = [(x.find("summary/current_dc"), doc["summary"]["current_dc"]),
             (x.find("summary/cluster_options"), doc["summary"]["cluster_options"])]
    pairs += list(zip(x.findall("nodes/node"), doc["nodes"]))
    pairs += list(zip(x.findall("failures/failure"), doc["failures"]))
    pairs += list(zip(x.findall("bans/ban"), doc["bans"]))
    tops = [r for r in x.find("resources") or []]
    pairs += list(zip(tops, doc["resources"]))
    counts = [(len(x.findall("nodes/node")), len(doc["nodes"])),
              (len(x.findall("failures/failure")), len(doc["failures"])),
              (len(tops), len(doc["resources"]))]
    why = next((same(a, b) for a, b in pairs if same(a, b)), None)
    if why is None and any(a != b for a, b in counts):
        why = "lists of different lengths"
    if why:
        print("# %s: %s" % (name, why)); bad += 1
sys.exit(1 if bad else 0)
PY
if $PY "$tmp/check.py" "$top_srcdir/schemas/vigil-mon.schema.json" "$tmp/json" "$tmp/xml" \
	> "$tmp/json.out" 2>&1; then
	echo "ok $n - every JSON output is valid against schemas/vigil-mon.schema.json and holds the XML's values"
else
	echo "not ok $n - every JSON output is valid against schemas/vigil-mon.schema.json and holds the XML's values"
	head -20 "$tmp/json.out" | sed 's/^/#   /'
fi

norm() {
	grep -v '<last_update \|<last_change ' | sed 's/ request="[^"]*"//; s/ feature_set="[^"]*"//;
		s/ mixed_version="[^"]*"//; s/ version="[^"]*"//'
}
agree=0
for f in "${files[@]}"; do
	c=$(basename "$f" .xml)
	n=$((n + 1))
	reason=$(awk -F'\t' -v c="$c" '$1 == c { print $2 }' "$known")
	CIB_file=$f "$CRM_MON" --output-as=xml 2> /dev/null | norm > "$tmp/want"
	norm < "$tmp/xml/$c.xml" > "$tmp/got"
	if cmp -s "$tmp/want" "$tmp/got"; then
		agree=$((agree + 1))
		if [ -n "$reason" ]; then
			echo "not ok $n - $c: agrees with crm_mon now: remove it from tests/cli/mon-known-differences"
		else
			echo "ok $n - $c: crm_mon's XML"
		fi
	elif [ -n "$reason" ]; then
		echo "not ok $n - $c: differs from crm_mon's XML # TODO known difference: $reason"
	else
		echo "not ok $n - $c: crm_mon's XML"
		diff "$tmp/want" "$tmp/got" | head -10 | sed 's/^/#   /'
	fi
done
n=$((n + 1))
echo "ok $n - vigil-mon's XML is crm_mon's on $agree of ${#files[@]} cases"
