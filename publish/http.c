/* publish/http.c: requests to the GitHub or GitLab API, one at a time over one libcurl easy
 * handle (connections are reused), with bounded retries and the error messages users act on.
 * The token is one header line: wiped from memory when the client closes, never in a URL, never in
 * a message (messages name the variable instead). Redirects are not followed, so the header never
 * goes to a host the user did not name. */
#include "publish/internal.h"

#include "llm/curl_dl.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/buf.h"
#include "util/err.h"

#define ATTEMPT_TIMEOUT_MS 30000L
#define CONNECT_TIMEOUT_MS 10000L
#define BACKOFF_FIRST_MS 1000u
#define RATE_LIMIT_WAIT_MS 60000u   /* GitHub: a minute at least when a rate limit says no time */
#define WAIT_MAX_S 10000000LL   /* a longer wait asked for is as impossible as this one */

struct publish_curl {
	CURL *easy;
	struct trb_buf body;
	int64_t retry_after_ms;
	long remaining;        /* x-ratelimit-remaining; -1 when absent */
	long long reset;       /* x-ratelimit-reset (epoch seconds); -1 when absent */
	char *cainfo, *capath;
	char errbuf[CURL_ERROR_SIZE];
};

static void wipe(char *s)
{
	volatile char *p = s;

	if (!s)
		return;
	while (*p)
		*p++ = 0;
}

void publish_reply_dispose(struct publish_reply *r)
{
	if (!r)
		return;
	free(r->body);
	memset(r, 0, sizeof(*r));
	r->retry_after_ms = -1;
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* seconds from a header to milliseconds, without overflow whatever the server sent */
static int64_t wait_ms(long long s)
{
	if (s <= 0)
		return 0;
	return (int64_t)(s < WAIT_MAX_S ? s : WAIT_MAX_S) * 1000;
}

static void default_sleep(uint64_t ms, void *payload)
{
	struct timespec ts = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000L};

	(void)payload;
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

/* ---- the libcurl transport ---- */

static size_t on_body(char *data, size_t size, size_t n, void *payload)
{
	struct publish_curl *c = payload;

	(void)size;
	return trb_buf_put(&c->body, data, n) < 0 ? 0 : n;
}

/* A whole-number header (x-ratelimit-*): true with *out when line is header `name` holding one. */
static bool header_num(const char *line, size_t len, const char *name, long long *out)
{
	char tmp[32], *end;
	const char *v;
	size_t vlen;

	if (!llm_curl_header(line, len, name, &v, &vlen) || vlen == 0 || vlen >= sizeof(tmp))
		return false;
	memcpy(tmp, v, vlen);
	tmp[vlen] = '\0';
	*out = strtoll(tmp, &end, 10);
	return *end == '\0';
}

static size_t on_header(char *line, size_t size, size_t n, void *payload)
{
	struct publish_curl *c = payload;
	const char *v;
	size_t vlen;
	int64_t ms;
	long long ll;

	(void)size;
	if (n >= 5 && strncmp(line, "HTTP/", 5) == 0) {
		/* a new response (after a 100 Continue): forget the previous one's headers */
		c->retry_after_ms = -1;
		c->remaining = c->reset = -1;
	} else if (llm_curl_header(line, n, "retry-after", &v, &vlen)) {
		if ((ms = llm_curl_retry_after_ms(v, vlen, false)) >= 0)
			c->retry_after_ms = ms < WAIT_MAX_S * 1000 ? ms : WAIT_MAX_S * 1000;
	} else if (header_num(line, n, "x-ratelimit-remaining", &ll) && ll >= 0) {
		c->remaining = ll > 1000000 ? 1000000 : (long)ll;
	} else if (header_num(line, n, "x-ratelimit-reset", &ll) && ll > 0) {
		c->reset = ll;
	}
	return n;
}

static int curl_transport(struct publish_reply *out, bool *maybe_sent, const char *method, const char *url,
			  const char *const *headers, const char *body, size_t len, void *payload)
{
	struct publish_curl *c = payload;
	struct curl_slist *l = NULL, *t;
	bool post = strcmp(method, "GET") != 0;   /* POST, or PUT with a body */
	CURLcode rc;
	CURL *e = c->easy;
	long status = 0;
	size_t i;
	int error = 0;

	*maybe_sent = false;
	for (i = 0; headers[i]; i++) {
		if (!(t = curl_slist_append(l, headers[i]))) {
			error = trb_err_oom();
			goto cleanup;
		}
		l = t;
	}
	/* no "Expect: 100-continue" round trip before a large body */
	if (!(t = curl_slist_append(l, "Expect:"))) {
		error = trb_err_oom();
		goto cleanup;
	}
	l = t;
	trb_buf_clear(&c->body);
	c->retry_after_ms = -1;
	c->remaining = c->reset = -1;
	c->errbuf[0] = '\0';
	if (curl_easy_setopt(e, CURLOPT_URL, url) != CURLE_OK ||
	    curl_easy_setopt(e, CURLOPT_HTTPHEADER, l) != CURLE_OK ||
	    (post ? curl_easy_setopt(e, CURLOPT_POSTFIELDS, body) != CURLE_OK ||
			    curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len) != CURLE_OK
		  : curl_easy_setopt(e, CURLOPT_HTTPGET, 1L) != CURLE_OK) ||
	    curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, strcmp(method, "PUT") == 0 ? "PUT" : NULL) != CURLE_OK) {
		error = trb_err_set(TRB_ERROR, "libcurl rejected a transfer option");
		goto cleanup;
	}
	rc = curl_easy_perform(e);
	if (rc != CURLE_OK) {
		/* only these fail before anything was sent: a POST may then be tried again */
		*maybe_sent = !(rc == CURLE_COULDNT_RESOLVE_PROXY || rc == CURLE_COULDNT_RESOLVE_HOST ||
				rc == CURLE_COULDNT_CONNECT);
		if (rc == CURLE_WRITE_ERROR && trb_buf_error(&c->body) < 0)
			error = trb_err_set(TRB_ENET, "%s %s: the answer is larger than %zu bytes", method, url,
					    PUBLISH_MAX_RESPONSE);
		else
			error = trb_err_set(TRB_ENET, "%s %s: %s", method, url,
					    c->errbuf[0] ? c->errbuf : curl_easy_strerror(rc));
		goto cleanup;
	}
	curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status);
	out->status = status;
	out->len = c->body.len;
	if (!(out->body = trb_buf_detach(&c->body)) && !(out->body = calloc(1, 1))) {
		error = trb_err_oom();
		goto cleanup;
	}
	out->retry_after_ms = c->retry_after_ms;
	out->rate_limited = c->retry_after_ms >= 0 || c->remaining == 0;
	if (out->retry_after_ms < 0 && c->remaining == 0 && c->reset > 0)
		out->retry_after_ms = wait_ms(c->reset - (long long)time(NULL));
