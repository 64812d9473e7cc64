# tribunal merge reads findings.json files that a job wrote, or anyone who can write the job's
# artifacts: a run record with a base but no head (or the reverse, or revisions the repository
# does not have) must end in a verdict or a clean error, never a crash.
. tests/integration/lib.sh

R=$TMP/repo
new_repo "$R"
printf 'int f(void) { return 0; }\n' > "$R/a.c"
commit "$R" base
printf '#include <string.h>\nvoid g(char *d, const char *s) { strcpy(d, s); }\n' > "$R/a.c"
commit "$R" head
expect_rc 0 "$TRIBUNAL" scan --repo "$R" --out "$TMP/s" --dry-run --format json

# merged RUN_FILTER: merges one shard whose run record went through the jq filter
merged() {
	local filter=$1 rc=0
	shift
	rm -rf "$TMP/x" "$TMP/m"
	mkdir -p "$TMP/x"
	jq "$filter" "$TMP/s/findings.json" > "$TMP/x/findings.json"
	OUT=$("$TRIBUNAL" merge "$TMP/x" --out "$TMP/m" --repo "$R" "$@" 2>&1) || rc=$?
	# 0/1: a verdict; 2: the record was refused with a message; anything else is a crash
	case $rc in
	0|1) validate_reports "$TMP/m" ;;   # a verdict from a hostile record is still a valid report
	2) expect_in "$OUT" "tribunal" ;;
	*) die "merge exited $rc on a run record filtered by '$filter':
$OUT" ;;
	esac
}
merged 'del(.run.head)'
merged 'del(.run.base)'
merged 'del(.run.head)' --policy-from head
merged '.run.head = "0000000000000000000000000000000000000000"'
merged '.run.base = "HEAD~1"'
printf 'version: 1\n' > "$TMP/p.yml"
merged 'del(.run.head)' --policy "$TMP/p.yml"
