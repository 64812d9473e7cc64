/* diff/spec.c: which base and head to compare, from flags or the CI environment. */
#include "diff/diff.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "util/buf.h"
#include "util/err.h"

#define EVENT_MAX_BYTES ((size_t)64 * 1024 * 1024)

static const char *const source_names[] = {"flags", "github", "gitlab", "jenkins", "default"};

const char *diff_source_name(diff_source_t s)
{
	return (unsigned)s <= DIFF_SOURCE_DEFAULT ? source_names[s] : "?";
}

void diff_spec_dispose(struct diff_spec *spec)
{
	free(spec->base);
	free(spec->head);
	free(spec->pr);
	free(spec->note);
	memset(spec, 0, sizeof(*spec));
}

static bool is_sha(const char *s)
{
	size_t n = 0;

	for (; s[n]; n++)
		if (!((s[n] >= '0' && s[n] <= '9') || (s[n] >= 'a' && s[n] <= 'f') ||
		      (s[n] >= 'A' && s[n] <= 'F')))
			return false;
	return n == 40 || n == 64;
}

/* A branch name from CI: it becomes part of a revision expression, so it must be a valid ref name
 * and must not look like an option or carry revision syntax. */
static bool is_branch(const char *s)
{
	struct trb_buf b = TRB_BUF_INIT(TRB_LIMIT_SMALL);
	int valid = 0;
	const char *p;

	if (!*s || *s == '-' || strlen(s) > 255)
		return false;
	for (p = s; *p; p++)
		if ((unsigned char)*p <= 0x20 || *p == '~' || *p == '^' || *p == ':' || *p == '@' ||
		    *p == '\\' || *p == '?' || *p == '*' || *p == '[' || *p == 0x7f)
			return false;
	trb_buf_puts(&b, "refs/remotes/origin/");
	trb_buf_puts(&b, s);
	if (trb_buf_error(&b) == 0 && git_reference_name_is_valid(&valid, trb_buf_cstr(&b)) < 0)
		valid = 0;
	trb_buf_dispose(&b);
	return valid != 0;
}

static bool is_number(const char *s)
{
	size_t n = 0;

	for (; s[n]; n++)
		if (s[n] < '0' || s[n] > '9')
			return false;
	return n > 0 && n <= 12;
}

static const char *env(diff_getenv_fn fn, void *payload, const char *name)
{
	const char *v = fn(name, payload);

	return (v && *v) ? v : NULL;
}

