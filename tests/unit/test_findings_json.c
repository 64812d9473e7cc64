/* findings/json.c: the findings.json parser refuses what it must (each field checked, with the
 * field's path in the message), accepts what the format may grow, and merges shard records. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "findings/findings.h"
#include "util/buf.h"
#include "util/err.h"

#define OID_A "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define OID_B "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
#define OID_C "cccccccccccccccccccccccccccccccccccccccc"

/* A minimal valid record; %s is where one finding (or nothing) goes */
static const char record_fmt[] =
	"{\"schema_version\": 1, \"tool\": {\"name\": \"tribunal\", \"version\": \"0.1.0\"},"
	" \"run\": {\"scan_id\": \"s1\", \"base\": \"" OID_A "\", \"head\": \"" OID_B "\", \"merge_base\": \"" OID_C "\","
	"  \"range_source\": \"flags\", \"policy\": {\"source\": \"default\", \"sha256\": \"ff\"},"
	"  \"models\": {\"finder\": \"m1\", \"verifier\": null}, \"started_at\": \"2026-01-05T10:00:00Z\","
	"  \"duration_ms\": 1500, \"units\": {\"total\": 3, \"reviewed\": 2, \"not_reviewed\": 1},"
	"  \"tokens\": {\"input\": 10, \"output\": 5, \"cache_read\": 0, \"cache_write\": 0}, \"cost_usd\": 0.5,"
	"  \"notices\": [\"n1\"], \"gate\": {\"result\": \"fail\", \"reasons\": [\"r1\"]}, \"future_field\": {\"x\": 1}},"
	" \"findings\": [%s],"
	" \"not_reviewed\": [{\"unit\": 3, \"paths\": [\"a.c\"], \"reason\": \"budget exhausted\"}],"
	" \"skipped\": [{\"path\": \"x.png\", \"reason\": \"binary\", \"detail\": null}]}";

static const char finding_ok[] =
	"{\"id\": \"F1\", \"fingerprint\": \"0123abcd\", \"source\": \"finder\", \"status\": \"confirmed\","
	" \"pre_existing\": false, \"gating\": true, \"path\": \"src/x.c\", \"old_path\": null, \"start_line\": 41,"
	" \"end_line\": 44,"
	" \"category\": \"sql-injection\", \"cwe\": \"CWE-89\", \"severity\": \"high\", \"confidence\": 0.9,"
	" \"title\": \"t\", \"description\": \"d\", \"data_flow\": [{\"path\": \"src/y.c\", \"line\": 3, \"note\": \"n\"}],"
	" \"verification\": {\"verdict\": \"confirmed\", \"reason\": \"r\", \"model\": \"m\", \"votes\": 3},"
	" \"patch\": {\"diff\": \"--- a/x\", \"explanation\": \"e\", \"applies\": true, \"reverified\": false},"
	" \"suppression\": null, \"added_later\": [1, 2]}";

static int parse_with(struct findings **out, const char *finding)
{
	struct trb_buf b = TRB_BUF_INIT(TRB_LIMIT_SMALL);
	int rc;

	trb_buf_printf(&b, record_fmt, finding);
	assert_int_equal(trb_buf_error(&b), 0);
	rc = findings_from_json(out, b.ptr, b.len, "in.json");
	trb_buf_dispose(&b);
	return rc;
}

/* The finding with one field replaced: key "k": value */
static int parse_field(const char *key, const char *value)
{
	struct trb_buf f = TRB_BUF_INIT(TRB_LIMIT_SMALL);
	struct findings *fs = NULL;
	char needle[64];
	const char *at, *end;
	int rc;

	snprintf(needle, sizeof(needle), "\"%s\": ", key);
	at = strstr(finding_ok, needle);
	assert_non_null(at);
	at += strlen(needle);
	/* the old value ends at the next top-level ", \"" or the closing brace */
	end = strstr(at, ", \"");
	if (*at == '{' || *at == '[')
		end = strstr(at, *at == '{' ? "}," : "],") + 1;
	trb_buf_put(&f, finding_ok, (size_t)(at - finding_ok));
	trb_buf_puts(&f, value);
	trb_buf_puts(&f, end);
	rc = parse_with(&fs, f.ptr);
	findings_free(fs);
	trb_buf_dispose(&f);
	return rc;
}

