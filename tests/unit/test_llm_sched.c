/* tests/unit/test_llm_sched.c: the scheduler against tests/fake_provider.py on 127.0.0.1.
 * One fake serves the whole file; each test loads its script with PUT /_fake/script (which also
 * clears the fake's request log) and checks attempts, the final outcome and message, what reached
 * the fake, and audit.jsonl. Retry waits are a few milliseconds: no test sleeps. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "config/config.h"
#include "llm/curl_dl.h"
#include "llm/llm.h"
#include "util/buf.h"
#include "util/err.h"

/* Planted in the environment of every test; no output may ever hold it. */
#define KEY_A "test-anthropic-key-PLANTED-51c9e0"
#define KEY_O "test-openai-key-PLANTED-77ab12"

static pid_t fake_pid;
static char tmpdir[] = "/tmp/tribunal-llm-XXXXXX";
static char port_path[256], audit_path[256], base_a[64], base_o[64];
static int port;

/* ---- the fake ---- */

static uint64_t mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static int read_port(void)
{
	FILE *f = fopen(port_path, "r");
	int p = 0;

	if (!f)
		return 0;
	if (fscanf(f, "%d", &p) != 1)
		p = 0;
	fclose(f);
	return p;
}

static int start_fake(void **state)
{
	const char *script = getenv("FAKE_PROVIDER") ? getenv("FAKE_PROVIDER") : "tests/fake_provider.py";
	uint64_t deadline;

	(void)state;
	if (!mkdtemp(tmpdir))
		return -1;
	snprintf(port_path, sizeof(port_path), "%s/port", tmpdir);
	snprintf(audit_path, sizeof(audit_path), "%s/audit.jsonl", tmpdir);
	if ((fake_pid = fork()) < 0)
		return -1;
	if (fake_pid == 0) {
		int devnull = open("/dev/null", O_WRONLY);
		if (devnull >= 0)
			dup2(devnull, 1);
		execlp("python3", "python3", script, "--port-file", port_path, (char *)NULL);
		_exit(127);
	}
	/* wait for the port file under a deadline: an event, not a fixed sleep */
	deadline = mono_ms() + 15000;
	while (!(port = read_port())) {
		struct timespec ts = {0, 5 * 1000 * 1000};
		int st;
		if (mono_ms() > deadline || waitpid(fake_pid, &st, WNOHANG) == fake_pid)
			return -1;
		nanosleep(&ts, NULL);
	}
	/* the fake is local whatever proxy the machine running the tests uses */
	setenv("NO_PROXY", "127.0.0.1,localhost", 1);
	setenv("no_proxy", "127.0.0.1,localhost", 1);
	snprintf(base_a, sizeof(base_a), "http://127.0.0.1:%d", port);
	snprintf(base_o, sizeof(base_o), "http://127.0.0.1:%d/v1", port);
	llm_global_init();
	return 0;
}

static int stop_fake(void **state)
{
	char cmd[300];

	(void)state;
	if (fake_pid > 0) {
		kill(fake_pid, SIGTERM);
		waitpid(fake_pid, NULL, 0);
	}
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		return -1;
	llm_global_cleanup();
	return 0;
}

static size_t collect(char *d, size_t s, size_t n, void *p)
{
	trb_buf_put(p, d, s * n);
	return s * n;
}

/* A control request to the fake; the body of its answer in out (may be NULL). */
static void fake_http(const char *method, const char *path, const char *body, struct trb_buf *out)
{
	struct trb_buf sink = TRB_BUF_INIT(TRB_LIMIT_FILE);
	CURL *e = curl_easy_init();
	char url[128];
	long status = 0;

	snprintf(url, sizeof(url), "http://127.0.0.1:%d%s", port, path);
	curl_easy_setopt(e, CURLOPT_URL, url);
	curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, method);
	if (body)
		curl_easy_setopt(e, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, collect);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, out ? out : &sink);
	curl_easy_setopt(e, CURLOPT_NOPROXY, "*");
	assert_int_equal(curl_easy_perform(e), CURLE_OK);
	curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status);
	assert_int_equal(status, 200);
	curl_easy_cleanup(e);
	trb_buf_dispose(&sink);
}

static void fake_script(const char *json)
{
	fake_http("PUT", "/_fake/script", json, NULL);
}

/* The fake's request log, parsed. */
static cJSON *fake_log(void)
{
	struct trb_buf b = TRB_BUF_INIT(TRB_LIMIT_FILE);
	cJSON *log;

	fake_http("GET", "/_fake/log", NULL, &b);
	log = cJSON_Parse(b.ptr);
	assert_non_null(log);
	trb_buf_dispose(&b);
	return log;
}

static int fake_requests(void)
{
	cJSON *log = fake_log();
	int n = cJSON_GetArraySize(log);
	cJSON_Delete(log);
	return n;
}

/* ---- environment, policy, client ---- */

struct env {
	const char *name[24];
	const char *value[24];
	size_t n;
};

static struct env env;

static void env_set(const char *name, const char *value)
{
	size_t i;

	for (i = 0; i < env.n; i++)
		if (!strcmp(env.name[i], name)) {
			env.value[i] = value;
			return;
		}
	assert_true(env.n < 24);
	env.name[env.n] = name;
	env.value[env.n++] = value;
}

static const char *env_get(const char *name, void *payload)
{
	size_t i;

	(void)payload;
	for (i = 0; i < env.n; i++)
		if (!strcmp(env.name[i], name))
			return env.value[i];
	return NULL;
}

static double half(void *payload)
{
	(void)payload;
	return 0.5;
}

static struct config *policy;
static struct llm_options opts;

static int setup(void **state)
{
	(void)state;
	memset(&env, 0, sizeof(env));
	env_set("ANTHROPIC_BASE_URL", base_a);
	env_set("OPENAI_BASE_URL", base_o);
	env_set("ANTHROPIC_API_KEY", KEY_A);
	env_set("OPENAI_API_KEY", KEY_O);
	if (config_new_default(&policy) < 0)
		return -1;
	/* finder on Anthropic, verifier on an OpenAI-compatible server */
	free(policy->agents[CONFIG_AGENT_VERIFIER].model);
	policy->agents[CONFIG_AGENT_VERIFIER].model = strdup("gpt-4.1");
	policy->agents[CONFIG_AGENT_VERIFIER].provider = CONFIG_PROVIDER_OPENAI;
	policy->budget.concurrency = 4;
	policy->budget.timeout_s = 30;
	memset(&opts, 0, sizeof(opts));
	opts.getenv = env_get;
	opts.rand = half;
	opts.max_attempts = 3;
	opts.backoff_base_ms = 4;
	opts.backoff_max_ms = 20;
	opts.attempt_timeout_ms = 5000;
	opts.audit_path = audit_path;
	opts.scan_id = "scan-1";
	unlink(audit_path);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	config_free(policy);
	policy = NULL;
	return 0;
}

/* What a callback saw, copied out of the borrowed response. */
struct seen {
	int calls;
	llm_outcome_t outcome;
	char *error;
	char *text;
	size_t n_calls;
	char *call_names;
	unsigned attempts;
	long status;
	llm_stop_t stop;
	struct llm_usage usage;
	char *request_id;
	bool extended;
	int unit;
	uint64_t latency_ms;
};

static void seen_dispose(struct seen *s)
{
	free(s->error);
	free(s->text);
	free(s->call_names);
	free(s->request_id);
	memset(s, 0, sizeof(*s));
}

