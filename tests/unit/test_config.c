/* config/: the policy loader, as a compiler: a table of broken policies with the exact line,
 * column and message, the defaults, suppression expiry with a fixed clock, YAML output. */
#define _GNU_SOURCE   /* RTLD_NEXT, to fail one strdup on purpose */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "util/err.h"

#define TODAY 20260601

/* While set, strdup() of a string holding this text fails, as if memory ran out just there. */
static const char *fail_strdup_of;

char *strdup(const char *s)
{
	static char *(*real)(const char *);
	size_t n;
	char *p;

	if (fail_strdup_of && strstr(s, fail_strdup_of))
		return NULL;
	if (!real)
		*(void **)&real = dlsym(RTLD_NEXT, "strdup");
	if (real)
		return real(s);
	n = strlen(s) + 1;
	if ((p = malloc(n)) != NULL)
		memcpy(p, s, n);
	return p;
}

/* Loads text; returns every diagnostic as "L:C: error|warning: msg" lines joined by \n. */
static char *diags_of(const char *text, int *rc, struct config **out)
{
	struct config_diags d = {0};
	struct config *c = NULL;
	size_t i, n = 0;
	char *s = calloc(1, 65536);

	*rc = config_load(&c, &d, "p.yml", text, strlen(text), TODAY);
	for (i = 0; i < d.n && n < 65000; i++)
		n += (size_t)snprintf(s + n, 65536 - n, "%zu:%zu: %s: %s\n", d.v[i].line, d.v[i].col,
				      d.v[i].warning ? "warning" : "error", d.v[i].msg);
	config_diags_dispose(&d);
	if (out)
		*out = c;
	else
		config_free(c);
	return s;
}

struct broken {
	const char *yaml;
	const char *want;   /* one whole diagnostic line */
};