static void test_parses_every_field(void **state)
{
	struct findings *fs = NULL;
	const struct finding *f;

	(void)state;
	if (parse_with(&fs, finding_ok) < 0)
		fail_msg("%s", trb_err_msg());
	assert_int_equal(fs->n, 1);
	f = &fs->v[0];
	assert_string_equal(f->id, "F1");
	assert_int_equal(f->status, FINDING_CONFIRMED);
	assert_true(f->gating);
	assert_int_equal(f->start_line, 41);
	assert_int_equal(f->end_line, 44);
	assert_int_equal(f->severity, TRB_SEV_HIGH);
	assert_int_equal(f->n_flow, 1);
	assert_int_equal(f->flow[0].line, 3);
	assert_true(f->verification.done);
	assert_int_equal(f->verification.votes, 3);
	assert_true(f->patch.present && f->patch.applies);
	assert_false(f->suppression.present);
	assert_string_equal(fs->run.models[CONFIG_AGENT_FINDER], "m1");
	assert_null(fs->run.models[CONFIG_AGENT_VERIFIER]);
	assert_int_equal(fs->run.duration_ms, 1500);
	assert_int_equal(fs->run.units_total, 3);
	assert_false(fs->run.gate_pass);
	assert_int_equal(fs->run.n_gate_reasons, 1);
	assert_int_equal(fs->n_unreviewed, 1);
	assert_string_equal(fs->unreviewed[0].paths[0], "a.c");
	assert_int_equal(fs->n_skipped, 1);
	assert_null(fs->skipped[0].detail);
	findings_free(fs);
}

static void test_round_trip_is_byte_identical(void **state)
{
	struct findings *fs = NULL, *back = NULL;
	char *a = NULL, *b = NULL;
	size_t alen, blen;

	(void)state;
	assert_int_equal(parse_with(&fs, finding_ok), 0);
	assert_int_equal(findings_to_json(&a, &alen, fs), 0);
	assert_int_equal(findings_from_json(&back, a, alen, "a"), 0);
	assert_int_equal(findings_to_json(&b, &blen, back), 0);
	assert_int_equal(alen, blen);
	assert_string_equal(a, b);
	free(a);
	free(b);
	findings_free(fs);
	findings_free(back);
}

/* A candidate no verifier answered keeps why: verdict null, the reason written and read back */
static void test_unverified_keeps_its_reason(void **state)
{
	struct findings *fs = NULL, *back = NULL;
	char *a = NULL;
	size_t alen;

	(void)state;
	assert_int_equal(parse_with(&fs, finding_ok), 0);
	fs->v[0].status = FINDING_UNVERIFIED;
	fs->v[0].verification.done = false;
	free(fs->v[0].verification.verdict);
	fs->v[0].verification.verdict = NULL;
	free(fs->v[0].verification.reason);
	fs->v[0].verification.reason = strdup("not verified: rate limited (429)");
	assert_non_null(fs->v[0].verification.reason);
	fs->v[0].verification.votes = 0;
	assert_int_equal(findings_to_json(&a, &alen, fs), 0);
	assert_non_null(strstr(a, "\"verdict\": null"));
	assert_int_equal(findings_from_json(&back, a, alen, "a"), 0);
	assert_int_equal(back->v[0].status, FINDING_UNVERIFIED);
	assert_false(back->v[0].verification.done);
	assert_string_equal(back->v[0].verification.reason, "not verified: rate limited (429)");
	/* a finding no verifier was involved with still writes null */
	free(back->v[0].verification.reason);
	back->v[0].verification.reason = NULL;
	free(a);
	assert_int_equal(findings_to_json(&a, &alen, back), 0);
	assert_non_null(strstr(a, "\"verification\": null"));
	free(a);
	findings_free(fs);
	findings_free(back);
}

