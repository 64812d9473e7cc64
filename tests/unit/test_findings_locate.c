/* findings/locate.c: fingerprints cut from the head file (one read per file, whatever the order of
 * the findings), the base-side path of renamed files, and de-duplication on ordered and unordered
 * records. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "findings/findings.h"
#include "tests/helpers/fixture_repo.h"
#include "util/buf.h"

static struct finding *add(struct findings *fs, const char *path, uint32_t start, uint32_t end, const char *cwe)
{
	struct finding *f;

	assert_int_equal(findings_add(&f, fs), 0);
	f->source = FINDING_SOURCE_RULE;
	f->status = FINDING_UNVERIFIED;
	f->severity = TRB_SEV_MEDIUM;
	f->confidence = 0.5;
	f->path = strdup(path);
	f->start_line = start;
	f->end_line = end;
	f->cwe = cwe ? strdup(cwe) : NULL;
	f->title = strdup("a title");
	return f;
}

static void expect_fingerprint(const struct finding *f, const char *text, uint32_t start, uint32_t end)
{
	char *want = NULL;

	assert_int_equal(findings_fingerprint_lines(&want, f->path, f->cwe, text, strlen(text), start, end), 0);
	if (!f->fingerprint || strcmp(f->fingerprint, want) != 0)
		fail_msg("%s:%u-%u: fingerprint %s, want %s", f->path, f->start_line, f->end_line,
			 f->fingerprint ? f->fingerprint : "(none)", want);
	free(want);
}

/* Findings of two files, interleaved, past the end, with end before start, and in a file head
 * does not have: each gets the fingerprint of its own lines (or of its title). */
static void test_fingerprints_come_from_each_findings_lines(void **state)
{
	struct fixture_repo *r = fixture_repo_new();
	struct trb_buf big = TRB_BUF_INIT(TRB_LIMIT_FILE);
	static const char other[] = "int x;\n\tstrcpy(a, b);\nreturn 0;";   /* no final newline */
	struct fixture_file files[3] = {{0}};
	struct diff_spec spec = {0};
	struct findings *fs = NULL;
	struct diff *d = NULL;
	git_oid base, head;
	char *title = NULL;
	uint32_t l;
	size_t i;

	(void)state;
	assert_non_null(r);
	for (l = 1; l <= 3000; l++)
		trb_buf_printf(&big, "line %u: call(%u);\n", l, l * 7);
	files[0].path = "src/big.c";
	files[0].content = "old\n";
	assert_int_equal(fixture_repo_commit(&base, r, NULL, "base", files), 0);
	files[0].content = big.ptr;
	files[1].path = "src/other.c";
	files[1].content = other;
	assert_int_equal(fixture_repo_commit(&head, r, &base, "head", files), 0);
	spec.base = "HEAD~1";
	spec.head = "HEAD";
	spec.source = DIFF_SOURCE_FLAGS;
	assert_int_equal(diff_open(&d, r->dir, &spec), 0);

	assert_int_equal(findings_new(&fs), 0);
	for (l = 1; l <= 2990; l += 10) {
		add(fs, "src/big.c", l, l + 2, "CWE-89");
		if (l % 300 == 1)
			add(fs, "src/other.c", 2, 2, "CWE-120");
	}
	add(fs, "src/other.c", 3, 3, NULL);          /* the last line, without its newline */
	add(fs, "src/big.c", 2999, 4000, "CWE-89");  /* runs past the end */
	add(fs, "src/big.c", 5000, 5001, "CWE-89");  /* starts past the end */
	add(fs, "src/big.c", 20, 10, "CWE-89");      /* end before start */
	add(fs, "src/gone.c", 1, 1, "CWE-89");        /* not in head */
	assert_int_equal(findings_locate(fs, d), 0);

	for (i = 0; i < fs->n; i++) {
		const struct finding *f = &fs->v[i];
		if (strcmp(f->path, "src/big.c") == 0)
			expect_fingerprint(f, big.ptr, f->start_line, f->end_line);
		else if (strcmp(f->path, "src/other.c") == 0)
			expect_fingerprint(f, other, f->start_line, f->end_line);
	}
	assert_int_equal(findings_fingerprint(&title, "src/gone.c", "CWE-89", "a title", 7), 0);
	assert_string_equal(fs->v[fs->n - 1].fingerprint, title);
	/* end before start is no lines at all */
	{
		char *empty = NULL;
		assert_int_equal(findings_fingerprint(&empty, "src/big.c", "CWE-89", "", 0), 0);
		assert_string_equal(fs->v[fs->n - 2].fingerprint, empty);
		assert_string_equal(fs->v[fs->n - 3].fingerprint, empty);
		free(empty);
	}
	free(title);
	findings_free(fs);
	diff_free(d);
	trb_buf_dispose(&big);
	fixture_repo_free(r);
}

/* A finding in a file the merge request renamed (and edited) carries the base-side path, which
 * GitLab's position needs; one in a file that kept its name carries none. */