static const struct broken broken[] = {
	{"mode: blocking\n", "1:7: error: mode: unknown value 'blocking' (did you mean 'block'?); expected one of: block, comment, monitor"},
	{"mode: strict\n", "1:7: error: mode: unknown value 'strict'; expected one of: block, comment, monitor"},
	{"modes: block\n", "1:1: error: unknown key 'modes' (did you mean 'mode'?)"},
	{"frobnicate: 1\n", "1:1: error: unknown key 'frobnicate'"},
	{"version: 2\n", "1:10: error: version: this tribunal understands policy version 1, got 2"},
	{"version: one\n", "1:10: error: version: expected an integer, got 'one'"},
	{"gate:\n  fail_onn: high\n", "2:3: error: unknown key 'gate.fail_onn' (did you mean 'fail_on'?)"},
	{"gate:\n  fail_on: hihg\n", "2:12: error: gate.fail_on: unknown value 'hihg' (did you mean 'high'?); expected one of: low, medium, high, critical, none"},
	{"gate:\n  fail_on: [high]\n", "2:12: error: gate.fail_on: expected one of the names below, got a list"},
	{"gate:\n  min_confidence: 1.5\n", "2:19: error: gate.min_confidence: 1.5 is out of range (0 to 1)"},
	{"gate:\n  min_confidence: high\n", "2:19: error: gate.min_confidence: expected a number, got 'high'"},
	{"gate:\n  min_confidence: \"0.5\"\n", "2:19: error: gate.min_confidence: expected a number, got a quoted string"},
	{"gate:\n  max_findings: {medium: -1}\n", "2:26: error: gate.max_findings.medium: -1 is out of range (0 to 1000000)"},
	{"gate:\n  max_findings: {severe: 1}\n", "2:18: error: unknown key 'gate.max_findings.severe'"},
	{"gate:\n  require_verified: yes\n", "2:21: error: gate.require_verified: expected a boolean (true or false), got 'yes'"},
	{"gate: high\n", "1:7: error: gate: expected a mapping (key: value lines), got a scalar"},
	{"gate:\n", "1:6: error: gate: expected a mapping (key: value lines), got nothing"},
	{"paths:\n  include: \"src/[abc\"\n", "2:12: error: paths.include: bad glob 'src/[abc': unclosed '[' in pattern"},
	{"paths:\n  exclude: {a: 1}\n", "2:12: error: paths.exclude: expected a list of strings, got a mapping"},
	{"paths:\n  exlude: [a]\n", "2:3: error: unknown key 'paths.exlude' (did you mean 'exclude'?)"},
	{"context_lines: 500\n", "1:16: error: context_lines: 500 is out of range (0 to 200)"},
	{"context_lines: 2.5\n", "1:16: error: context_lines: expected an integer, got '2.5'"},
	{"context_lines: 200000000000000000000000000\n", "1:16: error: context_lines: 200000000000000000000000000 is out of range (0 to 200)"},
	{"max_file_bytes: 0\n", "1:17: error: max_file_bytes: 0 is out of range (1 to 67108864)"},
	{"agents:\n  finder: {provider: antropic}\n", "2:22: error: agents.finder.provider: unknown value 'antropic' (did you mean 'anthropic'?); expected one of: anthropic, openai"},
	{"agents:\n  finder: {model: \"gpt 4\"}\n", "2:19: error: agents.finder.model: 'gpt 4' is not a model name (letters, digits and - . _ : / @)"},
	{"agents:\n  finder: {max_turns: 0}\n", "2:23: error: agents.finder.max_turns: 0 is out of range (1 to 100)"},
	{"agents:\n  verifier: {max_conversation_tokens: 500}\n", "2:39: error: agents.verifier.max_conversation_tokens: 500 is out of range (1000 to 100000000)"},
	{"agents:\n  finder: {votes: 3}\n", "2:12: error: unknown key 'agents.finder.votes'"},
	{"agents:\n  verifier: {votes: 2}\n", "2:21: error: agents.verifier.votes: use an odd number of votes so that a majority exists, got 2"},
	{"agents:\n  patcher: {min_severity: none}\n", "2:27: error: agents.patcher.min_severity: unknown value 'none'; expected one of: low, medium, high, critical"},
	{"agents:\n  reviewer: {}\n", "2:3: error: unknown key 'agents.reviewer'"},
	{"agents:\n  finder: {temperature: 3}\n", "2:25: error: agents.finder.temperature: 3 is out of range (0 to 2)"},
	{"budget: {concurrency: 0}\n", "1:23: error: budget.concurrency: 0 is out of range (1 to 64)"},
	{"budget: {max_usd: cheap}\n", "1:19: error: budget.max_usd: expected a number, got 'cheap'"},
	{"budget: {timeout: 60}\n", "1:10: error: unknown key 'budget.timeout' (did you mean 'timeout_s'?)"},
	{"on_error: ignore\n", "1:11: error: on_error: unknown value 'ignore'; expected one of: pass, fail"},
	{"require_agents: 1\n", "1:17: error: require_agents: expected a boolean (true or false), got '1'"},
	{"privacy:\n  never_send: \"[x\"\n", "2:15: error: privacy.never_send: bad glob '[x': unclosed '[' in pattern"},
	{"categories:\n  disable: [sqli]\n", "2:13: error: categories.disable: unknown category 'sqli'; use a category name (see docs/policy.md) or CWE-NNN"},
	{"categories:\n  disable: [xsss]\n", "2:13: error: categories.disable: unknown category 'xsss' (did you mean 'xss'?); use a category name or CWE-NNN"},
	{"instructions:\n  - paths: [\"api/**\"]\n", "2:5: error: instructions[0]: an instruction needs 'text'"},
	{"instructions: {text: x}\n", "1:15: error: instructions: expected a list, got a mapping"},
	{"rules:\n  - {id: r1, pattern: \"a(b\", message: m}\n", "2:27: error: rules[0].pattern: invalid regular expression: missing closing parenthesis (at offset 3)"},
	{"rules:\n  - {id: r1, pattern: x(, message: m}\n", "2:25: error: rules[0].pattern: invalid regular expression: missing closing parenthesis (at offset 2)"},
	{"rules:\n  - {id: r1, message: m}\n", "2:5: error: rules[0]: a rule needs a 'pattern'"},
	{"rules:\n  - {pattern: x, message: m}\n", "2:5: error: rules[0]: a rule needs an 'id'"},
	{"rules:\n  - {id: \"bad id\", pattern: x, message: m}\n", "2:10: error: rules[0].id: a rule id is 1 to 64 letters, digits, '-', '_' or '.', got 'bad id'"},
	{"rules:\n  - {id: a, pattern: x, message: m}\n  - {id: a, pattern: y, message: m}\n", "3:5: error: rules: duplicate rule id (ids must be unique)"},
	{"rules:\n  - {id: a, pattern: x, message: m, languages: [cobol]}\n", "2:49: error: rules[0].languages: unknown value 'cobol'; expected one of: c, cpp, go, java, kotlin, javascript, typescript, rust, php, csharp, swift, scala, python, ruby, shell, sql, other"},
	/* compiled as `scan` compiles them: no UTF */
	{"rules:\n  - {id: a, pattern: \"(*UTF)abc\", message: m}\n", "2:29: error: rules[0].pattern: invalid regular expression: using UTF is disabled by the application (at offset 6)"},
	{"rules:\n  - {id: a, pattern: \"\\\\x{100}\", message: m}\n", "2:30: error: rules[0].pattern: invalid regular expression: character code point value in \\x{} or \\o{} is too large (at offset 6)"},
	/* escapes are wider in the source than in the pattern: the column still points at the spot */
	{"rules:\n  - {id: a, pattern: 'it''s(x', message: m}\n", "2:30: error: rules[0].pattern: invalid regular expression: missing closing parenthesis (at offset 6)"},
	{"rules:\n  - {id: a, pattern: \"\\u00e9(x\", message: m}\n", "2:31: error: rules[0].pattern: invalid regular expression: missing closing parenthesis (at offset 4)"},
	{"rules:\n  - {id: a, pattern: \"\\xe9\\xe9\\xe9(\", message: m}\n", "2:36: error: rules[0].pattern: invalid regular expression: missing closing parenthesis (at offset 7)"},
	{"rules:\n  - id: a\n    message: m\n    pattern: |\n      a(b\n", "4:14: error: rules[0].pattern: invalid regular expression: missing closing parenthesis (at offset 4)"},
	{"rules:\n  - {id: a, pattern: x, message: m, cwe: 79}\n", "2:42: error: rules[0].cwe: expected a CWE id like CWE-327, got '79'"},
	{"suppressions:\n  - {fingerprint: 0123456789abcdef0123}\n", "2:5: error: suppressions[0]: a suppression needs a 'reason' (why the risk is accepted, and a ticket)"},
	{"suppressions:\n  - {reason: r}\n", "2:5: error: suppressions[0]: a suppression needs a 'fingerprint', or a 'rule' with an optional 'path'"},
	{"suppressions:\n  - {fingerprint: XYZ, reason: r}\n", "2:19: error: suppressions[0].fingerprint: a fingerprint is 16 to 64 lowercase hex digits (copy it from findings.json), got 'XYZ'"},
	{"suppressions:\n  - {rule: r, reason: r, expires: 2026-02-30}\n", "2:35: error: suppressions[0].expires: expected a date YYYY-MM-DD, got '2026-02-30'"},
	{"suppressions:\n  - {rule: r, reason: r, expires: tomorrow}\n", "2:35: error: suppressions[0].expires: expected a date YYYY-MM-DD, got 'tomorrow'"},
	{"suppressions:\n  - {path: \"a/**\", reason: r}\n", "2:5: error: suppressions[0]: 'path' narrows a 'rule' suppression; add the 'rule'"},
	{"prices:\n  my-model: {input: -1, output: 2}\n", "2:21: error: prices.my-model.input: -1 is out of range (0 to 10000)"},
	{"mode: block\nmode: monitor\n", "2:1: error: duplicate key 'mode'"},
	{"gate:\n  fail_on: high\n  fail_on: low\n", "3:3: error: gate: duplicate key 'fail_on'"},
	{"a:\n\tb: 1\n", "2:1: error: invalid YAML: found character that cannot start any token while scanning for the next token"},
	{"mode: [block\n", "2:1: error: invalid YAML: did not find expected ',' or ']' while parsing a flow sequence"},
	{"mode: block\n---\nmode: comment\n", "2:1: error: a policy is one YAML document; found a second one"},
	{"- mode\n", "1:1: error: the policy: expected a mapping (key: value lines), got a list"},
	{"mode: *undefined\n", "1:7: error: invalid YAML: found undefined alias"},
};