static void expect_field_error(const char *key, const char *value, const char *msg)
{
	int rc = parse_field(key, value);

	if (rc != TRB_EINVAL)
		fail_msg("%s = %s: expected TRB_EINVAL, got %d", key, value, rc);
	if (!strstr(trb_err_msg(), msg))
		fail_msg("%s = %s: message \"%s\" lacks \"%s\"", key, value, trb_err_msg(), msg);
}

static void test_refuses_bad_fields_naming_them(void **state)
{
	(void)state;
	expect_field_error("severity", "\"High\"", "in.json: findings[0].severity: expected one of low, medium, high, critical");
	expect_field_error("status", "\"fixed\"", "findings[0].status: expected one of");
	expect_field_error("start_line", "0", "findings[0].start_line: expected an integer from 1");
	expect_field_error("start_line", "1.5", "findings[0].start_line");
	expect_field_error("end_line", "40", "end_line 40 is before start_line 41");
	expect_field_error("end_line", "4294967296", "findings[0].end_line");
	expect_field_error("confidence", "1.5", "findings[0].confidence: expected a number from 0 to 1");
	expect_field_error("path", "\"/etc/passwd\"", "findings[0].path:");
	expect_field_error("path", "\"../x.c\"", "findings[0].path:");
	expect_field_error("path", "\".git/config\"", "findings[0].path:");
	expect_field_error("path", "null", "findings[0].path: missing");
	expect_field_error("old_path", "\"../x.c\"", "findings[0].old_path:");
	expect_field_error("old_path", "\"/etc/passwd\"", "findings[0].old_path:");
	expect_field_error("old_path", "7", "findings[0].old_path: expected a string");
	expect_field_error("suppression", "{\"kind\": \"policy\", \"match\": 7}",
			   "findings[0].suppression.match: expected a string");
	expect_field_error("fingerprint", "\"--><script>\"", "findings[0].fingerprint: expected lowercase hex");
	expect_field_error("cwe", "\"89\"", "findings[0].cwe: expected CWE-<number>");
	expect_field_error("title", "42", "findings[0].title: expected a string");
	expect_field_error("title", "\"\\u00e9\xff\"", "findings[0].title: invalid UTF-8");
	expect_field_error("gating", "\"yes\"", "findings[0].gating: expected true or false");
	expect_field_error("data_flow", "[{\"path\": \"a\", \"line\": -1}]", "findings[0].data_flow[0].line");
	expect_field_error("data_flow", "[{\"path\": \"/abs\", \"line\": 1}]", "findings[0].data_flow[0].path");
	expect_field_error("data_flow", "{}", "findings[0].data_flow: expected an array");
	expect_field_error("verification", "{\"verdict\": \"maybe\"}", "findings[0].verification.verdict");
	expect_field_error("patch", "{\"applies\": true}", "findings[0].patch.diff: missing (applies is true)");
}

/* A renamed file's base-side path and the suppression entry that matched: read, written back the
 * same, and carried through a merge. */
