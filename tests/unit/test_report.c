/* report/: every format from one hand-built record that covers every status, data flows, patches
 * (applying and not), units not reviewed, skipped files and hostile text; golden files under
 * tests/golden/report/ (UPDATE_GOLDEN=1 rewrites them); limits; shards merged == one job.
 * With TRIBUNAL_REPORT_OUT=DIR the outputs are also written there, for
 * tests/integration/report_validate.sh to run the official validators over them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <zlib.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <libxml/parser.h>

#include "findings/findings.h"
#include "report/report.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/escape.h"

#define WJ "\xe2\x81\xa0"

static char *xstrdup(const char *s)
{
	char *p = s ? strdup(s) : NULL;

	assert_true(!s || p);
	return p;
}

static char **strv(size_t n, ...)
{
	char **v = calloc(n ? n : 1, sizeof(*v));
	va_list ap;
	size_t i;

	assert_non_null(v);
	va_start(ap, n);
	for (i = 0; i < n; i++)
		v[i] = xstrdup(va_arg(ap, const char *));
	va_end(ap);
	return v;
}

static struct finding *add(struct findings *fs, const char *fp, finding_status_t status, trb_sev_t sev,
			   const char *path, uint32_t start, uint32_t end, const char *cwe, const char *title)
{
	struct finding *f;

	assert_int_equal(findings_add(&f, fs), 0);
	f->fingerprint = xstrdup(fp);
	f->status = status;
	f->severity = sev;
	f->path = xstrdup(path);
	f->start_line = start;
	f->end_line = end;
	f->cwe = xstrdup(cwe);
	f->title = xstrdup(title);
	f->confidence = 0.9;
	f->source = FINDING_SOURCE_FINDER;
	return f;
}

static void flow(struct finding *f, size_t n, ...)
{
	va_list ap;
	size_t i;

	f->flow = calloc(n, sizeof(*f->flow));
	assert_non_null(f->flow);
	f->n_flow = n;
	va_start(ap, n);
	for (i = 0; i < n; i++) {
		f->flow[i].path = xstrdup(va_arg(ap, const char *));
		f->flow[i].line = va_arg(ap, unsigned);
		f->flow[i].note = xstrdup(va_arg(ap, const char *));
	}
	va_end(ap);
}

static void verify(struct finding *f, const char *verdict, const char *reason)
{
	f->verification.done = true;
	f->verification.verdict = xstrdup(verdict);
	f->verification.reason = xstrdup(reason);
	f->verification.model = xstrdup("gpt-4.1");
	f->verification.votes = 1;
	f->verification.exploitable = strcmp(verdict, "confirmed") == 0;
	f->verification.consistent = true;
}

static const char patch_login[] =
	"diff --git a/src/login.c b/src/login.c\n"
	"--- a/src/login.c\n"
	"+++ b/src/login.c\n"
	"@@ -40,5 +40,3 @@ int login(const char *user)\n"
	" {\n"
	"-\tchar q[256];\n"
	"-\tsprintf(q, \"SELECT * FROM users WHERE name='%s'\", user);\n"
	"-\treturn db_exec(q);\n"
	"+\treturn db_exec_param(\"SELECT * FROM users WHERE name=?\", user); /* ``` */\n"
	" }\n";

static const char patch_exec[] =
	"--- a/src/run.c\n"
	"+++ b/src/run.c\n"
	"@@ -10,4 +10,5 @@\n"
	"-void run(const char *arg)\n"
	"+static void run(const char *arg)\n"
	" {\n"
	"+\tif (!valid_name(arg)) return;\n"
	" \texecl(\"/bin/tool\", \"tool\", arg, (char *)NULL);\n"
	" }\n";

/* The record: every status, hostile text everywhere a model or a repository writes. */
static struct findings *fixture(void)
{
	struct findings *fs;
	struct finding *f;

	assert_int_equal(findings_new(&fs), 0);
	fs->run.scan_id = xstrdup("scan-0001");
	fs->run.tool_version = xstrdup("0.1.0");
	fs->run.repository = xstrdup("acme/shop");
	fs->run.merge_request = xstrdup("42");
	fs->run.base = xstrdup("1111111111111111111111111111111111111111");
	fs->run.head = xstrdup("2222222222222222222222222222222222222222");
	fs->run.merge_base = xstrdup("3333333333333333333333333333333333333333");
	fs->run.range_source = xstrdup("github");
	fs->run.policy_source = xstrdup("base");
	fs->run.policy_sha256 = xstrdup("ab12");
	fs->run.models[CONFIG_AGENT_FINDER] = xstrdup("claude-sonnet-4-5");
	fs->run.models[CONFIG_AGENT_VERIFIER] = xstrdup("gpt-4.1");
	fs->run.models[CONFIG_AGENT_PATCHER] = xstrdup("claude-sonnet-4-5");
	fs->run.prompts[CONFIG_AGENT_FINDER] = xstrdup("f00d");
	fs->run.started_at = xstrdup("2026-01-05T10:00:00Z");
	fs->run.duration_ms = 65432;
	fs->run.units_total = 6;
	fs->run.units_reviewed = 4;
	fs->run.units_not_reviewed = 2;
	fs->run.tokens_input = 120000;
	fs->run.tokens_output = 8000;
	fs->run.tokens_cache_read = 50000;
	fs->run.tokens_cache_write = 20000;
	fs->run.cost_usd = 0.4213;
	fs->run.agents_ran = true;
	fs->run.notices = strv(1, "2 review units were not reviewed: the token budget ran out @here");
	fs->run.n_notices = 1;
	fs->run.gate_pass = false;
	fs->run.gate_reasons = strv(2, "2 confirmed findings at or above high (fail_on: high)",
				    "units not reviewed with on_error: pass are reported, not failed");
	fs->run.n_gate_reasons = 2;
	fs->run.mode = CONFIG_MODE_BLOCK;

	f = add(fs, "0123456789abcdef0123456789abcdef", FINDING_CONFIRMED, TRB_SEV_CRITICAL, "src/login.c", 41, 43,
		"CWE-89", "SQL injection in login() @everyone ![x](http://evil/x.png)");
	f->category = xstrdup("sql-injection");
	f->description = xstrdup("The user name is pasted into the query.\n\n    </details><details open>\n"
				 "Ping @octocat and see [click](javascript:alert(1)).");
	f->exploit_scenario = xstrdup("POST /login with name=' OR '1'='1 logs in as the first user.");
	f->recommendation = xstrdup("Use a parameterized query.");
	flow(f, 3, "src/http.c", 12u, "request parameter `name` read", "src/login.c", 40u, "passed to login(user)",
	     "src/login.c", 42u, "formatted into SQL \"]; click n0 \"javascript:x\"");
	verify(f, "confirmed", "The input reaches sprintf unescaped; no validation on the path.");
	f->gating = true;
	f->in_diff = true;
	f->anchor_line = 41;
	f->unit = 1;
	f->patch.present = true;
	f->patch.diff = xstrdup(patch_login);
	f->patch.explanation = xstrdup("Bind the name as a parameter.");
	f->patch.applies = true;
	f->patch.reverified = true;

	f = add(fs, "1123456789abcdef0123456789abcdef", FINDING_CONFIRMED, TRB_SEV_HIGH, "src/run.c", 12, 12,
		"CWE-78", "Command injection </details><script>alert(1)</script>");
	f->description = xstrdup("arg comes from the query string.");
	f->recommendation = xstrdup("Validate arg against an allow-list.");
	verify(f, "confirmed", "Reachable from the public handler.");
	f->gating = true;
	f->anchor_line = 12;
	f->unit = 2;
	f->patch.present = true;
	f->patch.diff = xstrdup(patch_exec);
	f->patch.explanation = xstrdup("Check the name first.");
	f->patch.applies = true;

