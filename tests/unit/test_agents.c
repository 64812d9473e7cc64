/* agents/: tools refuse escapes, model reports are validated, patches normalized and applied in
 * memory, the cache trusts only its own entries. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agents/agents_int.h"
#include "tests/helpers/fixture_repo.h"
#include "util/err.h"

struct ctx {
	struct fixture_repo *repo;
	struct config *policy;
	struct agents_tools tools;
};

static const char app_py[] =
	"import sqlite3\n"                                                   /* 1 */
	"\n"                                                                 /* 2 */
	"\n"                                                                 /* 3 */
	"def get_user(db, user_id):\n"                                       /* 4 */
	"    return db.execute(\"SELECT 1 WHERE id = ?\", (user_id,))\n"     /* 5 */
	"\n"                                                                 /* 6 */
	"\n"                                                                 /* 7 */
	"def search(db, term):\n"                                            /* 8 */
	"    query = \"SELECT 1 WHERE n LIKE '%\" + term + \"%'\"\n"         /* 9 */
	"    return db.execute(query)\n";                                    /* 10 */

static int setup(void **state)
{
	struct ctx *c = calloc(1, sizeof(*c));
	git_oid head;
	const struct fixture_file files[] = {
		{"app.py", app_py},
		{"secrets/key.pem", "-----BEGIN PRIVATE KEY-----\nx\n"},
		{"link.py", "/etc/passwd", 0, 0120000},
		{"src/lib/util.c", "int x;\n"},
		{"bin.dat", "\x7f" "ELF\0\0\0\0", 8},
		{NULL},
	};

	c->repo = fixture_repo_new();
	assert_non_null(c->repo);
	assert_int_equal(fixture_repo_commit(&head, c->repo, NULL, "head", files), 0);
	assert_int_equal(config_new_default(&c->policy), 0);
	c->policy->never_send.v = calloc(1, sizeof(char *));
	c->policy->never_send.v[0] = strdup("secrets/**");
	c->policy->never_send.n = 1;
	assert_int_equal(agents_tools_init(&c->tools, c->repo->repo, &head, c->policy, NULL), 0);
	*state = c;
	return 0;
}

static int teardown(void **state)
{
	struct ctx *c = *state;

	agents_tools_dispose(&c->tools);
	config_free(c->policy);
	fixture_repo_free(c->repo);
	free(c);
	return 0;
}

static char *tool(struct ctx *c, const char *name, const char *json, bool *is_error)
{
	struct trb_buf out = TRB_BUF_INIT(TRB_LIMIT_PROMPT);
	cJSON *args = cJSON_Parse(json);

	assert_int_equal(agents_tool_call(&out, is_error, &c->tools, name, args), 0);
	cJSON_Delete(args);
	return trb_buf_detach(&out);
}

static void test_tools_refuse_paths_outside_the_tree(void **state)
{
	struct ctx *c = *state;
	static const struct {
		const char *json, *want;
	} cases[] = {
		{"{\"path\": \"../../etc/passwd\"}", "'..' segments are refused"},
		{"{\"path\": \"/etc/passwd\"}", "absolute paths are refused"},
		{"{\"path\": \".git/config\"}", "paths into .git are refused"},
		{"{\"path\": \"src/../../x\"}", "'..' segments are refused"},
		{"{\"path\": \"link.py\"}", "symbolic link"},
		{"{\"path\": \"secrets/key.pem\"}", "privacy.never_send"},
		{"{\"path\": \"bin.dat\"}", "binary"},
		{"{\"path\": \"nope.py\"}", "no such file"},
		{"{\"path\": \"src\"}", "directory"},
		{"{\"path\": 7}", "a path is required"},
		{"{\"path\": \"app.py\", \"start_line\": -3}", "positive integers"},
		{"{\"path\": \"app.py\", \"start_line\": 50}", "past its end"},
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		bool err = false;
		char *out = tool(c, "read_file", cases[i].json, &err);
		if (!err || !strstr(out, cases[i].want))
			fail_msg("read_file %s: got '%s', want an error with '%s'", cases[i].json, out, cases[i].want);
		free(out);
	}
}