static void test_old_path_and_suppression_match_round_trip(void **state)
{
	static const char renamed[] =
		"{\"id\": \"F1\", \"fingerprint\": \"0123abcd\", \"source\": \"rule\", \"status\": \"suppressed\","
		" \"path\": \"src/new.py\", \"old_path\": \"src/old.py\", \"start_line\": 3, \"end_line\": 3,"
		" \"severity\": \"high\", \"title\": \"t\","
		" \"suppression\": {\"kind\": \"policy\", \"reason\": \"sandboxed\", \"owner\": null, \"expires\": null,"
		" \"match\": \"suppressions[1]: rule py-eval in src/** (.tribunal.yml@base:7)\"}}";
	struct findings *fs = NULL, *back = NULL, *m = NULL;
	char *a = NULL, *b = NULL;
	size_t alen, blen;

	(void)state;
	if (parse_with(&fs, renamed) < 0)
		fail_msg("%s", trb_err_msg());
	assert_string_equal(fs->v[0].old_path, "src/old.py");
	assert_string_equal(fs->v[0].suppression.match, "suppressions[1]: rule py-eval in src/** (.tribunal.yml@base:7)");
	assert_int_equal(findings_to_json(&a, &alen, fs), 0);
	assert_non_null(strstr(a, "\"path\": \"src/new.py\",\n      \"old_path\": \"src/old.py\",\n"));
	assert_non_null(strstr(a, "\"expires\": null,\n        \"match\": \"suppressions[1]: rule py-eval in src/** "
				  "(.tribunal.yml@base:7)\"\n"));
	assert_int_equal(findings_from_json(&back, a, alen, "a"), 0);
	assert_int_equal(findings_to_json(&b, &blen, back), 0);
	assert_string_equal(a, b);
	assert_int_equal(findings_merge(&m, &back, 1), 0);
	assert_string_equal(m->v[0].old_path, "src/old.py");
	assert_string_equal(m->v[0].suppression.match, "suppressions[1]: rule py-eval in src/** (.tribunal.yml@base:7)");
	free(a);
	free(b);
	findings_free(fs);
	findings_free(back);
	findings_free(m);
}

/* Records written before these fields existed read as before: no old path, no match. An old_path
 * equal to path is no rename. */
static void test_old_records_without_old_path_or_match_still_read(void **state)
{
	struct findings *fs = NULL;
	struct trb_buf f = TRB_BUF_INIT(TRB_LIMIT_SMALL);
	const char *at = strstr(finding_ok, "\"suppression\": null");

	(void)state;
	assert_non_null(at);
	trb_buf_put(&f, finding_ok, (size_t)(at - finding_ok));
	trb_buf_puts(&f, "\"suppression\": {\"kind\": \"inline\", \"reason\": \"test fixture\"}");
	trb_buf_puts(&f, at + strlen("\"suppression\": null"));
	assert_int_equal(parse_with(&fs, f.ptr), 0);
	assert_true(fs->v[0].suppression.present);
	assert_null(fs->v[0].suppression.match);
	assert_null(fs->v[0].old_path);
	findings_free(fs);
	fs = NULL;
	trb_buf_clear(&f);
	at = strstr(finding_ok, "\"old_path\": null");
	assert_non_null(at);
	trb_buf_put(&f, finding_ok, (size_t)(at - finding_ok));
	trb_buf_puts(&f, "\"old_path\": \"src/x.c\"");
	trb_buf_puts(&f, at + strlen("\"old_path\": null"));
	assert_int_equal(parse_with(&fs, f.ptr), 0);
	assert_null(fs->v[0].old_path);
	findings_free(fs);
	trb_buf_dispose(&f);
}

static void expect_record_error(const char *json, const char *msg)
{
	struct findings *fs = NULL;

	assert_int_equal(findings_from_json(&fs, json, strlen(json), "in.json"), TRB_EINVAL);
	assert_null(fs);
	if (!strstr(trb_err_msg(), msg))
		fail_msg("message \"%s\" lacks \"%s\"", trb_err_msg(), msg);
}

