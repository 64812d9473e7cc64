#!/usr/bin/env bash
# Every report format through the official validators (../shared/validate/validate): the cmocka
# test for report/ writes its outputs (a fixture with every status and hostile text, an empty
# record, a shard whose results and comments hit the caps) into $TRIBUNAL_REPORT_OUT; this script validates each file:
# SARIF (JSON schema + Microsoft multitool with the GitHub rules), GitLab SAST, code quality,
# JUnit, findings.json against docs/findings.schema.json, and the rest for well-formedness.
. "$(dirname "$0")/lib.sh"

TEST_BIN=${TEST_REPORT:-$(dirname "$TRIBUNAL")/tests/test_report}
[ -x "$TEST_BIN" ] || die "no $TEST_BIN: build it with make $(dirname "$TRIBUNAL")/tests/test_report"
[ -x "$VALIDATE" ] || die "no validator at $VALIDATE"

OUT=$TMP/reports
mkdir -p "$OUT"
TRIBUNAL_REPORT_OUT=$OUT "$TEST_BIN" >"$TMP/test.log" 2>&1 || { cat "$TMP/test.log"; die "test_report failed"; }
[ -d "$OUT/fixture" ] || die "test_report wrote nothing into $OUT"

fail=0
# the validators take seconds per file (node, the .NET multitool): run them side by side
n=0
for d in "$OUT"/*/; do
	d=${d%/}
	for kv in sarif:results.sarif gitlab-sast:gl-sast-report.json codequality:gl-code-quality-report.json junit:junit.xml; do
		n=$((n + 1))
		( "$VALIDATE" "${kv%%:*}" "$d/${kv#*:}" > "$TMP/v$n.log" 2>&1; echo $? > "$TMP/v$n.rc" ) &
	done
done
wait
for i in $(seq 1 "$n"); do
	cat "$TMP/v$i.log"
	[ "$(cat "$TMP/v$i.rc")" = 0 ] || fail=1
done
for d in "$OUT"/*/; do
	d=${d%/}
	for f in findings.json github-review.json gitlab-discussions.json; do
		python3 -c 'import json,sys; json.load(open(sys.argv[1], encoding="utf-8"))' "$d/$f" \
			|| { echo "FAIL json $d/$f"; fail=1; }
	done
	xmllint --noout --html "$d/report.html" 2>/dev/null || true   # HTML5 tags make libxml2 chatty; structure is checked below
	if grep -qi '<script' "$d/report.html"; then echo "FAIL html $d/report.html has a script"; fail=1; fi
	if grep -qiE '(src|href)="(https?:)?//[^"]*(evil|x\.png)' "$d/report.html"; then
		echo "FAIL html $d/report.html loads or links hostile URLs"; fail=1
	fi
done

# findings.json against its own schema (python3-jsonschema, installed by `make deps`)
python3 tests/tools/findings_schema.py "$ROOT/docs/findings.schema.json" "$OUT"/*/findings.json || fail=1

# the GitHub review body limit, on the real file
python3 - "$OUT"/*/github-review.json <<'PY' || fail=1
import json, sys
for f in sys.argv[1:]:
    r = json.load(open(f, encoding="utf-8"))
    assert r["event"] in ("COMMENT", "REQUEST_CHANGES"), f
    for body in [r["body"]] + [c["body"] for c in r["comments"]]:
        assert len(body) <= 65536, "%s: a body of %d characters" % (f, len(body))
        assert "<!-- tribunal:" in body, f
    assert len(r["comments"]) <= 50, f
PY
[ "$fail" -eq 0 ] || die "some report files failed validation"
echo "report_validate: every report file passed"
