# Every YAML example in docs/policy.md loads with `tribunal policy check` AND validates against
# docs/policy.schema.json, so the reference, the schema and the code cannot drift apart.
# Also: policy init/show/check from the command line, and broken policies exit 2.
. tests/integration/lib.sh

cc -O2 -o "$TMP/yaml2json" tests/tools/yaml2json.c $(pkg-config --cflags --libs yaml-0.1 libcjson)
# ajv from the validators' cache (installed on first use of the validate script)
AJV=$VALIDATE_CACHE/node_modules/.bin/ajv
if [ ! -x "$AJV" ]; then
	printf '{"version": "2.1.0", "runs": []}' > "$TMP/warm.sarif"
	"$VALIDATE" sarif "$TMP/warm.sarif" >/dev/null 2>&1 || true
fi
[ -x "$AJV" ] || die "ajv is not installed in $VALIDATE_CACHE (run ../shared/validate/validate selftest)"

awk -v dir="$TMP" '/^```yaml$/ {n++; f=sprintf("%s/example%02d.yml", dir, n); on=1; next}
	/^```$/ {on=0} on {print > f}' docs/policy.md
count=$(ls "$TMP"/example*.yml | wc -l)
[ "$count" -ge 15 ] || die "expected at least 15 examples in docs/policy.md, found $count"
for y in "$TMP"/example*.yml; do
	expect_rc 0 "$TRIBUNAL" policy check "$y"
	"$TMP/yaml2json" < "$y" > "$y.json" || die "cannot convert $y"
done
# one ajv run for all of them (node starts once)
"$AJV" validate --spec=draft7 --strict=false -c "$VALIDATE_CACHE/node_modules/ajv-formats" \
	-s docs/policy.schema.json -d "$TMP/example*.yml.json" > "$TMP/ajv.out" 2>&1 \
	|| die "an example fails the schema: $(grep -v ' valid$' "$TMP/ajv.out")"
[ "$(grep -c ' valid$' "$TMP/ajv.out")" -eq "$count" ] || die "ajv did not check every example: $(cat "$TMP/ajv.out")"

# the schema also rejects what the loader rejects
printf 'mode: blocking\n' > "$TMP/bad.yml"
"$TMP/yaml2json" < "$TMP/bad.yml" > "$TMP/bad.json"
! "$AJV" validate --spec=draft7 --strict=false -s docs/policy.schema.json -d "$TMP/bad.json" >/dev/null 2>&1 \
	|| die "the schema accepts mode: blocking"

# init writes a valid policy; show prints the defaults; check exits 2 on errors with file:line:col
"$TRIBUNAL" policy init > "$TMP/starter.yml"
expect_rc 0 "$TRIBUNAL" policy check "$TMP/starter.yml"
expect_in "$OUT" "valid policy"
expect_rc 0 "$TRIBUNAL" policy show
expect_in "$OUT" "fail_on: high"
expect_in "$OUT" "min_confidence: 0.8"
expect_rc 2 "$TRIBUNAL" policy check "$TMP/bad.yml"
expect_in "$OUT" "bad.yml:1:7: error: mode: unknown value 'blocking' (did you mean 'block'?)"
expect_rc 2 "$TRIBUNAL" policy check "$TMP/nonexistent.yml"
expect_in "$OUT" "cannot open"
expect_rc 2 "$TRIBUNAL" policy frob
expect_rc 2 "$TRIBUNAL" policy