static void test_read_file_numbers_lines_and_caps(void **state)
{
	struct ctx *c = *state;
	bool err;
	char *out = tool(c, "read_file", "{\"path\": \"./app.py\", \"start_line\": 8, \"end_line\": 9}", &err);

	assert_false(err);
	assert_non_null(strstr(out, "app.py (lines 8-9 of 10)"));
	assert_non_null(strstr(out, "     8\tdef search(db, term):\n"));
	assert_non_null(strstr(out, "[more lines follow: read from line 10]"));
	assert_null(strstr(out, "get_user"));
	free(out);
}

static void test_search_and_list(void **state)
{
	struct ctx *c = *state;
	bool err;
	char *out = tool(c, "search_code", "{\"pattern\": \"db\\\\.execute\", \"path_glob\": \"*.py\"}", &err);

	assert_false(err);
	assert_non_null(strstr(out, "app.py:5: "));
	assert_non_null(strstr(out, "app.py:10: "));
	free(out);
	/* never_send files are not searched */
	out = tool(c, "search_code", "{\"pattern\": \"PRIVATE\"}", &err);
	assert_non_null(strstr(out, "(no matches)"));
	free(out);
	/* a catastrophic pattern stops at the match limit, it does not hang */
	out = tool(c, "search_code", "{\"pattern\": \"(a|a)*(a|a)*(a|a)*$\"}", &err);
	assert_false(err);
	free(out);
	out = tool(c, "search_code", "{\"pattern\": \"(unclosed\"}", &err);
	assert_true(err);
	assert_non_null(strstr(out, "invalid pattern"));
	free(out);
	out = tool(c, "list_files", "{}", &err);
	assert_false(err);
	assert_non_null(strstr(out, "src/\n"));
	assert_non_null(strstr(out, "link.py (symlink, not followed)"));
	free(out);
	out = tool(c, "list_files", "{\"directory\": \"..\"}", &err);
	assert_true(err);
	free(out);
	out = tool(c, "frobnicate", "{}", &err);
	assert_true(err);
	assert_non_null(strstr(out, "unknown tool"));
	free(out);
}

/* ---- secrets never reach the model through the read-only tools ---- */

struct secrets_ctx {
	struct fixture_repo *repo;
	struct rules *rules;
	struct agents_tools tools;
	char key[12][65];          /* the body lines of a PEM private key */
	char ant[120];             /* an Anthropic-style key */
};