cleanup:
	for (t = l; t; t = t->next)
		wipe(t->data);
	curl_slist_free_all(l);
	trb_buf_clear(&c->body);
	return error;
}

static void curl_free_state(struct publish_curl *c)
{
	if (!c)
		return;
	if (c->easy)
		curl_easy_cleanup(c->easy);
	trb_buf_dispose(&c->body);
	free(c->cainfo);
	free(c->capath);
	free(c);
}

static int curl_open(struct publish_curl **out, const struct publish_options *o)
{
	struct publish_curl *c;
	const char *ca;
	CURL *e;

	*out = NULL;
	if (!(c = calloc(1, sizeof(*c))))
		return trb_err_oom();
	trb_buf_init(&c->body, PUBLISH_MAX_RESPONSE);
	/* libcurl reads the proxy variables itself, but not the CA ones (the curl tool does) */
	if (((ca = publish_env(o, "CURL_CA_BUNDLE")) || (ca = publish_env(o, "SSL_CERT_FILE"))) &&
	    !(c->cainfo = strdup(ca)))
		goto oom;
	if ((ca = publish_env(o, "SSL_CERT_DIR")) && !(c->capath = strdup(ca)))
		goto oom;
	if (!(c->easy = e = curl_easy_init()))
		goto oom;
	if (curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body) != CURLE_OK ||
	    curl_easy_setopt(e, CURLOPT_WRITEDATA, c) != CURLE_OK ||
	    curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header) != CURLE_OK ||
	    curl_easy_setopt(e, CURLOPT_HEADERDATA, c) != CURLE_OK ||
	    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, c->errbuf) != CURLE_OK ||
	    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, ATTEMPT_TIMEOUT_MS) != CURLE_OK ||
	    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, CONNECT_TIMEOUT_MS) != CURLE_OK ||
	    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L) != CURLE_OK ||
	    curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L) != CURLE_OK ||
	    curl_easy_setopt(e, CURLOPT_USERAGENT, "tribunal") != CURLE_OK ||
	    curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "") != CURLE_OK ||
	    curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https") != CURLE_OK ||
	    (c->cainfo && curl_easy_setopt(e, CURLOPT_CAINFO, c->cainfo) != CURLE_OK) ||
	    (c->capath && curl_easy_setopt(e, CURLOPT_CAPATH, c->capath) != CURLE_OK)) {
		curl_free_state(c);
		return trb_err_set(TRB_ERROR, "libcurl rejected a transfer option");
	}
	*out = c;
	return 0;