static void test_broken_policies_report_exact_line_column_and_message(void **state)
{
	size_t i, failed = 0;

	(void)state;
	assert_true(sizeof(broken) / sizeof(broken[0]) >= 40);
	for (i = 0; i < sizeof(broken) / sizeof(broken[0]); i++) {
		int rc;
		char *all = diags_of(broken[i].yaml, &rc, NULL);
		char want[1024];
		snprintf(want, sizeof(want), "%s\n", broken[i].want);
		if (rc != TRB_EINVAL || !strstr(all, want)) {
			print_error("policy #%zu:\n%s\nwant: %s\ngot (rc %d):\n%s\n", i, broken[i].yaml, broken[i].want, rc, all);
			failed++;
		}
		free(all);
	}
	assert_int_equal(failed, 0);
}

static void test_every_problem_is_reported_in_one_run(void **state)
{
	int rc;
	char *all = diags_of("mode: x\ngate: {fail_on: y, min_confidence: 9}\nbudget: {concurrency: 0}\nzzz: 1\n", &rc, NULL);
	size_t lines = 0;
	const char *p;

	(void)state;
	for (p = all; *p; p++)
		lines += *p == '\n';
	assert_int_equal(rc, TRB_EINVAL);
	assert_int_equal(lines, 5);
	free(all);
}