static void test_refuses_bad_records(void **state)
{
	(void)state;
	expect_record_error("", "in.json: not valid JSON");
	expect_record_error("{\"schema_version\": 1,", "not valid JSON");
	expect_record_error("[]", "expected a JSON object");
	expect_record_error("{}", "schema_version: missing");
	expect_record_error("{\"schema_version\": 2, \"tool\": {}, \"run\": {}, \"findings\": []}",
			    "version 2 is not supported");
	expect_record_error("{\"schema_version\": 1, \"tool\": {}, \"run\": {}}", "findings: missing");
	expect_record_error("{\"schema_version\": 1, \"tool\": {}, \"run\": {\"gate\": {\"result\": \"maybe\"}}, \"findings\": []}",
			    "run.gate.result: expected one of pass, fail");
	expect_record_error("{\"schema_version\": 1, \"tool\": {}, \"run\": {\"head\": \"xyz\"}, \"findings\": []}",
			    "expected hex commit ids");
	expect_record_error("{\"schema_version\": 1, \"tool\": {}, \"run\": {}, \"findings\": [],"
			    " \"not_reviewed\": [{\"unit\": 1, \"paths\": [\"../x\"], \"reason\": \"r\"}]}",
			    "not_reviewed[0].paths");
	expect_record_error("{\"schema_version\": 1, \"tool\": {}, \"run\": {\"cost_usd\": -1}, \"findings\": []}",
			    "run.cost_usd");
}

/* A shard record is another job's artifact: its range becomes revision expressions in `tribunal
 * merge` and its paths land in every report. */
static void test_refuses_a_hostile_shard(void **state)
{
	(void)state;
	/* run.head missing: merge would resolve base..(null) */
	expect_record_error("{\"schema_version\": 1, \"tool\": {}, \"findings\": [], \"run\": {\"base\": \"" OID_A "\"}}",
			    "in.json: run.head: missing (base and head come together");
	expect_record_error("{\"schema_version\": 1, \"tool\": {}, \"findings\": [], \"run\": {\"head\": \"" OID_B "\"}}",
			    "run.base: missing");
	/* a short hex string is also a branch or tag name */
	expect_record_error("{\"schema_version\": 1, \"tool\": {}, \"findings\": [], \"run\": {\"base\": \"deadbeef\","
			    " \"head\": \"" OID_B "\"}}", "expected hex commit ids");
	expect_record_error("{\"schema_version\": 1, \"tool\": {}, \"findings\": [], \"run\": {\"base\": \"" OID_A "\","
			    " \"head\": \"" OID_B "\", \"merge_base\": \"HEAD~1\"}}", "expected hex commit ids");
	expect_record_error("{\"schema_version\": 1, \"tool\": {}, \"run\": {}, \"findings\": [],"
			    " \"skipped\": [{\"path\": \"../../etc/passwd\", \"reason\": \"binary\"}]}",
			    "skipped[0].path");
	expect_record_error("{\"schema_version\": 1, \"tool\": {}, \"run\": {}, \"findings\": [],"
			    " \"skipped\": [{\"path\": \"/etc/passwd\", \"reason\": \"binary\"}]}",
			    "skipped[0].path");
}

static void test_accepts_sha256_ids_and_no_range(void **state)
{
	static const char sha256[] =
		"{\"schema_version\": 1, \"tool\": {}, \"findings\": [], \"run\": {"
		"\"base\": \"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\","
		" \"head\": \"fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210\"}}";
	static const char none[] = "{\"schema_version\": 1, \"tool\": {}, \"findings\": [], \"run\": {}}";
	struct findings *fs = NULL;

	(void)state;
	assert_int_equal(findings_from_json(&fs, sha256, strlen(sha256), "in.json"), 0);
	assert_int_equal(strlen(fs->run.head), 64);
	findings_free(fs);
	assert_int_equal(findings_from_json(&fs, none, strlen(none), "in.json"), 0);
	assert_null(fs->run.base);
	assert_null(fs->run.head);
	findings_free(fs);
}

static void test_deep_nesting_is_refused_not_crashing(void **state)
{
	struct trb_buf b = TRB_BUF_INIT(TRB_LIMIT_FILE);
	struct findings *fs = NULL;
	size_t i;

	(void)state;
	for (i = 0; i < 100000; i++)
		trb_buf_putc(&b, '[');
	assert_int_equal(findings_from_json(&fs, b.ptr, b.len, "deep.json"), TRB_EINVAL);
	trb_buf_dispose(&b);
}

