/* findings/gate.c: the gate as a table, suppressions, fingerprints. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "findings/findings.h"

struct f {
	finding_status_t status;
	trb_sev_t sev;
	double conf;
	bool pre_existing;
	finding_source_t source;   /* 0: the finder */
};

struct row {
	const char *name;
	const char *policy;
	struct f findings[6];
	size_t n;
	bool pass;
	const char *reason;        /* first reason */
	int gating;                /* how many gate */
};

static const struct row rows[] = {
	{"no findings pass", "", {{0}}, 0, true, "no finding at or above high with confidence >= 0.80", 0},
	{"confirmed high fails", "", {{FINDING_CONFIRMED, TRB_SEV_HIGH, 0.9, false}}, 1, false,
	 "1 high finding at or above fail_on: high (confidence >= 0.80)", 1},
	{"confirmed medium passes at fail_on high", "", {{FINDING_CONFIRMED, TRB_SEV_MEDIUM, 0.9, false}}, 1, true,
	 "no finding at or above high with confidence >= 0.80", 0},
	{"low confidence never gates", "", {{FINDING_CONFIRMED, TRB_SEV_CRITICAL, 0.5, false}}, 1, true, NULL, 0},
	{"confidence exactly at the threshold gates", "", {{FINDING_CONFIRMED, TRB_SEV_HIGH, 0.8, false}}, 1, false, NULL, 1},
	{"rejected never gates", "", {{FINDING_REJECTED, TRB_SEV_CRITICAL, 1.0, false}}, 1, true, NULL, 0},
	{"suppressed never gates", "", {{FINDING_SUPPRESSED, TRB_SEV_CRITICAL, 1.0, false}}, 1, true, NULL, 0},
	{"uncertain does not gate by default", "", {{FINDING_UNCERTAIN, TRB_SEV_CRITICAL, 0.9, false}}, 1, true, NULL, 0},
	{"uncertain gates when the policy says so", "gate: {fail_on_uncertain: true}\n",
	 {{FINDING_UNCERTAIN, TRB_SEV_CRITICAL, 0.9, false}}, 1, false, NULL, 1},
	{"pre-existing never gates", "", {{FINDING_CONFIRMED, TRB_SEV_CRITICAL, 1.0, true}}, 1, true, NULL, 0},
	{"unverified rule hit gates", "", {{FINDING_UNVERIFIED, TRB_SEV_HIGH, 0.95, false, FINDING_SOURCE_RULE}}, 1, false,
	 NULL, 1},
	{"unverified finder claim does not gate by default", "", {{FINDING_UNVERIFIED, TRB_SEV_CRITICAL, 0.95, false}}, 1,
	 true, NULL, 0},
	{"unverified finder claim gates with fail_on_uncertain", "gate: {fail_on_uncertain: true}\n",
	 {{FINDING_UNVERIFIED, TRB_SEV_CRITICAL, 0.95, false}}, 1, false, NULL, 1},
	{"require_verified beats fail_on_uncertain", "gate: {require_verified: true, fail_on_uncertain: true}\n",
	 {{FINDING_UNVERIFIED, TRB_SEV_CRITICAL, 0.95, false, FINDING_SOURCE_RULE}}, 1, true, NULL, 0},
	{"require_verified: unverified does not gate", "gate: {require_verified: true}\n",
	 {{FINDING_UNVERIFIED, TRB_SEV_CRITICAL, 0.95, false}}, 1, true, NULL, 0},
	{"fail_on none passes everything", "gate: {fail_on: none}\n", {{FINDING_CONFIRMED, TRB_SEV_CRITICAL, 1.0, false}},
	 1, true, "no limit is exceeded (fail_on: none)", 0},
	{"fail_on low catches low", "gate: {fail_on: low}\n", {{FINDING_CONFIRMED, TRB_SEV_LOW, 0.9, false}}, 1, false,
	 "1 low finding at or above fail_on: low (confidence >= 0.80)", 1},
	{"max_findings exceeded", "gate: {max_findings: {medium: 1}}\n",
	 {{FINDING_CONFIRMED, TRB_SEV_MEDIUM, 0.9, false}, {FINDING_CONFIRMED, TRB_SEV_MEDIUM, 0.9, false}}, 2, false,
	 "2 medium findings, more than max_findings.medium: 1", 2},
	{"max_findings not exceeded", "gate: {max_findings: {medium: 2}}\n",
	 {{FINDING_CONFIRMED, TRB_SEV_MEDIUM, 0.9, false}, {FINDING_CONFIRMED, TRB_SEV_MEDIUM, 0.9, false}}, 2, true, NULL, 0},
	{"max_findings counts only what counts", "gate: {max_findings: {low: 0}}\n",
	 {{FINDING_REJECTED, TRB_SEV_LOW, 0.9, false}, {FINDING_CONFIRMED, TRB_SEV_LOW, 0.2, false}}, 2, true, NULL, 0},
	{"reasons by severity, highest first", "",
	 {{FINDING_CONFIRMED, TRB_SEV_HIGH, 0.9, false}, {FINDING_CONFIRMED, TRB_SEV_CRITICAL, 0.9, false},
	  {FINDING_CONFIRMED, TRB_SEV_HIGH, 0.9, false}}, 3, false,
	 "1 critical finding at or above fail_on: high (confidence >= 0.80)", 3},
	{"monitor mode still computes the verdict", "mode: monitor\n", {{FINDING_CONFIRMED, TRB_SEV_HIGH, 0.9, false}}, 1,
	 false, NULL, 1},
	{"lower min_confidence", "gate: {min_confidence: 0.3}\n", {{FINDING_CONFIRMED, TRB_SEV_HIGH, 0.35, false}}, 1,
	 false, "1 high finding at or above fail_on: high (confidence >= 0.30)", 1},
};