static void on_done(const struct llm_response *r, void *payload)
{
	struct seen *s = payload;
	struct trb_buf names = TRB_BUF_INIT(TRB_LIMIT_SMALL);
	size_t i;

	s->calls++;
	s->outcome = r->outcome;
	s->error = r->error ? strdup(r->error) : NULL;
	s->text = strdup(r->text);
	s->n_calls = r->n_calls;
	for (i = 0; i < r->n_calls; i++)
		trb_buf_printf(&names, "%s%s(%s)", i ? "," : "", r->calls[i].name, r->calls[i].input);
	s->call_names = trb_buf_detach(&names);
	s->attempts = r->attempts;
	s->status = r->http_status;
	s->stop = r->stop;
	s->usage = r->usage;
	s->request_id = r->request_id ? strdup(r->request_id) : NULL;
	s->extended = r->extended;
	s->unit = r->unit;
	s->latency_ms = r->latency_ms;
}

static struct llm_client *client(void)
{
	struct llm_client *c = NULL;
	assert_int_equal(llm_client_new(&c, policy, &opts), 0);
	return c;
}

static void submit(struct llm_client *c, config_agent_t agent, const char *text, int unit, struct seen *s)
{
	struct llm_request req;

	llm_request_init(&req, agent);
	req.unit = unit;
	assert_int_equal(llm_request_set_system(&req, "You are a security reviewer.", 28), 0);
	assert_int_equal(llm_request_add_text(&req, LLM_ROLE_USER, text, strlen(text), false), 0);
	assert_int_equal(llm_submit(c, &req, on_done, s), 0);
	llm_request_dispose(&req);
}

/* One call by agent through a fresh client; the result in *s. */
static void one_call(config_agent_t agent, struct seen *s)
{
	struct llm_client *c = client();
	submit(c, agent, "review unit 7", 7, s);
	assert_int_equal(llm_run(c), 0);
	assert_int_equal(s->calls, 1);
	llm_client_free(c);
}

static char *slurp(const char *path)
{
	struct trb_buf b = TRB_BUF_INIT(TRB_LIMIT_FILE);
	char chunk[4096];
	size_t n;
	FILE *f = fopen(path, "r");

	if (f) {
		while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
			trb_buf_put(&b, chunk, n);
		fclose(f);
	}
	trb_buf_puts(&b, "");
	return trb_buf_detach(&b);
}

/* The audit lines, parsed (a JSON array). */
static cJSON *audit_lines(void)
{
	char *text = slurp(audit_path), *line, *save = NULL;
	cJSON *arr = cJSON_CreateArray();

	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		cJSON *o = cJSON_Parse(line);
		assert_non_null(o);
		cJSON_AddItemToArray(arr, o);
	}
	free(text);
	return arr;
}