	f = add(fs, "2123456789abcdef0123456789abcdef", FINDING_REJECTED, TRB_SEV_MEDIUM, "web/view.js", 7, 9, "CWE-79",
		"Reflected XSS in view");
	f->description = xstrdup("innerHTML with a query parameter.");
	verify(f, "rejected", "The value is escaped by render() two lines above <b>@team</b>.");
	f->unit = 2;

	f = add(fs, "3123456789abcdef0123456789abcdef", FINDING_UNCERTAIN, TRB_SEV_MEDIUM, "src/files.c", 88, 90,
		"CWE-22", "Path traversal ``` \x1b[31mred\x1b[0m \xff\xfe bad bytes\x01");
	f->description = xstrdup("::error::spoofed annotation\n%0A::warning::also spoofed\r\n"
				 "</details> ~~~\n```\nrm -rf /\n```");
	verify(f, "uncertain", "Could not tell whether the caller normalizes the path.");
	f->in_diff = true;
	f->anchor_line = 88;
	f->unit = 1;

	f = add(fs, "4123456789abcdef0123456789abcdef", FINDING_UNVERIFIED, TRB_SEV_LOW, "src/hash.c", 5, 5, "CWE-328",
		"MD5 is not allowed");
	f->source = FINDING_SOURCE_RULE;
	f->rule_id = xstrdup("no-md5");
	f->old_path = xstrdup("src/digest.c");   /* renamed by the merge request */
	f->confidence = 1.0;
	f->snippet = xstrdup("\tmd5(buf, len, out);");
	f->anchor_line = 5;
	f->in_diff = true;
	f->unit = 1;

	f = add(fs, "5123456789abcdef0123456789abcdef", FINDING_SUPPRESSED, TRB_SEV_HIGH, "config/keys.c", 3, 3,
		"CWE-798", "Hard-coded API key");
	f->source = FINDING_SOURCE_RULE;
	f->rule_id = xstrdup("secret-generic");
	f->snippet = xstrdup("const char *key = \"****\";");
	f->suppression.present = true;
	f->suppression.kind = xstrdup("policy");
	f->suppression.reason = xstrdup("test key, SEC-123");
	f->suppression.owner = xstrdup("security@acme.example");
	f->suppression.expires = xstrdup("2027-01-31");
	f->suppression.match = xstrdup("suppressions[0]: rule secret-generic in config/** (.tribunal.yml@base:12)");
	f->unit = 1;

	f = add(fs, "6123456789abcdef0123456789abcdef", FINDING_CONFIRMED, TRB_SEV_MEDIUM, "src/session.c", 200, 210,
		"CWE-352", "Missing CSRF check on state change");
	f->pre_existing = true;
	f->description = xstrdup("The handler changes state on GET.");
	verify(f, "confirmed", "Pre-existing, but the change calls it from a new route.");
	f->patch.present = true;
	f->patch.applies = false;
	f->patch.diff = xstrdup("--- a/src/session.c\n+++ b/src/session.c\n@@ -1 +1 @@\n-x\n+y\n");
	f->patch.dropped = xstrdup("does not apply to the head tree");
	f->unit = 2;

	f = add(fs, "7123456789abcdef0123456789abcdef", FINDING_UNCERTAIN, TRB_SEV_LOW, "src/dir with space/a%b.c",
		1, 1, NULL, "%0A::warning::x\r\nnext line");
	f->category = xstrdup("dos");
	f->confidence = 0.55;
	verify(f, "uncertain", "Depends on the deployment.");
	f->unit = 1;

	fs->unreviewed = calloc(2, sizeof(*fs->unreviewed));
	fs->n_unreviewed = 2;
	fs->unreviewed[0].unit = 3;
	fs->unreviewed[0].paths = strv(2, "src/a.c", "src/@everyone.c");
	fs->unreviewed[0].n_paths = 2;
	fs->unreviewed[0].reason = xstrdup("budget exhausted");
	fs->unreviewed[1].unit = 5;
	fs->unreviewed[1].paths = strv(1, "lib/b.c");
	fs->unreviewed[1].n_paths = 1;
	fs->unreviewed[1].reason = xstrdup("provider error");

	fs->skipped = calloc(2, sizeof(*fs->skipped));
	fs->n_skipped = 2;
	fs->skipped[0].path = xstrdup("img/logo.png");
	fs->skipped[0].reason = xstrdup("binary");
	fs->skipped[1].path = xstrdup("vendor/lib.js");
	fs->skipped[1].reason = xstrdup("excluded");
	fs->skipped[1].detail = xstrdup("paths.exclude: vendor/**");
	findings_order(fs);
	return fs;
}

/* ---- golden files ---- */

static const char *golden_dir(void)
{
	const char *d = getenv("TRIBUNAL_GOLDEN_DIR");

	return d && *d ? d : "tests/golden/report";
}

static char *slurp(const char *path, size_t *len)
{
	struct trb_buf b = TRB_BUF_INIT(TRB_LIMIT_REPORT);
	char chunk[65536];
	size_t n;
	FILE *f = fopen(path, "rb");

	if (!f)
		return NULL;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		trb_buf_put(&b, chunk, n);
	fclose(f);
	*len = b.len;
	return trb_buf_detach(&b);
}