static void test_defaults_when_empty(void **state)
{
	struct config *c = NULL;
	int rc;
	char *all = diags_of("", &rc, &c);

	(void)state;
	assert_int_equal(rc, 0);
	assert_string_equal(all, "");
	assert_int_equal(c->mode, CONFIG_MODE_BLOCK);
	assert_int_equal(c->gate.fail_on, TRB_SEV_HIGH);
	assert_true(c->gate.min_confidence > 0.79 && c->gate.min_confidence < 0.81);
	assert_int_equal(c->on_error, CONFIG_ON_ERROR_PASS);
	assert_false(c->require_agents);
	assert_int_equal(c->context_lines, 5);
	assert_int_equal(c->include.n, 1);
	assert_string_equal(c->include.v[0], "**");
	assert_int_equal(c->budget.concurrency, 8);
	assert_int_equal(c->gate.max_findings[TRB_SEV_LOW], -1);
	assert_true(config_path_included(c, "a/b.c"));
	config_free(c);
	free(all);
}

static void test_full_policy_loads(void **state)
{
	static const char text[] =
		"version: 1\n"
		"mode: comment\n"
		"gate: {fail_on: medium, min_confidence: 0.6, max_findings: {low: 10}, require_verified: true}\n"
		"paths: {include: [\"src/**\"], exclude: [\"**/*_test.go\"]}\n"
		"agents:\n"
		"  finder: {provider: anthropic, model: claude-sonnet-4-5, max_turns: 10, max_conversation_tokens: 80000}\n"
		"  verifier: {provider: openai, model: gpt-4.1, votes: 3}\n"
		"  patcher: {enabled: false}\n"
		"budget: {max_tokens: 100000, max_usd: 1.5, concurrency: 4, timeout_s: 600}\n"
		"on_error: fail\n"
		"require_agents: true\n"
		"privacy: {never_send: [\"secrets/**\"]}\n"
		"categories: {disable: [dos, CWE-400]}\n"
		"instructions: [{paths: [\"api/**\"], text: \"call require_tenant()\"}]\n"
		"rules: [{id: no-md5, pattern: \"\\\\bmd5\\\\(\", message: no MD5, severity: low, languages: [python]}]\n"
		"suppressions:\n"
		"  - {fingerprint: 0123456789abcdef0123456789abcdef, reason: accepted SEC-1, expires: 2027-01-31}\n"
		"  - {rule: no-md5, path: \"legacy/**\", reason: old code, owner: alice}\n"
		"prices: {my-model: {input: 1, output: 2}}\n";
	struct config *c = NULL;
	int rc;
	char *all = diags_of(text, &rc, &c);

	(void)state;
	if (rc != 0)
		fail_msg("%s", all);
	assert_int_equal(c->mode, CONFIG_MODE_COMMENT);
	assert_int_equal(c->gate.fail_on, TRB_SEV_MEDIUM);
	assert_int_equal(c->gate.max_findings[TRB_SEV_LOW], 10);
	assert_true(c->gate.require_verified);
	assert_false(config_path_included(c, "lib/a.c"));
	assert_false(config_path_included(c, "src/x/a_test.go"));
	assert_true(config_path_included(c, "src/x/a.go"));
	assert_int_equal(c->agents[CONFIG_AGENT_VERIFIER].provider, CONFIG_PROVIDER_OPENAI);
	assert_string_equal(c->agents[CONFIG_AGENT_VERIFIER].model, "gpt-4.1");
	assert_int_equal(c->agents[CONFIG_AGENT_VERIFIER].votes, 3);
	assert_int_equal(c->agents[CONFIG_AGENT_FINDER].max_conversation_tokens, 80000);
	/* not set: the default */
	assert_int_equal(c->agents[CONFIG_AGENT_VERIFIER].max_conversation_tokens, 200000);
	assert_false(c->agents[CONFIG_AGENT_PATCHER].enabled);
	assert_int_equal(c->on_error, CONFIG_ON_ERROR_FAIL);
	assert_true(config_path_never_send(c, "secrets/x.pem"));
	assert_true(config_category_disabled(c, "dos", NULL));
	assert_true(config_category_disabled(c, "other", "CWE-400"));
	assert_false(config_category_disabled(c, "xss", "CWE-79"));
	assert_int_equal(c->n_rules, 1);
	assert_string_equal(c->rules[0].pattern, "\\bmd5\\(");
	assert_int_equal(c->n_suppressions, 2);
	assert_int_equal(c->suppressions[0].expires, 20270131);
	assert_false(c->suppressions[0].expired);
	assert_int_equal(c->n_prices, 1);
	config_free(c);
	free(all);
}