static struct config *policy(const char *text)
{
	struct config_diags d = {0};
	struct config *c = NULL;

	assert_int_equal(config_load(&c, &d, "t.yml", text, strlen(text), 20260101), 0);
	config_diags_dispose(&d);
	return c;
}

static void test_gate_table(void **state)
{
	size_t i, j;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct row *r = &rows[i];
		struct config *c = policy(r->policy);
		struct findings *fs;
		struct finding *f;
		int gating = 0;

		assert_int_equal(findings_new(&fs), 0);
		for (j = 0; j < r->n; j++) {
			assert_int_equal(findings_add(&f, fs), 0);
			f->status = r->findings[j].status;
			f->severity = r->findings[j].sev;
			f->confidence = r->findings[j].conf;
			f->pre_existing = r->findings[j].pre_existing;
			f->source = r->findings[j].source;
		}
		assert_int_equal(findings_gate(fs, c), 0);
		for (j = 0; j < fs->n; j++)
			gating += fs->v[j].gating;
		if (fs->run.gate_pass != r->pass || gating != r->gating || fs->run.n_gate_reasons == 0 ||
		    (r->reason && strcmp(fs->run.gate_reasons[0], r->reason) != 0))
			fail_msg("%s: pass %d gating %d reason '%s'", r->name, fs->run.gate_pass, gating,
				 fs->run.n_gate_reasons ? fs->run.gate_reasons[0] : "");
		if (c->mode == CONFIG_MODE_MONITOR)
			assert_string_equal(fs->run.gate_reasons[fs->run.n_gate_reasons - 1],
					    "mode: monitor: the gate is reported, never enforced");
		findings_free(fs);
		config_free(c);
	}
}

static void test_suppressions_and_disabled_categories(void **state)
{
	struct config *c = policy("suppressions:\n"
				  "  - {fingerprint: 00112233445566778899aabbccddeeff, reason: accepted SEC-9, owner: sec}\n"
				  "  - {rule: secret-aws-access-key, path: \"test/**\", reason: test fixtures}\n"
				  "  - {rule: CWE-89, reason: expired one, expires: 2025-01-01}\n"
				  "categories: {disable: [dos]}\n");
	struct findings *fs;
	struct finding *f;

	(void)state;
	assert_int_equal(findings_new(&fs), 0);
	findings_add(&f, fs);
	f->fingerprint = strdup("00112233445566778899aabbccddeeff");
	f->status = FINDING_CONFIRMED;
	findings_add(&f, fs);
	f->rule_id = strdup("secret-aws-access-key");
	f->path = strdup("test/fixtures/keys.txt");
	f->status = FINDING_UNVERIFIED;
	findings_add(&f, fs);
	f->rule_id = strdup("secret-aws-access-key");
	f->path = strdup("src/keys.txt");
	f->status = FINDING_UNVERIFIED;
	findings_add(&f, fs);
	f->cwe = strdup("CWE-89");
	f->status = FINDING_CONFIRMED;
	findings_add(&f, fs);
	f->category = strdup("dos");
	f->status = FINDING_CONFIRMED;
	assert_int_equal(findings_apply_policy(fs, c), 0);
	assert_int_equal(fs->v[0].status, FINDING_SUPPRESSED);
	assert_string_equal(fs->v[0].suppression.reason, "accepted SEC-9");
	assert_string_equal(fs->v[0].suppression.owner, "sec");
	assert_string_equal(fs->v[0].suppression.kind, "policy");
	assert_int_equal(fs->v[1].status, FINDING_SUPPRESSED);
	assert_int_equal(fs->v[2].status, FINDING_UNVERIFIED);   /* path does not match */
	assert_int_equal(fs->v[3].status, FINDING_CONFIRMED);    /* the suppression expired */
	assert_int_equal(fs->v[4].status, FINDING_SUPPRESSED);
	assert_string_equal(fs->v[4].suppression.reason, "category dos is disabled by the policy");
	findings_free(fs);
	config_free(c);
}