static void spit(const char *path, const char *s, size_t len)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(s, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

/* Compares with tests/golden/report/NAME, or rewrites it with UPDATE_GOLDEN=1. */
static void golden(const char *name, const struct trb_buf *got)
{
	char path[512];
	char *want;
	size_t len = 0;

	snprintf(path, sizeof(path), "%s/%s", golden_dir(), name);
	if (getenv("UPDATE_GOLDEN") && *getenv("UPDATE_GOLDEN") == '1') {
		mkdir(golden_dir(), 0777);
		spit(path, got->ptr ? got->ptr : "", got->len);
		return;
	}
	want = slurp(path, &len);
	if (!want)
		fail_msg("missing golden file %s (run the test with UPDATE_GOLDEN=1 from the repository root)", path);
	if (len != got->len || memcmp(want, got->ptr ? got->ptr : "", len) != 0) {
		char out[600];
		snprintf(out, sizeof(out), "%s.got", path);
		spit(out, got->ptr ? got->ptr : "", got->len);
		free(want);
		fail_msg("%s differs from its golden file; got %s (diff them; UPDATE_GOLDEN=1 to accept)", name, out);
	}
	free(want);
}

/* Writes outputs for the validators when TRIBUNAL_REPORT_OUT is set */
static void export_dir(const char *sub, const struct findings *fs, const struct report_options *o)
{
	const char *root = getenv("TRIBUNAL_REPORT_OUT");
	char dir[512];

	if (!root || !*root)
		return;
	snprintf(dir, sizeof(dir), "%s/%s", root, sub);
	if (report_write_all(dir, REPORT_ALL, fs, o) < 0)
		fail_msg("report_write_all(%s): %s", dir, trb_err_msg());
}

typedef int (*render_t)(struct trb_buf *, const struct findings *, const struct report_options *);

static int r_json(struct trb_buf *b, const struct findings *fs, const struct report_options *o) { (void)o; return report_json(b, fs); }
static int r_junit(struct trb_buf *b, const struct findings *fs, const struct report_options *o) { (void)o; return report_junit(b, fs); }
static int r_cq(struct trb_buf *b, const struct findings *fs, const struct report_options *o) { (void)o; return report_codequality(b, fs); }
static int r_sast(struct trb_buf *b, const struct findings *fs, const struct report_options *o) { (void)o; return report_sast(b, fs); }
static int r_summary(struct trb_buf *b, const struct findings *fs, const struct report_options *o) { (void)o; return report_summary(b, fs, 0); }
static int r_html(struct trb_buf *b, const struct findings *fs, const struct report_options *o) { (void)o; return report_html(b, fs); }
static int r_ann(struct trb_buf *b, const struct findings *fs, const struct report_options *o) { (void)o; return report_annotations(b, fs); }
/* the goldens hold what a terminal shows: the notices (stderr), then the summary (stdout) */
static int r_console(struct trb_buf *b, const struct findings *fs, const struct report_options *o) { (void)o; return report_console_notices(b, fs, false) < 0 ? -1 : report_console(b, fs, "tribunal-out", REPORT_ALL, false); }
static int r_console_tty(struct trb_buf *b, const struct findings *fs, const struct report_options *o) { (void)o; return report_console_notices(b, fs, true) < 0 ? -1 : report_console(b, fs, "tribunal-out", REPORT_BIT(REPORT_SARIF) | REPORT_BIT(REPORT_SUMMARY), true); }

static const struct {
	const char *name;
	render_t fn;
} renders[] = {
	{"findings.json", r_json},
	{"results.sarif", report_sarif},
	{"junit.xml", r_junit},
	{"github-review.json", report_github_review},
	{"gitlab-discussions.json", report_gitlab_discussions},
	{"gl-code-quality-report.json", r_cq},
	{"gl-sast-report.json", r_sast},
	{"summary.md", r_summary},
	{"report.html", r_html},
	{"annotations.txt", r_ann},
	{"console.txt", r_console},
	{"console-tty.txt", r_console_tty},
};

static void render(struct trb_buf *b, const struct findings *fs, const char *name)
{
	const struct report_options *o = NULL;
	size_t i;

	for (i = 0; i < sizeof(renders) / sizeof(renders[0]); i++)
		if (strcmp(renders[i].name, name) == 0) {
			trb_buf_clear(b);
			if (renders[i].fn(b, fs, o) < 0)
				fail_msg("%s: %s", name, trb_err_msg());
			return;
		}
	fail_msg("no renderer %s", name);
}

static void test_every_format_matches_golden(void **state)
{
	struct findings *fs = fixture();
	struct trb_buf b = TRB_BUF_INIT(TRB_LIMIT_REPORT);
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(renders) / sizeof(renders[0]); i++) {
		render(&b, fs, renders[i].name);
		assert_true(trb_utf8_valid(b.ptr, b.len));
		golden(renders[i].name, &b);
	}
	export_dir("fixture", fs, NULL);
	trb_buf_dispose(&b);
	findings_free(fs);
}

static void test_output_is_deterministic(void **state)
{
	struct findings *fs = fixture();
	struct trb_buf a = TRB_BUF_INIT(TRB_LIMIT_REPORT), b = TRB_BUF_INIT(TRB_LIMIT_REPORT);
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(renders) / sizeof(renders[0]); i++) {
		render(&a, fs, renders[i].name);
		render(&b, fs, renders[i].name);
		assert_int_equal(a.len, b.len);
		assert_memory_equal(a.ptr, b.ptr, a.len);
	}
	trb_buf_dispose(&a);
	trb_buf_dispose(&b);
	findings_free(fs);
}

/* ---- hostile text ---- */

static void assert_absent(const struct trb_buf *b, const char *needle, const char *what)
{
	if (strstr(trb_buf_cstr(b), needle))
		fail_msg("%s contains \"%s\"", what, needle);
}

static void test_markdown_outputs_neutralize_hostile_text(void **state)
{
	static const char *const md_files[] = {"summary.md", "github-review.json", "gitlab-discussions.json"};
	struct findings *fs = fixture();
	struct trb_buf b = TRB_BUF_INIT(TRB_LIMIT_REPORT);
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(md_files) / sizeof(md_files[0]); i++) {
		render(&b, fs, md_files[i]);
		/* mentions survive only inside code spans, where no platform resolves them */
		{
			const char *q = trb_buf_cstr(&b);
			size_t at = 0, coded = 0;
			for (; (q = strstr(q, "@everyone")) != NULL; q++)
				at++;
			for (q = trb_buf_cstr(&b); (q = strstr(q, "`src/@everyone.c`")) != NULL; q++)
				coded++;
			assert_int_equal(at, coded);
		}
		assert_absent(&b, "@octocat", md_files[i]);
		assert_absent(&b, "@here", md_files[i]);
		assert_absent(&b, "![x]", md_files[i]);
		assert_absent(&b, "<script>", md_files[i]);
		{
			/* a link needs an unescaped ] right before (javascript: */
			const char *q = trb_buf_cstr(&b);
			for (; (q = strstr(q, "](javascript:")) != NULL; q++)
				assert_true(q > trb_buf_cstr(&b) && q[-1] == '\\');
		}
		assert_absent(&b, "\x1b", md_files[i]);
		assert_absent(&b, "\\u001b", md_files[i]);
		/* the only </details> are the writer's own, each at a line start and balanced */
		assert_absent(&b, "</details><details open>", md_files[i]);
	}
	render(&b, fs, "summary.md");
	{
		const char *p = trb_buf_cstr(&b);
		size_t open = 0, close = 0;
		while ((p = strstr(p, "<details>")) != NULL) {
			open++;
			p++;
		}
		for (p = trb_buf_cstr(&b); (p = strstr(p, "</details>")) != NULL; p++)
			close++;
		assert_int_equal(open, close);
		assert_non_null(strstr(trb_buf_cstr(&b), "@" WJ "everyone"));
	}
	trb_buf_dispose(&b);
	findings_free(fs);
}

static void test_html_has_no_markup_from_findings(void **state)
{
	struct findings *fs = fixture();
	struct trb_buf b = TRB_BUF_INIT(TRB_LIMIT_REPORT);

	(void)state;
	render(&b, fs, "report.html");
	assert_absent(&b, "<script", "report.html");
	assert_absent(&b, "</details><details open>", "report.html");
	assert_absent(&b, "href=\"http://evil", "report.html");
	assert_absent(&b, "<img", "report.html");
	assert_non_null(strstr(trb_buf_cstr(&b), "&lt;script&gt;"));
	assert_non_null(strstr(trb_buf_cstr(&b), "default-src 'none'"));
	trb_buf_dispose(&b);
	findings_free(fs);
}

static void test_annotations_cannot_spoof_commands(void **state)
{
	struct findings *fs = fixture();
	struct trb_buf b = TRB_BUF_INIT(TRB_LIMIT_REPORT);
	const char *line;

	(void)state;
	render(&b, fs, "annotations.txt");
	/* every line is one of ours: a command we wrote or the plain "tribunal:" note */
	for (line = trb_buf_cstr(&b); *line; line = strchr(line, '\n') + 1) {
		assert_true(strncmp(line, "::error file=", 13) == 0 || strncmp(line, "::warning file=", 15) == 0 ||
			    strncmp(line, "::warning title=tribunal::", 26) == 0 || strncmp(line, "tribunal: ", 10) == 0);
		assert_non_null(strchr(line, '\n'));
	}
	assert_non_null(strstr(trb_buf_cstr(&b), "%250A::warning::x%0D%0Anext line"));
	assert_non_null(strstr(trb_buf_cstr(&b), "file=src/dir with space/a%25b.c"));
	trb_buf_dispose(&b);
	findings_free(fs);
}

