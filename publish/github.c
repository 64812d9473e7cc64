/* publish/github.c: github-review.json as one pull request review (REFERENCE.md §2).
 * The pull request's review comments and reviews are listed first; a comment whose fingerprint
 * marker an earlier run posted is left out, and when nothing is left, the review body holds no new
 * marker and a review of the same commit with tribunal's marker exists, nothing is posted. A 422
 * for lines outside the diff posts the review again with its comments in the body. When the gate
 * passes (event COMMENT), tribunal's own earlier requests for changes are dismissed: GitHub would
 * otherwise keep the pull request blocked on a verdict about code that is gone. */
#include "publish/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diff/diff.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/fsio.h"

#define REVIEW_MARKER "<!-- tribunal:review -->"
#define EVENT_MAX_BYTES ((size_t)64 << 20)
#define DRY_RUN_LIST 20
#define STALE_MAX 20          /* earlier CHANGES_REQUESTED reviews dismissed at most per run */

struct gh {
	const struct publish_options *o;
	struct publish_result *res;
	const cJSON *root;
	const char *commit;       /* commit_id of the review, NULL when the file has none */
	char *repo;               /* owner/name, validated */
	char *number;
	char *base;
	char *prefix;             /* /repos/OWNER/NAME/pulls/N, each part escaped */
	char *login;              /* the token's account; NULL when GitHub would not say */
	bool reviewed;            /* a review of this commit with tribunal's marker exists */
	unsigned long long stale[STALE_MAX];   /* ids of tribunal's reviews that request changes */
	size_t n_stale;
	struct publish_seen seen;
	struct publish_http http;
};

static bool side_ok(const cJSON *v)
{
	return !v || (cJSON_IsString(v) && (strcmp(v->valuestring, "RIGHT") == 0 || strcmp(v->valuestring, "LEFT") == 0));
}

/* The file is tribunal's, but anything could have written it: checked before anything is sent. */
static int check_review(struct gh *g)
{
	const cJSON *root = g->root, *comments, *c, *commit;
	const char *event;
	int i = 0;

	if (!cJSON_IsObject(root))
		return trb_err_set(TRB_EINVAL, "github-review.json is not a JSON object");
	if (!publish_json_str(root, "body"))
		return trb_err_set(TRB_EINVAL, "github-review.json: body is missing or not a string");
	event = publish_json_str(root, "event");
	if (!event || (strcmp(event, "COMMENT") != 0 && strcmp(event, "REQUEST_CHANGES") != 0))
		return trb_err_set(TRB_EINVAL, "github-review.json: event must be COMMENT or REQUEST_CHANGES "
				   "(tribunal never approves)");
	commit = publish_json_get(root, "commit_id");
	if (commit && (!cJSON_IsString(commit) || !publish_sha_valid(commit->valuestring)))
		return trb_err_set(TRB_EINVAL, "github-review.json: commit_id is not a commit SHA");
	g->commit = commit ? commit->valuestring : NULL;
	comments = publish_json_get(root, "comments");
	if (comments && !cJSON_IsArray(comments))
		return trb_err_set(TRB_EINVAL, "github-review.json: comments is not an array");
	cJSON_ArrayForEach(c, comments) {
		const char *path = publish_json_str(c, "path");
		const cJSON *line = publish_json_get(c, "line"), *start = publish_json_get(c, "start_line");
		if (!cJSON_IsObject(c) || !path || !*path || !publish_json_str(c, "body") ||
		    !publish_line_valid(line, 1e9) || (start && !publish_line_valid(start, line->valuedouble)) ||
		    !side_ok(publish_json_get(c, "side")) || !side_ok(publish_json_get(c, "start_side")))
			return trb_err_set(TRB_EINVAL, "github-review.json: comments[%d] needs path, body, line >= 1, "
					   "start_line <= line, side LEFT or RIGHT", i);
		i++;
	}
	g->res->total = (size_t)i;
	return 0;
}