oom:
	curl_free_state(c);
	return trb_err_oom();
}

/* ---- the client ---- */

int publish_http_open(struct publish_http *h, const struct publish_options *o, const char *who,
		      const char *token_var, const char *base, const char *const *headers, const char *auth,
		      const char *token)
{
	struct trb_buf b = TRB_BUF_INIT(TRB_LIMIT_SMALL);
	size_t i, n = 0;
	int error;

	memset(h, 0, sizeof(*h));
	h->o = o;
	h->who = who;
	h->token_var = token_var;
	h->max_attempts = o->max_attempts ? o->max_attempts : 4;
	h->max_wait_ms = o->max_wait_ms ? o->max_wait_ms : 60000;
	if (!(h->base = strdup(base)))
		return trb_err_oom();
	for (i = 0; headers[i] && n + 2 < sizeof(h->headers) / sizeof(h->headers[0]); i++)
		if (!(h->headers[n++] = strdup(headers[i])))
			goto oom;
	trb_buf_puts(&b, auth);
	trb_buf_puts(&b, token);
	if (trb_buf_error(&b) < 0 || !(h->headers[n] = trb_buf_detach(&b)))
		goto oom;
	h->token = h->headers[n++] + strlen(auth);
	if (o->transport) {
		h->transport = o->transport;
		h->payload = o->transport_payload;
		return 0;
	}
	if ((error = curl_open(&h->curl, o)) < 0) {
		publish_http_close(h);
		return error;
	}
	h->transport = curl_transport;
	h->payload = h->curl;
	return 0;
oom:
	wipe(b.ptr);
	trb_buf_dispose(&b);
	publish_http_close(h);
	return trb_err_oom();
}

void publish_http_close(struct publish_http *h)
{
	size_t i;

	for (i = 0; i < sizeof(h->headers) / sizeof(h->headers[0]); i++) {
		wipe(h->headers[i]);
		free(h->headers[i]);
	}
	free(h->base);
	curl_free_state(h->curl);
	memset(h, 0, sizeof(*h));
}

/* "METHOD /path" without the query, for messages. */
static void request_name(struct trb_buf *b, const char *method, const char *path)
{
	trb_buf_printf(b, "%s ", method);
	trb_buf_put(b, path, strcspn(path, "?"));
}

int publish_http_call(struct publish_reply *out, struct publish_http *h, const char *method, const char *path,
		      const char *body, size_t len)
{
	struct trb_buf url = TRB_BUF_INIT(TRB_LIMIT_SMALL), name = TRB_BUF_INIT(TRB_LIMIT_SMALL);
	bool post = strcmp(method, "GET") != 0;
	uint64_t start = now_ms(), delay;
	unsigned attempt;
	int error = 0;

	memset(out, 0, sizeof(*out));
	out->retry_after_ms = -1;
	trb_buf_puts(&url, h->base);
	trb_buf_puts(&url, path);
	request_name(&name, method, path);
	if ((error = trb_buf_error(&url)) < 0 || (error = trb_buf_error(&name)) < 0)
		goto cleanup;
	for (attempt = 1;; attempt++) {
		bool maybe_sent = true;
		const char *why;
		char status[48];

		publish_reply_dispose(out);
		error = h->transport(out, &maybe_sent, method, trb_buf_cstr(&url), (const char *const *)h->headers,
				     body, len, h->payload);
		if (error < 0) {
			if (error != TRB_ENET)
				goto cleanup;
			if (post && maybe_sent) {
				/* it may have been received: a second POST could post twice */
				error = trb_err_prefix(TRB_ENET, "%s got no answer (not sent again, it may have arrived; "
							      "a rerun skips what was posted): ", h->who);
				goto cleanup;
			}
			why = "no answer";
		} else if (out->status == 429 || (out->status == 403 && out->rate_limited) ||
			   (!post && out->status >= 500)) {
			/* a rate limit refuses before doing anything; a 5xx to a POST may come after the
			 * comments were created (GitHub's 502 on a slow review), so only a GET is sent again */
			snprintf(status, sizeof(status), "HTTP %ld", out->status);
			why = status;
		} else {
			goto cleanup;
		}
		if (attempt >= h->max_attempts) {
			if (error < 0)
				error = trb_err_prefix(TRB_ENET, "%s: gave up after %u attempts: ", trb_buf_cstr(&name),
						       attempt);
			else
				error = trb_err_set(TRB_ENET, "%s answered %s to %s %u times: %s; try again later",
						    h->who, why, trb_buf_cstr(&name), attempt,
						    out->status >= 500 ? "a server error" : "rate limited");
			goto cleanup;
		}
		if (error == 0 && out->retry_after_ms >= 0)
			delay = (uint64_t)out->retry_after_ms;
		else if (error == 0 && out->status < 500)
			delay = RATE_LIMIT_WAIT_MS;   /* retrying sooner may get the integration banned */
		else
			delay = (uint64_t)BACKOFF_FIRST_MS << (attempt - 1);
		if (now_ms() - start + delay >= h->max_wait_ms) {
			if (error == 0 && out->retry_after_ms < 0 && out->status < 500)
				error = trb_err_set(TRB_ENET, "%s answered %s to %s without saying how long to wait, and "
						    "its rule is a minute at least, longer than the %.0f s publish waits; "
						    "try again later", h->who, why, trb_buf_cstr(&name),
						    (double)h->max_wait_ms / 1000.0);
			else if (error == 0)
				error = trb_err_set(TRB_ENET, "%s answered %s to %s and asked to wait %.0f s, longer than "
							      "the %.0f s publish waits; try again later", h->who, why,
						    trb_buf_cstr(&name), (double)delay / 1000.0,
						    (double)h->max_wait_ms / 1000.0);
			else
				error = trb_err_prefix(TRB_ENET, "%s: no time left to try again: ", trb_buf_cstr(&name));
			goto cleanup;
		}
		publish_say(h->o, PUBLISH_SAY_PROGRESS, "%s: %s, trying again in %.1f s (attempt %u of %u)",
			    trb_buf_cstr(&name), why, (double)delay / 1000.0, attempt + 1, h->max_attempts);
		trb_err_clear();
		error = 0;
		if (h->o->sleep_ms)
			h->o->sleep_ms(delay, h->o->transport_payload);
		else
			default_sleep(delay, NULL);
	}
cleanup:
	if (error < 0)
		publish_reply_dispose(out);
	trb_buf_dispose(&url);
	trb_buf_dispose(&name);
	return error;
}

