# The command line: complete --help, one-line errors with a hint and exit 2, version, stubs.
. tests/integration/lib.sh

expect_rc 0 "$TRIBUNAL" --help
for c in scan plan policy publish merge version; do expect_in "$OUT" "$c"; done
for c in scan plan policy publish merge version; do
	expect_rc 0 "$TRIBUNAL" "$c" --help
	expect_in "$OUT" "usage: tribunal $c"
done
expect_rc 2 "$TRIBUNAL"
expect_in "$OUT" "usage: tribunal COMMAND"
expect_rc 2 "$TRIBUNAL" frobnicate
expect_in "$OUT" "unknown command 'frobnicate'"
expect_rc 2 "$TRIBUNAL" plan --nope
expect_in "$OUT" "tribunal plan: unknown option '--nope'"
expect_in "$OUT" "Try 'tribunal plan --help'."
[ "$(printf '%s\n' "$OUT" | wc -l)" -eq 2 ] || die "a usage error must be one line plus a hint"
expect_rc 2 "$TRIBUNAL" plan --repo
expect_in "$OUT" "needs a value"
expect_rc 2 "$TRIBUNAL" plan --json=yes
expect_rc 2 "$TRIBUNAL" plan --policy-from middle
expect_in "$OUT" "--policy-from must be 'base' or 'head'"
expect_rc 2 "$TRIBUNAL" plan --quiet --verbose
expect_rc 0 "$TRIBUNAL" version
for lib in "tribunal " libgit2 libcurl cJSON libyaml libxml2 PCRE2; do expect_in "$OUT" "$lib"; done
expect_rc 2 "$TRIBUNAL" version extra

# suppressions expire by the wall clock: SOURCE_DATE_EPOCH (in CI often the commit time, which
# the merge request's author picks) cannot keep an expired one alive
printf 'version: 1\nsuppressions:\n  - {fingerprint: 0123456789abcdef, reason: "accepted, SEC-1", expires: 2020-01-01}\n' \
	> "$TMP/expired.yml"
expect_rc 0 env SOURCE_DATE_EPOCH=1500000000 "$TRIBUNAL" policy check "$TMP/expired.yml"
expect_in "$OUT" "suppression expired on 2020-01-01"

# the help says what the code does: publish posts a scan's review, and --base/--head switch the
# CI environment off
expect_rc 0 "$TRIBUNAL" --help
expect_in "$OUT" "publish    post a scan's review"
expect_rc 2 "$TRIBUNAL" publish github --from "$TMP"
expect_in "$OUT" "--from must be the output directory of 'tribunal scan'"
expect_rc 2 "$TRIBUNAL" publish bitbucket --from "$TMP"
for c in plan scan; do
	expect_rc 0 "$TRIBUNAL" "$c" --help
	expect_in "$OUT" "Either flag turns the CI environment off"
done
