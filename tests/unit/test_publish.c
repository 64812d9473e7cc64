/* publish/: markers, URL checks and escaping, the body cut, and (through a fake transport) the
 * listing's pagination and the retry rules. No network, no wall clock: sleeps go through a hook. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "publish/publish.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/escape.h"

#define FP_A "0123456789abcdef0123456789abcdef"
#define FP_B "fedcba9876543210fedcba9876543210"
#define SHA "2222222222222222222222222222222222222222"

/* ---- markers ---- */

static void test_markers_are_collected_in_lower_case(void **state)
{
	struct publish_seen s = {0};
	const char *text = "- a <!-- tribunal:fingerprint=" FP_A " -->\n"
			   "- b <!-- tribunal:fingerprint=FEDCBA9876543210FEDCBA9876543210 -->\n"
			   "<!-- tribunal:body=00112233445566778899aabbccddeeff-->\n"
			   "<!-- tribunal:fingerprint=abc -->\n"            /* too short */
			   "<!-- tribunal:fingerprint=" FP_A "xyz -->\n"     /* not hex up to the end */
			   "<!-- tribunal:review -->\n"
			   "<!-- tribunal:fingerprint=" FP_B;               /* never closed */

	(void)state;
	assert_int_equal(publish_seen_add_markers(&s, text, strlen(text)), 0);
	assert_int_equal(s.n, 3);
	assert_true(publish_seen_has(&s, "fingerprint=" FP_A));
	assert_true(publish_seen_has(&s, "fingerprint=" FP_B));
	assert_true(publish_seen_has(&s, "body=00112233445566778899aabbccddeeff"));
	assert_false(publish_seen_has(&s, "fingerprint=abc"));
	assert_false(publish_seen_has(&s, "review"));
	publish_seen_dispose(&s);
}

static void test_marker_too_long_is_ignored(void **state)
{
	struct publish_seen s = {0};
	struct trb_buf b = TRB_BUF_INIT(4096);
	int i;

	(void)state;
	trb_buf_puts(&b, "<!-- tribunal:fingerprint=");
	for (i = 0; i < 129; i++)
		trb_buf_putc(&b, 'a');
	trb_buf_puts(&b, " -->");
	assert_int_equal(publish_seen_add_markers(&s, b.ptr, b.len), 0);
	assert_int_equal(s.n, 0);
	trb_buf_dispose(&b);
}

#define FP_C "cccccccccccccccccccccccccccccccc"
#define FP_D "dddddddddddddddddddddddddddddddd"

/* code in a suggestion block is the repository's: a marker in it is not tribunal's */
static void test_markers_in_code_or_mid_line_do_not_count(void **state)
{
	struct publish_seen s = {0};
	const char *text = "**High** strcpy\r\n\r\n"
			   "````suggestion\n"
			   "// <!-- tribunal:fingerprint=" FP_B " -->\n"
			   "```\n"
			   "<!-- tribunal:fingerprint=" FP_C " -->\n"
			   "`````\n"
			   "```code span``` then <!-- tribunal:fingerprint=" FP_D " --> and more\n"
			   "<sub>tribunal</sub>\r\n"
			   "<!-- tribunal:fingerprint=" FP_A " -->\r\n";

	(void)state;
	assert_int_equal(publish_seen_add_markers(&s, text, strlen(text)), 0);
	assert_int_equal(s.n, 1);
	assert_true(publish_seen_has(&s, "fingerprint=" FP_A));
	publish_seen_dispose(&s);
}

static void test_marker_after_a_code_span_line_counts(void **state)
{
	struct publish_seen s = {0};
	/* a line that starts with a code span of three backticks opens no fence */
	const char *text = "```a``` x\n- y <!-- tribunal:fingerprint=" FP_A " -->\n```\n- z <!-- tribunal:fingerprint=" FP_B
			   " -->\n";

	(void)state;
	assert_int_equal(publish_seen_add_markers(&s, text, strlen(text)), 0);
	assert_int_equal(s.n, 1);
	assert_true(publish_seen_has(&s, "fingerprint=" FP_A));
	publish_seen_dispose(&s);
}