static void test_merge_unites_and_sums(void **state)
{
	struct findings *a = NULL, *b = NULL, *m = NULL, *parts[2];
	struct finding *f;

	(void)state;
	assert_int_equal(parse_with(&a, finding_ok), 0);
	assert_int_equal(parse_with(&b, ""), 0);
	assert_int_equal(findings_add(&f, b), 0);
	f->fingerprint = strdup("00ff");
	f->path = strdup("a/first.c");
	f->title = strdup("other");
	f->start_line = f->end_line = 1;
	b->run.duration_ms = 9000;
	free(b->run.started_at);
	b->run.started_at = strdup("2026-01-05T09:59:00Z");
	b->run.gate_pass = true;
	parts[0] = a;
	parts[1] = b;
	assert_int_equal(findings_merge(&m, parts, 2), 0);
	assert_int_equal(m->n, 2);
	assert_string_equal(m->v[0].path, "a/first.c");    /* report order: by path */
	assert_string_equal(m->v[0].id, "F1");
	assert_string_equal(m->v[1].id, "F2");
	assert_int_equal(m->run.units_total, 6);
	assert_int_equal(m->run.tokens_input, 20);
	assert_int_equal(m->run.duration_ms, 9000);
	assert_string_equal(m->run.started_at, "2026-01-05T09:59:00Z");
	assert_false(m->run.gate_pass);
	assert_int_equal(m->run.n_gate_reasons, 1);         /* "r1" once */
	assert_int_equal(m->run.n_notices, 1);
	assert_int_equal(m->n_unreviewed, 1);                /* unit 3 reported twice, kept once */
	assert_int_equal(m->n_skipped, 1);
	assert_null(m->run.shard);
	findings_free(a);
	findings_free(b);
	findings_free(m);
}

/* Agents reviewed the merge request only if they did in every shard, whatever the order. */
static void test_merge_agents_ran_only_if_every_part_ran_them(void **state)
{
	struct findings *a = NULL, *b = NULL, *m = NULL, *parts[2];

	(void)state;
	assert_int_equal(parse_with(&a, ""), 0);
	assert_int_equal(parse_with(&b, ""), 0);
	parts[0] = a;
	parts[1] = b;
	a->run.agents_ran = true;
	b->run.agents_ran = false;
	assert_int_equal(findings_merge(&m, parts, 2), 0);
	assert_false(m->run.agents_ran);
	findings_free(m);
	parts[0] = b;
	parts[1] = a;
	assert_int_equal(findings_merge(&m, parts, 2), 0);
	assert_false(m->run.agents_ran);
	findings_free(m);
	b->run.agents_ran = true;
	assert_int_equal(findings_merge(&m, parts, 2), 0);
	assert_true(m->run.agents_ran);
	findings_free(m);
	findings_free(a);
	findings_free(b);
}

/* Skipped files and units not reviewed are united with the first copy kept, in report order, and a
 * path a unit repeats is listed once where it first appeared. */