/* n characters of base64 alphabet from a fixed generator: the same "secret" every run */
static void fill_b64(char *out, size_t n, unsigned *seed)
{
	static const char abc[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t i;

	for (i = 0; i < n; i++) {
		*seed = *seed * 1103515245u + 12345u;
		out[i] = abc[(*seed >> 16) % 64];
	}
	out[n] = '\0';
}

static int setup_secrets(void **state)
{
	struct secrets_ctx *c = calloc(1, sizeof(*c));
	char pem[2048], long_line[1024], probe[512], *many;
	size_t used, many_len = 4100 * 47;
	unsigned seed = 7;
	size_t i;
	git_oid head;

	assert_non_null(c);
	used = (size_t)snprintf(pem, sizeof(pem), "-----BEGIN PRIVATE KEY-----\n");
	for (i = 0; i < 12; i++) {
		fill_b64(c->key[i], 64, &seed);
		used += (size_t)snprintf(pem + used, sizeof(pem) - used, "%s\n", c->key[i]);
	}
	snprintf(pem + used, sizeof(pem) - used, "-----END PRIVATE KEY-----\n");
	memcpy(c->ant, "sk-ant-api03-", 13);
	fill_b64(c->ant + 13, 95, &seed);
	for (i = 13; i < 108; i++)   /* the key alphabet has no '+' or '/' */
		if (c->ant[i] == '+' || c->ant[i] == '/')
			c->ant[i] = 'Q';
	/* the key starts at column 150 and runs past byte 240 */
	snprintf(long_line, sizeof(long_line), "CONFIG = {'region': 'eu-west-1', 'owner': 'platform-team', "
		 "'comment': 'rotated quarterly by the platform team, see the runbook............'}; KEY = \"%s\"  # ANCHOR\n",
		 c->ant);
	assert_int_equal(strstr(long_line, "sk-ant-") - long_line, 149);
	snprintf(probe, sizeof(probe), "import os\nTOKEN = \"%s\"\n", c->ant);
	/* more secrets than redaction handles: the file is never shown */
	assert_non_null(many = malloc(many_len + 1));
	for (i = 0, used = 0; i < 4100; i++) {
		char tok[40];
		size_t k;
		fill_b64(tok, 36, &seed);
		for (k = 0; k < 36; k++)
			if (tok[k] == '+' || tok[k] == '/')
				tok[k] = 'z';
		used += (size_t)snprintf(many + used, many_len + 1 - used, "t = \"ghp_%s\"\n", tok);
	}
	{
		const struct fixture_file files[] = {
			{"deploy/server.pem", pem},
			{"long.py", long_line},
			{"conf.py", probe},
			{"many.py", many},
			{NULL},
		};
		c->repo = fixture_repo_new();
		assert_non_null(c->repo);
		assert_int_equal(fixture_repo_commit(&head, c->repo, NULL, "head", files), 0);
	}
	free(many);
	assert_int_equal(rules_new(&c->rules, NULL), 0);
	assert_int_equal(agents_tools_init(&c->tools, c->repo->repo, &head, NULL, c->rules), 0);
	*state = c;
	return 0;
}

static int teardown_secrets(void **state)
{
	struct secrets_ctx *c = *state;

	agents_tools_dispose(&c->tools);
	rules_free(c->rules);
	fixture_repo_free(c->repo);
	free(c);
	return 0;
}

/* Fails when any 12 consecutive bytes of secret appear in text. */
static void assert_no_piece_of(const char *text, const char *secret, const char *what)
{
	size_t i, n = strlen(secret);

	for (i = 0; i + 12 <= n; i++) {
		char piece[13];
		memcpy(piece, secret + i, 12);
		piece[12] = '\0';
		if (strstr(text, piece))
			fail_msg("%s: bytes %zu.. of a secret reached the model:\n%s", what, i, text);
	}
}

static char *secrets_tool(struct secrets_ctx *c, const char *name, const char *json, bool *is_error)
{
	struct trb_buf out = TRB_BUF_INIT(TRB_LIMIT_PROMPT);
	cJSON *args = cJSON_Parse(json);

	assert_int_equal(agents_tool_call(&out, is_error, &c->tools, name, args), 0);
	cJSON_Delete(args);
	return trb_buf_detach(&out);
}

static void test_cache_writes_never_follow_a_planted_link(void **state)
{
	char dir[] = "/tmp/tribunal-cache-XXXXXX", key[65], path[4096], victim[4096], missing[4200];
	const char *parts[] = {"verdict", "hash", "model"};
	cJSON *payload = cJSON_Parse("{\"verdict\": \"rejected\"}"), *got;
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	agents_cache_key(key, parts, 3);
	snprintf(victim, sizeof(victim), "%s/victim", dir);
	f = fopen(victim, "w");
	fputs("untouched", f);
	fclose(f);
	snprintf(path, sizeof(path), "%s/verdict-%s.json", dir, key);
	assert_int_equal(symlink(victim, path), 0);
	agents_cache_put(dir, "verdict", key, payload);
	{
		char buf[32] = "";
		f = fopen(victim, "r");
		assert_non_null(fgets(buf, sizeof(buf), f));
		fclose(f);
		assert_string_equal(buf, "untouched");
	}
	got = agents_cache_get(dir, "verdict", key);
	assert_non_null(got);
	cJSON_Delete(got);
	/* the directory is the caller's to make: a write into a missing one is dropped */
	snprintf(missing, sizeof(missing), "%s/no/such/dir", dir);
	agents_cache_put(missing, "verdict", key, payload);
	snprintf(missing, sizeof(missing), "%s/no", dir);
	assert_int_not_equal(access(missing, F_OK), 0);
	unlink(path);
	unlink(victim);
	rmdir(dir);
	cJSON_Delete(payload);
}

static void test_prompts_from_a_directory_are_checked(void **state)
{
	char dir[] = "/tmp/tribunal-prompts-XXXXXX", path[4096], hash[65], *text = NULL;
	FILE *f;
	size_t i;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/finder.md", dir);
	f = fopen(path, "w");
	fputs("Find bugs. Delimiter: {{NONCE}}.\n", f);
	fclose(f);
	assert_int_equal(agents_prompt_load(&text, hash, "finder", dir, "abc123"), 0);
	assert_string_equal(text, "Find bugs. Delimiter: abc123.\n");
	free(text);
	/* missing */
	assert_int_equal(agents_prompt_load(&text, hash, "verifier", dir, "n"), TRB_EIO);
	assert_null(text);
	assert_non_null(strstr(trb_err_msg(), "--prompts: "));
	assert_non_null(strstr(trb_err_msg(), "verifier.md"));
	/* not text */
	f = fopen(path, "w");
	fputs("bad \xff byte\n", f);
	fclose(f);
	assert_int_equal(agents_prompt_load(&text, hash, "finder", dir, "n"), TRB_EINVAL);
	assert_non_null(strstr(trb_err_msg(), "not UTF-8"));
	/* too large */
	f = fopen(path, "w");
	for (i = 0; i < 300 * 1024 / 8; i++)
		fputs("prompt. ", f);
	fclose(f);
	assert_int_equal(agents_prompt_load(&text, hash, "finder", dir, "n"), TRB_ELIMIT);
	assert_non_null(strstr(trb_err_msg(), "--prompts: "));
	assert_null(text);
	unlink(path);
	rmdir(dir);
}

static void test_read_file_inside_a_key_block_shows_no_key_line(void **state)
{
	struct secrets_ctx *c = *state;
	bool err;
	size_t k;
	char *out = secrets_tool(c, "read_file", "{\"path\": \"deploy/server.pem\", \"start_line\": 4, \"end_line\": 14}",
				 &err);

	assert_false(err);
	assert_non_null(strstr(out, "deploy/server.pem (lines 4-14 of 14)"));
	assert_non_null(strstr(out, "     4\t<redacted:private-key>\n"));
	for (k = 0; k < 12; k++)
		assert_no_piece_of(out, c->key[k], "read_file");
	free(out);
}

static void test_search_code_cannot_find_key_bytes(void **state)
{
	struct secrets_ctx *c = *state;
	bool err;
	size_t k;
	char *out = secrets_tool(c, "search_code", "{\"pattern\": \"^[A-Za-z0-9+/]{60,}$\"}", &err);

	assert_false(err);
	for (k = 0; k < 12; k++)
		assert_no_piece_of(out, c->key[k], "search_code");
	assert_non_null(strstr(out, "(no matches)"));
	free(out);
}

static void test_search_code_is_not_a_secret_oracle(void **state)
{
	struct secrets_ctx *c = *state;
	char json[128];
	bool err;
	char *out;

	/* a pattern that holds the key's first bytes matches only where the key is: no match at all */
	snprintf(json, sizeof(json), "{\"pattern\": \"%.16s\", \"path_glob\": \"conf.py\"}", c->ant);
	out = secrets_tool(c, "search_code", json, &err);
	assert_false(err);
	assert_non_null(strstr(out, "(no matches)"));
	free(out);
	/* the line is found by what the model may see of it, and shown redacted */
	out = secrets_tool(c, "search_code", "{\"pattern\": \"TOKEN = \", \"path_glob\": \"conf.py\"}", &err);
	assert_non_null(strstr(out, "conf.py:2: TOKEN = \"<redacted:anthropic-key>\"\n"));
	free(out);
}

static void test_search_code_cut_does_not_leak_a_key_prefix(void **state)
{
	struct secrets_ctx *c = *state;
	bool err;
	char *out = secrets_tool(c, "search_code", "{\"pattern\": \"ANCHOR\"}", &err);

	assert_false(err);
	assert_non_null(strstr(out, "long.py:1: CONFIG = "));
	assert_no_piece_of(out, c->ant + 13, "search_code");
	free(out);
}

static void test_tools_refuse_files_with_too_many_secrets(void **state)
{
	struct secrets_ctx *c = *state;
	bool err;
	char *out = secrets_tool(c, "read_file", "{\"path\": \"many.py\", \"start_line\": 5, \"end_line\": 6}", &err);

	assert_true(err);
	assert_non_null(strstr(out, "more secrets than can be redacted"));
	assert_null(strstr(out, "ghp_"));
	free(out);
	out = secrets_tool(c, "search_code", "{\"pattern\": \"t = \"}", &err);
	assert_false(err);
	assert_null(strstr(out, "many.py:"));
	assert_non_null(strstr(out, "[some files were skipped: they hold more secrets than can be redacted]"));
	free(out);
}

static void test_findings_are_validated_field_by_field(void **state)
{
	struct ctx *c = *state;
	struct findings *fs;
	size_t dropped;
	char err[256];
	cJSON *args = cJSON_Parse(
		"{\"findings\": ["
		"{\"path\": \"app.py\", \"start_line\": 10, \"end_line\": 9, \"category\": \"SQL Injection\","
		" \"severity\": \"HIGH\", \"confidence\": 1.7, \"title\": \"sqli\", \"description\": \"d\","
		" \"data_flow\": [{\"path\": \"../x\", \"line\": 1}, {\"path\": \"app.py\", \"line\": 999},"
		"  {\"path\": \"src/lib/util.c\", \"line\": 50}, {\"path\": \"missing.py\", \"line\": 1},"
		"  {\"path\": \"app.py\", \"line\": 3}, {\"path\": \"src/lib/util.c\", \"line\": 0}]},"
		"{\"path\": \"missing.py\", \"start_line\": 1, \"end_line\": 1, \"category\": \"xss\","
		" \"severity\": \"high\", \"confidence\": 0.9, \"title\": \"t\", \"description\": \"d\"},"
		"{\"path\": \"app.py\", \"start_line\": 999999, \"end_line\": 999999, \"category\": \"IDOR\","
		" \"cwe\": 639, \"severity\": \"medium\", \"confidence\": \"0.5\", \"title\": \"a\\u0007b\", \"description\": \"d\"},"
		"{\"path\": \"app.py\", \"severity\": \"severe\", \"confidence\": 0.5, \"title\": \"x\"},"
		"42]}");

	assert_int_equal(findings_new(&fs), 0);
	assert_int_equal(agents_validate_findings(fs, &dropped, args, &c->tools, 3, err, sizeof(err)), 0);
	assert_int_equal(fs->n, 2);
	assert_int_equal(dropped, 3);
	assert_int_equal(fs->v[0].start_line, 9);
	assert_int_equal(fs->v[0].end_line, 10);
	assert_string_equal(fs->v[0].category, "sql-injection");
	assert_string_equal(fs->v[0].cwe, "CWE-89");
	assert_int_equal(fs->v[0].severity, TRB_SEV_HIGH);
	assert_true(fs->v[0].confidence == 1.0);
	/* each step is clamped to its own file's lines, however often the file comes back */
	assert_int_equal(fs->v[0].n_flow, 4);
	assert_int_equal(fs->v[0].flow[0].line, 10);
	assert_string_equal(fs->v[0].flow[1].path, "src/lib/util.c");
	assert_int_equal(fs->v[0].flow[1].line, 1);
	assert_int_equal(fs->v[0].flow[2].line, 3);
	assert_int_equal(fs->v[0].flow[3].line, 1);
	assert_int_equal(fs->v[0].unit, 3);
	assert_int_equal(fs->v[1].start_line, 10);
	assert_string_equal(fs->v[1].category, "authorization");
	assert_string_equal(fs->v[1].cwe, "CWE-639");
	assert_string_equal(fs->v[1].title, "ab");
	findings_free(fs);
	cJSON_Delete(args);
	/* the whole report malformed */
	args = cJSON_Parse("{\"results\": []}");
	assert_int_equal(findings_new(&fs), 0);
	assert_int_equal(agents_validate_findings(fs, &dropped, args, &c->tools, 1, err, sizeof(err)), TRB_EINVAL);
	assert_non_null(strstr(err, "findings"));
	findings_free(fs);
	cJSON_Delete(args);
}

/* A report naming more files than the line-count memo holds still clamps each to its own file */
static void test_findings_naming_many_files(void **state)
{
	struct ctx *c = *state;
	struct trb_buf b = TRB_BUF_INIT(TRB_LIMIT_SMALL);
	struct findings *fs;
	size_t dropped, i;
	char err[256];
	cJSON *args;

	trb_buf_puts(&b, "{\"findings\": [{\"path\": \"app.py\", \"start_line\": 2, \"end_line\": 2,"
		     " \"category\": \"xss\", \"severity\": \"low\", \"confidence\": 0.5, \"title\": \"t\","
		     " \"data_flow\": [");
	for (i = 0; i < 40; i++)
		trb_buf_printf(&b, "{\"path\": \"m%zu.py\", \"line\": 1}, ", i);
	trb_buf_puts(&b, "{\"path\": \"app.py\", \"line\": 99}, {\"path\": \"m3.py\", \"line\": 1},"
		     " {\"path\": \"src/lib/util.c\", \"line\": 9}]}]}");
	assert_int_equal(trb_buf_error(&b), 0);
	args = cJSON_Parse(b.ptr);
	assert_non_null(args);
	assert_int_equal(findings_new(&fs), 0);
	assert_int_equal(agents_validate_findings(fs, &dropped, args, &c->tools, 1, err, sizeof(err)), 0);
	assert_int_equal(fs->n, 1);
	assert_int_equal(fs->v[0].n_flow, 2);
	assert_int_equal(fs->v[0].flow[0].line, 10);
	assert_int_equal(fs->v[0].flow[1].line, 1);
	findings_free(fs);
	cJSON_Delete(args);
	trb_buf_dispose(&b);
}

static void test_categories_map_to_cwes(void **state)
{
	(void)state;
	assert_string_equal(agents_category("Cross-Site Scripting (stored)"), "xss");
	assert_string_equal(agents_category("OS command injection"), "command-injection");
	assert_string_equal(agents_category("path_traversal"), "path-traversal");
	assert_string_equal(agents_category("Heap buffer overflow"), "memory-safety");
	assert_string_equal(agents_category("NoSQL injection"), "nosql-injection");
	assert_string_equal(agents_category("something odd"), "other");
	assert_string_equal(agents_category_cwe("ssrf"), "CWE-918");
	assert_string_equal(agents_category_cwe("hardcoded-secret"), "CWE-798");
}

static void test_verdicts_are_validated(void **state)
{
	struct agents_verdict v;
	char err[256];
	cJSON *a = cJSON_Parse("{\"verdict\": \"Rejected\", \"exploitable\": false, \"mitigated\": true, "
			       "\"severity\": \"low\", \"confidence\": 3, \"reason\": \"escaped by the ORM\"}");

	(void)state;
	assert_int_equal(agents_validate_verdict(&v, a, err, sizeof(err)), 0);
	assert_int_equal(v.verdict, 1);
	assert_true(v.mitigated);
	assert_true(v.confidence == 1.0);
	assert_string_equal(v.reason, "escaped by the ORM");
	free(v.reason);
	cJSON_Delete(a);
	a = cJSON_Parse("{\"verdict\": \"maybe\"}");
	assert_int_equal(agents_validate_verdict(&v, a, err, sizeof(err)), TRB_EINVAL);
	cJSON_Delete(a);
}

static void test_patches_are_normalized_and_applied_in_memory(void **state)
{
	struct ctx *c = *state;
	char why[256], *patched = NULL;
	size_t len = 0;
	/* a plain unified diff, miscounted, off by two lines, a blank context line without its space */
	const char *patch =
		"--- app.py\t2026-01-01\n"
		"+++ app.py\t2026-01-01\n"
		"@@ -10,9 +10,9 @@\n"
		"\n"
		"def search(db, term):\n"
		"-    query = \"SELECT 1 WHERE n LIKE '%\" + term + \"%'\"\n"
		"-    return db.execute(query)\n"
		"+    query = \"SELECT 1 WHERE n LIKE ?\"\n"
		"+    return db.execute(query, (\"%\" + term + \"%\",))\n";

	why[0] = '\0';
	if (agents_patch_apply(&patched, &len, &c->tools, patch, "app.py", why, sizeof(why)) != 0)
		fail_msg("the patch was refused: %s", why);
	assert_non_null(strstr(patched, "LIKE ?\"\n    return db.execute(query, (\"%\" + term"));
	assert_null(strstr(patched, "+ term + \"%'\""));
	free(patched);
	/* the repository was not written: the working tree and objects are unchanged */
	{
		char path[4096];
		snprintf(path, sizeof(path), "%s/app.py", c->repo->dir);
		assert_int_not_equal(access(path, F_OK), 0);  /* the fixture has no working tree file */
	}
}

static void test_bad_patches_are_refused_with_a_reason(void **state)
{
	struct ctx *c = *state;
	static const struct {
		const char *patch, *want;
	} cases[] = {
		{"", "empty"},
		{"this is not a diff", "not a unified diff"},
		{"--- a/../../etc/passwd\n+++ b/../../etc/passwd\n@@ -1 +1 @@\n-root\n+evil\n", "outside"},
		{"--- a/.git/config\n+++ b/.git/config\n@@ -1 +1 @@\n-a\n+b\n", "outside"},
		{"--- a/link.py\n+++ b/link.py\n@@ -1 +1 @@\n-/etc/passwd\n+/etc/shadow\n", "not a text file"},
		{"--- a/app.py\n+++ b/app.py\n@@ -1 +1 @@\n-import nothing_like_this\n+import os\n", "does not apply"},
		{"--- /dev/null\n+++ b/new.py\n@@ -0,0 +1 @@\n+print(1)\n", "only modify existing files"},
	};
	size_t i;
	char why[256];

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		why[0] = '\0';
		if (agents_patch_apply(NULL, NULL, &c->tools, cases[i].patch, "app.py", why, sizeof(why)) != TRB_EINVAL ||
		    !strstr(why, cases[i].want))
			fail_msg("patch #%zu: '%s', want '%s'", i, why, cases[i].want);
	}
}