static void test_marker_end_is_the_last_line(void **state)
{
	char key[PUBLISH_MARKER_MAX + 1];
	const char *comment = "**High** finding\n\n<sub>tribunal · F1</sub>\n<!-- tribunal:fingerprint=" FP_A " -->\n\n";
	const char *summary = "- x <!-- tribunal:fingerprint=" FP_A " -->\n\n<!-- tribunal:summary -->\n";
	const char *after = "<!-- tribunal:fingerprint=" FP_A " --> and more\n";

	(void)state;
	assert_true(publish_marker_end(key, comment, strlen(comment)));
	assert_string_equal(key, "fingerprint=" FP_A);
	assert_false(publish_marker_end(key, summary, strlen(summary)));
	assert_string_equal(key, "");
	assert_false(publish_marker_end(key, after, strlen(after)));
	assert_false(publish_marker_end(key, "", 0));
}

/* ---- URLs ---- */

static void test_url_escape_keeps_only_unreserved(void **state)
{
	struct trb_buf b = TRB_BUF_INIT(256);

	(void)state;
	assert_int_equal(publish_url_escape(&b, "a b/\xc3\xbc?&=#%.-_~Z9", 17), 0);
	assert_string_equal(trb_buf_cstr(&b), "a%20b%2F%C3%BC%3F%26%3D%23%25.-_~Z9");
	trb_buf_dispose(&b);
}

static void test_github_repository_names(void **state)
{
	static const char *const good[] = {"acme/widget", "a/b", "Acme-1/w.i_d-get", "x/.github"};
	static const char *const bad[] = {"acme", "/widget", "acme/", "acme/../x", "acme/..", "acme/.",
		"ac me/w", "acme/w?x", "acme/w/x", "a_b/w", "acme/w%2e", "0123456789012345678901234567890123456789/x",
		""};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		assert_true(publish_github_repo_valid(good[i]));
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_false(publish_github_repo_valid(bad[i]));
	assert_false(publish_github_repo_valid(NULL));
}

static void test_numbers(void **state)
{
	(void)state;
	assert_true(publish_number_valid("1"));
	assert_true(publish_number_valid("123456789012345"));
	assert_false(publish_number_valid("1234567890123456"));
	assert_false(publish_number_valid("0"));
	assert_false(publish_number_valid("07"));
	assert_false(publish_number_valid("7x"));
	assert_false(publish_number_valid("-7"));
	assert_false(publish_number_valid(" 7"));
	assert_false(publish_number_valid(""));
	assert_false(publish_number_valid(NULL));
}

static void test_base_urls(void **state)
{
	static const struct {
		const char *in, *out;
		bool plain;
	} good[] = {
		{"https://api.github.com", "https://api.github.com", false},
		{"https://ghe.example.com/api/v3//", "https://ghe.example.com/api/v3", false},
		{"https://gitlab.example.com:8443/api/v4/", "https://gitlab.example.com:8443/api/v4", false},
		{"http://127.0.0.1:8080", "http://127.0.0.1:8080", false},
		{"http://localhost/api/v4", "http://localhost/api/v4", false},
		{"http://[::1]:9/x", "http://[::1]:9/x", false},
		{"http://gitlab.internal/api/v4", "http://gitlab.internal/api/v4", true},
		{"http://127.0.0.1.nip.example/x", "http://127.0.0.1.nip.example/x", true},
		{"http://127.example.com:80", "http://127.example.com:80", true},
	};
	static const char *const bad[] = {"ftp://x", "api.github.com", "https://", "https://u:p@host",
		"https://token@host/x", "https://host/x?y=1", "https://host/#f", "https://ho st", "https://host/\n",
		"https://host:99999999", "https://[zz]/", "https://host:/x", "", "https://host\\@evil/"};
	char *out;
	bool plain;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		assert_int_equal(publish_base_url(&out, &plain, "X_URL", good[i].in), 0);
		assert_string_equal(out, good[i].out);
		assert_int_equal(plain, good[i].plain);
		free(out);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(publish_base_url(&out, &plain, "X_URL", bad[i]), TRB_EINVAL);
		assert_null(out);
		assert_non_null(strstr(trb_err_msg(), "X_URL"));
	}
}

/* ---- bodies ---- */

static void test_text_chars_count_utf16_units(void **state)
{
	(void)state;
	/* a, euro sign (3 bytes, 1 unit), grinning face (4 bytes, 2 units) */
	assert_int_equal(publish_text_chars("a\xe2\x82\xac\xf0\x9f\x98\x80", 8), 4);
	assert_int_equal(publish_text_chars("", 0), 0);
}