/* The pull request number: --pr, else the pull_request event GitHub Actions saved. */
static int find_number(struct gh *g)
{
	const char *path = publish_env(g->o, "GITHUB_EVENT_PATH");
	char *json = NULL, *base = NULL, *head = NULL;
	size_t len = 0;
	int error;

	if (g->o->number)
		return (g->number = strdup(g->o->number)) ? 0 : trb_err_oom();
	if (!path)
		return trb_err_set(TRB_EINVAL, "no pull request number: pass --pr N, or run in GitHub Actions on a "
				   "pull_request event (GITHUB_EVENT_PATH is not set)");
	if ((error = trb_read_file(&json, &len, path, EVENT_MAX_BYTES)) < 0)
		return trb_err_prefix(TRB_EINVAL, "GITHUB_EVENT_PATH: ");
	error = diff_spec_parse_github_event(&base, &head, &g->number, json, len);
	free(json);
	free(base);
	free(head);
	if (error < 0)
		return error;
	if (!g->number)
		return trb_err_set(TRB_EINVAL, "no pull request number: the event in GITHUB_EVENT_PATH is not a "
				   "pull_request event; pass --pr N");
	return 0;
}

static int configure(struct gh *g)
{
	struct trb_buf p = TRB_BUF_INIT(TRB_LIMIT_SMALL);
	const char *repo = publish_env(g->o, "GITHUB_REPOSITORY"), *base = publish_env(g->o, "GITHUB_API_URL");
	const char *slash;
	bool plain;
	int error;

	if (!repo)
		return trb_err_set(TRB_EINVAL, "GITHUB_REPOSITORY is not set: it names the repository as owner/name "
				   "(GitHub Actions sets it)");
	if (!publish_github_repo_valid(repo))
		return trb_err_set(TRB_EINVAL, "GITHUB_REPOSITORY is not owner/name (letters, digits, '-', and '.' '_' "
				   "in the name)");
	if ((error = publish_base_url(&g->base, &plain, "GITHUB_API_URL", base ? base : "https://api.github.com")) < 0)
		return error;
	if (plain)
		publish_say(g->o, PUBLISH_SAY_NOTE, "warning: GITHUB_API_URL is plain http: the token crosses the "
			    "network unencrypted");
	if ((error = find_number(g)) < 0)
		return error;
	if (!publish_number_valid(g->number))
		return trb_err_set(TRB_EINVAL, "the pull request number is not a number");
	if (!(g->repo = strdup(repo)))
		return trb_err_oom();
	slash = strchr(repo, '/');
	trb_buf_puts(&p, "/repos/");
	publish_url_escape(&p, repo, (size_t)(slash - repo));
	trb_buf_putc(&p, '/');
	publish_url_escape(&p, slash + 1, strlen(slash + 1));
	trb_buf_puts(&p, "/pulls/");
	publish_url_escape(&p, g->number, strlen(g->number));
	if ((error = trb_buf_error(&p)) < 0 || !(g->prefix = trb_buf_detach(&p)))
		error = error < 0 ? error : trb_err_oom();
	trb_buf_dispose(&p);
	return error;
}

static void put_location(struct trb_buf *b, const cJSON *c)
{
	const cJSON *start = publish_json_get(c, "start_line"), *line = publish_json_get(c, "line");

	publish_put_text(b, publish_json_str(c, "path"), 300);
	if (start && start->valuedouble < line->valuedouble)
		trb_buf_printf(b, ":%.0f-%.0f", start->valuedouble, line->valuedouble);
	else
		trb_buf_printf(b, ":%.0f", line->valuedouble);
}

static int dry_run(struct gh *g, const char *token)
{
	struct trb_buf b = TRB_BUF_INIT(TRB_LIMIT_SMALL);
	const cJSON *c;
	size_t i = 0;

	publish_say(g->o, PUBLISH_SAY_RESULT, "tribunal publish: dry run: nothing is sent");
	publish_say(g->o, PUBLISH_SAY_RESULT, "tribunal publish: would post to %s, pull request %s#%s", g->base,
		    g->repo, g->number);
	publish_say(g->o, PUBLISH_SAY_RESULT, "tribunal publish: a review (%s%s%.12s) with %zu inline comment%s, "
		    "less those an earlier run posted%s", publish_json_str(g->root, "event"), g->commit ? " of " : "",
		    g->commit ? g->commit : "", g->res->total, g->res->total == 1 ? "" : "s", g->res->total ? ":" : "");
	cJSON_ArrayForEach(c, publish_json_get(g->root, "comments")) {
		if (i++ == DRY_RUN_LIST) {
			publish_say(g->o, PUBLISH_SAY_RESULT, "  and %zu more", g->res->total - DRY_RUN_LIST);
			break;
		}
		trb_buf_clear(&b);
		put_location(&b, c);
		publish_say(g->o, PUBLISH_SAY_RESULT, "  %s", trb_buf_cstr(&b));
	}
	publish_say(g->o, PUBLISH_SAY_RESULT, "tribunal publish: %s", token ? "GITHUB_TOKEN is set" :
		    "GITHUB_TOKEN is not set: a real run would stop here");
	trb_buf_dispose(&b);
	return 0;
}

