/* publish/publish.h: posts a scan's review to GitHub or GitLab, skipping what an earlier run posted.
 * In: a scan's output directory (github-review.json or gitlab-discussions.json as report/ wrote
 *     them), the CI environment (token, API base, repository or project, pull or merge request
 *     number) read through a hook, and a transport: libcurl (llm/curl_dl.h) unless a test gives one.
 * Out: one review with inline comments (GitHub) or one discussion per finding plus the summary
 *     (GitLab); counts in struct publish_result; lines for the user through a callback.
 * Besides llm/, the only module that talks to the network: one request at a time, bounded
 * retries, capped responses, no redirects. The token goes into its request header only, never
 * into a URL, a message or a log line. Earlier posts are recognized by the hidden marker report/
 * ends each body with (`<!-- tribunal:fingerprint=HEX -->`), read only from notes the token's own
 * account wrote: a pull request's author cannot silence a finding by quoting its marker. */
#ifndef TRB_PUBLISH_PUBLISH_H
#define TRB_PUBLISH_PUBLISH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct trb_buf;

typedef enum { PUBLISH_GITHUB, PUBLISH_GITLAB } publish_forge_t;

typedef enum {
	PUBLISH_SAY_RESULT,    /* what was done or would be done (stdout) */
	PUBLISH_SAY_NOTE,      /* a warning the user should read (stderr unless --quiet) */
	PUBLISH_SAY_PROGRESS,  /* a step or a wait (stderr when it is a terminal) */
	PUBLISH_SAY_DETAIL     /* --verbose */
} publish_say_t;

#define PUBLISH_BODY_MAX_CHARS 65536               /* GitHub's limit for one body (REFERENCE.md §2) */
#define PUBLISH_MAX_RESPONSE ((size_t)8 << 20)     /* bytes of one response body */
#define PUBLISH_PER_PAGE 100                       /* the most GitHub and GitLab list per page */
#define PUBLISH_MAX_PAGES 100                      /* pages of one listing: 10,000 items */
#define PUBLISH_MARKER_MAX 160                     /* "fingerprint=" + at most 128 hex digits */

/* One HTTP answer, whatever its status. */
struct publish_reply {
	long status;
	char *body;              /* NUL-terminated; at most PUBLISH_MAX_RESPONSE bytes */
	size_t len;
	int64_t retry_after_ms;  /* Retry-After, else the rate-limit reset when none is left; -1: none */
	bool rate_limited;       /* Retry-After came, or x-ratelimit-remaining was 0 */
};
void publish_reply_dispose(struct publish_reply *r);

typedef const char *(*publish_getenv_fn)(const char *name, void *payload);
typedef void (*publish_say_fn)(publish_say_t kind, const char *line, void *payload);
/* One exchange. headers: "Name: value" lines, NULL-terminated. 0 with *out filled (any status);
 * else TRB_ENET with a message, and *maybe_sent false only when the request surely never left
 * (no connection was made), so that a POST may be tried again without posting twice. */
typedef int (*publish_transport_fn)(struct publish_reply *out, bool *maybe_sent, const char *method,
				    const char *url, const char *const *headers, const char *body, size_t len,
				    void *payload);

struct publish_options {
	publish_forge_t forge;
	const char *from_dir;          /* the scan's --out */
	const char *number;            /* --pr / --mr; NULL: from the CI environment */
	bool dry_run;                  /* print what would be posted; no request at all */
	publish_getenv_fn getenv;      /* NULL: getenv(3) */
	void *getenv_payload;
	publish_transport_fn transport;   /* NULL: libcurl (llm_global_init() must have run) */
	void *transport_payload;
	void (*sleep_ms)(uint64_t ms, void *payload);   /* NULL: nanosleep; gets transport_payload */
	publish_say_fn say;            /* NULL: silent */
	void *say_payload;
	unsigned max_attempts;         /* of one request; 0: 4 */
	uint64_t max_wait_ms;          /* one request's retries end within it; 0: 60000 */
};

struct publish_result {
	size_t total;      /* inline comments (GitHub) or discussions (GitLab) in the file */
	size_t posted;     /* of those, posted by this run */
	size_t skipped;    /* already there from an earlier run */
	size_t moved;      /* GitHub: put into the review body after a 422; GitLab: posted without a
			    * position after a 400 (both also counted in posted) */
	bool review;       /* GitHub: a review was created */
	size_t dismissed;  /* GitHub: earlier requests for changes by tribunal dismissed, the gate
			    * passing now */
};

/* Posts what o->from_dir holds for o->forge. 0 when done (also when nothing was new); TRB_EINVAL
 * for a missing or bad variable, option or input file (the message names it and says what to do);
 * TRB_EIO (file unreadable), TRB_ENOMEM, TRB_ELIMIT; TRB_ENET when the network or the API failed
 * or refused, after what could be retried was (401/403 name the permission the job needs).
 * *out counts what was done, also on failure. */
int publish_run(struct publish_result *out, const struct publish_options *o);

/* ---- the parts below are pure; publish_run uses them and the unit tests call them ---- */

/* Fingerprint markers seen on the pull request: keys "fingerprint=HEX" or "body=HEX" (HEX in lower
 * case). Zero-initialize; publish_seen_dispose() releases. */
struct publish_seen {
	char **v;
	size_t n, cap;
	bool sorted;
};
/* Adds each `<!-- tribunal:fingerprint=HEX -->` and `<!-- tribunal:body=HEX -->` (8 to 128 hex
 * digits) that ends a line of text[0..len) outside a fenced code block: where report/ and publish
 * put them, and where code quoted in a body cannot. At most 200,000 keys in all: TRB_ELIMIT
 * beyond; TRB_ENOMEM. */
int publish_seen_add_markers(struct publish_seen *s, const char *text, size_t len);
int publish_seen_add(struct publish_seen *s, const char *key);
bool publish_seen_has(struct publish_seen *s, const char *key);
void publish_seen_dispose(struct publish_seen *s);

/* The marker that ends body (its last non-blank line is one marker and nothing else): its key
 * into out. false when the body does not end with a marker (GitLab's summary). */
bool publish_marker_end(char out[PUBLISH_MARKER_MAX + 1], const char *body, size_t len);

/* Percent-encodes s[0..len) for one URL path segment or query value: everything but A-Z a-z 0-9
 * - . _ ~ becomes %XX. */
int publish_url_escape(struct trb_buf *out, const char *s, size_t len);
/* owner/name as GitHub allows them: owner 1-39 of [A-Za-z0-9-], name 1-100 of [A-Za-z0-9._-],
 * not "." or "..". */
bool publish_github_repo_valid(const char *s);
/* A pull/merge request number or a project id: 1 to 15 digits, no leading zero. */
bool publish_number_valid(const char *s);
/* An API base URL from the environment: http(s), a host, no user name or password, no query or
 * fragment, no spaces or control characters. *out: the URL without trailing slashes (caller
 * frees); *plain: plain http to a host that is not the loopback. TRB_EINVAL naming var. */
int publish_base_url(char **out, bool *plain, const char *var, const char *value);

/* The length of s[0..len) as GitHub may count it: UTF-16 code units (a character outside the
 * BMP, an emoji, counts 2), never fewer than code points. */
size_t publish_text_chars(const char *s, size_t len);
/* Cuts b so that it plus note is at most max_chars (publish_text_chars), at a line end when one is
 * near, never inside a UTF-8 sequence, then appends note. Nothing happens when b fits. 0 or b's
 * error. */
int publish_body_cut(struct trb_buf *b, size_t max_chars, const char *note);

#endif