/* The short names docs/rules.md lists are accepted, in any case, and stored by their canonical
 * name, which is what rules/ and `policy show` know. */
static void test_language_aliases_become_canonical(void **state)
{
	struct config *c = NULL;
	int rc;
	char *all = diags_of("rules: [{id: a, pattern: x, message: m, languages: [js, Py, c++, golang, text, other]}]\n",
			     &rc, &c);

	(void)state;
	if (rc != 0)
		fail_msg("%s", all);
	assert_int_equal(c->rules[0].languages.n, 6);
	assert_string_equal(c->rules[0].languages.v[0], "javascript");
	assert_string_equal(c->rules[0].languages.v[1], "python");
	assert_string_equal(c->rules[0].languages.v[2], "cpp");
	assert_string_equal(c->rules[0].languages.v[3], "go");
	assert_string_equal(c->rules[0].languages.v[4], "other");
	assert_string_equal(c->rules[0].languages.v[5], "other");
	assert_string_equal(config_language_name("TypeScript"), "typescript");
	assert_null(config_language_name("cobol"));
	config_free(c);
	free(all);
}

/* An error whose message cannot be stored still fails the load. */
static void test_an_error_counts_even_when_out_of_memory(void **state)
{
	struct config_diags d = {0};
	struct config *c = NULL;

	(void)state;
	fail_strdup_of = "unknown key";
	assert_int_equal(config_load(&c, &d, "p.yml", "zzz: 1\n", 7, TODAY), TRB_EINVAL);
	fail_strdup_of = NULL;
	assert_null(c);
	assert_int_equal(d.n, 0);
	assert_int_equal(d.errors, 1);
	config_diags_dispose(&d);
}