/* Whose token this is, so that only that account's markers count. An installation token (the
 * workflow's GITHUB_TOKEN) may not read /user: then only bot accounts' markers count. */
static int whoami(struct gh *g)
{
	struct publish_reply r;
	cJSON *root = NULL;
	const char *login;
	int error;

	if ((error = publish_http_call(&r, &g->http, "GET", "/user", NULL, 0)) < 0)
		return error;
	if (r.status == 401) {
		error = publish_http_fail(&g->http, &r, "checking the token (GET /user)");
	} else if (r.status == 200 && (root = cJSON_ParseWithLength(r.body, r.len)) &&
		   (login = publish_json_str(root, "login")) && *login) {
		if (!(g->login = strdup(login)))
			error = trb_err_oom();
	} else {
		/* the workflow's GITHUB_TOKEN may not read /user: its comments are github-actions[bot]'s;
		 * an app token names its bot with TRIBUNAL_GITHUB_LOGIN; elsewhere any bot's count */
		const char *named = publish_env(g->o, "TRIBUNAL_GITHUB_LOGIN"), *actions = publish_env(g->o, "GITHUB_ACTIONS");
		const char *who = named ? named : actions && strcmp(actions, "true") == 0 ? "github-actions[bot]" : NULL;
		if (who && !(g->login = strdup(who)))
			error = trb_err_oom();
		publish_say(g->o, PUBLISH_SAY_DETAIL, "GitHub did not say whose token this is (HTTP %ld on GET /user): "
			    "markers count in comments by %s only", r.status, who ? who : "bot accounts");
	}
	cJSON_Delete(root);
	publish_reply_dispose(&r);
	return error;
}

/* The body without its trailing review marker (put back last after anything appended). */
static size_t body_without_marker(const char *body)
{
	size_t len = strlen(body), m = strlen(REVIEW_MARKER), end = len;

	while (end > 0 && (body[end - 1] == '\n' || body[end - 1] == '\r' || body[end - 1] == ' '))
		end--;
	if (end >= m && memcmp(body + end - m, REVIEW_MARKER, m) == 0)
		return end - m;
	return len;
}

static bool trusted(const struct gh *g, const cJSON *item)
{
	const cJSON *user = publish_json_get(item, "user");
	const char *login = publish_json_str(user, "login"), *type = publish_json_str(user, "type");

	if (g->login)
		return login && strcmp(login, g->login) == 0;
	return type && strcmp(type, "Bot") == 0;
}

static int on_comment(const cJSON *item, void *payload)
{
	struct gh *g = payload;
	const char *body;
	size_t len;

	if (!trusted(g, item) || !(body = publish_item_body(item, &len)))
		return 0;
	return publish_seen_add_markers(&g->seen, body, len);
}

static int on_review(const cJSON *item, void *payload)
{
	struct gh *g = payload;
	const char *body, *commit;
	size_t len;

	if (!trusted(g, item) || !(body = publish_item_body(item, &len)))
		return 0;
	commit = publish_json_str(item, "commit_id");
	/* at the end only: a review quoting code may hold the marker anywhere */
	if (body_without_marker(body) < len && (!g->commit || (commit && strcmp(commit, g->commit) == 0)))
		g->reviewed = true;
	if (body_without_marker(body) < len && g->n_stale < STALE_MAX) {
		const char *state = publish_json_str(item, "state");
		const cJSON *id = publish_json_get(item, "id");
		if (state && strcmp(state, "CHANGES_REQUESTED") == 0 && cJSON_IsNumber(id) && id->valuedouble >= 1 &&
		    id->valuedouble < 9007199254740992.0)   /* 2^53: exact in a double */
			g->stale[g->n_stale++] = (unsigned long long)id->valuedouble;
	}
	return publish_seen_add_markers(&g->seen, body, len);
}

