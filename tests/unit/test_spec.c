/* diff/spec.c: base and head from flags and CI environments, as a table. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "diff/diff.h"
#include "util/err.h"

#define SHA_A "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define SHA_B "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
#define SHA_C "cccccccccccccccccccccccccccccccccccccccc"

struct env {
	const char *vars[16][2];
	const char *event;     /* content of GITHUB_EVENT_PATH */
};

static const char *table_getenv(const char *name, void *payload)
{
	const struct env *e = payload;
	size_t i;

	for (i = 0; i < 16 && e->vars[i][0]; i++)
		if (strcmp(e->vars[i][0], name) == 0)
			return e->vars[i][1];
	return NULL;
}

static int table_readfile(char **out, size_t *len, const char *path, void *payload)
{
	const struct env *e = payload;

	(void)path;
	if (!e->event)
		return trb_err_set(TRB_EIO, "no such file");
	*out = strdup(e->event);
	*len = strlen(e->event);
	return 0;
}

struct row {
	const char *name;
	const char *flag_base, *flag_head;
	struct env env;
	int want_error;
	diff_source_t source;
	const char *base, *head, *pr;
};

static const struct row rows[] = {
	{"nothing: last commit", NULL, NULL, {{{NULL}}}, 0, DIFF_SOURCE_DEFAULT, "HEAD~1", "HEAD", NULL},
	{"flags win over CI", "main", "topic", {{{"GITHUB_BASE_REF", "dev"}, {"GITHUB_SHA", SHA_A}}}, 0,
	 DIFF_SOURCE_FLAGS, "main", "topic", NULL},
	{"only --head", NULL, "topic", {{{NULL}}}, 0, DIFF_SOURCE_FLAGS, "topic~1", "topic", NULL},
	{"only --base", "v1.0", NULL, {{{NULL}}}, 0, DIFF_SOURCE_FLAGS, "v1.0", "HEAD", NULL},
	{"github pull_request event", NULL, NULL,
	 {{{"GITHUB_EVENT_PATH", "/ev"}, {"GITHUB_BASE_REF", "main"}, {"GITHUB_SHA", SHA_C}},
	  "{\"pull_request\":{\"number\":12,\"base\":{\"sha\":\"" SHA_A "\"},\"head\":{\"sha\":\"" SHA_B "\"}}}"},
	 0, DIFF_SOURCE_GITHUB, SHA_A, SHA_B, "12"},
	{"github push event falls back to GITHUB_BASE_REF", NULL, NULL,
	 {{{"GITHUB_EVENT_PATH", "/ev"}, {"GITHUB_BASE_REF", "release/1.2"}, {"GITHUB_SHA", SHA_C}},
	  "{\"ref\":\"refs/heads/x\"}"},
	 0, DIFF_SOURCE_GITHUB, "origin/release/1.2", SHA_C, NULL},
	{"github push event without base ref: default", NULL, NULL,
	 {{{"GITHUB_EVENT_PATH", "/ev"}, {"GITHUB_SHA", SHA_C}}, "{\"ref\":\"refs/heads/x\"}"},
	 0, DIFF_SOURCE_DEFAULT, "HEAD~1", "HEAD", NULL},
	{"github event with a bad sha", NULL, NULL,
	 {{{"GITHUB_EVENT_PATH", "/ev"}},
	  "{\"pull_request\":{\"base\":{\"sha\":\"HEAD\"},\"head\":{\"sha\":\"" SHA_B "\"}}}"},
	 TRB_EINVAL, DIFF_SOURCE_DEFAULT, NULL, NULL, NULL},
	{"github event that is not JSON", NULL, NULL, {{{"GITHUB_EVENT_PATH", "/ev"}}, "{{{"},
	 TRB_EINVAL, DIFF_SOURCE_DEFAULT, NULL, NULL, NULL},
	{"github event path unreadable", NULL, NULL, {{{"GITHUB_EVENT_PATH", "/ev"}}, NULL},
	 TRB_EIO, DIFF_SOURCE_DEFAULT, NULL, NULL, NULL},
	{"github base ref that is an option", NULL, NULL, {{{"GITHUB_BASE_REF", "--upload-pack=x"}}},
	 TRB_EINVAL, DIFF_SOURCE_DEFAULT, NULL, NULL, NULL},
	{"github base ref with revision syntax", NULL, NULL, {{{"GITHUB_BASE_REF", "main~3"}}},
	 TRB_EINVAL, DIFF_SOURCE_DEFAULT, NULL, NULL, NULL},
	{"gitlab diff base", NULL, NULL,
	 {{{"GITLAB_CI", "true"}, {"CI_MERGE_REQUEST_DIFF_BASE_SHA", SHA_A},
	   {"CI_MERGE_REQUEST_TARGET_BRANCH_SHA", SHA_C}, {"CI_COMMIT_SHA", SHA_B}, {"CI_MERGE_REQUEST_IID", "5"}}},
	 0, DIFF_SOURCE_GITLAB, SHA_A, SHA_B, "5"},
	{"gitlab target branch sha", NULL, NULL,
	 {{{"CI_MERGE_REQUEST_TARGET_BRANCH_SHA", SHA_C}, {"CI_COMMIT_SHA", SHA_B}}},
	 0, DIFF_SOURCE_GITLAB, SHA_C, SHA_B, NULL},
	{"gitlab branch pipeline: default", NULL, NULL, {{{"GITLAB_CI", "true"}, {"CI_COMMIT_SHA", SHA_B}}},
	 0, DIFF_SOURCE_DEFAULT, "HEAD~1", "HEAD", NULL},
	{"gitlab empty variable is unset", NULL, NULL,
	 {{{"CI_MERGE_REQUEST_DIFF_BASE_SHA", ""}, {"CI_MERGE_REQUEST_TARGET_BRANCH_SHA", SHA_C}}},
	 0, DIFF_SOURCE_GITLAB, SHA_C, "HEAD", NULL},
	{"gitlab bad sha", NULL, NULL, {{{"CI_MERGE_REQUEST_DIFF_BASE_SHA", "abc"}}},
	 TRB_EINVAL, DIFF_SOURCE_DEFAULT, NULL, NULL, NULL},
	{"gitlab sha256 repository", NULL, NULL,
	 {{{"CI_MERGE_REQUEST_DIFF_BASE_SHA", SHA_A "aaaaaaaaaaaaaaaaaaaaaaaa"}}},
	 0, DIFF_SOURCE_GITLAB, SHA_A "aaaaaaaaaaaaaaaaaaaaaaaa", "HEAD", NULL},
	{"jenkins multibranch", NULL, NULL, {{{"CHANGE_TARGET", "main"}, {"GIT_COMMIT", SHA_B}, {"CHANGE_ID", "77"}}},
	 0, DIFF_SOURCE_JENKINS, "origin/main", SHA_B, "77"},
	{"jenkins without GIT_COMMIT", NULL, NULL, {{{"CHANGE_TARGET", "develop"}}},
	 0, DIFF_SOURCE_JENKINS, "origin/develop", "HEAD", NULL},
	{"jenkins hostile target", NULL, NULL, {{{"CHANGE_TARGET", "a b"}}},
	 TRB_EINVAL, DIFF_SOURCE_DEFAULT, NULL, NULL, NULL},
	{"github beats gitlab", NULL, NULL,
	 {{{"GITHUB_BASE_REF", "main"}, {"GITHUB_SHA", SHA_B}, {"CI_MERGE_REQUEST_DIFF_BASE_SHA", SHA_A}}},
	 0, DIFF_SOURCE_GITHUB, "origin/main", SHA_B, NULL},
	{"non-numeric merge request id is dropped", NULL, NULL,
	 {{{"CHANGE_TARGET", "main"}, {"CHANGE_ID", "PR-1; x"}}},
	 0, DIFF_SOURCE_JENKINS, "origin/main", "HEAD", NULL},
};