/* A finding's id comes from findings.json, which a shard job wrote: it is command data too. */
static void test_annotation_ids_cannot_spoof_commands(void **state)
{
	struct findings *fs = fixture();
	struct trb_buf b = TRB_BUF_INIT(TRB_LIMIT_REPORT);
	struct finding *f = NULL;
	const char *line;
	size_t i;

	(void)state;
	for (i = 0; i < fs->n && !f; i++)
		if (fs->v[i].gating)
			f = &fs->v[i];
	assert_non_null(f);
	free(f->id);
	f->id = xstrdup("F1\n::add-mask::x\r\n::error::owned");
	render(&b, fs, "annotations.txt");
	for (line = trb_buf_cstr(&b); *line; line = strchr(line, '\n') + 1)
		if (strncmp(line, "::add-mask", 10) == 0 || strncmp(line, "::error::", 9) == 0)
			fail_msg("an id started a workflow command: %.60s", line);
	assert_non_null(strstr(trb_buf_cstr(&b), "(F1%0A::add-mask::x%0D%0A::error::owned, "));
	trb_buf_dispose(&b);
	findings_free(fs);
}

static void test_console_lines_start_with_fixed_text(void **state)
{
	struct findings *fs = fixture();
	struct trb_buf b = TRB_BUF_INIT(TRB_LIMIT_REPORT);
	const char *line;

	(void)state;
	free(fs->v[0].path);
	fs->v[0].path = xstrdup("::error::owned.c");
	render(&b, fs, "console.txt");
	for (line = trb_buf_cstr(&b); *line; line = strchr(line, '\n') + 1)
		assert_true(strncmp(line, "tribunal: ", 10) == 0 || strncmp(line, "  - ", 4) == 0);
	assert_null(strchr(trb_buf_cstr(&b), '\x1b'));
	render(&b, fs, "console-tty.txt");
	assert_non_null(strstr(trb_buf_cstr(&b), "\x1b[31m"));
	trb_buf_dispose(&b);
	findings_free(fs);
}

static void test_junit_is_well_formed_with_hostile_bytes(void **state)
{
	struct findings *fs = fixture();
	struct trb_buf b = TRB_BUF_INIT(TRB_LIMIT_REPORT);
	xmlDocPtr doc;

	(void)state;
	render(&b, fs, "junit.xml");
	doc = xmlReadMemory(b.ptr, (int)b.len, "junit.xml", NULL, XML_PARSE_NONET | XML_PARSE_NOERROR);
	assert_non_null(doc);
	xmlFreeDoc(doc);
	/* the gate failed, so the report fails: 2 gating findings + the gate case */
	assert_non_null(strstr(trb_buf_cstr(&b), "<testsuites name=\"tribunal\" tests=\"11\" failures=\"3\""));
	trb_buf_dispose(&b);
	findings_free(fs);
}

/* ---- review placement and suggestions ---- */

static void test_review_inline_only_on_diff_lines_with_suggestion(void **state)
{
	struct findings *fs = fixture();
	struct trb_buf b = TRB_BUF_INIT(TRB_LIMIT_REPORT);
	const char *s;

	(void)state;
	render(&b, fs, "github-review.json");
	s = trb_buf_cstr(&b);
	assert_non_null(strstr(s, "\"event\": \"REQUEST_CHANGES\""));
	assert_non_null(strstr(s, "\"commit_id\": \"2222222222222222222222222222222222222222\""));
	/* F1 spans added lines 41-43: a multi-line comment with a suggestion */
	assert_non_null(strstr(s, "\"start_line\": 41,\n      \"start_side\": \"RIGHT\",\n      \"line\": 43"));
	assert_non_null(strstr(s, "````suggestion\\n\\treturn db_exec_param"));
	/* F2's patch changes a line next to the anchor: no suggestion, the diff in a <details> */
	assert_non_null(strstr(s, "Proposed patch"));
	/* the pre-existing finding and the no-anchor one are in the body */
	assert_non_null(strstr(s, "src/session.c:200-210"));
	/* every inline comment carries the marker */
	assert_non_null(strstr(s, "<!-- tribunal:fingerprint=0123456789abcdef0123456789abcdef -->"));
	trb_buf_dispose(&b);
	findings_free(fs);
}

static void test_review_comment_cap_moves_rest_to_body(void **state)
{
	struct findings *fs = fixture();
	struct report_options o;
	struct trb_buf b = TRB_BUF_INIT(TRB_LIMIT_REPORT);
	const char *s, *p;
	size_t comments = 0;

	(void)state;
	report_options_init(&o);
	o.review_max_comments = 1;
	assert_int_equal(report_github_review(&b, fs, &o), 0);
	s = trb_buf_cstr(&b);
	for (p = s; (p = strstr(p, "\"side\": \"RIGHT\"")) != NULL; p++)
		comments++;
	assert_int_equal(comments, 1);
	assert_non_null(strstr(s, "or beyond the inline comment limit"));
	trb_buf_dispose(&b);
	findings_free(fs);
}

static void test_gitlab_positions_use_the_three_shas(void **state)
{
	struct findings *fs = fixture();
	struct trb_buf b = TRB_BUF_INIT(TRB_LIMIT_REPORT);
	const char *s;

	(void)state;
	render(&b, fs, "gitlab-discussions.json");
	s = trb_buf_cstr(&b);
	assert_non_null(strstr(s, "\"base_sha\": \"3333333333333333333333333333333333333333\",\n"
				  "      \"start_sha\": \"1111111111111111111111111111111111111111\",\n"
				  "      \"head_sha\": \"2222222222222222222222222222222222222222\",\n"
				  "      \"position_type\": \"text\""));
	assert_non_null(strstr(s, "```suggestion:-2+0"));
	trb_buf_dispose(&b);
	findings_free(fs);
}

/* A renamed file: GitLab needs both names in the position (else the thread is lost), GitHub's
 * review comment names only the head path. */
static void test_gitlab_position_names_a_renamed_files_old_path(void **state)
{
	struct findings *fs = fixture();
	struct trb_buf b = TRB_BUF_INIT(TRB_LIMIT_REPORT);

	(void)state;
	render(&b, fs, "gitlab-discussions.json");
	assert_non_null(strstr(trb_buf_cstr(&b), "\"old_path\": \"src/digest.c\",\n"
						 "      \"new_path\": \"src/hash.c\",\n"
						 "      \"new_line\": 5\n"));
	/* files that were not renamed name the same path twice */
	assert_non_null(strstr(trb_buf_cstr(&b), "\"old_path\": \"src/login.c\",\n"
						 "      \"new_path\": \"src/login.c\",\n"));
	trb_buf_clear(&b);
	render(&b, fs, "github-review.json");
	assert_non_null(strstr(trb_buf_cstr(&b), "\"path\": \"src/hash.c\""));
	assert_null(strstr(trb_buf_cstr(&b), "src/digest.c"));
	trb_buf_dispose(&b);
	findings_free(fs);
}

/* Every body in a review or discussions file, as parsed JSON, within GitHub's 65,536 characters */
static void assert_bodies_fit(const struct trb_buf *b)
{
	cJSON *root = cJSON_ParseWithLength(b->ptr, b->len), *c, *x;
	size_t n = 0;

	assert_non_null(root);
	if (cJSON_IsObject(root)) {
		x = cJSON_GetObjectItem(root, "body");
		assert_true(cJSON_IsString(x) && strlen(x->valuestring) <= 65536);
		n++;
		cJSON_ArrayForEach(c, cJSON_GetObjectItem(root, "comments")) {
			x = cJSON_GetObjectItem(c, "body");
			assert_true(cJSON_IsString(x) && strlen(x->valuestring) <= 65536);
			n++;
		}
	} else {
		cJSON_ArrayForEach(c, root) {
			x = cJSON_GetObjectItem(c, "body");
			assert_true(cJSON_IsString(x) && strlen(x->valuestring) <= 65536);
			n++;
		}
	}
	assert_true(n > 1);
	cJSON_Delete(root);
}