static int list_existing(struct gh *g)
{
	struct trb_buf p = TRB_BUF_INIT(TRB_LIMIT_SMALL);
	int error;

	trb_buf_printf(&p, "%s/comments", g->prefix);
	if ((error = trb_buf_error(&p)) == 0)
		error = publish_http_list(&g->http, trb_buf_cstr(&p), "listing the pull request's review comments",
					  on_comment, g);
	trb_buf_clear(&p);
	trb_buf_printf(&p, "%s/reviews", g->prefix);
	if (error == 0 && (error = trb_buf_error(&p)) == 0)
		error = publish_http_list(&g->http, trb_buf_cstr(&p), "listing the pull request's reviews", on_review, g);
	trb_buf_dispose(&p);
	return error;
}

static int cap_body(struct trb_buf *b)
{
	return publish_body_cut(b, PUBLISH_BODY_MAX_CHARS, "\n\n_(cut here: GitHub takes at most 65,536 characters "
				"in a review; findings.json has everything)_\n\n" REVIEW_MARKER "\n");
}

/* The review body with the comments GitHub would not take inline, as many whole ones as fit. */
static int fold_body(struct trb_buf *b, const char *body, const cJSON *const *keep, size_t n)
{
	struct trb_buf piece = TRB_BUF_INIT(TRB_LIMIT_FILE);
	size_t i, used, reserve = 400;

	trb_buf_put(b, body, body_without_marker(body));
	trb_buf_printf(b, "\n---\n\n**%zu inline comment%s GitHub did not accept** (the line%s not part of the diff "
		       "it shows now):\n\n", n, n == 1 ? "" : "s", n == 1 ? " is" : "s are");
	used = publish_text_chars(b->ptr, b->len);
	for (i = 0; i < n; i++) {
		const char *cb = publish_json_str(keep[i], "body");
		size_t c;
		trb_buf_clear(&piece);
		trb_buf_puts(&piece, "---\n\n");
		trb_buf_puts(&piece, cb);
		trb_buf_puts(&piece, "\n\n");
		c = publish_text_chars(piece.ptr, piece.len);
		if (trb_buf_error(&piece) < 0 || used + c + reserve > PUBLISH_BODY_MAX_CHARS)
			break;
		trb_buf_put(b, piece.ptr, piece.len);
		used += c;
	}
	if (i < n)
		trb_buf_printf(b, "_%zu more not shown here: GitHub takes at most 65,536 characters in a review. The job "
			       "summary and findings.json have them._\n\n", n - i);
	trb_buf_puts(b, REVIEW_MARKER "\n");
	trb_buf_dispose(&piece);
	return cap_body(b);
}

static int review_json(char **out, const struct gh *g, const char *body, const cJSON *const *keep, size_t n)
{
	cJSON *o = cJSON_CreateObject(), *arr = NULL, *dup;
	size_t i;
	int error = 0;

	*out = NULL;
	if (!o || (g->commit && !cJSON_AddStringToObject(o, "commit_id", g->commit)) ||
	    !cJSON_AddStringToObject(o, "event", publish_json_str(g->root, "event")) ||
	    !cJSON_AddStringToObject(o, "body", body))
		goto oom;
	if (n) {
		if (!(arr = cJSON_AddArrayToObject(o, "comments")))
			goto oom;
		for (i = 0; i < n; i++) {
			if (!(dup = cJSON_Duplicate(keep[i], 1)))
				goto oom;
			cJSON_AddItemToArray(arr, dup);
		}
	}
	if (!(*out = cJSON_PrintUnformatted(o)))
		goto oom;
	goto done;
oom:
	error = trb_err_oom();
done:
	cJSON_Delete(o);
	return error;
}

