/* publish/internal.h (private to publish/): what github.c and gitlab.c share: the environment,
 * messages, input files and the HTTP client with its retries. */
#ifndef TRB_PUBLISH_INTERNAL_H
#define TRB_PUBLISH_INTERNAL_H

#include <cjson/cJSON.h>

#include "publish/publish.h"

/* A variable's value; NULL when unset or empty. */
const char *publish_env(const struct publish_options *o, const char *name);
/* A token from var: NULL when unset; TRB_EINVAL when it holds a space or control character (it
 * goes into a header line). */
int publish_token(const char **out, const struct publish_options *o, const char *var);
void publish_say(const struct publish_options *o, publish_say_t kind, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Appends s (from a file or an API: hostile) as one line of plain text, at most max bytes. */
void publish_put_text(struct trb_buf *b, const char *s, size_t max);
/* Parses dir/name (at most 64 MiB of JSON). TRB_EINVAL (bad JSON), TRB_EIO (missing: says which
 * scan writes it), TRB_ELIMIT, TRB_ENOMEM. */
int publish_read_json(cJSON **out, const char *dir, const char *name);

/* Input-file checks both platforms share. publish_json_get: the member key of object o (NULL when
 * o is no object or has none); publish_json_str: the same when it is a string. */
const cJSON *publish_json_get(const cJSON *o, const char *key);
const char *publish_json_str(const cJSON *o, const char *key);
/* A commit SHA as the scan writes it: 40 or 64 lower-case hex digits; NULL is not one. */
bool publish_sha_valid(const char *s);
/* A whole number from 1 to max. */
bool publish_line_valid(const cJSON *v, double max);
/* "; N already there were skipped" into out, or "" for none; returns out. */
const char *publish_skipped_note(char out[64], size_t n);

int publish_github(struct publish_result *out, const struct publish_options *o);
int publish_gitlab(struct publish_result *out, const struct publish_options *o);

/* ---- HTTP (http.c) ---- */

struct publish_curl;

struct publish_http {
	const struct publish_options *o;
	const char *who;          /* "GitHub" or "GitLab", for messages */
	const char *token_var;    /* GITHUB_TOKEN or GITLAB_TOKEN, for messages */
	char *base;               /* API base without trailing slash */
	char *headers[8];         /* NULL-terminated; the token's line is wiped when closed */
	const char *token;        /* inside the token's header line: blotted out of what servers say */
	publish_transport_fn transport;
	void *payload;
	struct publish_curl *curl;   /* the default transport's state */
	unsigned max_attempts;
	uint64_t max_wait_ms;
};

/* headers: the request headers but the token's, NULL-terminated (copied); auth: the header name
 * and value prefix before the token ("Authorization: Bearer "). TRB_ENOMEM, or the libcurl set-up
 * failure. */
int publish_http_open(struct publish_http *h, const struct publish_options *o, const char *who,
		      const char *token_var, const char *base, const char *const *headers, const char *auth,
		      const char *token);
void publish_http_close(struct publish_http *h);
/* One request to base + path, retried on 429, a rate-limited 403, 5xx (a GET only) and connection
 * failures (a POST only when it surely never left), honouring Retry-After, within max_attempts and
 * max_wait_ms. 0 with the final answer in *out (any status: the caller decides); TRB_ENET when
 * no answer came or the retries ran out (message set). */
int publish_http_call(struct publish_reply *out, struct publish_http *h, const char *method, const char *path,
		      const char *body, size_t len);
/* The message for an answer the caller cannot use, naming what was being done; 401 and 403 say
 * which token and permission the job needs. Returns TRB_ENET. */
int publish_http_fail(struct publish_http *h, const struct publish_reply *r, const char *what);

/* GET path?per_page=100&page=K for K = 1, 2, ... until a page holds fewer than 100 items (or
 * PUBLISH_MAX_PAGES, with a note); each item goes to each(). A page that is not a JSON array is
 * TRB_ENET; each()'s error stops the listing and is returned. */
typedef int (*publish_item_fn)(const cJSON *item, void *payload);
int publish_http_list(struct publish_http *h, const char *path, const char *what, publish_item_fn each,
		      void *payload);

/* The body of an item (a comment, a review, a note) when it is a string, else NULL. */
const char *publish_item_body(const cJSON *item, size_t *len);

#endif