static void test_body_cut_at_65536(void **state)
{
	struct trb_buf b = TRB_BUF_INIT(TRB_LIMIT_FILE);
	const char *note = "\n(cut)\n<!-- tribunal:review -->\n";
	size_t i, len;

	(void)state;
	/* exactly at the limit: untouched */
	for (i = 0; i < PUBLISH_BODY_MAX_CHARS; i++)
		trb_buf_putc(&b, 'a');
	assert_int_equal(publish_body_cut(&b, PUBLISH_BODY_MAX_CHARS, note), 0);
	assert_int_equal(b.len, PUBLISH_BODY_MAX_CHARS);
	/* one over: cut, with the note last, within the limit */
	trb_buf_putc(&b, 'b');
	assert_int_equal(publish_body_cut(&b, PUBLISH_BODY_MAX_CHARS, note), 0);
	assert_true(publish_text_chars(b.ptr, b.len) <= PUBLISH_BODY_MAX_CHARS);
	assert_int_equal(b.len, PUBLISH_BODY_MAX_CHARS);   /* no line end: cut at the exact budget */
	assert_string_equal(b.ptr + b.len - strlen(note), note);
	assert_null(memchr(b.ptr, 'b', b.len - strlen(note)));
	trb_buf_dispose(&b);

	/* emoji count 2 each and are never split; the cut falls on a line end when one is near */
	trb_buf_init(&b, TRB_LIMIT_FILE);
	for (i = 0; i < 40000; i++) {
		trb_buf_puts(&b, "\xf0\x9f\x94\xb4");
		if (i % 100 == 99)
			trb_buf_putc(&b, '\n');
	}
	assert_int_equal(publish_body_cut(&b, PUBLISH_BODY_MAX_CHARS, note), 0);
	len = b.len - strlen(note);
	assert_true(publish_text_chars(b.ptr, b.len) <= PUBLISH_BODY_MAX_CHARS);
	assert_true(publish_text_chars(b.ptr, b.len) > PUBLISH_BODY_MAX_CHARS - 300);
	assert_true(trb_utf8_valid(b.ptr, b.len));
	assert_int_equal(b.ptr[len - 1], '\n');
	trb_buf_dispose(&b);
}

/* ---- through a fake transport ---- */

struct fake {
	char *seen[64];          /* "METHOD url" of each request */
	size_t n;
	size_t pages[4];         /* review comments on pages 1..4 */
	int fail;                /* POSTs still to answer with fail_status */
	int user_fail;           /* GET /user: the same, with user_body */
	const char *user_body;
	const char *reviews;     /* page 1 of the reviews; NULL: none */
	long fail_status;
	int64_t retry_after;
	bool post_lost;          /* a POST that fails without an answer, maybe sent */
	uint64_t slept[16];
	size_t n_slept;
	char *auth;              /* the Authorization header last seen */
	char *last_body;
};

static int fake_transport(struct publish_reply *out, bool *maybe_sent, const char *method, const char *url,
			  const char *const *headers, const char *body, size_t len, void *payload)
{
	struct fake *f = payload;
	struct trb_buf b = TRB_BUF_INIT(TRB_LIMIT_FILE);
	const char *page;
	size_t i, k;

	assert_true(f->n < 64);
	trb_buf_printf(&b, "%s %s", method, url);
	f->seen[f->n++] = trb_buf_detach(&b);
	for (i = 0; headers[i]; i++)
		if (strncmp(headers[i], "Authorization: ", 15) == 0) {
			free(f->auth);
			f->auth = strdup(headers[i]);
		}
	out->retry_after_ms = -1;
	out->status = 200;
	if (strcmp(method, "POST") == 0) {
		free(f->last_body);
		f->last_body = strndup(body, len);
		if (f->post_lost) {
			*maybe_sent = true;
			return trb_err_set(TRB_ENET, "connection reset");
		}
		if (f->fail > 0) {
			f->fail--;
			out->status = f->fail_status;
			out->retry_after_ms = f->retry_after;
			out->rate_limited = f->retry_after >= 0;
		}
		trb_buf_puts(&b, "{}");
	} else if (strstr(url, "/user") && f->user_fail > 0) {
		f->user_fail--;
		out->status = f->fail_status;
		trb_buf_puts(&b, f->user_body ? f->user_body : "{}");
	} else if (strstr(url, "/user")) {
		trb_buf_puts(&b, "{\"login\": \"tribunal-bot\", \"type\": \"Bot\"}");
	} else if (strstr(url, "/comments") && (page = strstr(url, "&page="))) {
		k = (size_t)strtoul(page + 6, NULL, 10);
		trb_buf_putc(&b, '[');
		for (i = 0; k >= 1 && k <= 4 && i < f->pages[k - 1]; i++)
			trb_buf_printf(&b, "%s{\"user\": {\"login\": \"octocat\", \"type\": \"User\"}, \"body\": \"hi\"}",
				       i ? "," : "");
		trb_buf_putc(&b, ']');
	} else if (strstr(url, "/reviews?") && strstr(url, "&page=1") && f->reviews) {
		trb_buf_puts(&b, f->reviews);
	} else {
		trb_buf_puts(&b, "[]");
	}
	out->len = b.len;
	out->body = trb_buf_detach(&b);
	return 0;
}