static void test_merge_unites_skipped_and_unreviewed_keeping_first_copies(void **state)
{
	struct findings *a = NULL, *b = NULL, *m = NULL, *parts[2];
	size_t i, n = 20000;

	(void)state;
	assert_int_equal(findings_new(&a), 0);
	assert_int_equal(findings_new(&b), 0);
	a->skipped = calloc(n, sizeof(*a->skipped));
	b->skipped = calloc(n, sizeof(*b->skipped));
	assert_true(a->skipped && b->skipped);
	for (i = 0; i < n; i++) {
		char p[32];
		/* a: 0..n-1 descending; b: the odd half again, and as many new paths */
		snprintf(p, sizeof(p), "f/%06zu", n - 1 - i);
		a->skipped[i].path = strdup(p);
		a->skipped[i].reason = strdup("binary");
		snprintf(p, sizeof(p), "f/%06zu", i % 2 ? i : n + i);
		b->skipped[i].path = strdup(p);
		b->skipped[i].reason = strdup("excluded");
	}
	a->n_skipped = b->n_skipped = n;
	a->unreviewed = calloc(2, sizeof(*a->unreviewed));
	b->unreviewed = calloc(1, sizeof(*b->unreviewed));
	assert_true(a->unreviewed && b->unreviewed);
	a->n_unreviewed = 2;
	a->unreviewed[0].unit = 9;
	a->unreviewed[0].reason = strdup("budget exhausted");
	a->unreviewed[0].paths = calloc(3, sizeof(char *));
	a->unreviewed[0].paths[0] = strdup("z.c");
	a->unreviewed[0].paths[1] = strdup("a.c");
	a->unreviewed[0].paths[2] = strdup("z.c");
	a->unreviewed[0].n_paths = 3;
	a->unreviewed[1].unit = 4;
	a->unreviewed[1].reason = strdup("provider error");
	b->n_unreviewed = 1;
	b->unreviewed[0].unit = 9;
	b->unreviewed[0].reason = strdup("budget exhausted");
	parts[0] = a;
	parts[1] = b;
	assert_int_equal(findings_merge(&m, parts, 2), 0);
	assert_int_equal(m->n_skipped, n + n / 2);
	for (i = 0; i < m->n_skipped; i++) {
		char p[32];
		snprintf(p, sizeof(p), "f/%06zu", i < n ? i : n + 2 * (i - n));
		assert_string_equal(m->skipped[i].path, p);
		assert_string_equal(m->skipped[i].reason, i < n ? "binary" : "excluded");
	}
	assert_int_equal(m->n_unreviewed, 2);
	assert_int_equal(m->unreviewed[0].unit, 4);
	assert_int_equal(m->unreviewed[1].unit, 9);
	assert_int_equal(m->unreviewed[1].n_paths, 2);
	assert_string_equal(m->unreviewed[1].paths[0], "z.c");
	assert_string_equal(m->unreviewed[1].paths[1], "a.c");
	findings_free(a);
	findings_free(b);
	findings_free(m);
}

static void test_merge_refuses_different_policies(void **state)
{
	struct findings *a = NULL, *b = NULL, *m = NULL, *parts[2];

	(void)state;
	assert_int_equal(parse_with(&a, ""), 0);
	assert_int_equal(parse_with(&b, ""), 0);
	free(b->run.policy_sha256);
	b->run.policy_sha256 = strdup("00");
	parts[0] = a;
	parts[1] = b;
	assert_int_equal(findings_merge(&m, parts, 2), TRB_EINVAL);
	assert_non_null(strstr(trb_err_msg(), "part 2 ran with a different policy"));
	assert_int_equal(findings_merge(&m, parts, 0), TRB_EINVAL);
	findings_free(a);
	findings_free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parses_every_field),
		cmocka_unit_test(test_round_trip_is_byte_identical),
		cmocka_unit_test(test_unverified_keeps_its_reason),
		cmocka_unit_test(test_old_path_and_suppression_match_round_trip),
		cmocka_unit_test(test_old_records_without_old_path_or_match_still_read),
		cmocka_unit_test(test_refuses_bad_fields_naming_them),
		cmocka_unit_test(test_refuses_bad_records),
		cmocka_unit_test(test_refuses_a_hostile_shard),
		cmocka_unit_test(test_accepts_sha256_ids_and_no_range),
		cmocka_unit_test(test_deep_nesting_is_refused_not_crashing),
		cmocka_unit_test(test_merge_unites_and_sums),
		cmocka_unit_test(test_merge_agents_ran_only_if_every_part_ran_them),
		cmocka_unit_test(test_merge_unites_skipped_and_unreviewed_keeping_first_copies),
		cmocka_unit_test(test_merge_refuses_different_policies),
	};
	return cmocka_run_group_tests_name("findings_json", tests, NULL, NULL);
}