/* Text from the server, at most 200 bytes, with the token blotted out first: a proxy or a debug
 * endpoint may echo the request's headers back, and a cut must not leave half of it. */
static void put_said(struct trb_buf *b, const struct publish_http *h, const char *s)
{
	struct trb_buf t = TRB_BUF_INIT(TRB_LIMIT_FILE);
	size_t tlen = h->token ? strlen(h->token) : 0;
	const char *hit;

	while (tlen && (hit = strstr(s, h->token))) {
		trb_buf_put(&t, s, (size_t)(hit - s));
		trb_buf_puts(&t, "[token]");
		s = hit + tlen;
	}
	trb_buf_puts(&t, s);
	if (trb_buf_error(&t) == 0)
		publish_put_text(b, trb_buf_cstr(&t), 200);
	trb_buf_dispose(&t);
}

/* What the API said: GitHub {message, errors: [string | {message}]}, GitLab {message: string |
 * object} or {error, error_description}; else the start of the text. */
static void api_message(struct trb_buf *b, const struct publish_http *h, const struct publish_reply *r)
{
	cJSON *root = r->body ? cJSON_ParseWithLength(r->body, r->len) : NULL;
	const cJSON *m, *errs, *e;
	size_t start = b->len;

	if (!cJSON_IsObject(root)) {
		if (r->len && r->body[0] != '<')
			put_said(b, h, r->body);
		cJSON_Delete(root);
		return;
	}
	m = cJSON_GetObjectItemCaseSensitive(root, "message");
	if (!m)
		m = cJSON_GetObjectItemCaseSensitive(root, "error");
	if (cJSON_IsString(m)) {
		put_said(b, h, m->valuestring);
	} else if (m) {
		char *s = cJSON_PrintUnformatted(m);
		if (s)
			put_said(b, h, s);
		free(s);
	}
	errs = cJSON_GetObjectItemCaseSensitive(root, "errors");
	cJSON_ArrayForEach(e, errs) {
		const cJSON *em = cJSON_IsObject(e) ? cJSON_GetObjectItemCaseSensitive(e, "message") : e;
		if (!cJSON_IsString(em) || b->len - start > 400)
			continue;
		trb_buf_puts(b, b->len > start ? "; " : "");
		put_said(b, h, em->valuestring);
	}
	e = cJSON_GetObjectItemCaseSensitive(root, "error_description");
	if (cJSON_IsString(e)) {
		trb_buf_puts(b, b->len > start ? ": " : "");
		put_said(b, h, e->valuestring);
	}
	cJSON_Delete(root);
}