static char *huge(const char *unit, size_t times)
{
	struct trb_buf b = TRB_BUF_INIT(TRB_LIMIT_REPORT);
	size_t i;

	for (i = 0; i < times; i++)
		trb_buf_puts(&b, unit);
	return trb_buf_detach(&b);
}

static void test_review_body_stays_under_github_limit(void **state)
{
	struct findings *fs = fixture();
	struct trb_buf b = TRB_BUF_INIT(TRB_LIMIT_REPORT);
	struct report_options o;
	struct finding *f = NULL;
	size_t i;

	(void)state;
	for (i = 0; i < fs->n; i++)
		if (strcmp(fs->v[i].fingerprint, "0123456789abcdef0123456789abcdef") == 0)
			f = &fs->v[i];
	assert_non_null(f);
	/* every field of one finding as large and as escape-hungry as a model can make it */
	free(f->title);
	f->title = huge("<@`|*x", 100000);
	free(f->description);
	f->description = huge("<@`|*x\n\n", 100000);
	free(f->exploit_scenario);
	f->exploit_scenario = huge("&<>@", 50000);
	free(f->recommendation);
	f->recommendation = huge("[x](y) ", 50000);
	free(f->verification.reason);
	f->verification.reason = huge("@a ", 50000);
	for (i = 0; i < f->n_flow; i++) {
		free(f->flow[i].path);
		free(f->flow[i].note);
	}
	free(f->flow);
	f->n_flow = 0;
	f->flow = calloc(1000, sizeof(*f->flow));
	assert_non_null(f->flow);
	for (i = 0; i < 1000; i++) {
		f->flow[i].path = huge("dir/", 200);
		f->flow[i].line = (uint32_t)i + 1;
		f->flow[i].note = huge("<&>", 3000);
	}
	f->n_flow = 1000;
	free(f->patch.explanation);
	f->patch.explanation = huge("<>", 10000);
	{
		/* a patch just under the size shown in a comment */
		struct trb_buf d = TRB_BUF_INIT(TRB_LIMIT_REPORT);
		trb_buf_puts(&d, "--- a/src/login.c\n+++ b/src/login.c\n@@ -41,1 +41,190 @@\n-x\n");
		for (i = 0; i < 190; i++)
			trb_buf_printf(&d, "+%099zu\n", i);
		free(f->patch.diff);
		f->patch.diff = trb_buf_detach(&d);
	}
	/* 100 long notices and gate reasons */
	for (i = 0; i < fs->run.n_notices; i++)
		free(fs->run.notices[i]);
	free(fs->run.notices);
	for (i = 0; i < fs->run.n_gate_reasons; i++)
		free(fs->run.gate_reasons[i]);
	free(fs->run.gate_reasons);
	fs->run.notices = calloc(100, sizeof(char *));
	fs->run.gate_reasons = calloc(100, sizeof(char *));
	assert_true(fs->run.notices && fs->run.gate_reasons);
	for (i = 0; i < 100; i++) {
		fs->run.notices[i] = huge("<notice@> ", 1000);
		fs->run.gate_reasons[i] = huge("<reason@> ", 1000);
	}
	fs->run.n_notices = fs->run.n_gate_reasons = 100;
	/* and 3,000 findings outside the diff for the review body */
	for (i = 0; i < 3000; i++) {
		char fp[40], path[40];
		snprintf(fp, sizeof(fp), "%032zx", i + 100);
		snprintf(path, sizeof(path), "src/gen%zu.c", i);
		add(fs, fp, FINDING_CONFIRMED, TRB_SEV_LOW, path, 1, 1, "CWE-20", "generated finding");
	}
	findings_order(fs);
	report_options_init(&o);
	assert_int_equal(report_github_review(&b, fs, &o), 0);
	assert_bodies_fit(&b);
	assert_non_null(strstr(trb_buf_cstr(&b), "more: see the job summary or findings.json"));
	assert_non_null(strstr(trb_buf_cstr(&b), "Shortened to fit"));
	trb_buf_clear(&b);
	assert_int_equal(report_gitlab_discussions(&b, fs, &o), 0);
	assert_bodies_fit(&b);
	trb_buf_dispose(&b);
	findings_free(fs);
}

/* ---- limits ---- */

static struct findings *many(size_t n)
{
	struct findings *fs;
	size_t i;

	assert_int_equal(findings_new(&fs), 0);
	fs->run.scan_id = xstrdup("bench");
	fs->run.tool_version = xstrdup("0.1.0");
	fs->run.head = xstrdup("2222222222222222222222222222222222222222");
	fs->run.base = xstrdup("1111111111111111111111111111111111111111");
	fs->run.started_at = xstrdup("2026-01-05T10:00:00Z");
	for (i = 0; i < n; i++) {
		char fp[40], path[40];
		struct finding *f;
		snprintf(fp, sizeof(fp), "%032zx", i);
		snprintf(path, sizeof(path), "src/m%zu.c", i % 97);
		f = add(fs, fp, i % 5 == 0 ? FINDING_UNCERTAIN : FINDING_CONFIRMED, (trb_sev_t)(i % 4), path,
			(uint32_t)(i + 1), (uint32_t)(i + 3), i % 3 ? "CWE-89" : "CWE-79", "a finding");
		f->description = xstrdup("description of the finding");
	}
	findings_order(fs);
	return fs;
}

static void test_sarif_caps_results_by_severity_with_a_note(void **state)
{
	struct findings *fs = many(60);
	struct report_options o;
	struct trb_buf b = TRB_BUF_INIT(TRB_LIMIT_REPORT);
	const char *p;
	size_t results = 0, low = 0;

	(void)state;
	report_options_init(&o);
	o.sarif_max_results = 15;
	assert_int_equal(report_sarif(&b, fs, &o), 0);
	for (p = trb_buf_cstr(&b); (p = strstr(p, "\"ruleIndex\"")) != NULL; p++)
		results++;
	for (p = trb_buf_cstr(&b); (p = strstr(p, "\"tribunal/severity\": \"low\"")) != NULL; p++)
		low++;
	assert_int_equal(results, 15);
	assert_int_equal(low, 0);   /* the 15 kept are the 15 critical ones */
	assert_non_null(strstr(trb_buf_cstr(&b), "45 results were left out of this file"));
	trb_buf_dispose(&b);
	findings_free(fs);
}

/* Text that barely compresses (base64 of random bytes, minified lines) must not push the file
 * past GitHub's 10 MB of gzip: the cap is measured on the compressed size. */