static void fake_sleep(uint64_t ms, void *payload)
{
	struct fake *f = payload;

	assert_true(f->n_slept < 16);
	f->slept[f->n_slept++] = ms;
}

static const char *fake_env(const char *name, void *payload)
{
	(void)payload;
	if (strcmp(name, "GITHUB_TOKEN") == 0)
		return "t0ken";
	if (strcmp(name, "GITHUB_REPOSITORY") == 0)
		return "acme/widget";
	if (strcmp(name, "GITHUB_API_URL") == 0)
		return "https://api.example.test";
	return NULL;
}

struct world {
	char dir[64];
	struct fake f;
	struct publish_options o;
};

static int setup(void **state)
{
	struct world *w = calloc(1, sizeof(*w));
	char path[128];
	FILE *fp;

	if (!w)
		return -1;
	snprintf(w->dir, sizeof(w->dir), "/tmp/test_publish.XXXXXX");
	if (!mkdtemp(w->dir))
		return -1;
	snprintf(path, sizeof(path), "%s/github-review.json", w->dir);
	if (!(fp = fopen(path, "w")))
		return -1;
	fputs("{\"commit_id\": \"" SHA "\", \"event\": \"COMMENT\", \"body\": \"summary\\n<!-- tribunal:review -->\\n\", "
	      "\"comments\": [{\"path\": \"a.c\", \"line\": 3, \"side\": \"RIGHT\", "
	      "\"body\": \"x\\n<!-- tribunal:fingerprint=" FP_A " -->\\n\"}]}", fp);
	fclose(fp);
	w->f.retry_after = -1;
	w->o.forge = PUBLISH_GITHUB;
	w->o.from_dir = w->dir;
	w->o.number = "7";
	w->o.getenv = fake_env;
	w->o.transport = fake_transport;
	w->o.transport_payload = &w->f;
	w->o.sleep_ms = fake_sleep;
	*state = w;
	return 0;
}

static int teardown(void **state)
{
	struct world *w = *state;
	char path[128];
	size_t i;

	snprintf(path, sizeof(path), "%s/github-review.json", w->dir);
	unlink(path);
	rmdir(w->dir);
	for (i = 0; i < w->f.n; i++)
		free(w->f.seen[i]);
	free(w->f.auth);
	free(w->f.last_body);
	free(w);
	return 0;
}

static size_t count_prefix(const struct fake *f, const char *prefix)
{
	size_t i, n = 0;

	for (i = 0; i < f->n; i++)
		n += strncmp(f->seen[i], prefix, strlen(prefix)) == 0;
	return n;
}

#define COMMENTS "GET https://api.example.test/repos/acme/widget/pulls/7/comments?per_page=100&page="

static void test_listing_stops_at_a_short_page(void **state)
{
	struct world *w = *state;
	struct publish_result r;

	w->f.pages[0] = 100;
	w->f.pages[1] = 100;
	w->f.pages[2] = 99;
	w->f.pages[3] = 100;   /* never asked for */
	assert_int_equal(publish_run(&r, &w->o), 0);
	assert_int_equal(count_prefix(&w->f, COMMENTS), 3);
	assert_string_equal(w->f.seen[1], COMMENTS "1");
	assert_string_equal(w->f.seen[3], COMMENTS "3");
	assert_string_equal(w->f.seen[w->f.n - 1], "POST https://api.example.test/repos/acme/widget/pulls/7/reviews");
	assert_string_equal(w->f.auth, "Authorization: Bearer t0ken");
	assert_true(r.review);
	assert_int_equal(r.posted, 1);
	assert_int_equal(r.skipped, 0);
}

static void test_listing_of_an_empty_page_one_is_one_request(void **state)
{
	struct world *w = *state;
	struct publish_result r;

	assert_int_equal(publish_run(&r, &w->o), 0);
	assert_int_equal(count_prefix(&w->f, COMMENTS), 1);
}