static void test_cache_trusts_only_its_own_entries(void **state)
{
	char dir[] = "/tmp/tribunal-cache-XXXXXX", key[65], other[65], path[4096];
	const char *parts[] = {"finder", "hash", "model"}, *parts2[] = {"finder", "hash", "model2"};
	cJSON *payload = cJSON_Parse("{\"findings\": []}"), *got;
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	agents_cache_key(key, parts, 3);
	agents_cache_key(other, parts2, 3);
	assert_string_not_equal(key, other);
	assert_null(agents_cache_get(dir, "finder", key));
	agents_cache_put(dir, "finder", key, payload);
	got = agents_cache_get(dir, "finder", key);
	assert_non_null(got);
	assert_true(cJSON_IsArray(cJSON_GetObjectItem(got, "findings")));
	cJSON_Delete(got);
	assert_null(agents_cache_get(dir, "verdict", key));  /* another kind */
	/* a foreign entry under our name */
	snprintf(path, sizeof(path), "%s/finder-%s.json", dir, other);
	f = fopen(path, "w");
	fprintf(f, "{\"schema\":1,\"kind\":\"finder\",\"key\":\"%s\",\"payload\":{}}", key);
	fclose(f);
	assert_null(agents_cache_get(dir, "finder", other));
	/* corrupt */
	snprintf(path, sizeof(path), "%s/finder-%s.json", dir, key);
	f = fopen(path, "w");
	fputs("{\"schema\":1,\"kind\":\"fin", f);
	fclose(f);
	assert_null(agents_cache_get(dir, "finder", key));
	unlink(path);
	snprintf(path, sizeof(path), "%s/finder-%s.json", dir, other);
	unlink(path);
	rmdir(dir);
	cJSON_Delete(payload);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_tools_refuse_paths_outside_the_tree, setup, teardown),
		cmocka_unit_test_setup_teardown(test_read_file_numbers_lines_and_caps, setup, teardown),
		cmocka_unit_test_setup_teardown(test_search_and_list, setup, teardown),
		cmocka_unit_test_setup_teardown(test_findings_are_validated_field_by_field, setup, teardown),
		cmocka_unit_test_setup_teardown(test_findings_naming_many_files, setup, teardown),
		cmocka_unit_test(test_categories_map_to_cwes),
		cmocka_unit_test(test_verdicts_are_validated),
		cmocka_unit_test_setup_teardown(test_patches_are_normalized_and_applied_in_memory, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_patches_are_refused_with_a_reason, setup, teardown),
		cmocka_unit_test(test_cache_trusts_only_its_own_entries),
		cmocka_unit_test(test_cache_writes_never_follow_a_planted_link),
		cmocka_unit_test(test_prompts_from_a_directory_are_checked),
		cmocka_unit_test_setup_teardown(test_read_file_inside_a_key_block_shows_no_key_line, setup_secrets,
						teardown_secrets),
		cmocka_unit_test_setup_teardown(test_search_code_cannot_find_key_bytes, setup_secrets, teardown_secrets),
		cmocka_unit_test_setup_teardown(test_search_code_is_not_a_secret_oracle, setup_secrets, teardown_secrets),
		cmocka_unit_test_setup_teardown(test_search_code_cut_does_not_leak_a_key_prefix, setup_secrets,
						teardown_secrets),
		cmocka_unit_test_setup_teardown(test_tools_refuse_files_with_too_many_secrets, setup_secrets,
						teardown_secrets),
	};
	return cmocka_run_group_tests_name("agents", tests, NULL, NULL);
}