static void test_sarif_stays_under_the_gzip_limit(void **state)
{
	struct findings *fs = many(5000);
	struct report_options o;
	struct trb_buf b = TRB_BUF_INIT(TRB_LIMIT_REPORT);
	unsigned long long x = 88172645463325252ull;
	unsigned char *gz;
	uLongf gz_len;
	z_stream z;
	size_t i, j;

	(void)state;
	for (i = 0; i < fs->n; i++) {
		char *d = malloc(1001), *sn = malloc(2001);
		assert_true(d && sn);
		for (j = 0; j < 2000; j++) {
			x ^= x << 13, x ^= x >> 7, x ^= x << 17;
			sn[j] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"[x & 63];
			if (j < 1000)
				d[j] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"[(x >> 6) & 63];
		}
		d[1000] = sn[2000] = '\0';
		free(fs->v[i].description);
		fs->v[i].description = d;
		fs->v[i].snippet = sn;
	}
	report_options_init(&o);
	assert_int_equal(report_sarif(&b, fs, &o), 0);
	assert_non_null(strstr(trb_buf_cstr(&b), "10 MB once compressed"));
	/* gzip it the way an uploader would (level 6) */
	memset(&z, 0, sizeof(z));
	assert_int_equal(deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY), Z_OK);
	gz_len = deflateBound(&z, b.len);
	gz = malloc(gz_len);
	assert_non_null(gz);
	z.next_in = (Bytef *)b.ptr;
	z.avail_in = (uInt)b.len;
	z.next_out = gz;
	z.avail_out = (uInt)gz_len;
	assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
	assert_true(z.total_out <= 10u * 1000 * 1000);
	assert_true(z.total_out > 8u * 1000 * 1000);   /* and not much less: the cap is not wasteful */
	deflateEnd(&z);
	free(gz);
	trb_buf_dispose(&b);
	findings_free(fs);
}

/* Hundreds of units left unreviewed are listed up to a point, then counted: what follows the
 * results must stay small, since the gzip cap is measured on the results. */
static void test_sarif_lists_at_most_100_unreviewed_units(void **state)
{
	struct findings *fs = many(3);
	struct report_options o;
	struct trb_buf b = TRB_BUF_INIT(TRB_LIMIT_REPORT);
	const char *p;
	size_t i, listed = 0;

	(void)state;
	fs->unreviewed = calloc(150, sizeof(*fs->unreviewed));
	assert_non_null(fs->unreviewed);
	for (i = 0; i < 150; i++) {
		fs->unreviewed[i].unit = i + 1;
		fs->unreviewed[i].reason = xstrdup("budget exhausted");
	}
	fs->n_unreviewed = 150;
	report_options_init(&o);
	assert_int_equal(report_sarif(&b, fs, &o), 0);
	for (p = trb_buf_cstr(&b); (p = strstr(p, "was not reviewed by an agent")) != NULL; p++)
		listed++;
	assert_int_equal(listed, 100);
	assert_non_null(strstr(trb_buf_cstr(&b), "50 more review units were not reviewed by an agent"));
	trb_buf_dispose(&b);
	findings_free(fs);
}

static void test_summary_fits_its_budget(void **state)
{
	struct findings *fs = many(400);
	struct trb_buf b = TRB_BUF_INIT(TRB_LIMIT_REPORT);

	(void)state;
	assert_int_equal(report_summary(&b, fs, 20000), 0);
	assert_true(b.len <= 20000);
	assert_non_null(strstr(trb_buf_cstr(&b), "more findings not shown"));
	assert_non_null(strstr(trb_buf_cstr(&b), "tokens"));   /* the footer survives */
	trb_buf_dispose(&b);
	findings_free(fs);
}

static void test_step_summary_appends_within_one_mib(void **state)
{
	struct findings *fs = many(3000);
	struct report_options o;
	char dir[] = "/tmp/trb-report-XXXXXX", path[400], out[128];
	struct stat st;
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/step_summary", dir);
	snprintf(out, sizeof(out), "%s/out/nested", dir);
	f = fopen(path, "wb");
	assert_non_null(f);
	/* an earlier step already wrote 900 KB */
	for (size_t i = 0; i < 900; i++)
		fprintf(f, "%01023d\n", 0);
	fclose(f);
	report_options_init(&o);
	o.step_summary_path = path;
	assert_int_equal(report_write_all(out, REPORT_BIT(REPORT_SUMMARY) | REPORT_BIT(REPORT_AUDIT), fs, &o), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_true((size_t)st.st_size <= REPORT_STEP_SUMMARY_MAX);
	assert_true((size_t)st.st_size > 900 * 1024);
	snprintf(path, sizeof(path), "%s/summary.md", out);
	assert_int_equal(stat(path, &st), 0);
	assert_true((size_t)st.st_size <= 1000000);
	snprintf(path, sizeof(path), "%s/audit.jsonl", out);
	assert_int_not_equal(stat(path, &st), 0);   /* llm/ writes that one */
	{
		char cmd[600];
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		assert_int_equal(system(cmd), 0);
	}
	findings_free(fs);
}

/* The limits' notes (results left out, a shard's category) must be valid too: exported for the
 * validators with 200 findings and a cap of 50 SARIF results. */
static void test_export_truncated_shard(void **state)
{
	struct findings *fs = many(200);
	struct report_options o;

	(void)state;
	fs->run.shard = xstrdup("2/3");
	fs->unreviewed = calloc(1, sizeof(*fs->unreviewed));
	assert_non_null(fs->unreviewed);
	fs->n_unreviewed = 1;
	fs->unreviewed[0].unit = 7;
	fs->unreviewed[0].reason = xstrdup("no credentials");
	report_options_init(&o);
	o.sarif_max_results = 50;
	o.review_max_comments = 5;
	o.checkout_uri = "file:///home/runner/work/shop/shop/";
	o.repository_uri = "https://github.com/acme/shop";
	export_dir("limits", fs, &o);
	findings_free(fs);
}

static void test_empty_record_is_valid_everywhere(void **state)
{
	struct findings *fs;
	struct trb_buf b = TRB_BUF_INIT(TRB_LIMIT_REPORT);
	size_t i;

	(void)state;
	assert_int_equal(findings_new(&fs), 0);
	for (i = 0; i < sizeof(renders) / sizeof(renders[0]); i++)
		render(&b, fs, renders[i].name);
	render(&b, fs, "github-review.json");
	assert_non_null(strstr(trb_buf_cstr(&b), "\"event\": \"COMMENT\""));
	assert_non_null(strstr(trb_buf_cstr(&b), "No security findings"));
	export_dir("empty", fs, NULL);
	trb_buf_dispose(&b);
	findings_free(fs);
}

/* A record without unit counts (hand-written, or from a job that stopped early) still says how
 * many units were not reviewed, the same in every format, and never "3 of 1". */
static void test_unreviewed_counts_agree_across_formats(void **state)
{
	static const char *const names[] = {"console.txt", "annotations.txt", "summary.md", "report.html"};
	struct findings *fs;
	struct trb_buf b = TRB_BUF_INIT(TRB_LIMIT_REPORT);
	size_t i;

	(void)state;
	assert_int_equal(findings_new(&fs), 0);
	fs->unreviewed = calloc(1, sizeof(*fs->unreviewed));
	assert_non_null(fs->unreviewed);
	fs->n_unreviewed = 1;
	fs->unreviewed[0].unit = 2;
	fs->unreviewed[0].reason = xstrdup("provider error");
	fs->run.units_not_reviewed = 3;   /* and no units_total */
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		render(&b, fs, names[i]);
		if (!strstr(trb_buf_cstr(&b), "3 of 3 "))
			fail_msg("%s does not say \"3 of 3\":\n%s", names[i], trb_buf_cstr(&b));
	}
	fs->run.units_not_reviewed = 0;   /* only the list */
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		render(&b, fs, names[i]);
		if (!strstr(trb_buf_cstr(&b), "1 of 1 "))
			fail_msg("%s does not say \"1 of 1\":\n%s", names[i], trb_buf_cstr(&b));
	}
	trb_buf_dispose(&b);
	findings_free(fs);
}

/* ---- formats ---- */

