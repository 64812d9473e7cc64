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
