/* publish/gitlab.c: gitlab-discussions.json as merge request discussions (REFERENCE.md §3).
 * The merge request's discussions are listed first; an item whose marker an earlier run posted is
 * left out. The summary carries no finding's marker, so publish ends it with one of its own, the
 * SHA-256 of its text: it is posted again only when it changed. A position GitLab refuses (400)
 * is posted as a general discussion, whose body already names file and line. */
#include "publish/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/err.h"
#include "util/sha256.h"

#define DRY_RUN_LIST 20

struct gl {
	const struct publish_options *o;
	struct publish_result *res;
	const cJSON *root;
	char *base;
	const char *project, *mr;
	char *prefix;             /* /projects/ID/merge_requests/IID, each part escaped */
	double my_id;             /* the token's account: only its markers count */
	struct publish_seen seen;
	struct publish_http http;
};

/* What GitLab needs of a text position (REFERENCE.md §3): the three SHAs, both paths, a line. */
static bool position_ok(const cJSON *p)
{
	const cJSON *new_line = publish_json_get(p, "new_line"), *old_line = publish_json_get(p, "old_line");
	const char *new_path = publish_json_str(p, "new_path");

	return cJSON_IsObject(p) && publish_sha_valid(publish_json_str(p, "base_sha")) &&
	       publish_sha_valid(publish_json_str(p, "start_sha")) && publish_sha_valid(publish_json_str(p, "head_sha")) &&
	       publish_json_str(p, "position_type") && new_path && *new_path && publish_json_str(p, "old_path") &&
	       (new_line || old_line) && (!new_line || publish_line_valid(new_line, 1e9)) &&
	       (!old_line || publish_line_valid(old_line, 1e9));
}

static const cJSON *position_of(const cJSON *d)
{
	const cJSON *p = publish_json_get(d, "position");

	return p && !cJSON_IsNull(p) ? p : NULL;
}

static int check_discussions(struct gl *g)
{
	const cJSON *d, *p;
	int i = 0;

	if (!cJSON_IsArray(g->root))
		return trb_err_set(TRB_EINVAL, "gitlab-discussions.json is not a JSON array");
	cJSON_ArrayForEach(d, g->root) {
		const char *body = publish_json_str(d, "body");
		if (!body || !*body)
			return trb_err_set(TRB_EINVAL, "gitlab-discussions.json: [%d] has no body", i);
		if ((p = position_of(d)) && !position_ok(p))
			return trb_err_set(TRB_EINVAL, "gitlab-discussions.json: [%d].position needs base_sha, start_sha, "
					   "head_sha, position_type, old_path, new_path and new_line or old_line", i);
		i++;
	}
	g->res->total = (size_t)i;
	return 0;
}

static int configure(struct gl *g)
{
	struct trb_buf p = TRB_BUF_INIT(TRB_LIMIT_SMALL);
	const char *base = publish_env(g->o, "CI_API_V4_URL");
	bool plain;
	int error;

	/* no default: a token for a self-managed instance must not go to gitlab.com */
	if (!base)
		return trb_err_set(TRB_EINVAL, "CI_API_V4_URL is not set: GitLab CI sets it; elsewhere set it to your "
				   "instance's API, e.g. https://gitlab.example.com/api/v4");
	if ((error = publish_base_url(&g->base, &plain, "CI_API_V4_URL", base)) < 0)
		return error;
	if (plain)
		publish_say(g->o, PUBLISH_SAY_NOTE, "warning: CI_API_V4_URL is plain http: the token crosses the "
			    "network unencrypted");
	if (!(g->project = publish_env(g->o, "CI_PROJECT_ID")))
		return trb_err_set(TRB_EINVAL, "CI_PROJECT_ID is not set: the project's numeric id (GitLab CI sets it)");
	if (!publish_number_valid(g->project))
		return trb_err_set(TRB_EINVAL, "CI_PROJECT_ID is not a numeric project id");
	g->mr = g->o->number ? g->o->number : publish_env(g->o, "CI_MERGE_REQUEST_IID");
	if (!g->mr)
		return trb_err_set(TRB_EINVAL, "no merge request: pass --mr N, or run in a merge request pipeline "
				   "(CI_MERGE_REQUEST_IID is not set)");
	if (!publish_number_valid(g->mr))
		return trb_err_set(TRB_EINVAL, "CI_MERGE_REQUEST_IID is not a number");
	trb_buf_puts(&p, "/projects/");
	publish_url_escape(&p, g->project, strlen(g->project));
	trb_buf_puts(&p, "/merge_requests/");
	publish_url_escape(&p, g->mr, strlen(g->mr));
	if ((error = trb_buf_error(&p)) < 0 || !(g->prefix = trb_buf_detach(&p)))
		error = error < 0 ? error : trb_err_oom();
	trb_buf_dispose(&p);
	return error;
}