static void test_formats_parse(void **state)
{
	unsigned f;

	(void)state;
	assert_int_equal(report_formats_parse(&f, "sarif, junit"), 0);
	assert_int_equal(f, REPORT_BIT(REPORT_SARIF) | REPORT_BIT(REPORT_JUNIT));
	assert_int_equal(report_formats_parse(&f, "all"), 0);
	assert_int_equal(f, REPORT_ALL);
	assert_int_equal(report_formats_parse(&f, "audit,SUMMARY"), 0);
	assert_int_equal(f, REPORT_BIT(REPORT_AUDIT) | REPORT_BIT(REPORT_SUMMARY));
	assert_int_equal(report_formats_parse(&f, "sarfi"), TRB_EINVAL);
	assert_non_null(strstr(trb_err_msg(), "unknown format 'sarfi' (did you mean 'sarif'?)"));
	assert_int_equal(report_formats_parse(&f, "code-quality"), TRB_EINVAL);
	assert_non_null(strstr(trb_err_msg(), "did you mean 'codequality'"));
	assert_int_equal(report_formats_parse(&f, "results.sarif"), TRB_EINVAL);
	assert_non_null(strstr(trb_err_msg(), "did you mean 'sarif'"));
	assert_int_equal(report_formats_parse(&f, "pdf"), TRB_EINVAL);
	assert_non_null(strstr(trb_err_msg(), "known: json, sarif, junit"));
	assert_int_equal(report_formats_parse(&f, "sarif,,json"), TRB_EINVAL);
	assert_int_equal(report_formats_parse(&f, "sarif,"), TRB_EINVAL);
	assert_int_equal(report_formats_parse(&f, ""), TRB_EINVAL);
	assert_int_equal(report_formats_parse(&f, "\x1b[2Jx"), TRB_EINVAL);
	assert_null(strchr(trb_err_msg(), '\x1b'));
}

static void test_write_all_writes_only_selected(void **state)
{
	struct findings *fs = fixture();
	char dir[] = "/tmp/trb-report-XXXXXX", path[300], cmd[300];
	struct stat st;

	(void)state;
	assert_non_null(mkdtemp(dir));
	assert_int_equal(report_write_all(dir, REPORT_BIT(REPORT_SARIF) | REPORT_BIT(REPORT_JSON), fs, NULL), 0);
	snprintf(path, sizeof(path), "%s/results.sarif", dir);
	assert_int_equal(stat(path, &st), 0);
	snprintf(path, sizeof(path), "%s/findings.json", dir);
	assert_int_equal(stat(path, &st), 0);
	snprintf(path, sizeof(path), "%s/junit.xml", dir);
	assert_int_not_equal(stat(path, &st), 0);
	snprintf(path, sizeof(path), "%s/.results.sarif.tmp", dir);
	assert_int_not_equal(stat(path, &st), 0);
	/* a file where the directory should be is an error with the name */
	snprintf(path, sizeof(path), "%s/findings.json/x", dir);
	assert_int_equal(report_write_all(path, REPORT_BIT(REPORT_JSON), fs, NULL), TRB_EIO);
	assert_non_null(strstr(trb_err_msg(), "findings.json"));
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
	findings_free(fs);
}

/* One format that cannot be written (here a directory where results.sarif goes; in the field,
 * junit.xml without libxml2) costs only itself: the later formats and the step summary are still
 * written, and the error names the file. */
static void test_write_all_goes_on_after_a_failed_format(void **state)
{
	static const char *const written[] = {"findings.json", "junit.xml", "github-review.json",
					      "gitlab-discussions.json", "gl-code-quality-report.json",
					      "gl-sast-report.json", "summary.md", "report.html"};
	struct findings *fs = fixture();
	struct report_options o;
	char dir[] = "/tmp/trb-report-XXXXXX", path[300], cmd[300];
	struct stat st;
	size_t i;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/results.sarif", dir);
	assert_int_equal(mkdir(path, 0777), 0);
	snprintf(path, sizeof(path), "%s/results.sarif/keep", dir);
	assert_int_equal(mkdir(path, 0777), 0);
	snprintf(path, sizeof(path), "%s/step_summary", dir);
	report_options_init(&o);
	o.step_summary_path = path;
	assert_int_equal(report_write_all(dir, REPORT_ALL, fs, &o), TRB_EIO);
	assert_non_null(strstr(trb_err_msg(), "results.sarif"));
	for (i = 0; i < sizeof(written) / sizeof(written[0]); i++) {
		char p[400];
		snprintf(p, sizeof(p), "%s/%s", dir, written[i]);
		if (stat(p, &st) != 0 || st.st_size == 0)
			fail_msg("%s was not written after results.sarif failed", written[i]);
	}
	assert_int_equal(stat(path, &st), 0);
	assert_true(st.st_size > 0);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
	findings_free(fs);
}

/* The step summary is summary.md itself when there is room for all of it. */
static void test_step_summary_is_the_summary(void **state)
{
	struct findings *fs = fixture();
	struct report_options o;
	char dir[] = "/tmp/trb-report-XXXXXX", path[300], md[300], cmd[300];
	char *a, *b;
	size_t la = 0, lb = 0;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/step_summary", dir);
	snprintf(md, sizeof(md), "%s/summary.md", dir);
	report_options_init(&o);
	o.step_summary_path = path;
	assert_int_equal(report_write_all(dir, REPORT_BIT(REPORT_SUMMARY), fs, &o), 0);
	a = slurp(path, &la);
	b = slurp(md, &lb);
	assert_non_null(a);
	assert_non_null(b);
	assert_int_equal(la, lb);
	assert_memory_equal(a, b, la);
	free(a);
	free(b);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
	findings_free(fs);
}

/* A planted link at $GITHUB_STEP_SUMMARY is refused, not followed. */
static void test_step_summary_refuses_a_link(void **state)
{
	struct findings *fs = fixture();
	struct report_options o;
	char dir[] = "/tmp/trb-report-XXXXXX", path[300], target[300], cmd[300];
	struct stat st;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/step_summary", dir);
	snprintf(target, sizeof(target), "%s/victim", dir);
	assert_int_equal(symlink(target, path), 0);
	report_options_init(&o);
	o.step_summary_path = path;
	assert_int_equal(report_write_all(dir, REPORT_BIT(REPORT_SUMMARY), fs, &o), TRB_EIO);
	assert_non_null(strstr(trb_err_msg(), "GITHUB_STEP_SUMMARY"));
	assert_int_not_equal(stat(target, &st), 0);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
	findings_free(fs);
}

/* ---- findings.json round trip and shards ---- */

static void test_findings_json_round_trips(void **state)
{
	struct findings *fs = fixture(), *back = NULL;
	struct trb_buf a = TRB_BUF_INIT(TRB_LIMIT_REPORT), b = TRB_BUF_INIT(TRB_LIMIT_REPORT);
	size_t i;

	(void)state;
	assert_int_equal(report_json(&a, fs), 0);
	if (findings_from_json(&back, a.ptr, a.len, "fixture") < 0)
		fail_msg("%s", trb_err_msg());
	for (i = 0; i < sizeof(renders) / sizeof(renders[0]); i++) {
		render(&a, fs, renders[i].name);
		render(&b, back, renders[i].name);
		if (a.len != b.len || memcmp(a.ptr, b.ptr, a.len) != 0)
			fail_msg("%s differs after a findings.json round trip", renders[i].name);
	}
	trb_buf_dispose(&a);
	trb_buf_dispose(&b);
	findings_free(fs);
	findings_free(back);
}

/* Splits the fixture into shard records the way `scan --shard` writes them (findings and units by
 * unit, tokens and cost split, each shard's own duration), through findings.json text. */