static void test_retry_honours_retry_after(void **state)
{
	struct world *w = *state;
	struct publish_result r;

	w->f.fail = 1;
	w->f.fail_status = 429;
	w->f.retry_after = 2500;
	assert_int_equal(publish_run(&r, &w->o), 0);
	assert_int_equal(count_prefix(&w->f, "POST "), 2);
	assert_int_equal(w->f.n_slept, 1);
	assert_int_equal(w->f.slept[0], 2500);
}

static void test_server_errors_back_off_then_give_up(void **state)
{
	struct world *w = *state;
	struct publish_result r;

	w->f.user_fail = 100;
	w->f.fail_status = 503;
	assert_int_equal(publish_run(&r, &w->o), TRB_ENET);
	assert_int_equal(count_prefix(&w->f, "GET https://api.example.test/user"), 4);
	assert_int_equal(count_prefix(&w->f, "POST "), 0);
	assert_int_equal(w->f.n_slept, 3);
	assert_int_equal(w->f.slept[0], 1000);
	assert_int_equal(w->f.slept[1], 2000);
	assert_int_equal(w->f.slept[2], 4000);
	assert_non_null(strstr(trb_err_msg(), "HTTP 503"));
	assert_false(r.review);
}

/* GitHub may answer 502 to a review it did create: a second POST would post every comment twice */
static void test_a_post_answered_with_a_server_error_is_not_sent_again(void **state)
{
	struct world *w = *state;
	struct publish_result r;

	w->f.fail = 1;
	w->f.fail_status = 502;
	assert_int_equal(publish_run(&r, &w->o), TRB_ENET);
	assert_int_equal(count_prefix(&w->f, "POST "), 1);
	assert_int_equal(w->f.n_slept, 0);
	assert_non_null(strstr(trb_err_msg(), "HTTP 502"));
	assert_non_null(strstr(trb_err_msg(), "a rerun skips what was posted"));
	assert_false(r.review);
}

static void test_a_long_retry_after_fails_at_once(void **state)
{
	struct world *w = *state;
	struct publish_result r;

	w->f.fail = 1;
	w->f.fail_status = 429;
	w->f.retry_after = 61000;
	assert_int_equal(publish_run(&r, &w->o), TRB_ENET);
	assert_int_equal(count_prefix(&w->f, "POST "), 1);
	assert_int_equal(w->f.n_slept, 0);
	assert_non_null(strstr(trb_err_msg(), "asked to wait 61 s"));
}

/* GitHub: a rate limit that names no wait means a minute at least, not 1 s, 2 s, 4 s */
static void test_a_rate_limit_without_a_wait_is_not_hammered(void **state)
{
	struct world *w = *state;
	struct publish_result r;

	w->f.fail = 1;
	w->f.fail_status = 429;
	assert_int_equal(publish_run(&r, &w->o), TRB_ENET);
	assert_int_equal(count_prefix(&w->f, "POST "), 1);
	assert_int_equal(w->f.n_slept, 0);
	assert_non_null(strstr(trb_err_msg(), "HTTP 429"));
	assert_non_null(strstr(trb_err_msg(), "a minute at least"));
}

static void test_a_post_that_may_have_arrived_is_not_sent_again(void **state)
{
	struct world *w = *state;
	struct publish_result r;

	w->f.post_lost = true;
	assert_int_equal(publish_run(&r, &w->o), TRB_ENET);
	assert_int_equal(count_prefix(&w->f, "POST "), 1);
	assert_null(strstr(trb_err_msg(), "t0ken"));
}

/* nothing new and a review of this commit exists: nothing is posted */
static void test_an_earlier_review_of_the_commit_is_enough(void **state)
{
	struct world *w = *state;
	struct publish_result r;

	w->f.reviews = "[{\"user\": {\"login\": \"tribunal-bot\"}, \"commit_id\": \"" SHA "\", "
		       "\"body\": \"- x <!-- tribunal:fingerprint=" FP_A " -->\\n<!-- tribunal:review -->\\r\\n\"}]";
	assert_int_equal(publish_run(&r, &w->o), 0);
	assert_int_equal(count_prefix(&w->f, "POST "), 0);
	assert_int_equal(r.skipped, 1);
}