/* Each suppressed finding names the entry that matched: its index and line in the policy, or the
 * categories.disable entry (the category or the CWE), so that a reviewer can find and audit it. */
static void test_suppression_records_which_entry_matched(void **state)
{
	struct config *c = policy("suppressions:\n"
				  "  - {rule: py-eval, path: \"src/**\", reason: sandboxed}\n"
				  "  - rule: CWE-89\n"
				  "    reason: reviewed\n"
				  "  - fingerprint: 00112233445566778899aabbccddeeff\n"
				  "    reason: accepted SEC-9\n"
				  "categories: {disable: [dos, CWE-400]}\n");
	struct findings *fs;
	struct finding *f;

	(void)state;
	assert_int_equal(findings_new(&fs), 0);
	findings_add(&f, fs);                      /* by rule id and path glob */
	f->rule_id = strdup("py-eval");
	f->path = strdup("src/app/run.py");
	f->status = FINDING_UNVERIFIED;
	findings_add(&f, fs);                      /* by CWE, any path */
	f->cwe = strdup("CWE-89");
	f->path = strdup("db.py");
	f->status = FINDING_CONFIRMED;
	findings_add(&f, fs);                      /* the fingerprint entry, although the CWE entry comes first */
	f->fingerprint = strdup("00112233445566778899aabbccddeeff");
	f->cwe = strdup("CWE-79");
	f->status = FINDING_CONFIRMED;
	findings_add(&f, fs);                      /* disabled through its CWE */
	f->category = strdup("resource-exhaustion");
	f->cwe = strdup("CWE-400");
	f->status = FINDING_CONFIRMED;
	findings_add(&f, fs);                      /* nothing matches */
	f->rule_id = strdup("py-eval");
	f->path = strdup("tools/run.py");
	f->status = FINDING_UNVERIFIED;
	assert_int_equal(findings_apply_policy(fs, c), 0);
	assert_string_equal(fs->v[0].suppression.match, "suppressions[0]: rule py-eval in src/** (t.yml:2)");
	assert_string_equal(fs->v[1].suppression.match, "suppressions[1]: rule CWE-89 (t.yml:3)");
	assert_string_equal(fs->v[2].suppression.match,
			    "suppressions[2]: fingerprint 00112233445566778899aabbccddeeff (t.yml:5)");
	assert_string_equal(fs->v[2].suppression.reason, "accepted SEC-9");
	assert_string_equal(fs->v[3].suppression.match, "categories.disable: CWE-400");
	assert_string_equal(fs->v[3].suppression.reason, "category resource-exhaustion is disabled by the policy");
	assert_int_equal(fs->v[4].status, FINDING_UNVERIFIED);
	assert_false(fs->v[4].suppression.present);
	assert_null(fs->v[4].suppression.match);
	findings_free(fs);
	config_free(c);
}

static void test_fingerprint_ignores_whitespace_and_line_numbers(void **state)
{
	char *a = NULL, *b = NULL, *c = NULL, *d = NULL;

	(void)state;
	assert_int_equal(findings_fingerprint(&a, "src/a.c", "CWE-787", "\tstrcpy(buf, name);\n", 20), 0);
	assert_int_equal(findings_fingerprint(&b, "src/a.c", "CWE-787", "    strcpy(buf,  name);\n", 24), 0);
	assert_int_equal(findings_fingerprint(&c, "src/b.c", "CWE-787", "\tstrcpy(buf, name);\n", 20), 0);
	assert_int_equal(findings_fingerprint(&d, "src/a.c", "CWE-120", "\tstrcpy(buf, name);\n", 20), 0);
	assert_int_equal(strlen(a), 32);
	assert_string_equal(a, b);
	assert_string_not_equal(a, c);
	assert_string_not_equal(a, d);
	free(a);
	free(b);
	free(c);
	free(d);
}