static const char *jstr(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static double jnum(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
	return cJSON_IsNumber(v) ? v->valuedouble : -1;
}

/* ---- replies ---- */

static void test_anthropic_text_reply(void **state)
{
	struct seen s = {0};
	cJSON *log, *req, *body;

	(void)state;
	fake_script("{\"default\":{\"text\":\"no issues\",\"request_id\":\"req_abc\","
		    "\"usage\":{\"input\":100,\"output\":20,\"cache_read\":3000,\"cache_write\":50}}}");
	one_call(CONFIG_AGENT_FINDER, &s);
	assert_int_equal(s.outcome, LLM_OK);
	assert_null(s.error);
	assert_string_equal(s.text, "no issues");
	assert_int_equal(s.stop, LLM_STOP_END_TURN);
	assert_int_equal(s.attempts, 1);
	assert_int_equal(s.status, 200);
	assert_string_equal(s.request_id, "req_abc");
	assert_int_equal(s.usage.input, 100);
	assert_int_equal(s.usage.cache_read, 3000);
	assert_int_equal(s.usage.cache_write, 50);
	assert_int_equal(s.unit, 7);
	log = fake_log();
	assert_int_equal(cJSON_GetArraySize(log), 1);
	req = cJSON_GetArrayItem(log, 0);
	assert_string_equal(jstr(req, "path"), "/v1/messages");
	assert_string_equal(jstr(cJSON_GetObjectItem(req, "headers"), "x-api-key"), KEY_A);
	assert_string_equal(jstr(cJSON_GetObjectItem(req, "headers"), "anthropic-version"), "2023-06-01");
	assert_string_equal(jstr(cJSON_GetObjectItem(req, "headers"), "content-type"), "application/json");
	body = cJSON_Parse(jstr(req, "body"));
	assert_string_equal(jstr(body, "model"), "claude-sonnet-4-5");
	assert_int_equal((int)jnum(body, "max_tokens"), 8192);
	cJSON_Delete(body);
	cJSON_Delete(log);
	seen_dispose(&s);
}

static void test_openai_parallel_tool_calls_with_bearer_key(void **state)
{
	struct seen s = {0};
	cJSON *log, *h;

	(void)state;
	fake_script("{\"rules\":[{\"provider\":\"openai\",\"reply\":{\"tool_calls\":["
		    "{\"name\":\"read_file\",\"input\":{\"path\":\"a.c\"}},{\"name\":\"list_files\",\"input\":{}}]}}]}");
	one_call(CONFIG_AGENT_VERIFIER, &s);
	assert_int_equal(s.outcome, LLM_OK);
	assert_int_equal(s.stop, LLM_STOP_TOOL_USE);
	assert_int_equal(s.n_calls, 2);
	assert_string_equal(s.call_names, "read_file({\"path\":\"a.c\"}),list_files({})");
	log = fake_log();
	h = cJSON_GetObjectItem(cJSON_GetArrayItem(log, 0), "headers");
	assert_string_equal(jstr(cJSON_GetArrayItem(log, 0), "path"), "/v1/chat/completions");
	assert_string_equal(jstr(h, "authorization"), "Bearer " KEY_O);
	assert_null(jstr(h, "api-key"));
	cJSON_Delete(log);
	seen_dispose(&s);
}

static void test_openai_azure_uses_api_key_header(void **state)
{
	struct seen s = {0};
	cJSON *log, *h;

	(void)state;
	env_set("OPENAI_API_TYPE", "azure");
	env_set("OPENAI_API_VERSION", "2024-10-21");
	fake_script("{}");
	one_call(CONFIG_AGENT_VERIFIER, &s);
	assert_int_equal(s.outcome, LLM_OK);
	log = fake_log();
	h = cJSON_GetObjectItem(cJSON_GetArrayItem(log, 0), "headers");
	assert_string_equal(jstr(cJSON_GetArrayItem(log, 0), "path"), "/v1/chat/completions?api-version=2024-10-21");
	assert_string_equal(jstr(h, "api-key"), KEY_O);
	assert_null(jstr(h, "authorization"));
	cJSON_Delete(log);
	seen_dispose(&s);
}

static void test_no_key_server_gets_no_auth_header(void **state)
{
	struct seen s = {0};
	struct llm_client *c;
	cJSON *log, *h;

	(void)state;
	env_set("OPENAI_API_KEY", NULL);
	policy->agents[CONFIG_AGENT_VERIFIER].no_key = true;
	fake_script("{}");
	c = client();
	assert_true(llm_client_has_credentials(c, CONFIG_AGENT_VERIFIER));
	llm_client_free(c);
	one_call(CONFIG_AGENT_VERIFIER, &s);
	assert_int_equal(s.outcome, LLM_OK);
	log = fake_log();
	h = cJSON_GetObjectItem(cJSON_GetArrayItem(log, 0), "headers");
	assert_null(jstr(h, "authorization"));
	assert_null(jstr(h, "api-key"));
	cJSON_Delete(log);
	seen_dispose(&s);
}

static void test_missing_key_is_no_credentials_and_nothing_is_sent(void **state)
{
	struct seen s = {0};
	struct llm_client *c;

	(void)state;
	env_set("ANTHROPIC_API_KEY", NULL);
	fake_script("{}");
	c = client();
	assert_false(llm_client_has_credentials(c, CONFIG_AGENT_FINDER));
	llm_client_free(c);
	one_call(CONFIG_AGENT_FINDER, &s);
	assert_int_equal(s.outcome, LLM_NO_CREDENTIALS);
	assert_string_equal(s.error, "ANTHROPIC_API_KEY is not set: agent finder was not run");
	assert_int_equal(s.attempts, 0);
	assert_int_equal(fake_requests(), 0);
	seen_dispose(&s);
}

static void test_refusals_are_their_own_outcome(void **state)
{
	struct seen s = {0};

	(void)state;
	fake_script("{\"rules\":[{\"provider\":\"anthropic\",\"reply\":{\"text\":\"I can't\",\"stop\":\"refusal\"}},"
		    "{\"provider\":\"openai\",\"reply\":{\"text\":\"\",\"stop\":\"refusal\"}}]}");
	one_call(CONFIG_AGENT_FINDER, &s);
	assert_int_equal(s.outcome, LLM_REFUSED);
	assert_int_equal(s.attempts, 1);
	assert_string_equal(s.error, "model 'claude-sonnet-4-5' refused the request");
	assert_string_equal(s.text, "I can't");
	seen_dispose(&s);
	one_call(CONFIG_AGENT_VERIFIER, &s);
	assert_int_equal(s.outcome, LLM_REFUSED);
	assert_int_equal(s.stop, LLM_STOP_REFUSAL);
	seen_dispose(&s);
}

static void test_max_tokens_reply_is_resent_once_with_the_larger_limit(void **state)
{
	struct seen s = {0};
	struct llm_client *c;
	struct llm_request req;
	cJSON *log, *b1, *b2;

	(void)state;
	fake_script("{\"rules\":[{\"contains\":\"\\\"max_tokens\\\":100,\",\"reply\":{\"text\":\"cut\",\"stop\":\"max_tokens\","
		    "\"usage\":{\"input\":10,\"output\":100}}}],"
		    "\"default\":{\"text\":\"whole\",\"usage\":{\"input\":10,\"output\":150}}}");
	c = client();
	llm_request_init(&req, CONFIG_AGENT_FINDER);
	req.max_tokens = 100;
	req.max_tokens_retry = 400;
	assert_int_equal(llm_request_add_text(&req, LLM_ROLE_USER, "hi", 2, false), 0);
	assert_int_equal(llm_submit(c, &req, on_done, &s), 0);
	llm_request_dispose(&req);
	assert_int_equal(llm_run(c), 0);
	llm_client_free(c);
	assert_int_equal(s.outcome, LLM_OK);
	assert_true(s.extended);
	assert_int_equal(s.attempts, 2);
	assert_string_equal(s.text, "whole");
	assert_int_equal(s.usage.output, 250);
	log = fake_log();
	assert_int_equal(cJSON_GetArraySize(log), 2);
	b1 = cJSON_Parse(jstr(cJSON_GetArrayItem(log, 0), "body"));
	b2 = cJSON_Parse(jstr(cJSON_GetArrayItem(log, 1), "body"));
	assert_int_equal((int)jnum(b1, "max_tokens"), 100);
	assert_int_equal((int)jnum(b2, "max_tokens"), 400);
	cJSON_Delete(b1);
	cJSON_Delete(b2);
	cJSON_Delete(log);
	seen_dispose(&s);
}

static void test_max_tokens_without_retry_is_exposed(void **state)
{
	struct seen s = {0};

	(void)state;
	fake_script("{\"default\":{\"text\":\"cut\",\"stop\":\"max_tokens\"}}");
	one_call(CONFIG_AGENT_FINDER, &s);
	assert_int_equal(s.outcome, LLM_OK);
	assert_int_equal(s.stop, LLM_STOP_MAX_TOKENS);
	assert_false(s.extended);
	assert_int_equal(s.attempts, 1);
	seen_dispose(&s);
}

/* ---- errors that are not retried ---- */

static void test_401_names_the_key_variable(void **state)
{
	struct seen s = {0};

	(void)state;
	fake_script("{\"default\":{\"status\":401}}");
	one_call(CONFIG_AGENT_FINDER, &s);
	assert_int_equal(s.outcome, LLM_AUTH);
	assert_int_equal(s.attempts, 1);
	assert_int_equal(s.status, 401);
	assert_non_null(strstr(s.error, "ANTHROPIC_API_KEY was rejected"));
	seen_dispose(&s);
	one_call(CONFIG_AGENT_VERIFIER, &s);
	assert_int_equal(s.outcome, LLM_AUTH);
	assert_non_null(strstr(s.error, "OPENAI_API_KEY was rejected"));
	seen_dispose(&s);
	assert_int_equal(fake_requests(), 2);
}

static void test_404_names_the_model(void **state)
{
	struct seen s = {0};

	(void)state;
	fake_script("{\"default\":{\"status\":404}}");
	one_call(CONFIG_AGENT_FINDER, &s);
	assert_int_equal(s.outcome, LLM_NOT_FOUND);
	assert_int_equal(s.attempts, 1);
	assert_non_null(strstr(s.error, "model 'claude-sonnet-4-5' was not found"));
	assert_non_null(strstr(s.error, "agents.finder.model"));
	seen_dispose(&s);
}

static void test_context_too_long_400_and_413(void **state)
{
	struct seen s = {0};

	(void)state;
	fake_script("{\"rules\":[{\"provider\":\"anthropic\",\"reply\":{\"status\":400,\"error\":{\"type\":\"invalid_request_error\","
		    "\"message\":\"prompt is too long: 250000 tokens > 200000 maximum\"}}},"
		    "{\"provider\":\"openai\",\"reply\":{\"status\":413}}]}");
	one_call(CONFIG_AGENT_FINDER, &s);
	assert_int_equal(s.outcome, LLM_CONTEXT);
	assert_int_equal(s.attempts, 1);
	assert_non_null(strstr(s.error, "is too long for model 'claude-sonnet-4-5'"));
	assert_non_null(strstr(s.error, "prompt is too long: 250000 tokens"));
	seen_dispose(&s);
	one_call(CONFIG_AGENT_VERIFIER, &s);
	assert_int_equal(s.outcome, LLM_CONTEXT);
	assert_int_equal(s.status, 413);
	seen_dispose(&s);
}

static void test_other_400_is_a_bad_request_not_retried(void **state)
{
	struct seen s = {0};

	(void)state;
	fake_script("{\"default\":{\"status\":400,\"error\":{\"message\":\"tools.0.name: bad \\u001b[31mname\"}}}");
	one_call(CONFIG_AGENT_FINDER, &s);
	assert_int_equal(s.outcome, LLM_BAD_REQUEST);
	assert_int_equal(s.attempts, 1);
	/* provider text is escaped: no terminal escapes reach the log */
	assert_non_null(strstr(s.error, "tools.0.name: bad \\x1b[31mname"));
	seen_dispose(&s);
}

/* ---- retried faults ---- */

static void test_429_honours_retry_after_then_succeeds(void **state)
{
	struct seen s = {0};
	cJSON *log;
	double gap;

	(void)state;
	fake_script("{\"rules\":[{\"times\":1,\"reply\":{\"status\":429,\"retry_after\":\"0.15\"}}]}");
	one_call(CONFIG_AGENT_FINDER, &s);
	assert_int_equal(s.outcome, LLM_OK);
	assert_int_equal(s.attempts, 2);
	log = fake_log();
	assert_int_equal(cJSON_GetArraySize(log), 2);
	gap = jnum(cJSON_GetArrayItem(log, 1), "t") - jnum(cJSON_GetArrayItem(log, 0), "t");
	assert_true(gap >= 0.14);
	cJSON_Delete(log);
	seen_dispose(&s);
}

/* max_retry_after_ms is not a cap while the deadline leaves time: the server's wait is honoured */
static void test_long_retry_after_is_honoured_when_the_deadline_allows(void **state)
{
	struct seen s = {0};
	cJSON *log;
	double gap;

	(void)state;
	opts.max_retry_after_ms = 300;
	policy->budget.timeout_s = 10;
	fake_script("{\"rules\":[{\"times\":1,\"reply\":{\"status\":429,\"retry_after\":\"1\"}}]}");
	one_call(CONFIG_AGENT_FINDER, &s);
	assert_int_equal(s.outcome, LLM_OK);
	assert_int_equal(s.attempts, 2);
	log = fake_log();
	assert_int_equal(cJSON_GetArraySize(log), 2);
	gap = jnum(cJSON_GetArrayItem(log, 1), "t") - jnum(cJSON_GetArrayItem(log, 0), "t");
	assert_true(gap >= 0.99);
	cJSON_Delete(log);
	seen_dispose(&s);
}

static void test_retry_after_beyond_the_deadline_fails_at_once(void **state)
{
	struct seen s = {0};
	uint64_t t0 = mono_ms();

	(void)state;
	policy->budget.timeout_s = 10;
	fake_script("{\"rules\":[{\"times\":1,\"reply\":{\"status\":429,\"retry_after\":\"60\"}}]}");
	one_call(CONFIG_AGENT_FINDER, &s);
	assert_true(mono_ms() - t0 < 2000);
	assert_int_equal(s.outcome, LLM_RATE_LIMITED);
	assert_int_equal(s.attempts, 1);
	assert_int_equal(fake_requests(), 1);
	/* names the wait asked for and the time left */
	assert_non_null(strstr(s.error, "rate limited by http://127.0.0.1:"));
	assert_non_null(strstr(s.error, "the server asks to wait 60.0 s, but only "));
	assert_non_null(strstr(s.error, " s are left before budget.timeout_s (10 s)"));
	seen_dispose(&s);
}

/* without an overall deadline nothing bounds the wait but max_retry_after_ms */
static void test_retry_after_without_deadline_is_capped(void **state)
{
	struct seen s = {0};

	(void)state;
	opts.max_retry_after_ms = 300;
	policy->budget.timeout_s = 0;
	fake_script("{\"rules\":[{\"times\":1,\"reply\":{\"status\":503,\"retry_after_ms\":\"1500\"}}]}");
	one_call(CONFIG_AGENT_FINDER, &s);
	assert_int_equal(s.outcome, LLM_SERVER);
	assert_int_equal(s.attempts, 1);
	assert_non_null(strstr(s.error, "the server asks to wait 1.5 s, longer than the 0.3 s tribunal waits without a deadline"));
	seen_dispose(&s);
}

static void test_429_holds_every_queued_call_to_that_provider(void **state)
{
	struct seen a = {0}, b = {0}, v = {0};
	struct llm_client *c;
	cJSON *log;
	double t_429 = -1, t_b = -1, t_v = -1;
	int i;

	(void)state;
	policy->budget.concurrency = 1;
	fake_script("{\"rules\":[{\"contains\":\"call A\",\"times\":1,\"reply\":{\"status\":429,\"retry_after_ms\":\"200\"}}]}");
	c = client();
	submit(c, CONFIG_AGENT_FINDER, "call A", 1, &a);
	submit(c, CONFIG_AGENT_FINDER, "call B", 2, &b);
	submit(c, CONFIG_AGENT_VERIFIER, "call V", 3, &v);
	assert_int_equal(llm_run(c), 0);
	llm_client_free(c);
	assert_int_equal(a.outcome, LLM_OK);
	assert_int_equal(a.attempts, 2);
	assert_int_equal(b.outcome, LLM_OK);
	assert_int_equal(v.outcome, LLM_OK);
	log = fake_log();
	for (i = 0; i < cJSON_GetArraySize(log); i++) {
		const cJSON *e = cJSON_GetArrayItem(log, i);
		const char *body = jstr(e, "body");
		if (strstr(body, "call A") && t_429 < 0)
			t_429 = jnum(e, "t");
		if (strstr(body, "call B"))
			t_b = jnum(e, "t");
		if (strstr(body, "call V"))
			t_v = jnum(e, "t");
	}
	/* B (same provider) waited for the retry-after; V (other provider) did not */
	assert_true(t_b - t_429 >= 0.19);
	assert_true(t_v - t_429 < 0.19);
	cJSON_Delete(log);
	seen_dispose(&a);
	seen_dispose(&b);
	seen_dispose(&v);
}

static void test_stray_429_holds_the_provider_for_a_quarter(void **state)
{
	struct seen s[6];
	struct llm_client *c;
	cJSON *log;
	double t_429 = -1, t_next = -1;
	int i;

	(void)state;
	memset(s, 0, sizeof(s));
	policy->budget.concurrency = 1;
	/* four successes, then a 429 asking for 400 ms: 1 in 5 answers, so the others wait 100 ms */
	fake_script("{\"rules\":[{\"contains\":\"call 4\",\"times\":1,\"reply\":{\"status\":429,\"retry_after_ms\":\"400\"}}]}");
	c = client();
	for (i = 0; i < 6; i++) {
		char text[16];
		snprintf(text, sizeof(text), "call %d", i);
		submit(c, CONFIG_AGENT_FINDER, text, i, &s[i]);
	}
	assert_int_equal(llm_run(c), 0);
	llm_client_free(c);
	log = fake_log();
	assert_int_equal(cJSON_GetArraySize(log), 7);
	for (i = 0; i < 7; i++) {
		const cJSON *e = cJSON_GetArrayItem(log, i);
		if (strstr(jstr(e, "body"), "call 4") && t_429 < 0)
			t_429 = jnum(e, "t");
		else if (strstr(jstr(e, "body"), "call 5"))
			t_next = jnum(e, "t");
	}
	assert_true(t_next - t_429 >= 0.095);
	assert_true(t_next - t_429 < 0.35);
	for (i = 0; i < 6; i++) {
		assert_int_equal(s[i].outcome, LLM_OK);
		seen_dispose(&s[i]);
	}
	cJSON_Delete(log);
}

static void test_500_every_time_gives_up_after_max_attempts(void **state)
{
	struct seen s = {0};

	(void)state;
	fake_script("{\"default\":{\"status\":500}}");
	one_call(CONFIG_AGENT_FINDER, &s);
	assert_int_equal(s.outcome, LLM_SERVER);
	assert_int_equal(s.attempts, 3);
	assert_int_equal(fake_requests(), 3);
	assert_non_null(strstr(s.error, "HTTP 500 from http://127.0.0.1:"));
	assert_non_null(strstr(s.error, "Internal server error (after 3 attempts)"));
	seen_dispose(&s);
}

static void test_529_overloaded_is_retried(void **state)
{
	struct seen s = {0};

	(void)state;
	fake_script("{\"rules\":[{\"replies\":[{\"status\":529},{\"status\":503}]}],\"default\":{\"text\":\"fine\"}}");
	one_call(CONFIG_AGENT_FINDER, &s);
	assert_int_equal(s.outcome, LLM_OK);
	assert_int_equal(s.attempts, 3);
	assert_string_equal(s.text, "fine");
	seen_dispose(&s);
}

static void test_html_502_shows_status_and_first_bytes(void **state)
{
	struct seen s = {0};

	(void)state;
	fake_script("{\"default\":{\"fault\":\"html\"}}");
	one_call(CONFIG_AGENT_FINDER, &s);
	assert_int_equal(s.outcome, LLM_SERVER);
	assert_int_equal(s.attempts, 3);
	assert_non_null(strstr(s.error, "HTTP 502 from http://127.0.0.1:"));
	assert_non_null(strstr(s.error, "is an HTML page, not a model reply"));
	assert_non_null(strstr(s.error, "\"<html>\\x0d\\n<head><title>502 Bad Gateway</title>"));
	seen_dispose(&s);
}

static void test_hang_times_out_per_attempt(void **state)
{
	struct seen s = {0};

	(void)state;
	opts.attempt_timeout_ms = 150;
	opts.max_attempts = 2;
	fake_script("{\"default\":{\"fault\":\"hang\"}}");
	one_call(CONFIG_AGENT_FINDER, &s);
	assert_int_equal(s.outcome, LLM_TIMEOUT);
	assert_int_equal(s.attempts, 2);
	assert_non_null(strstr(s.error, "within 150 ms"));
	seen_dispose(&s);
}

static void test_overall_deadline_ends_calls_in_flight_and_queued(void **state)
{
	struct seen a = {0}, b = {0};
	struct llm_client *c;
	uint64_t t0 = mono_ms();

	(void)state;
	policy->budget.timeout_s = 1;
	policy->budget.concurrency = 1;
	fake_script("{\"default\":{\"fault\":\"hang\"}}");
	c = client();
	submit(c, CONFIG_AGENT_FINDER, "a", 1, &a);
	submit(c, CONFIG_AGENT_FINDER, "b", 2, &b);
	assert_int_equal(llm_run(c), 0);
	llm_client_free(c);
	assert_true(mono_ms() - t0 < 3000);
	assert_int_equal(a.outcome, LLM_DEADLINE);
	assert_int_equal(b.outcome, LLM_DEADLINE);
	assert_int_equal(b.attempts, 0);
	assert_non_null(strstr(a.error, "budget.timeout_s (1 s)"));
	assert_string_equal(llm_outcome_reason(a.outcome), "timed out");
	seen_dispose(&a);
	seen_dispose(&b);
}

static void test_truncated_and_dropped_replies_are_retried(void **state)
{
	struct seen s = {0};

	(void)state;
	fake_script("{\"rules\":[{\"replies\":[{\"fault\":\"truncate\"},{\"fault\":\"drop\"}]}],\"default\":{\"text\":\"whole\"}}");
	one_call(CONFIG_AGENT_VERIFIER, &s);
	assert_int_equal(s.outcome, LLM_OK);
	assert_int_equal(s.attempts, 3);
	assert_string_equal(s.text, "whole");
	seen_dispose(&s);
	fake_script("{\"default\":{\"fault\":\"drop\"}}");
	one_call(CONFIG_AGENT_FINDER, &s);
	assert_int_equal(s.outcome, LLM_NETWORK);
	assert_int_equal(s.attempts, 3);
	assert_non_null(strstr(s.error, "connection to http://127.0.0.1:"));
	seen_dispose(&s);
	fake_script("{\"default\":{\"fault\":\"truncate\"}}");
	one_call(CONFIG_AGENT_FINDER, &s);
	assert_int_equal(s.outcome, LLM_NETWORK);
	assert_non_null(strstr(s.error, "was cut short"));
	seen_dispose(&s);
}

static void test_invalid_json_is_retried_then_a_bad_reply(void **state)
{
	struct seen s = {0};

	(void)state;
	fake_script("{\"default\":{\"fault\":\"invalid_json\"}}");
	one_call(CONFIG_AGENT_FINDER, &s);
	assert_int_equal(s.outcome, LLM_BAD_REPLY);
	assert_int_equal(s.attempts, 3);
	assert_non_null(strstr(s.error, "is not valid JSON"));
	seen_dispose(&s);
}

static void test_malformed_message_is_a_bad_reply_not_retried(void **state)
{
	struct seen s = {0};

	(void)state;
	fake_script("{\"default\":{\"body\":\"{\\\"content\\\":[{\\\"type\\\":\\\"tool_use\\\",\\\"name\\\":\\\"x y\\\"}]}\"}}");
	one_call(CONFIG_AGENT_FINDER, &s);
	assert_int_equal(s.outcome, LLM_BAD_REPLY);
	assert_int_equal(s.attempts, 1);
	assert_non_null(strstr(s.error, "content[0].id"));
	seen_dispose(&s);
}

static void test_oversized_reply_is_cut_off(void **state)
{
	struct seen s = {0};
	char *script = malloc(5000);

	(void)state;
	opts.max_response_bytes = 1000;
	memcpy(script, "{\"default\":{\"text\":\"", 20);
	memset(script + 20, 'x', 3000);
	memcpy(script + 3020, "\"}}", 4);
	fake_script(script);
	free(script);
	one_call(CONFIG_AGENT_FINDER, &s);
	assert_int_equal(s.outcome, LLM_BAD_REPLY);
	assert_int_equal(s.attempts, 1);
	assert_non_null(strstr(s.error, "larger than 1000 bytes"));
	seen_dispose(&s);
}

static void test_connection_refused_is_a_network_error(void **state)
{
	struct seen s = {0};

	(void)state;
	env_set("ANTHROPIC_BASE_URL", "http://127.0.0.1:1");
	one_call(CONFIG_AGENT_FINDER, &s);
	assert_int_equal(s.outcome, LLM_NETWORK);
	assert_int_equal(s.attempts, 3);
	assert_non_null(strstr(s.error, "connection to http://127.0.0.1:1 failed"));
	seen_dispose(&s);
}

static void test_tls_failures_show_curl_text_and_are_not_retried(void **state)
{
	struct seen s = {0};
	char https[64];

	(void)state;
	/* TLS to a plain HTTP server: the handshake fails */
	snprintf(https, sizeof(https), "https://127.0.0.1:%d", port);
	env_set("ANTHROPIC_BASE_URL", https);
	fake_script("{}");
	one_call(CONFIG_AGENT_FINDER, &s);
	assert_int_equal(s.outcome, LLM_NETWORK);
	assert_int_equal(s.attempts, 1);
	assert_non_null(strstr(s.error, "TLS failure talking to https://127.0.0.1:"));
	assert_non_null(strstr(s.error, "CURL_CA_BUNDLE"));
	seen_dispose(&s);
	/* a corporate CA bundle that is not there: curl's own words name the problem */
	env_set("CURL_CA_BUNDLE", "/nonexistent/corporate-ca.pem");
	one_call(CONFIG_AGENT_FINDER, &s);
	assert_int_equal(s.outcome, LLM_NETWORK);
	assert_int_equal(s.attempts, 1);
	assert_non_null(strstr(s.error, "TLS failure talking to https://127.0.0.1:"));
	assert_non_null(strstr(s.error, "/nonexistent/corporate-ca.pem"));
	seen_dispose(&s);
}

static void test_base_url_with_credentials_is_refused(void **state)
{
	struct llm_client *c = NULL;

	(void)state;
	env_set("OPENAI_BASE_URL", "https://user:secret@gateway.example/v1");
	assert_int_equal(llm_client_new(&c, policy, &opts), TRB_EINVAL);
	assert_null(c);
	assert_null(strstr(trb_err_msg(), "secret"));
	assert_non_null(strstr(trb_err_msg(), "OPENAI_BASE_URL"));
	env_set("OPENAI_BASE_URL", "ftp://x");
	assert_int_equal(llm_client_new(&c, policy, &opts), TRB_EINVAL);
}

/* ---- budgets ---- */

static void test_token_budget_stops_calls_before_sending(void **state)
{
	struct seen a = {0}, b = {0};
	struct llm_client *c;

	(void)state;
	policy->budget.max_tokens = 5000;
	policy->budget.concurrency = 1;
	fake_script("{\"default\":{\"text\":\"ok\",\"usage\":{\"input\":4980,\"output\":10}}}");
	c = client();
	submit(c, CONFIG_AGENT_FINDER, "first", 1, &a);
	submit(c, CONFIG_AGENT_FINDER, "second", 2, &b);
	assert_int_equal(llm_run(c), 0);
	llm_client_free(c);
	assert_int_equal(a.outcome, LLM_OK);
	assert_int_equal(b.outcome, LLM_BUDGET);
	assert_int_equal(b.attempts, 0);
	assert_string_equal(llm_outcome_reason(b.outcome), "budget exhausted");
	assert_non_null(strstr(b.error, "4990 of budget.max_tokens 5000 tokens used"));
	assert_int_equal(fake_requests(), 1);
	seen_dispose(&a);
	seen_dispose(&b);
}

static void test_usd_budget_stops_calls_before_sending(void **state)
{
	struct seen a = {0};
	struct llm_client *c;
	struct llm_totals t;

	(void)state;
	policy->budget.max_usd = 0.000001;
	fake_script("{}");
	c = client();
	submit(c, CONFIG_AGENT_FINDER, "first", 1, &a);
	assert_int_equal(llm_run(c), 0);
	llm_client_totals(&t, c);
	llm_client_free(c);
	assert_int_equal(a.outcome, LLM_BUDGET);
	assert_non_null(strstr(a.error, "budget.max_usd"));
	assert_int_equal(t.by_outcome[LLM_BUDGET], 1);
	assert_int_equal(t.attempts, 0);
	assert_int_equal(fake_requests(), 0);
	seen_dispose(&a);
}

static void test_totals_sum_usage_and_cost(void **state)
{
	struct seen a = {0}, b = {0};
	struct llm_client *c;
	struct llm_totals t;

	(void)state;
	policy->budget.max_tokens = 0;
	policy->budget.max_usd = 1e6;
	fake_script("{\"rules\":[{\"times\":1,\"reply\":{\"status\":500}}],"
		    "\"default\":{\"usage\":{\"input\":1000000,\"output\":0,\"cache_read\":1000000}}}");
	c = client();
	submit(c, CONFIG_AGENT_FINDER, "a", 1, &a);
	submit(c, CONFIG_AGENT_FINDER, "b", 2, &b);
	assert_int_equal(llm_run(c), 0);
	llm_client_totals(&t, c);
	llm_client_free(c);
	assert_int_equal(t.calls, 2);
	assert_int_equal(t.attempts, 3);
	assert_int_equal(t.retries, 1);
	assert_int_equal(t.by_outcome[LLM_OK], 2);
	assert_int_equal(t.usage.input, 2000000);
	assert_int_equal(t.usage.cache_read, 2000000);
	/* claude-sonnet-4-5: $3/MTok input, cache reads at 0.1x */
	assert_true(t.cost_usd > 6.59 && t.cost_usd < 6.61);
	assert_true(t.cost_known);
	seen_dispose(&a);
	seen_dispose(&b);
}

/* ---- conversations, concurrency, nothing lost ---- */

struct convo {
	struct llm_client *c;
	struct llm_request req;
	int turns;
	llm_outcome_t outcome;
	char *final_text;
};

static void convo_step(const struct llm_response *r, void *payload)
{
	struct convo *cv = payload;
	size_t i;

	cv->turns++;
	cv->outcome = r->outcome;
	if (r->outcome != LLM_OK || r->stop != LLM_STOP_TOOL_USE) {
		cv->final_text = strdup(r->text);
		return;
	}
	assert_int_equal(llm_request_add_reply(&cv->req, r), 0);
	for (i = 0; i < r->n_calls; i++)
		assert_int_equal(llm_request_add_tool_result(&cv->req, r->calls[i].id, "RESULT-OF-TOOL", 14, false), 0);
	cv->req.turn++;
	cv->req.priority = (int)cv->req.turn;
	assert_int_equal(llm_submit(cv->c, &cv->req, convo_step, cv), 0);
}

static void test_callbacks_step_conversations(void **state)
{
	struct convo f = {0}, v = {0};
	struct llm_client *c;
	cJSON *log;

	(void)state;
	/* turn by message count: 1 = first turn, 3 = after one tool round trip */
	fake_script("{\"rules\":["
		    "{\"messages\":1,\"reply\":{\"tool_calls\":[{\"name\":\"read_file\",\"input\":{\"path\":\"a\"}},"
		    "{\"name\":\"read_file\",\"input\":{\"path\":\"b\"}}]}},"
		    "{\"messages\":3,\"contains\":\"RESULT-OF-TOOL\",\"reply\":{\"text\":\"done\"}}],"
		    "\"default\":{\"status\":400}}");
	c = client();
	f.c = v.c = c;
	llm_request_init(&f.req, CONFIG_AGENT_FINDER);
	llm_request_init(&v.req, CONFIG_AGENT_VERIFIER);
	assert_int_equal(llm_request_add_tool(&f.req, "read_file", "read", "{\"type\":\"object\"}"), 0);
	assert_int_equal(llm_request_add_tool(&v.req, "read_file", "read", "{\"type\":\"object\"}"), 0);
	assert_int_equal(llm_request_add_text(&f.req, LLM_ROLE_USER, "find", 4, true), 0);
	assert_int_equal(llm_request_add_text(&v.req, LLM_ROLE_USER, "verify", 6, false), 0);
	assert_int_equal(llm_submit(c, &f.req, convo_step, &f), 0);
	assert_int_equal(llm_submit(c, &v.req, convo_step, &v), 0);
	assert_int_equal(llm_run(c), 0);
	llm_client_free(c);
	assert_int_equal(f.turns, 2);
	assert_int_equal(v.turns, 2);
	assert_int_equal(f.outcome, LLM_OK);
	assert_int_equal(v.outcome, LLM_OK);
	assert_string_equal(f.final_text, "done");
	assert_string_equal(v.final_text, "done");
	log = fake_log();
	assert_int_equal(cJSON_GetArraySize(log), 4);
	cJSON_Delete(log);
	llm_request_dispose(&f.req);
	llm_request_dispose(&v.req);
	free(f.final_text);
	free(v.final_text);
}

static void test_concurrency_is_capped_and_nothing_is_lost(void **state)
{
	struct seen s[24];
	struct llm_client *c;
	struct trb_buf stats = TRB_BUF_INIT(TRB_LIMIT_SMALL);
	cJSON *st;
	uint64_t t0;
	int i, ok = 0, failed = 0;

	(void)state;
	memset(s, 0, sizeof(s));
	policy->budget.concurrency = 4;
	/* every 6th request fails for good (400), the rest answer after 60 ms */
	fake_script("{\"rules\":[{\"contains\":\"bad unit\",\"reply\":{\"status\":400}},"
		    "{\"contains\":\"flaky\",\"times\":2,\"reply\":{\"status\":503}}],"
		    "\"default\":{\"latency_ms\":60}}");
	c = client();
	for (i = 0; i < 24; i++)
		submit(c, i % 2 ? CONFIG_AGENT_VERIFIER : CONFIG_AGENT_FINDER,
		       i % 6 == 5 ? "bad unit" : (i == 0 ? "flaky" : "good unit"), i, &s[i]);
	t0 = mono_ms();
	assert_int_equal(llm_run(c), 0);
	llm_client_free(c);
	for (i = 0; i < 24; i++) {
		assert_int_equal(s[i].calls, 1);
		assert_int_equal(s[i].unit, i);
		if (s[i].outcome == LLM_OK)
			ok++;
		else if (s[i].outcome == LLM_BAD_REQUEST)
			failed++;
		seen_dispose(&s[i]);
	}
	assert_int_equal(ok, 20);
	assert_int_equal(failed, 4);
	/* 20 slow answers at 4 in flight: at least 5 rounds */
	assert_true(mono_ms() - t0 >= 5 * 60);
	fake_http("GET", "/_fake/stats", NULL, &stats);
	st = cJSON_Parse(stats.ptr);
	assert_int_equal((int)jnum(st, "max_concurrent"), 4);
	assert_int_equal((int)jnum(st, "requests"), 26);
	cJSON_Delete(st);
	trb_buf_dispose(&stats);
}

/* libcurl's transfer loop failing: every call ends with LLM_NETWORK, including one that a callback
 * submits while the failures are delivered, so no conversation is left without its answer. */
static CURLMcode poll_fails(CURLM *m, struct curl_waitfd *fds, unsigned int n, int timeout_ms, int *ret)
{
	(void)m;
	(void)fds;
	(void)n;
	(void)timeout_ms;
	(void)ret;
	return CURLM_INTERNAL_ERROR;
}

struct chain {
	struct llm_client *c;
	struct seen first, second;
};

static void chain_first(const struct llm_response *r, void *payload)
{
	struct chain *ch = payload;

	on_done(r, &ch->first);
	submit(ch->c, CONFIG_AGENT_VERIFIER, "follow-up", 2, &ch->second);
}

static void test_libcurl_failure_ends_every_call_even_those_queued_by_callbacks(void **state)
{
	CURLMcode (*real_poll)(CURLM *, struct curl_waitfd *, unsigned int, int, int *) = llm_curl.multi_poll;
	struct chain ch;
	struct seen other = {0};
	struct llm_request req;

	(void)state;
	memset(&ch, 0, sizeof(ch));
	fake_script("{\"default\":{\"latency_ms\":200}}");
	ch.c = client();
	llm_request_init(&req, CONFIG_AGENT_FINDER);
	req.unit = 1;
	assert_int_equal(llm_request_add_text(&req, LLM_ROLE_USER, "first", 5, false), 0);
	assert_int_equal(llm_submit(ch.c, &req, chain_first, &ch), 0);
	llm_request_dispose(&req);
	submit(ch.c, CONFIG_AGENT_FINDER, "other", 3, &other);
	llm_curl.multi_poll = poll_fails;
	assert_int_equal(llm_run(ch.c), TRB_ERROR);
	llm_curl.multi_poll = real_poll;
	assert_string_equal(trb_err_msg(), "libcurl: the transfer loop failed");
	assert_int_equal(ch.first.calls, 1);
	assert_int_equal(ch.first.outcome, LLM_NETWORK);
	assert_int_equal(other.calls, 1);
	assert_int_equal(other.outcome, LLM_NETWORK);
	assert_int_equal(ch.second.calls, 1);
	assert_int_equal(ch.second.outcome, LLM_NETWORK);
	assert_int_equal(ch.second.unit, 2);
	/* nothing is left queued: a later run has nothing to do */
	assert_int_equal(llm_run(ch.c), 0);
	assert_int_equal(ch.second.calls, 1);
	llm_client_free(ch.c);
	seen_dispose(&ch.first);
	seen_dispose(&ch.second);
	seen_dispose(&other);
}

/* ---- audit.jsonl ---- */

static void test_audit_has_one_line_per_attempt_with_ci_context(void **state)
{
	struct seen s = {0}, b = {0};
	struct llm_client *c;
	cJSON *lines, *l;

	(void)state;
	env_set("GITHUB_ACTIONS", "true");
	env_set("GITHUB_REPOSITORY", "acme/shop");
	env_set("GITHUB_REF", "refs/pull/42/merge");
	env_set("GITHUB_SHA", "0123abcd");
	env_set("GITHUB_RUN_ID", "987");
	env_set("GITHUB_SERVER_URL", "https://github.com");
	fake_script("{\"rules\":[{\"times\":1,\"reply\":{\"status\":429,\"retry_after\":\"0\"}}],"
		    "\"default\":{\"request_id\":\"req_ok\",\"usage\":{\"input\":1,\"output\":2,\"cache_read\":3,\"cache_write\":4}}}");
	c = client();
	submit(c, CONFIG_AGENT_FINDER, "audit me", 5, &s);
	assert_int_equal(llm_run(c), 0);
	llm_client_free(c);
	/* a call stopped by the budget leaves a line too */
	policy->budget.max_tokens = 1;
	c = client();
	submit(c, CONFIG_AGENT_VERIFIER, "too big", 6, &b);
	assert_int_equal(llm_run(c), 0);
	llm_client_free(c);
	assert_int_equal(b.outcome, LLM_BUDGET);

	lines = audit_lines();
	assert_int_equal(cJSON_GetArraySize(lines), 3);
	l = cJSON_GetArrayItem(lines, 0);
	assert_string_equal(jstr(l, "outcome"), "rate_limited");
	assert_int_equal((int)jnum(l, "attempt"), 1);
	assert_true(cJSON_IsFalse(cJSON_GetObjectItem(l, "final")));
	assert_int_equal((int)jnum(l, "http_status"), 429);
	assert_int_equal((int)jnum(l, "retry_in_ms"), 0);
	l = cJSON_GetArrayItem(lines, 1);
	assert_string_equal(jstr(l, "scan_id"), "scan-1");
	assert_string_equal(jstr(l, "ci"), "github");
	assert_string_equal(jstr(l, "repository"), "acme/shop");
	assert_string_equal(jstr(l, "merge_request"), "42");
	assert_string_equal(jstr(l, "commit"), "0123abcd");
	assert_string_equal(jstr(l, "ci_job"), "987");
	assert_string_equal(jstr(l, "ci_job_url"), "https://github.com/acme/shop/actions/runs/987");
	assert_string_equal(jstr(l, "provider"), "anthropic");
	assert_string_equal(jstr(l, "model"), "claude-sonnet-4-5");
	assert_string_equal(jstr(l, "agent"), "finder");
	assert_int_equal((int)jnum(l, "unit"), 5);
	assert_int_equal((int)jnum(l, "attempt"), 2);
	assert_true(cJSON_IsTrue(cJSON_GetObjectItem(l, "final")));
	assert_string_equal(jstr(l, "outcome"), "ok");
	assert_string_equal(jstr(l, "stop_reason"), "end_turn");
	assert_string_equal(jstr(l, "request_id"), "req_ok");
	assert_int_equal((int)jnum(cJSON_GetObjectItem(l, "tokens"), "cache_write"), 4);
	assert_true(jnum(l, "cost_usd") > 0);
	assert_true(jnum(l, "latency_ms") >= 0);
	assert_true(jnum(l, "request_bytes") > 0);
	assert_non_null(jstr(l, "time"));
	assert_int_equal(strlen(jstr(l, "time")), 24);
	l = cJSON_GetArrayItem(lines, 2);
	assert_string_equal(jstr(l, "outcome"), "budget_exhausted");
	assert_string_equal(jstr(l, "provider"), "openai");
	assert_int_equal((int)jnum(l, "attempt"), 0);
	assert_true(cJSON_IsNull(cJSON_GetObjectItem(l, "http_status")));
	cJSON_Delete(lines);
	seen_dispose(&s);
	seen_dispose(&b);
}

/* ---- the planted key never leaks ---- */

#define PAD290 "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"

#define PAD95 "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"

/* Keys in provider error bodies: echoed (401), after a NUL byte, across the cut of a message. */
static void test_api_keys_appear_only_in_request_headers(void **state)
{
	static const char *const scripts[] = {
		"{\"default\":{\"status\":401,\"error\":{\"message\":\"Incorrect API key provided: " KEY_A " / " KEY_O "\"}}}",
		"{\"default\":{\"status\":403}}",
		"{\"default\":{\"status\":400,\"error\":{\"message\":\"bad key " KEY_A KEY_O "\"}}}",
		"{\"default\":{\"status\":500,\"body\":\"<html>" KEY_A "</html>\",\"content_type\":\"text/html\"}}",
		"{\"default\":{\"status\":404,\"body\":\"not json " KEY_O "\"}}",
		"{\"default\":{\"status\":404,\"body\":\"nul\\u0000 " KEY_A " " KEY_O "\"}}",
		"{\"default\":{\"status\":400,\"error\":{\"message\":\"" PAD290 KEY_A "\"}}}",
		"{\"default\":{\"status\":502,\"body\":\"" PAD95 KEY_O "\"}}",
		"{\"default\":{\"fault\":\"invalid_json\"}}",
		"{\"default\":{\"fault\":\"truncate\"}}",
		"{\"default\":{\"text\":\"fine\"}}",
		"{\"default\":{\"status\":429,\"retry_after\":\"0\"}}",
	};
	struct trb_buf all = TRB_BUF_INIT(TRB_LIMIT_FILE);
	size_t i;
	int headers_with_key = 0, j;
	char *audit;

	(void)state;
	for (i = 0; i < sizeof(scripts) / sizeof(scripts[0]); i++) {
		struct seen f = {0}, v = {0};
		struct llm_client *c;
		cJSON *log;

		fake_script(scripts[i]);
		c = client();
		submit(c, CONFIG_AGENT_FINDER, "unit", 1, &f);
		submit(c, CONFIG_AGENT_VERIFIER, "unit", 2, &v);
		assert_int_equal(llm_run(c), 0);
		llm_client_free(c);
		trb_buf_printf(&all, "%s\n%s\n%s\n%s\n%s\n", f.error ? f.error : "", v.error ? v.error : "",
			       f.text, v.text, trb_err_msg());
		seen_dispose(&f);
		seen_dispose(&v);
		log = fake_log();
		for (j = 0; j < cJSON_GetArraySize(log); j++) {
			const cJSON *e = cJSON_GetArrayItem(log, j);
			char *h = cJSON_PrintUnformatted(cJSON_GetObjectItem(e, "headers"));
			trb_buf_puts(&all, jstr(e, "body"));
			if (strstr(h, KEY_A) || strstr(h, KEY_O))
				headers_with_key++;
			free(h);
		}
		cJSON_Delete(log);
	}
	audit = slurp(audit_path);
	trb_buf_puts(&all, audit);
	free(audit);
	assert_int_equal(trb_buf_error(&all), 0);
	/* the keys did go out, in headers */
	assert_true(headers_with_key >= 24);
	assert_null(strstr(all.ptr, KEY_A));
	assert_null(strstr(all.ptr, KEY_O));
	/* not even a long piece of them */
	assert_null(strstr(all.ptr, "PLANTED"));
	trb_buf_dispose(&all);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_anthropic_text_reply, setup, teardown),
		cmocka_unit_test_setup_teardown(test_openai_parallel_tool_calls_with_bearer_key, setup, teardown),
		cmocka_unit_test_setup_teardown(test_openai_azure_uses_api_key_header, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_key_server_gets_no_auth_header, setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing_key_is_no_credentials_and_nothing_is_sent, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refusals_are_their_own_outcome, setup, teardown),
		cmocka_unit_test_setup_teardown(test_max_tokens_reply_is_resent_once_with_the_larger_limit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_max_tokens_without_retry_is_exposed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_401_names_the_key_variable, setup, teardown),
		cmocka_unit_test_setup_teardown(test_404_names_the_model, setup, teardown),
		cmocka_unit_test_setup_teardown(test_context_too_long_400_and_413, setup, teardown),
		cmocka_unit_test_setup_teardown(test_other_400_is_a_bad_request_not_retried, setup, teardown),
		cmocka_unit_test_setup_teardown(test_429_honours_retry_after_then_succeeds, setup, teardown),
		cmocka_unit_test_setup_teardown(test_long_retry_after_is_honoured_when_the_deadline_allows, setup, teardown),
		cmocka_unit_test_setup_teardown(test_retry_after_beyond_the_deadline_fails_at_once, setup, teardown),
		cmocka_unit_test_setup_teardown(test_retry_after_without_deadline_is_capped, setup, teardown),
		cmocka_unit_test_setup_teardown(test_429_holds_every_queued_call_to_that_provider, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stray_429_holds_the_provider_for_a_quarter, setup, teardown),
		cmocka_unit_test_setup_teardown(test_500_every_time_gives_up_after_max_attempts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_529_overloaded_is_retried, setup, teardown),
		cmocka_unit_test_setup_teardown(test_html_502_shows_status_and_first_bytes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hang_times_out_per_attempt, setup, teardown),
		cmocka_unit_test_setup_teardown(test_overall_deadline_ends_calls_in_flight_and_queued, setup, teardown),
		cmocka_unit_test_setup_teardown(test_truncated_and_dropped_replies_are_retried, setup, teardown),
		cmocka_unit_test_setup_teardown(test_invalid_json_is_retried_then_a_bad_reply, setup, teardown),
		cmocka_unit_test_setup_teardown(test_malformed_message_is_a_bad_reply_not_retried, setup, teardown),
		cmocka_unit_test_setup_teardown(test_oversized_reply_is_cut_off, setup, teardown),
		cmocka_unit_test_setup_teardown(test_connection_refused_is_a_network_error, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tls_failures_show_curl_text_and_are_not_retried, setup, teardown),
		cmocka_unit_test_setup_teardown(test_base_url_with_credentials_is_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_token_budget_stops_calls_before_sending, setup, teardown),
		cmocka_unit_test_setup_teardown(test_usd_budget_stops_calls_before_sending, setup, teardown),
		cmocka_unit_test_setup_teardown(test_totals_sum_usage_and_cost, setup, teardown),
		cmocka_unit_test_setup_teardown(test_callbacks_step_conversations, setup, teardown),
		cmocka_unit_test_setup_teardown(test_concurrency_is_capped_and_nothing_is_lost, setup, teardown),
		cmocka_unit_test_setup_teardown(test_libcurl_failure_ends_every_call_even_those_queued_by_callbacks, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_audit_has_one_line_per_attempt_with_ci_context, setup, teardown),
		cmocka_unit_test_setup_teardown(test_api_keys_appear_only_in_request_headers, setup, teardown),
	};
	return cmocka_run_group_tests(tests, start_fake, stop_fake);
}