/* the review marker counts at the end of the review only, not in code it quotes */
static void test_a_quoted_review_marker_is_not_a_review(void **state)
{
	struct world *w = *state;
	struct publish_result r;

	w->f.reviews = "[{\"user\": {\"login\": \"tribunal-bot\"}, \"commit_id\": \"" SHA "\", "
		       "\"body\": \"- x <!-- tribunal:fingerprint=" FP_A " -->\\n```\\n<!-- tribunal:review -->\\n```\\n\"}]";
	assert_int_equal(publish_run(&r, &w->o), 0);
	assert_int_equal(count_prefix(&w->f, "POST "), 1);
	assert_true(r.review);
	assert_int_equal(r.skipped, 1);
	assert_int_equal(r.posted, 0);
}

/* a proxy or a debugging server may echo the request headers back in its error */
static void test_an_echoed_token_is_blotted_out(void **state)
{
	struct world *w = *state;
	struct publish_result r;

	w->f.user_fail = 1;
	w->f.fail_status = 401;
	w->f.user_body = "{\"message\": \"Bad credentials\", \"errors\": [\"Authorization: Bearer t0ken\"]}";
	assert_int_equal(publish_run(&r, &w->o), TRB_ENET);
	assert_non_null(strstr(trb_err_msg(), "HTTP 401: Bad credentials; Authorization: Bearer [token])"));
	assert_null(strstr(trb_err_msg(), "t0k"));
}

static void test_a_token_echoed_across_the_cut_is_blotted_out(void **state)
{
	struct world *w = *state;
	struct publish_result r;
	char body[256];

	/* not JSON: the start of the text is shown, 200 bytes, and the token straddles byte 200 */
	memset(body, 'x', 197);
	snprintf(body + 197, sizeof(body) - 197, "t0ken and more");
	w->f.user_fail = 1;
	w->f.fail_status = 401;
	w->f.user_body = body;
	assert_int_equal(publish_run(&r, &w->o), TRB_ENET);
	assert_non_null(strstr(trb_err_msg(), "HTTP 401: xxx"));
	assert_null(strstr(trb_err_msg(), "t0k"));
}

static void test_dry_run_sends_nothing(void **state)
{
	struct world *w = *state;
	struct publish_result r;

	w->o.dry_run = true;
	assert_int_equal(publish_run(&r, &w->o), 0);
	assert_int_equal(w->f.n, 0);
	assert_int_equal(r.total, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_markers_are_collected_in_lower_case),
		cmocka_unit_test(test_marker_too_long_is_ignored),
		cmocka_unit_test(test_markers_in_code_or_mid_line_do_not_count),
		cmocka_unit_test(test_marker_after_a_code_span_line_counts),
		cmocka_unit_test(test_marker_end_is_the_last_line),
		cmocka_unit_test(test_url_escape_keeps_only_unreserved),
		cmocka_unit_test(test_github_repository_names),
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_base_urls),
		cmocka_unit_test(test_text_chars_count_utf16_units),
		cmocka_unit_test(test_body_cut_at_65536),
		cmocka_unit_test_setup_teardown(test_listing_stops_at_a_short_page, setup, teardown),
		cmocka_unit_test_setup_teardown(test_listing_of_an_empty_page_one_is_one_request, setup, teardown),
		cmocka_unit_test_setup_teardown(test_retry_honours_retry_after, setup, teardown),
		cmocka_unit_test_setup_teardown(test_server_errors_back_off_then_give_up, setup, teardown),
		cmocka_unit_test_setup_teardown(test_a_post_answered_with_a_server_error_is_not_sent_again, setup, teardown),
		cmocka_unit_test_setup_teardown(test_a_long_retry_after_fails_at_once, setup, teardown),
		cmocka_unit_test_setup_teardown(test_a_rate_limit_without_a_wait_is_not_hammered, setup, teardown),
		cmocka_unit_test_setup_teardown(test_a_post_that_may_have_arrived_is_not_sent_again, setup, teardown),
		cmocka_unit_test_setup_teardown(test_an_earlier_review_of_the_commit_is_enough, setup, teardown),
		cmocka_unit_test_setup_teardown(test_a_quoted_review_marker_is_not_a_review, setup, teardown),
		cmocka_unit_test_setup_teardown(test_an_echoed_token_is_blotted_out, setup, teardown),
		cmocka_unit_test_setup_teardown(test_a_token_echoed_across_the_cut_is_blotted_out, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dry_run_sends_nothing, setup, teardown),
	};
	return cmocka_run_group_tests_name("publish", tests, NULL, NULL);
}