static void test_fingerprint_lines_hashes_the_flagged_lines(void **state)
{
	static const char text[] = "int a;\n\tstrcpy(buf, name);\nreturn 0;\n";
	char *whole = NULL, *sliced = NULL, *two = NULL, *both = NULL, *past = NULL, *empty = NULL;

	(void)state;
	assert_int_equal(findings_fingerprint(&whole, "src/a.c", "CWE-787", "strcpy(buf,name);", 17), 0);
	assert_int_equal(findings_fingerprint_lines(&sliced, "src/a.c", "CWE-787", text, sizeof(text) - 1, 2, 2), 0);
	assert_string_equal(sliced, whole);
	assert_int_equal(findings_fingerprint(&both, "src/a.c", "CWE-787", "strcpy(buf,name);return0;", 25), 0);
	assert_int_equal(findings_fingerprint_lines(&two, "src/a.c", "CWE-787", text, sizeof(text) - 1, 2, 3), 0);
	assert_string_equal(two, both);
	/* lines past the end are empty, not an error */
	assert_int_equal(findings_fingerprint(&empty, "src/a.c", "CWE-787", "", 0), 0);
	assert_int_equal(findings_fingerprint_lines(&past, "src/a.c", "CWE-787", text, sizeof(text) - 1, 9, 12), 0);
	assert_string_equal(past, empty);
	free(whole);
	free(sliced);
	free(two);
	free(both);
	free(past);
	free(empty);
}

static void test_add_notice_keeps_one_copy(void **state)
{
	struct findings *fs = NULL;

	(void)state;
	assert_int_equal(findings_new(&fs), 0);
	assert_int_equal(findings_add_notice(fs, "no agent reviewed this code"), 0);
	assert_int_equal(findings_add_notice(fs, "budget exhausted"), 0);
	assert_int_equal(findings_add_notice(fs, "no agent reviewed this code"), 0);
	assert_int_equal(fs->run.n_notices, 2);
	assert_string_equal(fs->run.notices[0], "no agent reviewed this code");
	assert_string_equal(fs->run.notices[1], "budget exhausted");
	findings_free(fs);
}

static struct finding *add(struct findings *fs, finding_source_t src, finding_status_t st, trb_sev_t sev,
			   double conf, uint32_t a, uint32_t b, const char *cwe)
{
	struct finding *f;

	assert_int_equal(findings_add(&f, fs), 0);
	f->source = src;
	f->status = st;
	f->severity = sev;
	f->confidence = conf;
	f->start_line = a;
	f->end_line = b;
	f->path = strdup("app.py");
	f->cwe = strdup(cwe);
	return f;
}

static void test_dedupe_never_talks_a_rule_finding_down(void **state)
{
	struct findings *fs;

	(void)state;
	assert_int_equal(findings_new(&fs), 0);
	add(fs, FINDING_SOURCE_RULE, FINDING_UNVERIFIED, TRB_SEV_CRITICAL, 0.95, 1, 1, "CWE-798");
	add(fs, FINDING_SOURCE_FINDER, FINDING_CONFIRMED, TRB_SEV_LOW, 0.9, 1, 1, "CWE-798");
	/* overlapping, other CWE: kept apart */
	add(fs, FINDING_SOURCE_FINDER, FINDING_CONFIRMED, TRB_SEV_HIGH, 0.9, 1, 2, "CWE-89");
	/* an inline-ignored hit is never folded into another finding */
	add(fs, FINDING_SOURCE_RULE, FINDING_SUPPRESSED, TRB_SEV_HIGH, 0.9, 2, 2, "CWE-89");
	assert_int_equal(findings_dedupe(fs), 0);
	assert_int_equal(fs->n, 3);
	assert_int_equal(fs->v[0].status, FINDING_CONFIRMED);
	assert_int_equal(fs->v[0].severity, TRB_SEV_CRITICAL);
	assert_true(fs->v[0].confidence > 0.94);
	assert_int_equal(fs->v[2].status, FINDING_SUPPRESSED);
	findings_free(fs);
}

static void test_status_rank_orders_decisions(void **state)
{
	(void)state;
	assert_true(findings_status_rank(FINDING_SUPPRESSED) > findings_status_rank(FINDING_CONFIRMED));
	assert_true(findings_status_rank(FINDING_CONFIRMED) > findings_status_rank(FINDING_UNVERIFIED));
	assert_true(findings_status_rank(FINDING_UNVERIFIED) > findings_status_rank(FINDING_UNCERTAIN));
	assert_true(findings_status_rank(FINDING_UNCERTAIN) > findings_status_rank(FINDING_REJECTED));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_gate_table),
		cmocka_unit_test(test_suppressions_and_disabled_categories),
		cmocka_unit_test(test_suppression_records_which_entry_matched),
		cmocka_unit_test(test_fingerprint_ignores_whitespace_and_line_numbers),
		cmocka_unit_test(test_fingerprint_lines_hashes_the_flagged_lines),
		cmocka_unit_test(test_add_notice_keeps_one_copy),
		cmocka_unit_test(test_dedupe_never_talks_a_rule_finding_down),
		cmocka_unit_test(test_status_rank_orders_decisions),
	};
	return cmocka_run_group_tests_name("findings_gate", tests, NULL, NULL);
}