static void test_renamed_files_findings_carry_the_old_path(void **state)
{
	struct fixture_repo *r = fixture_repo_new();
	struct trb_buf before = TRB_BUF_INIT(TRB_LIMIT_SMALL), after = TRB_BUF_INIT(TRB_LIMIT_SMALL);
	struct fixture_file files[5] = {{0}};
	struct diff_spec spec = {0};
	struct diff_opts o = {0};
	struct config *policy = NULL;
	struct findings *fs = NULL;
	struct diff *d = NULL;
	struct finding *f;
	git_oid base, head;
	uint32_t l;

	(void)state;
	assert_non_null(r);
	for (l = 1; l <= 30; l++) {
		trb_buf_printf(&before, "value_%u = compute(%u)\n", l, l);
		trb_buf_printf(&after, l == 12 ? "value_%u = eval(request.args[%u])\n" : "value_%u = compute(%u)\n", l, l);
	}
	files[0].path = "src/old_name.py";
	files[0].content = before.ptr;
	files[1].path = "src/kept.py";
	files[1].content = "x = 1\n";
	assert_int_equal(fixture_repo_commit(&base, r, NULL, "base", files), 0);
	files[0].path = "src/new_name.py";
	files[0].content = after.ptr;
	files[1].content = "x = eval(y)\n";
	assert_int_equal(fixture_repo_commit(&head, r, &base, "head", files), 0);
	spec.base = "HEAD~1";
	spec.head = "HEAD";
	spec.source = DIFF_SOURCE_FLAGS;
	assert_int_equal(diff_open(&d, r->dir, &spec), 0);
	assert_int_equal(config_new_default(&policy), 0);
	o.policy = policy;
	assert_int_equal(diff_run(d, &o), 0);

	assert_int_equal(findings_new(&fs), 0);
	add(fs, "src/new_name.py", 12, 12, "CWE-95");
	add(fs, "src/kept.py", 1, 1, "CWE-95");
	f = add(fs, "src/new_name.py", 20, 21, "CWE-95");   /* unchanged lines of the renamed file */
	f->old_path = strdup("stale/value.py");            /* replaced, not kept */
	assert_int_equal(findings_locate(fs, d), 0);
	assert_string_equal(fs->v[0].old_path, "src/old_name.py");
	assert_true(fs->v[0].in_diff);
	assert_int_equal(fs->v[0].anchor_line, 12);
	assert_null(fs->v[1].old_path);
	assert_string_equal(fs->v[2].old_path, "src/old_name.py");
	assert_true(fs->v[2].pre_existing);
	findings_free(fs);
	diff_free(d);
	config_free(policy);
	trb_buf_dispose(&before);
	trb_buf_dispose(&after);
	fixture_repo_free(r);
}

/* In report order, a finding that overlaps the first after another copy took its place is still
 * folded in: a.c 1-10 (weak), 5-20 (strong), 15-16 (another copy of the strong one). */
static void test_dedupe_on_ordered_findings_follows_the_kept_copy(void **state)
{
	struct findings *fs = NULL;
	struct finding *f;

	(void)state;
	assert_int_equal(findings_new(&fs), 0);
	add(fs, "a.c", 1, 10, "CWE-89");
	f = add(fs, "a.c", 5, 20, "CWE-89");
	f->status = FINDING_CONFIRMED;
	add(fs, "a.c", 15, 16, "CWE-89");
	add(fs, "a.c", 30, 31, "CWE-89");
	add(fs, "b.c", 1, 40, "CWE-89");
	assert_int_equal(findings_dedupe(fs), 0);
	assert_int_equal(fs->n, 3);
	assert_int_equal(fs->v[0].start_line, 5);
	assert_int_equal(fs->v[0].status, FINDING_CONFIRMED);
	assert_int_equal(fs->v[1].start_line, 30);
	assert_string_equal(fs->v[2].path, "b.c");
	findings_free(fs);
}

/* Out of report order there is no early stop: the copies are still found. */
static void test_dedupe_on_unordered_findings_still_merges(void **state)
{
	struct findings *fs = NULL;

	(void)state;
	assert_int_equal(findings_new(&fs), 0);
	add(fs, "b.c", 10, 12, "CWE-79");
	add(fs, "a.c", 1, 1, "CWE-79");
	add(fs, "b.c", 11, 11, "CWE-79");
	add(fs, "b.c", 1, 2, "CWE-79");
	add(fs, "b.c", 2, 2, "CWE-79");
	assert_int_equal(findings_dedupe(fs), 0);
	assert_int_equal(fs->n, 3);
	assert_string_equal(fs->v[0].path, "b.c");
	assert_string_equal(fs->v[1].path, "a.c");
	assert_int_equal(fs->v[2].start_line, 1);
	findings_free(fs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fingerprints_come_from_each_findings_lines),
		cmocka_unit_test(test_renamed_files_findings_carry_the_old_path),
		cmocka_unit_test(test_dedupe_on_ordered_findings_follows_the_kept_copy),
		cmocka_unit_test(test_dedupe_on_unordered_findings_still_merges),
	};
	return cmocka_run_group_tests_name("findings_locate", tests, NULL, NULL);
}