static int token(const char **out, struct gl *g)
{
	int error;

	if ((error = publish_token(out, g->o, "GITLAB_TOKEN")) < 0 || *out)
		return error;
	if (publish_env(g->o, "CI_JOB_TOKEN"))
		return trb_err_set(TRB_EINVAL, "GITLAB_TOKEN is not set, and CI_JOB_TOKEN cannot post merge request "
				   "discussions: create a project access token with the api scope and expose it to the job "
				   "as a masked CI/CD variable GITLAB_TOKEN");
	return trb_err_set(TRB_EINVAL, "GITLAB_TOKEN is not set: create a project access token with the api scope "
			   "and expose it to the job as a masked CI/CD variable GITLAB_TOKEN");
}

static void put_location(struct trb_buf *b, const cJSON *d)
{
	const cJSON *p = position_of(d), *line;

	if (!p) {
		trb_buf_puts(b, "(general discussion)");
		return;
	}
	line = publish_json_get(p, "new_line") ? publish_json_get(p, "new_line") : publish_json_get(p, "old_line");
	publish_put_text(b, publish_json_str(p, "new_path"), 300);
	trb_buf_printf(b, ":%.0f", line->valuedouble);
}

static int dry_run(struct gl *g, const char *tok)
{
	struct trb_buf b = TRB_BUF_INIT(TRB_LIMIT_SMALL);
	const cJSON *d;
	size_t i = 0;

	publish_say(g->o, PUBLISH_SAY_RESULT, "tribunal publish: dry run: nothing is sent");
	publish_say(g->o, PUBLISH_SAY_RESULT, "tribunal publish: would post to %s, project %s, merge request !%s",
		    g->base, g->project, g->mr);
	publish_say(g->o, PUBLISH_SAY_RESULT, "tribunal publish: %zu discussion%s, less those an earlier run "
		    "posted%s", g->res->total, g->res->total == 1 ? "" : "s", g->res->total ? ":" : "");
	cJSON_ArrayForEach(d, g->root) {
		if (i++ == DRY_RUN_LIST) {
			publish_say(g->o, PUBLISH_SAY_RESULT, "  and %zu more", g->res->total - DRY_RUN_LIST);
			break;
		}
		trb_buf_clear(&b);
		put_location(&b, d);
		publish_say(g->o, PUBLISH_SAY_RESULT, "  %s", trb_buf_cstr(&b));
	}
	if (tok)
		publish_say(g->o, PUBLISH_SAY_RESULT, "tribunal publish: GITLAB_TOKEN is set");
	else
		publish_say(g->o, PUBLISH_SAY_RESULT, "tribunal publish: GITLAB_TOKEN is not set%s: a real run would "
			    "stop here", publish_env(g->o, "CI_JOB_TOKEN") ? " (CI_JOB_TOKEN cannot post discussions)" : "");
	trb_buf_dispose(&b);
	return 0;
}

/* Whose token this is, so that only that account's markers count. Any token that may post can
 * read /user; without an answer the run stops, since counting anyone's markers would let a merge
 * request's author silence a finding by quoting its marker. */
