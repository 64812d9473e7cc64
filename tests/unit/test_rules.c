/* rules/: secrets, dangerous APIs, policy rules, inline ignores, redaction and masking.
 * Credentials in these tests are built at run time from a seeded generator, and no assertion
 * prints one: on a mismatch the tests print path:line:rule-id, masked text or lengths only. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "rules/rules.h"
#include "util/err.h"

#define CORPUS "tests/rules/corpus"

/* ---- helpers --------------------------------------------------------------------------------- */

static uint64_t rng = 88172645463325252ull;

static char rnd_char(const char *alphabet)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return alphabet[rng % strlen(alphabet)];
}

#define ALNUM "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

/* prefix + n random characters, in a static ring so a test can hold a few. */
static const char *token(const char *prefix, const char *alphabet, size_t n)
{
	static char ring[8][256];
	static int slot;
	char *t = ring[slot++ % 8];
	size_t p = strlen(prefix), i;

	memcpy(t, prefix, p);
	for (i = 0; i < n; i++)
		t[p + i] = rnd_char(alphabet);
	t[p + n] = '\0';
	return t;
}

static const char *aws_id(void)
{
	return token("AKIA", "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16);
}

static const char *github(void)
{
	return token("ghp_", ALNUM, 36);
}

static struct rules *builtins(void)
{
	struct rules *r = NULL;

	assert_int_equal(rules_new(&r, NULL), 0);
	return r;
}

static char *fmt(const char *f, ...) __attribute__((format(printf, 1, 2)));
static char *fmt(const char *f, ...)
{
	struct trb_buf b = TRB_BUF_INIT(TRB_LIMIT_FILE);
	va_list ap;

	va_start(ap, f);
	trb_buf_vprintf(&b, f, ap);
	va_end(ap);
	return trb_buf_detach(&b);
}

/* Hits as "line:rule-id[ suppressed]" lines, for exact comparisons that print no code. */
static char *describe(const struct rules_hits *h)
{
	struct trb_buf b = TRB_BUF_INIT(TRB_LIMIT_FILE);
	size_t i;

	for (i = 0; i < h->n; i++)
		trb_buf_printf(&b, "%u:%s%s\n", h->v[i].line, h->v[i].rule->id, h->v[i].suppressed ? " suppressed" : "");
	return trb_buf_detach(&b);
}

static char *scan_text(const struct rules *r, const char *path, const char *text, const uint32_t *changed,
		       size_t n_changed)
{
	struct rules_hits h;
	char *d;

	rules_hits_init(&h);
	assert_int_equal(rules_scan(&h, r, path, diff_lang_of_path(path), text, strlen(text), changed, n_changed, RULES_KINDS_ALL), 0);
	d = describe(&h);
	rules_hits_dispose(&h);
	return d;
}

static void expect_hits(const struct rules *r, const char *path, const char *text, const char *want)
{
	char *got = scan_text(r, path, text, NULL, 0);
	assert_string_equal(got, want);
	free(got);
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	*len = (size_t)n;
	return buf;
}

/* ---- the corpus: every rule family, true and false positives, exact hits ----------------------- */

struct strv {
	char **v;
	size_t n;
};

static void strv_push(struct strv *sv, char *s)
{
	sv->v = realloc(sv->v, (sv->n + 1) * sizeof(*sv->v));
	assert_non_null(sv->v);
	sv->v[sv->n++] = s;
}

static void strv_free(struct strv *sv)
{
	size_t i;

	for (i = 0; i < sv->n; i++)
		free(sv->v[i]);
	free(sv->v);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void walk(struct strv *files, const char *dir, const char *rel)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	assert_non_null(d);
	while ((e = readdir(d)) != NULL) {
		struct stat st;
		char *full, *r;
		if (e->d_name[0] == '.' || strcmp(e->d_name, "EXPECTED") == 0 || strcmp(e->d_name, "SECRETS") == 0)
			continue;
		full = fmt("%s/%s", dir, e->d_name);
		r = rel[0] ? fmt("%s/%s", rel, e->d_name) : fmt("%s", e->d_name);
		assert_int_equal(stat(full, &st), 0);
		if (S_ISDIR(st.st_mode)) {
			walk(files, full, r);
			free(r);
		} else {
			strv_push(files, r);
		}
		free(full);
	}
	closedir(d);
}

/* Every token of 12+ credential characters in s must also be in `kept` (the redacted file). */
static void assert_no_secret_leak(const char *s, const char *kept, const char *where)
{
	size_t i = 0, n = strlen(s);

	while (i < n) {
		size_t j = i;
		while (j < n && s[j] && strchr(ALNUM "_-+", s[j]) != NULL)
			j++;
		if (j - i >= 12) {
			char *tok = fmt("%.*s", (int)(j - i), s + i);
			if (!strstr(kept, tok))
				fail_msg("%s: a displayed text holds %zu characters of a secret", where, j - i);
			free(tok);
		}
		i = j + 1;
	}
}

static void test_corpus_hits_are_exact(void **state)
{
	struct rules *r = builtins();
	struct strv files = {0}, got = {0};
	char *want;
	size_t i, k, len;

	(void)state;
	want = slurp(CORPUS "/EXPECTED", &len);
	assert_non_null(want);
	walk(&files, CORPUS, "");
	qsort(files.v, files.n, sizeof(*files.v), cmp_str);
	assert_true(files.n >= 40);
	for (i = 0; i < files.n; i++) {
		char *full = fmt(CORPUS "/%s", files.v[i]), *text, *red;
		struct trb_buf rb = TRB_BUF_INIT(TRB_LIMIT_FILE);
		struct rules_hits h;
		size_t tl;
		text = slurp(full, &tl);
		assert_non_null(text);
		rules_hits_init(&h);
		assert_int_equal(rules_scan(&h, r, files.v[i], diff_lang_of_path(files.v[i]), text, tl, NULL, 0, RULES_KINDS_ALL), 0);
		assert_int_equal(h.n_warnings, 0);
		assert_int_equal(rules_redact(&rb, r, text, tl), 0);
		red = trb_buf_detach(&rb);
		for (k = 0; k < h.n; k++) {
			strv_push(&got, fmt("%s:%u:%s%s", files.v[i], h.v[k].line, h.v[k].rule->id,
					    h.v[k].suppressed ? " suppressed" : ""));
			/* What reports show never carries the secret. */
			assert_no_secret_leak(h.v[k].snippet, red, files.v[i]);
			if (h.v[k].rule->kind == RULES_KIND_SECRET) {
				assert_non_null(h.v[k].masked);
				assert_true(strlen(h.v[k].masked) <= 4 + 3);
			}
		}
		rules_hits_dispose(&h);
		free(red);
		free(text);
		free(full);
	}
	qsort(got.v, got.n, sizeof(*got.v), cmp_str);
	{
		/* Compare as sorted sets; print the difference: paths, lines and ids only. */
		struct strv exp = {0};
		char *p = want, *nl;
		bool same;
		while ((nl = strchr(p, '\n')) != NULL) {
			if (nl > p)
				strv_push(&exp, fmt("%.*s", (int)(nl - p), p));
			p = nl + 1;
		}
		qsort(exp.v, exp.n, sizeof(*exp.v), cmp_str);
		same = exp.n == got.n;
		for (i = 0; same && i < exp.n; i++)
			same = strcmp(exp.v[i], got.v[i]) == 0;
		if (!same) {
			for (i = 0; i < exp.n; i++) {
				for (k = 0; k < got.n && strcmp(got.v[k], exp.v[i]) != 0; k++)
					;
				if (k == got.n)
					print_error("missing: %s\n", exp.v[i]);
			}
			for (k = 0; k < got.n; k++) {
				for (i = 0; i < exp.n && strcmp(got.v[k], exp.v[i]) != 0; i++)
					;
				if (i == exp.n)
					print_error("unexpected: %s\n", got.v[k]);
			}
		}
		strv_free(&exp);
		if (!same)
			fail_msg("hits differ from " CORPUS "/EXPECTED");
	}
	strv_free(&files);
	strv_free(&got);
	free(want);
	rules_free(r);
}

/* ---- secrets --------------------------------------------------------------------------------- */

static void test_documented_aws_example_is_not_reported(void **state)
{
	struct rules *r = builtins();

	(void)state;
	expect_hits(r, "a.py", "key = 'AKIAIOSFODNN7EXAMPLE'\nsecret = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'\n", "");
	rules_free(r);
}

static void test_aws_secret_needs_context(void **state)
{
	struct rules *r = builtins();
	const char *sec = token("", ALNUM "/+", 40);
	char *alone = fmt("blob = '%s'\n", sec);
	char *near = fmt("key_id = '%s'\n\nblob = '%s'\n", aws_id(), sec);

	(void)state;
	expect_hits(r, "a.py", alone, "");
	expect_hits(r, "a.py", near, "1:secret-aws-access-key\n3:secret-aws-secret-key\n");
	free(alone);
	free(near);
	rules_free(r);
}

static void test_only_added_lines_are_scanned(void **state)
{
	struct rules *r = builtins();
	char *text = fmt("a = '%s'\nb = '%s'\nc = '%s'\n", github(), github(), github());
	uint32_t changed[] = {2};
	char *got;

	(void)state;
	got = scan_text(r, "x.js", text, changed, 1);
	assert_string_equal(got, "2:secret-github-token\n");
	free(got);
	/* Out-of-range and unsorted line numbers are tolerated. */
	{
		uint32_t odd[] = {0, 3, 1, 99};
		got = scan_text(r, "x.js", text, odd, 4);
		assert_string_equal(got, "1:secret-github-token\n3:secret-github-token\n");
		free(got);
	}
	free(text);
	rules_free(r);
}

static void test_secret_split_over_added_lines_is_joined(void **state)
{
	struct rules *r = builtins();
	const char *t = github();
	char *text = fmt("x = 1\nconst t = '%.10s' +\n  '%s';\n", t, t + 10);
	uint32_t both[] = {2, 3}, first[] = {2};
	struct rules_hits h;
	char *got;

	(void)state;
	got = scan_text(r, "a.js", text, both, 2);
	assert_string_equal(got, "2:secret-github-token\n");
	free(got);
	/* The second half is unchanged context: the added line holds no secret on its own. */
	got = scan_text(r, "a.js", text, first, 1);
	assert_string_equal(got, "");
	free(got);
	rules_hits_init(&h);
	assert_int_equal(rules_scan(&h, r, "a.js", DIFF_LANG_JS, text, strlen(text), both, 2, RULES_KINDS_ALL), 0);
	assert_int_equal(h.n, 1);
	assert_true(h.v[0].joined);
	assert_int_equal(h.v[0].end_line, 3);
	assert_string_equal(h.v[0].masked, "ghp_\xe2\x80\xa6");
	assert_string_equal(h.v[0].snippet, "const t = 'ghp\xe2\x80\xa6");
	rules_hits_dispose(&h);
	free(text);
	rules_free(r);
}

static void test_private_key_needs_a_body(void **state)
{
	struct rules *r = builtins();
	char *key = fmt("-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA%s\n%s\n-----END RSA PRIVATE KEY-----\n",
			token("", ALNUM "+/", 48), token("", ALNUM "+/", 64));

	(void)state;
	expect_hits(r, "k.pem", key, "1:secret-private-key\n");
	expect_hits(r, "p.py", "if s.startswith('-----BEGIN PRIVATE KEY-----'):\n    pass\n", "");
	expect_hits(r, "d.md", "-----BEGIN PRIVATE KEY-----\n...\n-----END PRIVATE KEY-----\n", "");
	expect_hits(r, "pub.pem", "-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAu1SU1LfVLPHCozMxH2Mo\n", "");
	free(key);
	rules_free(r);
}

static void test_generic_assignment_filters(void **state)
{
	struct rules *r = builtins();
	char *real = fmt("DB_PASSWORD = \"%s\"\n", token("", ALNUM "!*-_", 18));

	(void)state;
	expect_hits(r, "s.py", real, "1:secret-generic-assignment\n");
	expect_hits(r, "s.py",
		    "password = \"xxx\"\n"
		    "password = os.environ['DB_PASSWORD']\n"
		    "token = \"${TOKEN}\"\n"
		    "api_key = \"<your-api-key>\"\n"
		    "secret = \"123e4567-e89b-12d3-a456-426614174000\"\n"
		    "password_hash = \"5f4dcc3b5aa765d61d8327deb882cf99\"\n"
		    "token_url = \"https://example.com/oauth/token\"\n"
		    "password = settings.DATABASE_PASSWORD\n"
		    "if password == \"hunter2hunter2\":\n"
		    "withCredentials([string(credentialsId: 'anthropic-key', variable: 'KEY')])\n"
		    "secret_ref: \"prod-db-credentials\"\n",
		    "");
	free(real);
	rules_free(r);
}

/* ---- dangerous APIs ------------------------------------------------------------------------------ */

static void test_api_rules_follow_the_language(void **state)
{
	struct rules *r = builtins();

	(void)state;
	expect_hits(r, "a.c", "strcpy(a, b);\n", "1:c-unbounded-copy\n");
	expect_hits(r, "a.py", "strcpy(a, b)\n", "");
	expect_hits(r, "a.py", "x = pickle.loads(b)\n", "1:py-deserialization\n");
	expect_hits(r, "a.rb", "x = pickle.loads(b)\n", "");
	/* Commented out is not a call. */
	expect_hits(r, "a.c", "// strcpy(a, b);\n", "");
	expect_hits(r, "a.py", "# pickle.loads(b)\n", "");
	/* Nor is a call inside a string of code, except where commands are quoted (shell, CI). */
	expect_hits(r, "a.c", "t(\"strcpy(a, b);\");\n", "");
	expect_hits(r, "ci.yml", "script: \"curl -k https://x.example/a\"\n", "1:sh-curl-insecure\n");
	rules_free(r);
}

static void test_hint_or_finding(void **state)
{
	struct rules *r = builtins();
	struct rules_hits h;
	char *text = fmt("x = eval(s)\nk = '%s'\n", github());

	(void)state;
	rules_hits_init(&h);
	assert_int_equal(rules_scan(&h, r, "a.py", DIFF_LANG_PYTHON, text, strlen(text), NULL, 0, RULES_KINDS_ALL), 0);
	assert_int_equal(h.n, 2);
	assert_string_equal(h.v[0].rule->id, "py-eval");
	assert_false(rules_hit_is_finding(&h.v[0], true));
	assert_true(rules_hit_is_finding(&h.v[0], false));
	assert_true(rules_hit_is_finding(&h.v[1], true));
	rules_hits_dispose(&h);
	free(text);
	/* an inline ignore of a hint is recorded even where an agent reviewed the unit */
	text = fmt("x = eval(s)  # tribunal-ignore: py-eval the input is a constant table\n");
	rules_hits_init(&h);
	assert_int_equal(rules_scan(&h, r, "a.py", DIFF_LANG_PYTHON, text, strlen(text), NULL, 0, RULES_KINDS_ALL), 0);
	assert_int_equal(h.n, 1);
	assert_true(h.v[0].suppressed);
	assert_true(rules_hit_is_finding(&h.v[0], true));
	rules_hits_dispose(&h);
	free(text);
	rules_free(r);
}

/* ---- inline ignores ------------------------------------------------------------------------------ */

static void test_ignore_on_line_and_line_above(void **state)
{
	struct rules *r = builtins();
	struct rules_hits h;
	const char *text = "x = eval(a)  # tribunal-ignore: py-eval constant from our config\n"
			   "# tribunal-ignore: py-eval, py-os-system -- build script input\n"
			   "y = eval(b); os.system(c)\n"
			   "z = eval(d)\n";

	(void)state;
	rules_hits_init(&h);
	assert_int_equal(rules_scan(&h, r, "a.py", DIFF_LANG_PYTHON, text, strlen(text), NULL, 0, RULES_KINDS_ALL), 0);
	assert_int_equal(h.n, 4);
	assert_true(h.v[0].suppressed);
	assert_string_equal(h.v[0].ignore_reason, "constant from our config");
	assert_int_equal(h.v[0].ignore_line, 1);
	assert_true(h.v[1].suppressed);
	assert_true(h.v[2].suppressed);
	assert_string_equal(h.v[2].ignore_reason, "build script input");
	assert_int_equal(h.v[3].line, 4);
	assert_false(h.v[3].suppressed);
	rules_hits_dispose(&h);
	rules_free(r);
}

static void test_ignore_without_reason_is_reported_and_suppresses_nothing(void **state)
{
	struct rules *r = builtins();

	(void)state;
	expect_hits(r, "a.py", "x = eval(a)  # tribunal-ignore: py-eval\n",
		    "1:tribunal-ignore-without-reason\n1:py-eval\n");
	expect_hits(r, "a.c", "/* tribunal-ignore: c-gets */\ngets(b);\n",
		    "1:tribunal-ignore-without-reason\n2:c-gets\n");
	/* Other comment styles carry a reason through their closers. */
	expect_hits(r, "a.c", "gets(b); /* tribunal-ignore: c-gets legacy test harness */\n", "1:c-gets suppressed\n");
	expect_hits(r, "a.sql", "-- tribunal-ignore: sql-dynamic-exec admin-only procedure\nEXEC(@sql);\n",
		    "2:sql-dynamic-exec suppressed\n");
	/* Not in a comment, not a directive. */
	expect_hits(r, "a.py", "s = 'tribunal-ignore: py-eval x'; eval(a)\n", "1:py-eval\n");
	rules_free(r);
}

static void test_ignore_of_unchanged_line_is_not_reported(void **state)
{
	struct rules *r = builtins();
	uint32_t changed[] = {2};
	char *got;

	(void)state;
	got = scan_text(r, "a.py", "# tribunal-ignore: py-eval\nx = 1\n", changed, 1);
	assert_string_equal(got, "");
	free(got);
	rules_free(r);
}

/* ---- redaction and masking -------------------------------------------------------------------- */

static size_t count_lines(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

static void test_redact_keeps_lines_and_kinds(void **state)
{
	struct rules *r = builtins();
	struct trb_buf out = TRB_BUF_INIT(TRB_LIMIT_FILE);
	const char *gh = github(), *id = aws_id();
	char *text = fmt("line 1\ntoken = '%s'  # and %s\n\n"
			 "-----BEGIN OPENSSH PRIVATE KEY-----\n  %s\n  %s\n-----END OPENSSH PRIVATE KEY-----\n"
			 "k = '%.8s' + '%s'\nlast",
			 gh, id, token("b3BlbnNzaC1rZXktdjEAAAAA", ALNUM "+/", 46), token("", ALNUM "+/", 70), id, id + 8);
	const char *want = "line 1\ntoken = '<redacted:github-token>'  # and <redacted:aws-access-key>\n\n"
			   "-----BEGIN OPENSSH PRIVATE KEY-----\n  <redacted:private-key>\n  <redacted:private-key>\n<redacted:private-key>\n"
			   "k = '<redacted:aws-access-key>' + '<redacted:aws-access-key>'\nlast";

	(void)state;
	assert_int_equal(rules_redact(&out, r, text, strlen(text)), 0);
	assert_int_equal(count_lines(trb_buf_cstr(&out)), count_lines(text));
	if (strcmp(trb_buf_cstr(&out), want) != 0)
		fail_msg("redacted text differs (%zu bytes, want %zu)", out.len, strlen(want));
	trb_buf_dispose(&out);
	free(text);
	rules_free(r);
}

static void test_redact_leaves_clean_text_alone(void **state)
{
	struct rules *r = builtins();
	struct trb_buf out = TRB_BUF_INIT(TRB_LIMIT_FILE);
	const char text[] = "int main(void)\n{\n\treturn 0;\n}\n\0binary\n";

	(void)state;
	assert_int_equal(rules_redact(&out, r, text, sizeof(text) - 1), 0);
	assert_int_equal(out.len, sizeof(text) - 1);
	assert_memory_equal(out.ptr, text, sizeof(text) - 1);
	trb_buf_dispose(&out);
	rules_free(r);
}

static void test_mask_shows_at_most_four(void **state)
{
	struct trb_buf b = TRB_BUF_INIT(TRB_LIMIT_SMALL);

	(void)state;
	rules_mask(&b, aws_id(), 20);
	assert_string_equal(trb_buf_cstr(&b), "AKIA\xe2\x80\xa6");
	trb_buf_clear(&b);
	rules_mask(&b, "hunter22", 8);
	assert_string_equal(trb_buf_cstr(&b), "hu\xe2\x80\xa6");
	trb_buf_clear(&b);
	rules_mask(&b, "abc", 3);
	assert_string_equal(trb_buf_cstr(&b), "\xe2\x80\xa6");
	trb_buf_clear(&b);
	rules_mask(&b, "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9xxxx", 16);
	assert_string_equal(trb_buf_cstr(&b), "\xc3\xa9\xc3\xa9\xe2\x80\xa6");
	trb_buf_clear(&b);
	rules_mask(&b, "\n\x01\x02\x03zzzzzzzzzzzzzzzzzzzz", 24);
	assert_string_equal(trb_buf_cstr(&b), "????\xe2\x80\xa6");
	trb_buf_dispose(&b);
}

/* ---- findings and hints ----------------------------------------------------------------------- */

static void test_hit_becomes_finding(void **state)
{
	struct rules *r = builtins();
	struct findings *fs = NULL;
	struct finding *f;
	struct rules_hits h;
	struct trb_buf hint = TRB_BUF_INIT(TRB_LIMIT_SMALL);
	char *text = fmt("\nk = '%s'  # tribunal-ignore: secret-github-token revoked, CI fixture\nx = eval(s)\n",
			 github());

	(void)state;
	assert_int_equal(findings_new(&fs), 0);
	rules_hits_init(&h);
	assert_int_equal(rules_scan(&h, r, "src/a.py", DIFF_LANG_PYTHON, text, strlen(text), NULL, 0, RULES_KINDS_ALL), 0);
	assert_int_equal(h.n, 2);
	assert_int_equal(rules_hit_to_finding(&f, fs, &h.v[0], 3), 0);
	assert_int_equal(f->source, FINDING_SOURCE_RULE);
	assert_int_equal(f->status, FINDING_SUPPRESSED);
	assert_string_equal(f->rule_id, "secret-github-token");
	assert_string_equal(f->cwe, "CWE-798");
	assert_string_equal(f->category, "hardcoded-secret");
	assert_string_equal(f->path, "src/a.py");
	assert_int_equal(f->start_line, 2);
	assert_int_equal(f->end_line, 2);
	assert_int_equal(f->unit, 3);
	assert_int_equal(f->severity, TRB_SEV_CRITICAL);
	assert_true(f->confidence >= 0.9);
	assert_true(f->suppression.present);
	assert_string_equal(f->suppression.kind, "inline");
	assert_string_equal(f->suppression.reason, "revoked, CI fixture");
	assert_string_equal(f->snippet, "k = 'ghp_\xe2\x80\xa6'  # tribunal-ignore: secret-github-token revoked, CI fixture");
	assert_non_null(strstr(f->description, "(ghp_\xe2\x80\xa6)"));
	assert_int_equal(rules_hit_to_finding(&f, fs, &h.v[1], 3), 0);
	assert_int_equal(f->status, FINDING_UNVERIFIED);
	assert_string_equal(f->cwe, "CWE-95");
	assert_string_equal(f->category, "code-injection");
	assert_true(f->confidence < 0.8);
	assert_int_equal(fs->n, 2);
	assert_int_equal(rules_hit_hint(&hint, &h.v[1]), 0);
	assert_string_equal(trb_buf_cstr(&hint),
			    "- src/a.py:3 py-eval (CWE-95, high): eval/exec of a non-constant string: `x = eval(s)`\n");
	trb_buf_dispose(&hint);
	rules_hits_dispose(&h);
	findings_free(fs);
	free(text);
	rules_free(r);
}

/* ---- policy rules -------------------------------------------------------------------------------- */

static void add_rule(struct config *c, const char *id, const char *pattern, const char *path, const char *lang)
{
	struct config_rule *cr;

	c->rules = realloc(c->rules, (c->n_rules + 1) * sizeof(*c->rules));
	assert_non_null(c->rules);
	cr = &c->rules[c->n_rules++];
	memset(cr, 0, sizeof(*cr));
	cr->id = strdup(id);
	cr->pattern = strdup(pattern);
	cr->message = strdup("MD5 is not allowed");
	cr->severity = TRB_SEV_MEDIUM;
	cr->cwe = strdup("CWE-328");
	cr->line = 12;
	cr->col = 5;
	if (path) {
		cr->paths.v = calloc(1, sizeof(char *));
		cr->paths.v[0] = strdup(path);
		cr->paths.n = 1;
	}
	if (lang) {
		cr->languages.v = calloc(1, sizeof(char *));
		cr->languages.v[0] = strdup(lang);
		cr->languages.n = 1;
	}
}

/* A key block without an END marker runs on over its base64 lines; a snippet of another hit far
 * into the block (more than 16 KiB past the marker) still masks the key bytes around it. */
static void test_snippet_deep_in_a_key_block_is_masked(void **state)
{
	struct config *c = NULL;
	struct rules *r = NULL;
	struct rules_hits h;
	struct trb_buf text = TRB_BUF_INIT(TRB_LIMIT_FILE), red = TRB_BUF_INIT(TRB_LIMIT_FILE);
	size_t i;

	(void)state;
	assert_int_equal(config_new_default(&c), 0);
	add_rule(c, "marker", "POLICYMARK", NULL, NULL);
	assert_int_equal(rules_new(&r, c), 0);
	trb_buf_puts(&text, "-----BEGIN RSA PRIVATE KEY-----\n");
	for (i = 0; i < 240; i++)
		trb_buf_printf(&text, "%s\n", token("", ALNUM "+/", 64));
	for (i = 0; i < 4000; i++)
		trb_buf_putc(&text, i == 3999 ? '\n' : rnd_char(ALNUM "+/"));
	memcpy(text.ptr + text.len - 4000 + 1999, "POLICYMARK", 10);
	assert_int_equal(trb_buf_error(&text), 0);
	rules_hits_init(&h);
	assert_int_equal(rules_scan(&h, r, "k.txt", DIFF_LANG_NONE, text.ptr, text.len, NULL, 0, RULES_KINDS_ALL), 0);
	assert_int_equal(rules_redact(&red, r, text.ptr, text.len), 0);
	assert_int_equal(h.n, 2);
	assert_string_equal(h.v[0].rule->id, "secret-private-key");
	assert_string_equal(h.v[1].rule->id, "marker");
	assert_int_equal(h.v[1].line, 242);
	assert_int_equal(h.v[1].col, 2000);
	assert_null(strstr(h.v[1].snippet, "POLICYMARK"));
	assert_no_secret_leak(h.v[1].snippet, trb_buf_cstr(&red), "k.txt");
	rules_hits_dispose(&h);
	trb_buf_dispose(&text);
	trb_buf_dispose(&red);
	rules_free(r);
	config_free(c);
}

static void test_policy_rule_paths_and_languages(void **state)
{
	struct config *c = NULL;
	struct rules *r = NULL;
	const struct rules_rule *rule;

	(void)state;
	assert_int_equal(config_new_default(&c), 0);
	add_rule(c, "no-md5", "\\bmd5\\(", "src/**", "py");
	assert_int_equal(rules_new(&r, c), 0);
	assert_non_null(rule = rules_find(r, "no-md5"));
	assert_int_equal(rule->kind, RULES_KIND_POLICY);
	assert_string_equal(rule->languages, "python");
	assert_string_equal(rule->cwe, "CWE-328");
	assert_false(rule->standalone);
	expect_hits(r, "src/a.py", "h = md5(x)\n", "1:no-md5\n");
	expect_hits(r, "lib/a.py", "h = md5(x)\n", "");
	expect_hits(r, "src/a.js", "h = md5(x)\n", "");
	expect_hits(r, "src/a.py", "h = md5(x)  # tribunal-ignore: no-md5 checksum of a public file\n",
		    "1:no-md5 suppressed\n");
	assert_ptr_equal(rules_rule_at(r, rules_count(r) - 1), rule);
	rules_free(r);
	config_free(c);
}

static void test_policy_rule_errors_name_the_rule(void **state)
{
	struct config *c = NULL;
	struct rules *r = NULL;

	(void)state;
	assert_int_equal(config_new_default(&c), 0);
	add_rule(c, "bad-regex", "(unclosed", NULL, NULL);
	assert_int_equal(rules_new(&r, c), TRB_EINVAL);
	assert_null(r);
	assert_non_null(strstr(trb_err_msg(), "12:5: rule 'bad-regex': pattern does not compile"));
	config_free(c);

	assert_int_equal(config_new_default(&c), 0);
	add_rule(c, "x", "a", NULL, "cobol");
	assert_int_equal(rules_new(&r, c), TRB_EINVAL);
	assert_non_null(strstr(trb_err_msg(), "rule 'x': unknown language 'cobol'"));
	config_free(c);

	assert_int_equal(config_new_default(&c), 0);
	add_rule(c, "py-eval", "a", NULL, NULL);
	assert_int_equal(rules_new(&r, c), TRB_EINVAL);
	assert_non_null(strstr(trb_err_msg(), "rule 'py-eval': id already used by a built-in rule"));
	config_free(c);

	assert_int_equal(config_new_default(&c), 0);
	add_rule(c, "utf", "(*UTF)x", NULL, NULL);
	assert_int_equal(rules_new(&r, c), TRB_EINVAL);
	config_free(c);
}

static void test_catastrophic_pattern_stops_at_the_limit(void **state)
{
	struct config *c = NULL;
	struct rules *r = NULL;
	struct rules_hits h;
	struct trb_buf text = TRB_BUF_INIT(TRB_LIMIT_FILE);
	clock_t t0;
	double secs;
	int i;

	(void)state;
	assert_int_equal(config_new_default(&c), 0);
	add_rule(c, "redos", "(a+)+$", NULL, NULL);
	add_rule(c, "redos2", "^(a|aa)+$", NULL, NULL);
	add_rule(c, "fine", "\\bTODO\\b", NULL, NULL);
	assert_int_equal(rules_new(&r, c), 0);
	for (i = 0; i < 2000; i++)
		trb_buf_printf(&text, "%s\n", i == 1500 ? "TODO" : "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab");
	trb_buf_printf(&text, "k = '%s'\n", github());
	rules_hits_init(&h);
	t0 = clock();
	assert_int_equal(rules_scan(&h, r, "a.txt", DIFF_LANG_NONE, text.ptr, text.len, NULL, 0, RULES_KINDS_ALL), 0);
	secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
	assert_true(secs < 2.0);
	/* Each bad rule skips the lines it stalls on, one warning each, and is dropped for the rest of
	 * the file after 16 of them; the rest still run. */
	assert_int_equal(h.n_warnings, 32);
	assert_string_equal(h.warnings[0], "a.txt:1: rule 'redos' stopped at the regex match limit; its matches on "
			    "this line were skipped");
	assert_string_equal(h.warnings[15], "a.txt:16: rule 'redos' stopped at the regex match limit on 16 lines; "
			    "its matches in the rest of this file were skipped");
	assert_non_null(strstr(h.warnings[16], "a.txt:1: rule 'redos2' stopped at the regex"));
	assert_non_null(strstr(h.warnings[31], "a.txt:16: rule 'redos2' stopped at the regex"));
	assert_int_equal(h.n, 2);
	assert_string_equal(h.v[0].rule->id, "fine");
	assert_int_equal(h.v[0].line, 1501);
	assert_string_equal(h.v[1].rule->id, "secret-github-token");
	rules_hits_dispose(&h);
	trb_buf_dispose(&text);
	rules_free(r);
	config_free(c);
}

/* One planted line that stalls a rule must not switch the rule off for the real call below it. */
static void test_a_limit_skips_only_its_line(void **state)
{
	struct rules *r = builtins();
	struct rules_hits h;
	struct trb_buf text = TRB_BUF_INIT(TRB_LIMIT_FILE);
	int i;

	(void)state;
	trb_buf_puts(&text, "import subprocess\n");
	for (i = 0; i < 20000; i++)
		trb_buf_puts(&text, "subprocess.call(");
	trb_buf_puts(&text, "\nsubprocess.call(cmd, shell=True)\n");
	rules_hits_init(&h);
	assert_int_equal(rules_scan(&h, r, "a.py", DIFF_LANG_PYTHON, text.ptr, text.len, NULL, 0, RULES_KINDS_ALL), 0);
	assert_int_equal(h.n_warnings, 1);
	assert_string_equal(h.warnings[0], "a.py:2: rule 'py-shell-true' stopped at the regex match limit; its "
			    "matches on this line were skipped");
	assert_int_equal(h.n, 1);
	assert_string_equal(h.v[0].rule->id, "py-shell-true");
	assert_int_equal(h.v[0].line, 3);
	rules_hits_dispose(&h);
	trb_buf_dispose(&text);
	rules_free(r);
}

/* A warning about a file with a very long name is still a warning, not a failed scan. */
static void test_a_long_path_in_a_warning(void **state)
{
	struct config *c = NULL;
	struct rules *r = NULL;
	struct rules_hits h;
	struct trb_buf path = TRB_BUF_INIT(TRB_LIMIT_FILE);
	const char *text = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab\n";
	int i;

	(void)state;
	assert_int_equal(config_new_default(&c), 0);
	add_rule(c, "redos", "(a+)+$", NULL, NULL);
	assert_int_equal(rules_new(&r, c), 0);
	for (i = 0; i < 7000; i++)
		trb_buf_puts(&path, "directory/");
	trb_buf_puts(&path, "a.txt");
	rules_hits_init(&h);
	assert_int_equal(rules_scan(&h, r, path.ptr, DIFF_LANG_NONE, text, strlen(text), NULL, 0, RULES_KINDS_ALL), 0);
	assert_int_equal(h.n_warnings, 1);
	assert_int_equal(strncmp(h.warnings[0], path.ptr, path.len), 0);
	assert_string_equal(h.warnings[0] + path.len, ":1: rule 'redos' stopped at the regex match limit; its matches "
			    "on this line were skipped");
	rules_hits_dispose(&h);
	trb_buf_dispose(&path);
	rules_free(r);
	config_free(c);
}

static void test_a_file_full_of_secrets_is_capped(void **state)
{
	struct rules *r = builtins();
	struct rules_hits h;
	struct trb_buf text = TRB_BUF_INIT(TRB_LIMIT_FILE), out = TRB_BUF_INIT(TRB_LIMIT_FILE);
	clock_t t0 = clock();
	int i;

	(void)state;
	for (i = 0; i < 6000; i++)
		trb_buf_printf(&text, "t%d = '%s'; token = 'ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx'\n", i, github());
	rules_hits_init(&h);
	assert_int_equal(rules_scan(&h, r, "dump.py", DIFF_LANG_PYTHON, text.ptr, text.len, NULL, 0, RULES_KINDS_ALL), 0);
	assert_int_equal(h.n, 4096);
	assert_int_equal(h.n_warnings, 1);
	assert_non_null(strstr(h.warnings[0], "dump.py: more than 20000 matches (4096 secrets)"));
	/* Redaction cannot vouch for the rest, so it refuses rather than send them. */
	assert_int_equal(rules_redact(&out, r, text.ptr, text.len), TRB_ELIMIT);
	assert_true((double)(clock() - t0) / CLOCKS_PER_SEC < 5.0);
	rules_hits_dispose(&h);
	trb_buf_dispose(&text);
	trb_buf_dispose(&out);
	rules_free(r);
}

static void test_hostile_text_is_handled(void **state)
{
	struct rules *r = builtins();
	const char text[] = "\0\0eval(\0)\n\xff\xfe AKIA\0\n'''\"\"\"``\n-----BEGIN PRIVATE KEY-----";
	struct rules_hits h;
	struct trb_buf out = TRB_BUF_INIT(TRB_LIMIT_FILE);

	(void)state;
	rules_hits_init(&h);
	assert_int_equal(rules_scan(&h, r, "a.py", DIFF_LANG_PYTHON, text, sizeof(text) - 1, NULL, 0, RULES_KINDS_ALL), 0);
	assert_int_equal(rules_scan(&h, r, "a.py", DIFF_LANG_PYTHON, "", 0, NULL, 0, RULES_KINDS_ALL), 0);
	assert_int_equal(rules_redact(&out, r, text, sizeof(text) - 1), 0);
	assert_int_equal(out.len, sizeof(text) - 1);
	rules_hits_dispose(&h);
	trb_buf_dispose(&out);
	rules_free(r);
}

/* One 400 KB added line of each shape that used to cost work in the square of its length (10 to
 * 30 s each; bench/rules_speed.sh times them): the scan and the redaction finish and find nothing. */
static void test_long_hostile_lines_are_linear(void **state)
{
	struct rules *r = builtins();
	static const struct {
		const char *path, *head, *unit;
	} shapes[] = {
		/* 40-character tokens with no AWS context: each is a rejected AWS secret candidate */
		{"a.txt", "", NULL},
		/* one quote, then escaped quotes: a literal that never closes */
		{"a.js", "\"", "\\\""},
		/* calls inside an unclosed string: each is a rejected API candidate */
		{"a.c", "x = \"", "system( "},
	};
	size_t k, i;

	(void)state;
	for (k = 0; k < sizeof(shapes) / sizeof(shapes[0]); k++) {
		struct trb_buf text = TRB_BUF_INIT(TRB_LIMIT_FILE), out = TRB_BUF_INIT(TRB_LIMIT_FILE);
		struct rules_hits h;
		trb_buf_puts(&text, shapes[k].head);
		while (text.len < 400000) {
			if (shapes[k].unit) {
				trb_buf_puts(&text, shapes[k].unit);
				continue;
			}
			/* no w or y: neither "aws" nor "key" appears by chance */
			for (i = 0; i < 40; i++)
				trb_buf_putc(&text, rnd_char("ABCDEFGHIJKLMNOPQRSTUVXZabcdefghijklmnopqrstuvxz0123456789"));
			trb_buf_putc(&text, ' ');
		}
		trb_buf_putc(&text, '\n');
		assert_int_equal(trb_buf_error(&text), 0);
		rules_hits_init(&h);
		assert_int_equal(rules_scan(&h, r, shapes[k].path, diff_lang_of_path(shapes[k].path), text.ptr, text.len,
					    NULL, 0, RULES_KINDS_ALL), 0);
		assert_int_equal(h.n, 0);
		assert_int_equal(h.n_warnings, 0);
		assert_int_equal(rules_redact(&out, r, text.ptr, text.len), 0);
		assert_int_equal(out.len, text.len);
		rules_hits_dispose(&h);
		trb_buf_dispose(&text);
		trb_buf_dispose(&out);
	}
	rules_free(r);
}

/* Files skipped for their content get the secret rules only: no hints, no meta hits, and hints
 * cannot fill the match cap before the secret at the end is reached. */
static void test_secret_kinds_only(void **state)
{
	struct rules *r = builtins();
	struct rules_hits h;
	struct trb_buf text = TRB_BUF_INIT(TRB_LIMIT_FILE);
	int i;

	(void)state;
	trb_buf_puts(&text, "x = 1  # tribunal-ignore: py-eval\n");
	for (i = 0; i < 20001; i++)
		trb_buf_puts(&text, "y = eval(s)\n");
	trb_buf_printf(&text, "t = '%s'\n", github());
	rules_hits_init(&h);
	assert_int_equal(rules_scan(&h, r, "gen.py", DIFF_LANG_PYTHON, text.ptr, text.len, NULL, 0, RULES_KINDS_SECRET),
			 0);
	assert_int_equal(h.n_warnings, 0);
	assert_int_equal(h.n, 1);
	assert_string_equal(h.v[0].rule->id, "secret-github-token");
	assert_int_equal(h.v[0].line, 20003);
	rules_hits_dispose(&h);
	/* all kinds: the hints reach the cap first */
	rules_hits_init(&h);
	assert_int_equal(rules_scan(&h, r, "gen.py", DIFF_LANG_PYTHON, text.ptr, text.len, NULL, 0, RULES_KINDS_ALL), 0);
	assert_int_equal(h.n_warnings, 1);
	assert_non_null(strstr(h.warnings[0], "gen.py: more than 20000 matches"));
	rules_hits_dispose(&h);
	/* an ignore without a reason is a meta hit, not a secret */
	text.len = strlen("x = 1  # tribunal-ignore: py-eval\n");
	rules_hits_init(&h);
	assert_int_equal(rules_scan(&h, r, "gen.py", DIFF_LANG_PYTHON, text.ptr, text.len, NULL, 0, RULES_KINDS_SECRET),
			 0);
	assert_int_equal(h.n, 0);
	assert_int_equal(rules_scan(&h, r, "gen.py", DIFF_LANG_PYTHON, text.ptr, text.len, NULL, 0, RULES_KINDS_ALL), 0);
	assert_int_equal(h.n, 1);
	assert_string_equal(h.v[0].rule->id, "tribunal-ignore-without-reason");
	rules_hits_dispose(&h);
	trb_buf_dispose(&text);
	rules_free(r);
}

static void test_every_builtin_is_documented_and_well_formed(void **state)
{
	struct rules *r = builtins();
	size_t i, len;
	char *doc = slurp("docs/rules.md", &len);

	(void)state;
	assert_non_null(doc);
	assert_true(rules_count(r) >= 60);
	for (i = 0; i < rules_count(r); i++) {
		const struct rules_rule *ru = rules_rule_at(r, i);
		char *heading = fmt("`%s`", ru->id);
		assert_non_null(ru->title);
		assert_non_null(ru->message);
		assert_non_null(ru->recommendation);
		assert_non_null(ru->category);
		assert_true(ru->confidence > 0 && ru->confidence <= 1);
		if (ru->kind == RULES_KIND_SECRET) {
			assert_string_equal(ru->cwe, "CWE-798");
			assert_non_null(ru->secret_kind);
			assert_true(ru->standalone);
		}
		if (!strstr(doc, heading))
			fail_msg("docs/rules.md does not document %s", ru->id);
		assert_ptr_equal(rules_find(r, ru->id), ru);
		free(heading);
	}
	free(doc);
	rules_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_corpus_hits_are_exact),
		cmocka_unit_test(test_documented_aws_example_is_not_reported),
		cmocka_unit_test(test_aws_secret_needs_context),
		cmocka_unit_test(test_only_added_lines_are_scanned),
		cmocka_unit_test(test_secret_split_over_added_lines_is_joined),
		cmocka_unit_test(test_private_key_needs_a_body),
		cmocka_unit_test(test_snippet_deep_in_a_key_block_is_masked),
		cmocka_unit_test(test_generic_assignment_filters),
		cmocka_unit_test(test_api_rules_follow_the_language),
		cmocka_unit_test(test_hint_or_finding),
		cmocka_unit_test(test_ignore_on_line_and_line_above),
		cmocka_unit_test(test_ignore_without_reason_is_reported_and_suppresses_nothing),
		cmocka_unit_test(test_ignore_of_unchanged_line_is_not_reported),
		cmocka_unit_test(test_redact_keeps_lines_and_kinds),
		cmocka_unit_test(test_redact_leaves_clean_text_alone),
		cmocka_unit_test(test_mask_shows_at_most_four),
		cmocka_unit_test(test_hit_becomes_finding),
		cmocka_unit_test(test_policy_rule_paths_and_languages),
		cmocka_unit_test(test_policy_rule_errors_name_the_rule),
		cmocka_unit_test(test_catastrophic_pattern_stops_at_the_limit),
		cmocka_unit_test(test_a_limit_skips_only_its_line),
		cmocka_unit_test(test_a_long_path_in_a_warning),
		cmocka_unit_test(test_a_file_full_of_secrets_is_capped),
		cmocka_unit_test(test_hostile_text_is_handled),
		cmocka_unit_test(test_long_hostile_lines_are_linear),
		cmocka_unit_test(test_secret_kinds_only),
		cmocka_unit_test(test_every_builtin_is_documented_and_well_formed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