static int set(char **dst, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int set(char **dst, const char *fmt, ...)
{
	struct trb_buf b = TRB_BUF_INIT(TRB_LIMIT_SMALL);
	va_list ap;

	va_start(ap, fmt);
	trb_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	if (trb_buf_error(&b) < 0) {
		trb_buf_dispose(&b);
		return TRB_ENOMEM;
	}
	free(*dst);
	*dst = trb_buf_detach(&b);
	return *dst ? 0 : trb_err_oom();
}

static int need_sha(const char *name, const char *value)
{
	if (is_sha(value))
		return 0;
	return trb_err_set(TRB_EINVAL, "%s is not a commit SHA (expected 40 or 64 hex digits)", name);
}

static int need_branch(const char *name, const char *value)
{
	if (is_branch(value))
		return 0;
	return trb_err_set(TRB_EINVAL, "%s is not a valid branch name", name);
}

static const char *sha_string(const cJSON *obj, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	if (!cJSON_IsString(v) || !v->valuestring)
		return NULL;
	return v->valuestring;
}

int diff_spec_parse_github_event(char **base, char **head, char **number, const char *json, size_t len)
{
	cJSON *root = NULL;
	const cJSON *pr, *b, *h, *num;
	const char *bs, *hs;
	int error = 0;

	*base = *head = *number = NULL;
	if (len > EVENT_MAX_BYTES)
		return trb_err_set(TRB_ELIMIT, "GitHub event payload is larger than %zu bytes", EVENT_MAX_BYTES);
	root = cJSON_ParseWithLength(json, len);
	if (!root || !cJSON_IsObject(root)) {
		error = trb_err_set(TRB_EINVAL, "GitHub event payload (GITHUB_EVENT_PATH) is not a JSON object");
		goto cleanup;
	}
	pr = cJSON_GetObjectItemCaseSensitive(root, "pull_request");
	if (!pr || cJSON_IsNull(pr))
		goto cleanup;  /* not a pull request event: the caller falls back */
	if (!cJSON_IsObject(pr)) {
		error = trb_err_set(TRB_EINVAL, "GitHub event payload: pull_request is not an object");
		goto cleanup;
	}
	b = cJSON_GetObjectItemCaseSensitive(pr, "base");
	h = cJSON_GetObjectItemCaseSensitive(pr, "head");
	bs = cJSON_IsObject(b) ? sha_string(b, "sha") : NULL;
	hs = cJSON_IsObject(h) ? sha_string(h, "sha") : NULL;
	if (!bs || !hs) {
		error = trb_err_set(TRB_EINVAL, "GitHub event payload: pull_request.base.sha or "
					       "pull_request.head.sha is missing");
		goto cleanup;
	}
	if ((error = need_sha("pull_request.base.sha in the GitHub event", bs)) < 0 ||
	    (error = need_sha("pull_request.head.sha in the GitHub event", hs)) < 0)
		goto cleanup;
	if (!(*base = strdup(bs)) || !(*head = strdup(hs))) {
		error = trb_err_oom();
		goto cleanup;
	}
	num = cJSON_GetObjectItemCaseSensitive(pr, "number");
	if (cJSON_IsNumber(num) && num->valuedouble >= 1 && num->valuedouble < 1e12) {
		struct trb_buf nb = TRB_BUF_INIT(64);
		trb_buf_printf(&nb, "%.0f", num->valuedouble);
		if (!(*number = trb_buf_detach(&nb))) {
			error = trb_err_oom();
			goto cleanup;
		}
	}
cleanup:
	if (error < 0) {
		free(*base);
		free(*head);
		free(*number);
		*base = *head = *number = NULL;
	}
	cJSON_Delete(root);
	return error;
}

static int from_github(struct diff_spec *out, diff_getenv_fn ge, diff_readfile_fn rf, void *payload,
		       bool *found)
{
	const char *event_path = env(ge, payload, "GITHUB_EVENT_PATH");
	const char *base_ref = env(ge, payload, "GITHUB_BASE_REF");
	const char *sha = env(ge, payload, "GITHUB_SHA");
	char *json = NULL;
	size_t len = 0;
	int error = 0;

	*found = false;
	if (event_path && rf) {
		if ((error = rf(&json, &len, event_path, payload)) < 0)
			return trb_err_prefix(error, "GITHUB_EVENT_PATH: ");
		error = diff_spec_parse_github_event(&out->base, &out->head, &out->pr, json, len);
		free(json);
		if (error < 0)
			return error;
		if (out->base) {
			*found = true;
			return set(&out->note, "%s", "pull_request event: base.sha..head.sha");
		}
	}
	if (base_ref) {
		if ((error = need_branch("GITHUB_BASE_REF", base_ref)) < 0)
			return error;
		if (sha && (error = need_sha("GITHUB_SHA", sha)) < 0)
			return error;
		if ((error = set(&out->base, "origin/%s", base_ref)) < 0 ||
		    (error = set(&out->head, "%s", sha ? sha : "HEAD")) < 0 ||
		    (error = set(&out->note, "%s", "GITHUB_BASE_REF against origin, GITHUB_SHA")) < 0)
			return error;
		*found = true;
	}
	return 0;
}

static int from_gitlab(struct diff_spec *out, diff_getenv_fn ge, void *payload, bool *found)
{
	const char *diff_base = env(ge, payload, "CI_MERGE_REQUEST_DIFF_BASE_SHA");
	const char *target = env(ge, payload, "CI_MERGE_REQUEST_TARGET_BRANCH_SHA");
	const char *sha = env(ge, payload, "CI_COMMIT_SHA");
	const char *iid = env(ge, payload, "CI_MERGE_REQUEST_IID");
	const char *base = diff_base ? diff_base : target;
	int error;

	*found = false;
	if (!base)
		return 0;
	if ((error = need_sha(diff_base ? "CI_MERGE_REQUEST_DIFF_BASE_SHA" :
					  "CI_MERGE_REQUEST_TARGET_BRANCH_SHA", base)) < 0)
		return error;
	if (sha && (error = need_sha("CI_COMMIT_SHA", sha)) < 0)
		return error;
	if ((error = set(&out->base, "%s", base)) < 0 ||
	    (error = set(&out->head, "%s", sha ? sha : "HEAD")) < 0 ||
	    (error = set(&out->note, "%s", diff_base ? "CI_MERGE_REQUEST_DIFF_BASE_SHA..CI_COMMIT_SHA" :
						       "CI_MERGE_REQUEST_TARGET_BRANCH_SHA..CI_COMMIT_SHA")) < 0)
		return error;
	if (iid && is_number(iid) && (error = set(&out->pr, "%s", iid)) < 0)
		return error;
	*found = true;
	return 0;
}

static int from_jenkins(struct diff_spec *out, diff_getenv_fn ge, void *payload, bool *found)
{
	const char *target = env(ge, payload, "CHANGE_TARGET");
	const char *sha = env(ge, payload, "GIT_COMMIT");
	const char *id = env(ge, payload, "CHANGE_ID");
	int error;

	*found = false;
	if (!target)
		return 0;
	if ((error = need_branch("CHANGE_TARGET", target)) < 0)
		return error;
	if (sha && (error = need_sha("GIT_COMMIT", sha)) < 0)
		return error;
	if ((error = set(&out->base, "origin/%s", target)) < 0 ||
	    (error = set(&out->head, "%s", sha ? sha : "HEAD")) < 0 ||
	    (error = set(&out->note, "%s", "CHANGE_TARGET against origin, GIT_COMMIT")) < 0)
		return error;
	if (id && is_number(id) && (error = set(&out->pr, "%s", id)) < 0)
		return error;
	*found = true;
	return 0;
}

int diff_spec_resolve(struct diff_spec *out, const char *flag_base, const char *flag_head,
		      diff_getenv_fn ge, diff_readfile_fn rf, void *payload)
{
	bool found = false;
	int error = 0;

	memset(out, 0, sizeof(*out));
	if (flag_base || flag_head) {
		out->source = DIFF_SOURCE_FLAGS;
		if ((error = set(&out->head, "%s", flag_head ? flag_head : "HEAD")) < 0)
			goto fail;
		if (flag_base)
			error = set(&out->base, "%s", flag_base);
		else
			error = set(&out->base, "%s~1", out->head);
		if (error < 0 || (error = set(&out->note, "%s", "--base/--head")) < 0)
			goto fail;
		return 0;
	}
	if ((error = from_github(out, ge, rf, payload, &found)) < 0)
		goto fail;
	if (found) {
		out->source = DIFF_SOURCE_GITHUB;
		return 0;
	}
	if ((error = from_gitlab(out, ge, payload, &found)) < 0)
		goto fail;
	if (found) {
		out->source = DIFF_SOURCE_GITLAB;
		return 0;
	}
	if ((error = from_jenkins(out, ge, payload, &found)) < 0)
		goto fail;
	if (found) {
		out->source = DIFF_SOURCE_JENKINS;
		return 0;
	}
	out->source = DIFF_SOURCE_DEFAULT;
	if ((error = set(&out->base, "%s", "HEAD~1")) < 0 || (error = set(&out->head, "%s", "HEAD")) < 0 ||
	    (error = set(&out->note, "%s", "no CI merge request found: last commit (HEAD~1..HEAD)")) < 0)
		goto fail;
	return 0;
fail:
	diff_spec_dispose(out);
	return error;
}