/* GitHub's words for an anchor outside the diff (REFERENCE.md §2). */
static bool outside_diff(const struct publish_reply *r)
{
	static const char *const says[] = {"must be part of the diff", "part of the same hunk",
					   "diff hunk can't be blank", "could not be resolved"};
	size_t i;

	if (r->status != 422 || !r->body)
		return false;
	for (i = 0; i < sizeof(says) / sizeof(says[0]); i++)
		if (strstr(r->body, says[i]))
			return true;
	return false;
}

static int post_review(struct gh *g, const cJSON *const *keep, size_t n)
{
	struct trb_buf body = TRB_BUF_INIT(TRB_LIMIT_FILE), path = TRB_BUF_INIT(TRB_LIMIT_SMALL);
	struct publish_reply r = {0};
	char *json = NULL;
	int error;

	trb_buf_puts(&body, publish_json_str(g->root, "body"));
	trb_buf_printf(&path, "%s/reviews", g->prefix);
	if ((error = cap_body(&body)) < 0 || (error = trb_buf_error(&path)) < 0 ||
	    (error = review_json(&json, g, trb_buf_cstr(&body), keep, n)) < 0)
		goto cleanup;
	publish_say(g->o, PUBLISH_SAY_PROGRESS, "posting the review with %zu inline comment%s", n, n == 1 ? "" : "s");
	if ((error = publish_http_call(&r, &g->http, "POST", trb_buf_cstr(&path), json, strlen(json))) < 0)
		goto cleanup;
	if (n && outside_diff(&r)) {
		publish_say(g->o, PUBLISH_SAY_NOTE, "GitHub refused the inline comments (a line is not part of the diff "
			    "it shows): posting them in the review body instead");
		trb_buf_clear(&body);
		free(json);
		json = NULL;
		publish_reply_dispose(&r);
		if ((error = fold_body(&body, publish_json_str(g->root, "body"), keep, n)) < 0 ||
		    (error = review_json(&json, g, trb_buf_cstr(&body), NULL, 0)) < 0 ||
		    (error = publish_http_call(&r, &g->http, "POST", trb_buf_cstr(&path), json, strlen(json))) < 0)
			goto cleanup;
		if (r.status / 100 == 2)
			g->res->moved = n;
	}
	if (r.status / 100 != 2) {
		error = publish_http_fail(&g->http, &r, "posting the review");
		goto cleanup;
	}
	g->res->review = true;
	g->res->posted = n;
cleanup:
	free(json);
	publish_reply_dispose(&r);
	trb_buf_dispose(&body);
	trb_buf_dispose(&path);
	return error;
}

/* The gate passes now: tribunal's earlier requests for changes no longer hold. A refusal (a
 * protected branch lets only some people dismiss) is said, never fatal: the review is posted. */
static int dismiss_stale(struct gh *g)
{
	static const char msg[] = "{\"message\": \"tribunal: the gate passes on the latest commit; this earlier "
				  "request for changes no longer applies.\", \"event\": \"DISMISS\"}";
	struct trb_buf path = TRB_BUF_INIT(TRB_LIMIT_SMALL);
	struct publish_reply r = {0};
	size_t i;
	int error = 0;

	for (i = 0; i < g->n_stale && error == 0; i++) {
		trb_buf_clear(&path);
		trb_buf_printf(&path, "%s/reviews/%llu/dismissals", g->prefix, g->stale[i]);
		if ((error = trb_buf_error(&path)) < 0 ||
		    (error = publish_http_call(&r, &g->http, "PUT", trb_buf_cstr(&path), msg, sizeof(msg) - 1)) < 0)
			break;
		if (r.status / 100 == 2)
			g->res->dismissed++;
		else
			publish_say(g->o, PUBLISH_SAY_NOTE, "could not dismiss tribunal's earlier request for changes "
				    "(review %llu, HTTP %ld): on a protected branch only people allowed to dismiss "
				    "reviews can; dismiss it by hand", g->stale[i], r.status);
		publish_reply_dispose(&r);
	}
	publish_reply_dispose(&r);
	trb_buf_dispose(&path);
	return error;
}