static void test_expired_suppression_warns_and_stops_suppressing(void **state)
{
	struct config *c = NULL;
	int rc;
	char *all = diags_of("suppressions:\n  - {rule: x, reason: r, owner: bob, expires: 2026-05-31}\n"
			     "  - {rule: y, reason: r, expires: 2026-06-01}\n", &rc, &c);

	(void)state;
	assert_int_equal(rc, 0);
	assert_string_equal(all, "2:5: warning: suppressions[0]: suppression expired on 2026-05-31 and no longer "
				 "suppresses anything; owner: bob\n");
	assert_true(c->suppressions[0].expired);
	assert_false(c->suppressions[1].expired);  /* expires today: still valid today */
	config_free(c);
	free(all);
}

static void test_hostile_yaml_is_bounded(void **state)
{
	char *deep = malloc(4096), *all;
	size_t i, n = 0;
	int rc;

	(void)state;
	for (i = 0; i < 100; i++)
		n += (size_t)snprintf(deep + n, 4096 - n, "[");
	all = diags_of(deep, &rc, NULL);
	assert_int_equal(rc, TRB_EINVAL);
	assert_non_null(strstr(all, "nested too deeply"));
	free(all);
	free(deep);
	/* billion laughs */
	all = diags_of("a: &a [x,x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
		       "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\n"
		       "paths: {include: *d}\n", &rc, NULL);
	assert_int_equal(rc, TRB_EINVAL);
	free(all);
	/* too big */
	{
		size_t big = CONFIG_MAX_BYTES + 10;
		char *text = malloc(big + 1);
		struct config_diags d = {0};
		struct config *c = NULL;
		memset(text, '#', big);
		text[big] = '\0';
		assert_int_equal(config_load(&c, &d, "big.yml", text, big, TODAY), TRB_EINVAL);
		assert_string_equal(d.v[0].msg, "the policy is larger than 1 MiB");
		config_diags_dispose(&d);
		free(text);
	}
	/* not text */
	{
		struct config_diags d = {0};
		struct config *c = NULL;
		assert_int_equal(config_load(&c, &d, "bin.yml", "mode: \xff\xfe", 8, TODAY), TRB_EINVAL);
		config_diags_dispose(&d);
	}
}

static void test_policy_round_trips_through_show(void **state)
{
	struct config *c = NULL, *again = NULL;
	char *yaml = NULL, *all;
	int rc;

	(void)state;
	all = diags_of("mode: monitor\nrules: [{id: q, pattern: \"it's: a \\\"quote\\\"\", message: \"m: x\"}]\n"
		       "instructions: [{text: \"line1\\nline2 # not a comment\"}]\n", &rc, &c);
	assert_int_equal(rc, 0);
	free(all);
	assert_int_equal(config_to_yaml(&yaml, c), 0);
	all = diags_of(yaml, &rc, &again);
	if (rc != 0)
		fail_msg("show output does not load:\n%s\n%s", yaml, all);
	assert_int_equal(again->mode, CONFIG_MODE_MONITOR);
	assert_string_equal(again->rules[0].pattern, "it's: a \"quote\"");
	assert_string_equal(again->instructions[0].text, "line1\nline2 # not a comment");
	free(all);
	free(yaml);
	config_free(c);
	config_free(again);
	/* the starter policy is valid */
	all = diags_of(config_starter(), &rc, NULL);
	if (rc != 0)
		fail_msg("starter policy: %s", all);
	free(all);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_broken_policies_report_exact_line_column_and_message),
		cmocka_unit_test(test_every_problem_is_reported_in_one_run),
		cmocka_unit_test(test_defaults_when_empty),
		cmocka_unit_test(test_full_policy_loads),
		cmocka_unit_test(test_language_aliases_become_canonical),
		cmocka_unit_test(test_an_error_counts_even_when_out_of_memory),
		cmocka_unit_test(test_expired_suppression_warns_and_stops_suppressing),
		cmocka_unit_test(test_hostile_yaml_is_bounded),
		cmocka_unit_test(test_policy_round_trips_through_show),
	};
	return cmocka_run_group_tests_name("config", tests, NULL, NULL);
}