int publish_http_fail(struct publish_http *h, const struct publish_reply *r, const char *what)
{
	struct trb_buf m = TRB_BUF_INIT(TRB_LIMIT_SMALL);
	bool gh = h->o->forge == PUBLISH_GITHUB;
	const char *said;
	int error;

	api_message(&m, h, r);
	said = m.len ? trb_buf_cstr(&m) : "no message";
	if (r->status == 401)
		error = trb_err_set(TRB_ENET, "%s refused the token in %s while %s (HTTP 401: %s): %s", h->who,
				    h->token_var, what, said,
				    gh ? "pass a valid token (env: GITHUB_TOKEN: ${{ secrets.GITHUB_TOKEN }}) and give "
					 "the job the permission `pull-requests: write`"
				       : "it must be a project or personal access token with the api scope that has "
					 "not expired");
	else if (r->status == 403)
		error = trb_err_set(TRB_ENET, "%s forbade %s (HTTP 403: %s): %s", h->who, what, said,
				    gh ? "the token in GITHUB_TOKEN lacks a permission: give the job "
					 "`permissions: pull-requests: write` (a pull request from a fork gets a "
					 "read-only token)"
				       : "the token in GITLAB_TOKEN may not do this: use a project access token with "
					 "the api scope and a role that may comment on merge requests");
	else if (r->status == 404)
		error = trb_err_set(TRB_ENET, "%s found nothing while %s (HTTP 404: %s): %s", h->who, what, said,
				    gh ? "check GITHUB_REPOSITORY and the pull request number, and that the token can "
					 "see the repository"
				       : "check CI_PROJECT_ID and the merge request iid, and that the token's account "
					 "is a member of the project");
	else if (r->status >= 500)
		error = trb_err_set(TRB_ENET, "%s failed while %s (HTTP %ld: %s): not sent again, it may have arrived; "
				    "a rerun skips what was posted", h->who, what, r->status, said);
	else
		error = trb_err_set(TRB_ENET, "%s refused %s (HTTP %ld: %s)", h->who, what, r->status, said);
	trb_buf_dispose(&m);
	return error;
}

int publish_http_list(struct publish_http *h, const char *path, const char *what, publish_item_fn each,
		      void *payload)
{
	struct trb_buf p = TRB_BUF_INIT(TRB_LIMIT_SMALL);
	struct publish_reply r = {0};
	cJSON *page = NULL;
	const cJSON *item;
	unsigned k;
	int error = 0, n;

	for (k = 1; k <= PUBLISH_MAX_PAGES; k++) {
		trb_buf_clear(&p);
		trb_buf_printf(&p, "%s%cper_page=%d&page=%u", path, strchr(path, '?') ? '&' : '?', PUBLISH_PER_PAGE, k);
		if ((error = trb_buf_error(&p)) < 0)
			goto cleanup;
		publish_say(h->o, PUBLISH_SAY_PROGRESS, "%s (page %u)", what, k);
		if ((error = publish_http_call(&r, h, "GET", trb_buf_cstr(&p), NULL, 0)) < 0)
			goto cleanup;
		if (r.status != 200) {
			error = publish_http_fail(h, &r, what);
			goto cleanup;
		}
		page = cJSON_ParseWithLength(r.body, r.len);
		if (!cJSON_IsArray(page)) {
			error = trb_err_set(TRB_ENET, "%s while %s: page %u is not a JSON array", h->who, what, k);
			goto cleanup;
		}
		n = cJSON_GetArraySize(page);
		cJSON_ArrayForEach(item, page)
			if ((error = each(item, payload)) < 0)
				goto cleanup;
		cJSON_Delete(page);
		page = NULL;
		publish_reply_dispose(&r);
		if (n < PUBLISH_PER_PAGE)
			goto cleanup;
	}
	publish_say(h->o, PUBLISH_SAY_NOTE, "%s: more than %d items, only the first %d were read; a comment posted "
		    "after them may be posted again", what, PUBLISH_MAX_PAGES * PUBLISH_PER_PAGE,
		    PUBLISH_MAX_PAGES * PUBLISH_PER_PAGE);
cleanup:
	cJSON_Delete(page);
	publish_reply_dispose(&r);
	trb_buf_dispose(&p);
	return error;
}

const char *publish_item_body(const cJSON *item, size_t *len)
{
	const cJSON *b = cJSON_IsObject(item) ? cJSON_GetObjectItemCaseSensitive(item, "body") : NULL;

	if (!cJSON_IsString(b) || !b->valuestring) {
		*len = 0;
		return NULL;
	}
	*len = strlen(b->valuestring);
	return b->valuestring;
}