static int run(struct gh *g)
{
	const cJSON **keep = NULL, *c;
	const char *token, *body;
	char key[PUBLISH_MARKER_MAX + 1], note[64];
	static const char *const headers[] = {"Accept: application/vnd.github+json",
					      "X-GitHub-Api-Version: 2022-11-28", "Content-Type: application/json", NULL};
	struct publish_seen mine = {0};
	size_t n = 0, i;
	bool new_body = false;
	int error;

	if ((error = check_review(g)) < 0 || (error = configure(g)) < 0 ||
	    (error = publish_token(&token, g->o, "GITHUB_TOKEN")) < 0)
		return error;
	if (g->o->dry_run)
		return dry_run(g, token);
	if (!token)
		return trb_err_set(TRB_EINVAL, "GITHUB_TOKEN is not set: give the step the workflow's token (env: "
				   "GITHUB_TOKEN: ${{ secrets.GITHUB_TOKEN }}) and the job `permissions: "
				   "pull-requests: write`");
	if ((error = publish_http_open(&g->http, g->o, "GitHub", "GITHUB_TOKEN", g->base, headers,
				       "Authorization: Bearer ", token)) < 0 ||
	    (error = whoami(g)) < 0 || (error = list_existing(g)) < 0)
		goto cleanup;
	if (g->res->total && !(keep = calloc(g->res->total, sizeof(*keep)))) {
		error = trb_err_oom();
		goto cleanup;
	}
	cJSON_ArrayForEach(c, publish_json_get(g->root, "comments")) {
		size_t len;
		const char *cb = publish_item_body(c, &len);
		if (publish_marker_end(key, cb, len) && publish_seen_has(&g->seen, key)) {
			g->res->skipped++;
			continue;
		}
		keep[n++] = c;
	}
	/* the body's list of findings outside the diff: new when one of them is */
	body = publish_json_str(g->root, "body");
	if ((error = publish_seen_add_markers(&mine, body, strlen(body))) < 0)
		goto cleanup;
	for (i = 0; i < mine.n && !new_body; i++)
		new_body = !publish_seen_has(&g->seen, mine.v[i]);
	if (n == 0 && !new_body && g->reviewed) {
		publish_say(g->o, PUBLISH_SAY_RESULT, "tribunal publish: pull request #%s: nothing new to post (%zu "
			    "comment%s and a review%s%.12s by an earlier run are there)", g->number, g->res->skipped,
			    g->res->skipped == 1 ? "" : "s", g->commit ? " of " : "", g->commit ? g->commit : "");
	} else if ((error = post_review(g, keep, n)) < 0) {
		goto cleanup;
	}
	if (strcmp(publish_json_str(g->root, "event"), "COMMENT") == 0 && g->n_stale) {
		if ((error = dismiss_stale(g)) < 0)
			goto cleanup;
		if (g->res->dismissed)
			publish_say(g->o, PUBLISH_SAY_RESULT, "tribunal publish: pull request #%s: the gate passes now; "
				    "dismissed %zu earlier request%s for changes by tribunal", g->number, g->res->dismissed,
				    g->res->dismissed == 1 ? "" : "s");
	}
	if (!g->res->review)
		goto cleanup;
	if (g->res->moved)
		publish_say(g->o, PUBLISH_SAY_RESULT, "tribunal publish: pull request #%s: posted a review (%s) with %zu "
			    "comment%s in its body: GitHub did not take them inline%s", g->number, publish_json_str(g->root, "event"),
			    n, n == 1 ? "" : "s", publish_skipped_note(note, g->res->skipped));
	else
		publish_say(g->o, PUBLISH_SAY_RESULT, "tribunal publish: pull request #%s: posted a review (%s) with %zu "
			    "inline comment%s%s", g->number, publish_json_str(g->root, "event"), n, n == 1 ? "" : "s",
			    publish_skipped_note(note, g->res->skipped));
cleanup:
	publish_seen_dispose(&mine);
	free(keep);
	return error;
}

int publish_github(struct publish_result *out, const struct publish_options *o)
{
	struct gh g;
	cJSON *root = NULL;
	int error;

	memset(&g, 0, sizeof(g));
	g.o = o;
	g.res = out;
	if ((error = publish_read_json(&root, o->from_dir, "github-review.json")) == 0) {
		g.root = root;
		error = run(&g);
	}
	publish_http_close(&g.http);
	publish_seen_dispose(&g.seen);
	cJSON_Delete(root);
	free(g.repo);
	free(g.number);
	free(g.base);
	free(g.prefix);
	free(g.login);
	return error;
}
