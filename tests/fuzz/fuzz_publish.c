/* libFuzzer target: publish against a hostile API. The input is split at NUL bytes into the
 * answers the forge gives, in order (GET /user, the listing pages, the POSTs and PUTs); each
 * answer's first byte picks its HTTP status and the rest is its body. Both platforms run on a
 * fixed scan output, so that everything publish parses from a server (JSON pages, user objects,
 * bodies with markers, error messages) meets arbitrary bytes. Besides memory errors, it checks
 * that the token never appears in what publish says. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "publish/publish.h"
#include "util/buf.h"
#include "util/err.h"

#define TOKEN "tkn_FUZZSECRET0123456789"
#define SHA "2222222222222222222222222222222222222222"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct script {
	const uint8_t *p, *end;
	unsigned calls;
};

static const long statuses[] = {200, 200, 200, 201, 400, 401, 403, 404, 422, 429, 500, 502};

static int transport(struct publish_reply *out, bool *maybe_sent, const char *method, const char *url,
		     const char *const *headers, const char *body, size_t len, void *payload)
{
	struct script *s = payload;
	const uint8_t *nul;
	size_t n;

	(void)method, (void)url, (void)headers, (void)body, (void)len;
	*maybe_sent = true;
	if (s->p >= s->end || ++s->calls > 64)
		return trb_err_set(TRB_ENET, "no more answers");
	out->status = statuses[s->p[0] % (sizeof(statuses) / sizeof(statuses[0]))];
	out->retry_after_ms = s->p[0] & 0x80 ? (int64_t)(s->p[0] & 0x0f) : -1;
	out->rate_limited = out->retry_after_ms >= 0;
	s->p++;
	nul = memchr(s->p, '\0', (size_t)(s->end - s->p));
	n = nul ? (size_t)(nul - s->p) : (size_t)(s->end - s->p);
	if (!(out->body = malloc(n + 1)))
		return trb_err_oom();
	memcpy(out->body, s->p, n);
	out->body[n] = '\0';
	out->len = n;
	s->p += n + (nul ? 1 : 0);
	return 0;
}

static void no_sleep(uint64_t ms, void *payload)
{
	(void)ms, (void)payload;
}

static void say(publish_say_t kind, const char *line, void *payload)
{
	(void)kind, (void)payload;
	if (strstr(line, TOKEN))
		abort();
}

static const char *env(const char *name, void *payload)
{
	static const struct { const char *k, *v; } vars[] = {
		{"GITHUB_TOKEN", TOKEN}, {"GITHUB_REPOSITORY", "acme/widget"},
		{"GITHUB_API_URL", "https://api.example.test"}, {"GITLAB_TOKEN", TOKEN},
		{"CI_API_V4_URL", "https://gitlab.example.test/api/v4"}, {"CI_PROJECT_ID", "12"},
		{"CI_MERGE_REQUEST_IID", "7"},
	};
	size_t i;

	(void)payload;
	for (i = 0; i < sizeof(vars) / sizeof(vars[0]); i++)
		if (strcmp(name, vars[i].k) == 0)
			return vars[i].v;
	return NULL;
}

static const char *scan_dir(void)
{
	static char dir[64];
	char path[128];
	FILE *fp;

	if (dir[0])
		return dir;
	snprintf(dir, sizeof(dir), "/tmp/fuzz_publish.XXXXXX");
	if (!mkdtemp(dir))
		abort();
	snprintf(path, sizeof(path), "%s/github-review.json", dir);
	if (!(fp = fopen(path, "w")))
		abort();
	fputs("{\"commit_id\": \"" SHA "\", \"event\": \"COMMENT\", \"body\": \"summary\\n<!-- tribunal:review -->\\n\","
	      " \"comments\": [{\"path\": \"a.c\", \"line\": 3, \"side\": \"RIGHT\", \"body\": \"x\\n"
	      "<!-- tribunal:fingerprint=0123456789abcdef0123456789abcdef -->\\n\"}]}", fp);
	fclose(fp);
	snprintf(path, sizeof(path), "%s/gitlab-discussions.json", dir);
	if (!(fp = fopen(path, "w")))
		abort();
	fputs("[{\"body\": \"y\\n<!-- tribunal:fingerprint=0123456789abcdef0123456789abcdef -->\\n\", \"position\":"
	      " {\"base_sha\": \"" SHA "\", \"start_sha\": \"" SHA "\", \"head_sha\": \"" SHA "\", \"position_type\":"
	      " \"text\", \"old_path\": \"a.c\", \"new_path\": \"a.c\", \"new_line\": 3}}, {\"body\": \"summary\"}]", fp);
	fclose(fp);
	return dir;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct publish_options o;
	struct publish_result r;
	struct script s;
	int forge;

	if (size < 1)
		return 0;
	for (forge = 0; forge < 2; forge++) {
		memset(&o, 0, sizeof(o));
		memset(&r, 0, sizeof(r));
		s.p = data + 1;
		s.end = data + size;
		s.calls = 0;
		o.forge = (data[0] & 1) ^ forge ? PUBLISH_GITLAB : PUBLISH_GITHUB;
		o.from_dir = scan_dir();
		o.number = "7";
		o.getenv = env;
		o.transport = transport;
		o.transport_payload = &s;
		o.sleep_ms = no_sleep;
		o.say = say;
		o.max_attempts = 3;
		o.max_wait_ms = 1000;
		if (publish_run(&r, &o) < 0 && strstr(trb_err_msg(), TOKEN))
			abort();
		trb_err_clear();
	}
	return 0;
}