static struct findings *shard_of(const struct findings *all, unsigned k, unsigned n)
{
	struct trb_buf t = TRB_BUF_INIT(TRB_LIMIT_REPORT);
	struct findings *s = NULL;
	size_t i, w = 0;
	char shard[16];

	assert_int_equal(report_json(&t, all), 0);
	assert_int_equal(findings_from_json(&s, t.ptr, t.len, "shard"), 0);
	trb_buf_dispose(&t);
	for (i = 0; i < s->n; i++) {
		if (s->v[i].unit % n == k - 1)
			s->v[w++] = s->v[i];
		else
			finding_dispose(&s->v[i]);
	}
	s->n = w;
	/* the same finding seen by two shards (a data flow crossing units) is kept once */
	if (k == 2) {
		const struct finding *f1 = NULL;
		struct finding *dup;
		for (i = 0; i < all->n; i++)
			if (strcmp(all->v[i].fingerprint, "0123456789abcdef0123456789abcdef") == 0)
				f1 = &all->v[i];
		assert_non_null(f1);
		assert_int_equal(findings_add(&dup, s), 0);
		dup->fingerprint = xstrdup(f1->fingerprint);
		dup->id = xstrdup("F99");
		dup->path = xstrdup(f1->path);
		dup->start_line = f1->start_line;
		dup->end_line = f1->end_line;
		dup->title = xstrdup("weaker copy");
		dup->status = FINDING_UNVERIFIED;
		dup->severity = TRB_SEV_LOW;
	}
	for (i = 0, w = 0; i < s->n_unreviewed; i++) {
		if (s->unreviewed[i].unit % n == k - 1) {
			s->unreviewed[w++] = s->unreviewed[i];
		} else {
			size_t j;
			for (j = 0; j < s->unreviewed[i].n_paths; j++)
				free(s->unreviewed[i].paths[j]);
			free(s->unreviewed[i].paths);
			free(s->unreviewed[i].reason);
		}
	}
	s->n_unreviewed = w;
	s->run.units_total = k == 1 ? 3 : 3;
	s->run.units_reviewed = 2;
	s->run.units_not_reviewed = 1;
	s->run.tokens_input = k == 1 ? 70000 : 50000;
	s->run.tokens_output = 4000;
	s->run.tokens_cache_read = 25000;
	s->run.tokens_cache_write = 10000;
	s->run.cost_usd = k == 1 ? 0.25 : 0.1713;
	s->run.duration_ms = k == 1 ? 65432 : 40000;
	free(s->run.started_at);
	s->run.started_at = xstrdup(k == 1 ? "2026-01-05T10:00:00Z" : "2026-01-05T10:00:03Z");
	snprintf(shard, sizeof(shard), "%u/%u", k, n);
	s->run.shard = xstrdup(shard);
	/* each shard gated on what it saw; the merged gate is their union */
	if (k == 2) {
		size_t j;
		for (j = 0; j < s->run.n_gate_reasons; j++)
			free(s->run.gate_reasons[j]);
		s->run.n_gate_reasons = 0;
		s->run.gate_pass = true;
	}
	return s;
}

static void test_merged_shards_report_like_one_job(void **state)
{
	struct findings *all = fixture(), *parts[2], *merged = NULL;
	struct trb_buf a = TRB_BUF_INIT(TRB_LIMIT_REPORT), b = TRB_BUF_INIT(TRB_LIMIT_REPORT);
	struct report_options o;
	size_t i;

	(void)state;
	parts[0] = shard_of(all, 1, 2);
	parts[1] = shard_of(all, 2, 2);
	assert_true(parts[0]->n > 0 && parts[1]->n > 0);
	if (findings_merge(&merged, parts, 2) < 0)
		fail_msg("%s", trb_err_msg());
	for (i = 0; i < sizeof(renders) / sizeof(renders[0]); i++) {
		render(&a, all, renders[i].name);
		render(&b, merged, renders[i].name);
		if (a.len != b.len || memcmp(a.ptr, b.ptr, a.len) != 0) {
			spit("/tmp/trb-merge-a", a.ptr, a.len);
			spit("/tmp/trb-merge-b", b.ptr, b.len);
			fail_msg("%s of the merged shards differs from one job (/tmp/trb-merge-a vs -b)", renders[i].name);
		}
	}
	/* a shard's SARIF has its own category, so that uploads do not replace each other */
	report_options_init(&o);
	assert_int_equal(report_sarif(&a, parts[1], &o), 0);
	assert_non_null(strstr(trb_buf_cstr(&a), "\"id\": \"tribunal/shard-2-of-2/scan-0001\""));
	trb_buf_clear(&a);
	assert_int_equal(report_sarif(&a, merged, &o), 0);
	assert_non_null(strstr(trb_buf_cstr(&a), "\"id\": \"tribunal/scan-0001\""));
	trb_buf_dispose(&a);
	trb_buf_dispose(&b);
	findings_free(parts[0]);
	findings_free(parts[1]);
	findings_free(merged);
	findings_free(all);
}

static void test_merge_refuses_different_ranges(void **state)
{
	struct findings *a = fixture(), *b = fixture(), *parts[2] = {a, b}, *m = NULL;

	(void)state;
	b->run.head[0] = '9';
	assert_int_equal(findings_merge(&m, parts, 2), TRB_EINVAL);
	assert_non_null(strstr(trb_err_msg(), "different range"));
	assert_null(m);
	findings_free(a);
	findings_free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_format_matches_golden),
		cmocka_unit_test(test_output_is_deterministic),
		cmocka_unit_test(test_markdown_outputs_neutralize_hostile_text),
		cmocka_unit_test(test_html_has_no_markup_from_findings),
		cmocka_unit_test(test_annotations_cannot_spoof_commands),
		cmocka_unit_test(test_annotation_ids_cannot_spoof_commands),
		cmocka_unit_test(test_console_lines_start_with_fixed_text),
		cmocka_unit_test(test_junit_is_well_formed_with_hostile_bytes),
		cmocka_unit_test(test_review_inline_only_on_diff_lines_with_suggestion),
		cmocka_unit_test(test_review_comment_cap_moves_rest_to_body),
		cmocka_unit_test(test_gitlab_positions_use_the_three_shas),
		cmocka_unit_test(test_gitlab_position_names_a_renamed_files_old_path),
		cmocka_unit_test(test_review_body_stays_under_github_limit),
		cmocka_unit_test(test_sarif_caps_results_by_severity_with_a_note),
		cmocka_unit_test(test_sarif_stays_under_the_gzip_limit),
		cmocka_unit_test(test_sarif_lists_at_most_100_unreviewed_units),
		cmocka_unit_test(test_summary_fits_its_budget),
		cmocka_unit_test(test_step_summary_appends_within_one_mib),
		cmocka_unit_test(test_export_truncated_shard),
		cmocka_unit_test(test_empty_record_is_valid_everywhere),
		cmocka_unit_test(test_unreviewed_counts_agree_across_formats),
		cmocka_unit_test(test_formats_parse),
		cmocka_unit_test(test_write_all_writes_only_selected),
		cmocka_unit_test(test_write_all_goes_on_after_a_failed_format),
		cmocka_unit_test(test_step_summary_is_the_summary),
		cmocka_unit_test(test_step_summary_refuses_a_link),
		cmocka_unit_test(test_findings_json_round_trips),
		cmocka_unit_test(test_merged_shards_report_like_one_job),
		cmocka_unit_test(test_merge_refuses_different_ranges),
	};
	int rc;

	xmlInitParser();
	rc = cmocka_run_group_tests_name("report", tests, NULL, NULL);
	xmlCleanupParser();
	return rc;
}