static void test_ci_environment_table(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct row *r = &rows[i];
		struct diff_spec spec;
		int error = diff_spec_resolve(&spec, r->flag_base, r->flag_head, table_getenv, table_readfile,
					      (void *)&r->env);
		if (error != r->want_error)
			fail_msg("%s: got %d (%s), want %d", r->name, error, trb_err_msg(), r->want_error);
		if (error < 0)
			continue;
		if (spec.source != r->source)
			fail_msg("%s: source %s", r->name, diff_source_name(spec.source));
		assert_string_equal(spec.base, r->base);
		assert_string_equal(spec.head, r->head);
		if (r->pr)
			assert_string_equal(spec.pr, r->pr);
		else
			assert_null(spec.pr);
		assert_non_null(spec.note);
		diff_spec_dispose(&spec);
	}
}

static void test_event_without_pull_request_gives_nothing(void **state)
{
	char *b, *h, *n;
	const char *ev = "{\"pull_request\": null}";

	(void)state;
	assert_int_equal(diff_spec_parse_github_event(&b, &h, &n, ev, strlen(ev)), 0);
	assert_null(b);
	assert_null(h);
	assert_null(n);
}

static void test_event_with_wrong_types_is_refused(void **state)
{
	char *b, *h, *n;
	static const char *const bad[] = {
		"[]", "\"x\"", "{\"pull_request\": 3}", "{\"pull_request\": {\"base\": {}, \"head\": {}}}",
		"{\"pull_request\": {\"base\": {\"sha\": 1}, \"head\": {\"sha\": \"" SHA_B "\"}}}",
		"{\"pull_request\": {\"base\": [\"" SHA_A "\"], \"head\": {\"sha\": \"" SHA_B "\"}}}",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(diff_spec_parse_github_event(&b, &h, &n, bad[i], strlen(bad[i])), TRB_EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ci_environment_table),
		cmocka_unit_test(test_event_without_pull_request_gives_nothing),
		cmocka_unit_test(test_event_with_wrong_types_is_refused),
	};
	return cmocka_run_group_tests_name("diff_spec", tests, NULL, NULL);
}
