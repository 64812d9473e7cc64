# A hostile repository must not hurt the scanner: tree entries named .. and .git, names with
# newlines, quotes and terminal escapes, a symlink out of the tree, and config that would run
# commands in git (core.fsmonitor, core.hooksPath, a filter driver). Nothing runs, nothing is
# written to the repository, every name is printed escaped.
. tests/integration/lib.sh

R=$TMP/repo
new_repo "$R"
echo "one" > "$R/a.txt"
commit "$R" base

blob() { printf '%s' "$1" | git -C "$R" hash-object -w --stdin; }
A=$(blob "two
")
EVIL=$(blob "int main(void) { return 0; }
")
LINK=$(blob "/etc/passwd")
CFG=$(blob "[core]
	fsmonitor = touch $TMP/pwned
")
GITDIR=$(printf '100644 blob %s\tconfig\0' "$CFG" | git -C "$R" mktree -z)
ESC=$(printf 'esc\033[31mred.js')
TREE=$(
	{
		printf '100644 blob %s\t..\0' "$EVIL"
		printf '040000 tree %s\t.git\0' "$GITDIR"
		printf '100644 blob %s\t.GIT\0' "$EVIL"
		printf '100644 blob %s\ta.txt\0' "$A"
		printf '100644 blob %s\tnew\nline.c\0' "$EVIL"
		printf '100644 blob %s\tquo"te.c\0' "$EVIL"
		printf '100644 blob %s\t%s\0' "$EVIL" "$ESC"
		printf '120000 blob %s\tout.c\0' "$LINK"
	} | git -C "$R" mktree -z
)
HEAD=$(git -C "$R" commit-tree -p main -m hostile "$TREE")
git -C "$R" update-ref refs/heads/main "$HEAD"

# config that would run commands if anything executed them
mkdir -p "$TMP/hooks"
printf '#!/bin/sh\ntouch %s/pwned\n' "$TMP" > "$TMP/hooks/post-checkout"
chmod +x "$TMP/hooks/post-checkout"
git -C "$R" config core.fsmonitor "touch $TMP/pwned"
git -C "$R" config core.hooksPath "$TMP/hooks"
git -C "$R" config filter.evil.smudge "touch $TMP/pwned"
git -C "$R" config filter.evil.clean "touch $TMP/pwned"
git -C "$R" config diff.external "touch $TMP/pwned"
echo '* filter=evil diff=evil' > "$R/.gitattributes"
git -C "$R" config diff.evil.textconv "touch $TMP/pwned"

before=$(cd "$R" && find . -path ./.git/objects -prune -o -type f -print0 | sort -z | xargs -0 sha256sum | sha256sum)

expect_rc 0 "$TRIBUNAL" plan --repo "$R"
text=$OUT
[ ! -e "$TMP/pwned" ] || die "something from the repository was executed"
case $text in *$'\033'*) die "a raw escape byte reached the terminal" ;; esac
expect_in "$text" 'new\nline.c'
expect_in "$text" 'esc\x1b[31mred.js'
expect_in "$text" "unsafe path"

"$TRIBUNAL" plan --repo "$R" --json > "$TMP/plan.json"
jq -e . "$TMP/plan.json" >/dev/null || die "plan --json is not valid JSON"
[ ! -e "$TMP/pwned" ] || die "something from the repository was executed"
# .., .git and .GIT are refused; the symlink is skipped; the other names are reviewed
for p in .. .git/config .GIT; do
	jq -e --arg p "$p" '.skipped[] | select(.path == $p and .reason == "unsafe path")' "$TMP/plan.json" >/dev/null \
		|| die "$p was not refused as an unsafe path"
done
jq -e '.skipped[] | select(.path == "out.c" and .reason == "symlink")' "$TMP/plan.json" >/dev/null \
	|| die "the symlink was not skipped"
jq -e '.units[].files[] | select(.path == "quo\"te.c")' "$TMP/plan.json" >/dev/null \
	|| die "a name with a quote was not reviewed"
jq -e '.skipped[] | select(.path == "new\nline.c" and .reason == "unsafe path")' "$TMP/plan.json" >/dev/null \
	|| die "a name with a newline was not refused"

# and the whole plan, exactly (the range is left out: the hostile config blob names $TMP)
plan_json "$R" | jq -S 'del(.range)' > "$TMP/plan-golden.json"
golden plan/hostile.json "$TMP/plan-golden.json"

after=$(cd "$R" && find . -path ./.git/objects -prune -o -type f -print0 | sort -z | xargs -0 sha256sum | sha256sum)
[ "$before" = "$after" ] || die "the repository was modified"