static int whoami(struct gl *g)
{
	struct publish_reply r;
	cJSON *root = NULL;
	const cJSON *id;
	int error;

	if ((error = publish_http_call(&r, &g->http, "GET", "/user", NULL, 0)) < 0)
		return error;
	if (r.status != 200)
		error = publish_http_fail(&g->http, &r, "checking whose token this is (GET /user)");
	else if ((root = cJSON_ParseWithLength(r.body, r.len)) && cJSON_IsNumber(id = publish_json_get(root, "id")))
		g->my_id = id->valuedouble;
	else
		error = trb_err_set(TRB_ENET, "GitLab's answer to GET /user names no account id: check that "
				    "CI_API_V4_URL is the API of a GitLab instance");
	cJSON_Delete(root);
	publish_reply_dispose(&r);
	return error;
}

static int on_discussion(const cJSON *item, void *payload)
{
	struct gl *g = payload;
	const cJSON *note, *id;
	const char *body;
	size_t len;
	int error;

	cJSON_ArrayForEach(note, publish_json_get(item, "notes")) {
		id = publish_json_get(publish_json_get(note, "author"), "id");
		if (!cJSON_IsNumber(id) || id->valuedouble != g->my_id)
			continue;
		if ((body = publish_item_body(note, &len)) && (error = publish_seen_add_markers(&g->seen, body, len)) < 0)
			return error;
	}
	return 0;
}

/* The key an item is known by, and the body to post (with publish's own marker when the body has
 * no finding's marker at its end). */
static int item_key(char key[PUBLISH_MARKER_MAX + 1], struct trb_buf *body, const char *text)
{
	char hex[65];
	size_t len = strlen(text);

	trb_buf_clear(body);
	trb_buf_put(body, text, len);
	if (!publish_marker_end(key, text, len)) {
		trb_sha256_hex(hex, text, len);
		snprintf(key, PUBLISH_MARKER_MAX + 1, "body=%s", hex);
		trb_buf_printf(body, "%s<!-- tribunal:body=%s -->\n", len && text[len - 1] != '\n' ? "\n" : "", hex);
	}
	return trb_buf_error(body);
}

static int discussion_json(char **out, const char *body, const cJSON *position)
{
	cJSON *o = cJSON_CreateObject(), *dup;
	int error = 0;

	if (!o || !cJSON_AddStringToObject(o, "body", body)) {
		error = trb_err_oom();
	} else if (position) {
		if (!(dup = cJSON_Duplicate(position, 1)))
			error = trb_err_oom();
		else
			cJSON_AddItemToObject(o, "position", dup);
	}
	if (!error && !(*out = cJSON_PrintUnformatted(o)))
		error = trb_err_oom();
	cJSON_Delete(o);
	return error;
}

static int post_one(struct gl *g, const char *path, const char *body, const cJSON *position)
{
	struct publish_reply r = {0};
	char *json = NULL;
	int error;

	if ((error = discussion_json(&json, body, position)) < 0 ||
	    (error = publish_http_call(&r, &g->http, "POST", path, json, strlen(json))) < 0)
		goto cleanup;
	if (r.status == 400 && position) {
		publish_say(g->o, PUBLISH_SAY_DETAIL, "GitLab refused a discussion's position (HTTP 400): posting it as "
			    "a general discussion");
		free(json);
		json = NULL;
		publish_reply_dispose(&r);
		if ((error = discussion_json(&json, body, NULL)) < 0 ||
		    (error = publish_http_call(&r, &g->http, "POST", path, json, strlen(json))) < 0)
			goto cleanup;
		if (r.status / 100 == 2)
			g->res->moved++;
	}
	if (r.status / 100 != 2)
		error = publish_http_fail(&g->http, &r, "posting a discussion");
	else
		g->res->posted++;
cleanup:
	free(json);
	publish_reply_dispose(&r);
	return error;
}

static int run(struct gl *g)
{
	static const char *const headers[] = {"Accept: application/json", "Content-Type: application/json", NULL};
	struct trb_buf path = TRB_BUF_INIT(TRB_LIMIT_SMALL), body = TRB_BUF_INIT(TRB_LIMIT_FILE);
	char key[PUBLISH_MARKER_MAX + 1], note[64];
	const cJSON *d;
	const char *tok;
	int error;

	if ((error = check_discussions(g)) < 0 || (error = configure(g)) < 0)
		return error;
	if (g->o->dry_run) {
		if ((error = publish_token(&tok, g->o, "GITLAB_TOKEN")) < 0)
			return error;
		return dry_run(g, tok);
	}
	if ((error = token(&tok, g)) < 0)
		return error;
	if (!g->res->total) {
		publish_say(g->o, PUBLISH_SAY_RESULT, "tribunal publish: merge request !%s: nothing to post (the scan "
			    "wrote no discussion)", g->mr);
		return 0;
	}
	trb_buf_printf(&path, "%s/discussions", g->prefix);
	if ((error = trb_buf_error(&path)) < 0 ||
	    (error = publish_http_open(&g->http, g->o, "GitLab", "GITLAB_TOKEN", g->base, headers, "PRIVATE-TOKEN: ",
				       tok)) < 0 ||
	    (error = whoami(g)) < 0 ||
	    (error = publish_http_list(&g->http, trb_buf_cstr(&path), "listing the merge request's discussions",
				       on_discussion, g)) < 0)
		goto cleanup;
	cJSON_ArrayForEach(d, g->root) {
		if ((error = item_key(key, &body, publish_json_str(d, "body"))) < 0)
			goto cleanup;
		if (publish_seen_has(&g->seen, key)) {
			g->res->skipped++;
			continue;
		}
		publish_say(g->o, PUBLISH_SAY_PROGRESS, "posting discussion %zu of %zu", g->res->posted + 1,
			    g->res->total - g->res->skipped);
		if ((error = post_one(g, trb_buf_cstr(&path), trb_buf_cstr(&body), position_of(d))) < 0) {
			if (g->res->posted)
				trb_err_prefix(error, "after %zu of the discussions were posted: ", g->res->posted);
			goto cleanup;
		}
		/* the same item twice in the file is posted once */
		if ((error = publish_seen_add(&g->seen, key)) < 0)
			goto cleanup;
	}
	if (!g->res->posted)
		publish_say(g->o, PUBLISH_SAY_RESULT, "tribunal publish: merge request !%s: nothing new to post (%zu "
			    "discussion%s by an earlier run %s there)", g->mr, g->res->skipped,
			    g->res->skipped == 1 ? "" : "s", g->res->skipped == 1 ? "is" : "are");
	else if (g->res->moved)
		publish_say(g->o, PUBLISH_SAY_RESULT, "tribunal publish: merge request !%s: posted %zu discussion%s, %zu "
			    "of them without a position (GitLab refused the line)%s", g->mr, g->res->posted,
			    g->res->posted == 1 ? "" : "s", g->res->moved, publish_skipped_note(note, g->res->skipped));
	else
		publish_say(g->o, PUBLISH_SAY_RESULT, "tribunal publish: merge request !%s: posted %zu discussion%s%s",
			    g->mr, g->res->posted, g->res->posted == 1 ? "" : "s", publish_skipped_note(note, g->res->skipped));
cleanup:
	trb_buf_dispose(&path);
	trb_buf_dispose(&body);
	return error;
}

int publish_gitlab(struct publish_result *out, const struct publish_options *o)
{
	struct gl g;
	cJSON *root = NULL;
	int error;

	memset(&g, 0, sizeof(g));
	g.o = o;
	g.res = out;
	if ((error = publish_read_json(&root, o->from_dir, "gitlab-discussions.json")) == 0) {
		g.root = root;
		error = run(&g);
	}
	publish_http_close(&g.http);
	publish_seen_dispose(&g.seen);
	cJSON_Delete(root);
	free(g.base);
	free(g.prefix);
	return error;
}
