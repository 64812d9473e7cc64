/* llm/client.c: the scheduler (what an answer means is decided in classify.c).
 * One thread, one curl multi handle (cf. curl's parallel_transfers and redis ae.c): a queue of encoded calls, up to budget.concurrency transfers in flight,
 * curl_multi_poll, then each finished transfer is classified into a reply, a retry (a deadline in
 * the queue, never a sleep) or a final failure. Budgets are checked before a call is sent; the
 * callback of every call runs exactly once, from llm_run(), and may queue more calls. */
#include "llm/llm.h"

#include "llm/curl_dl.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "llm/audit.h"
#include "llm/client_int.h"
#include "llm/wire.h"
#include "util/buf.h"
#include "util/err.h"

static uint64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static const char *default_getenv(const char *name, void *payload)
{
	(void)payload;
	return getenv(name);
}

static double default_rand(void *payload)
{
	uint64_t *s = payload;
	/* xorshift64*: jitter only, nothing secret depends on it */
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return (double)((*s * 0x2545F4914F6CDD1DULL) >> 11) / 9007199254740992.0;
}

static const char *env(const struct llm_client *c, const char *name)
{
	const char *v = c->o.getenv(name, c->o.getenv_payload);
	return v && v[0] ? v : NULL;
}

static void wipe(char *s)
{
	volatile char *p = s;
	if (!s)
		return;
	while (*p)
		*p++ = 0;
}

/* ---- setup ---- */

/* Endpoint URL and the origin shown in messages. Userinfo in the base URL is refused: credentials
 * go in the key variables, where they stay out of messages. */
static int provider_urls(struct provider *p, const char *base, const char *path, const char *api_version)
{
	CURLU *u = curl_url();
	char *scheme = NULL, *host = NULL, *port = NULL, *user = NULL;
	struct trb_buf b = TRB_BUF_INIT(TRB_LIMIT_SMALL);
	const char *q;
	size_t blen;
	int error = 0;

	if (!u)
		return trb_err_oom();
	if (curl_url_set(u, CURLUPART_URL, base, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
	    (strcmp(scheme, "https") != 0 && strcmp(scheme, "http") != 0) ||
	    curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK) {
		error = trb_err_set(TRB_EINVAL, "%s is not an http(s) URL", p->base_var);
		goto cleanup;
	}
	if (curl_url_get(u, CURLUPART_USER, &user, 0) == CURLUE_OK && user) {
		error = trb_err_set(TRB_EINVAL, "%s must not hold a user name or password; put the key in %s",
				    p->base_var, p->key_var);
		goto cleanup;
	}
	curl_url_get(u, CURLUPART_PORT, &port, 0);
	trb_buf_printf(&b, "%s://%s%s%s", scheme, host, port ? ":" : "", port ? port : "");
	if (!(p->origin = trb_buf_detach(&b))) {
		error = trb_err_oom();
		goto cleanup;
	}
	/* {base}{path}, keeping a query (Azure: ?api-version=...) after the path */
	q = strchr(base, '?');
	blen = q ? (size_t)(q - base) : strlen(base);
	while (blen > 0 && base[blen - 1] == '/')
		blen--;
	trb_buf_put(&b, base, blen);
	trb_buf_puts(&b, path);
	if (q)
		trb_buf_puts(&b, q);
	else if (api_version)
		trb_buf_printf(&b, "?api-version=%s", api_version);
	if (!(p->url = trb_buf_detach(&b)))
		error = trb_err_oom();
cleanup:
	trb_buf_dispose(&b);
	curl_free(scheme);
	curl_free(host);
	curl_free(port);
	curl_free(user);
	curl_url_cleanup(u);
	return error;
}

static int provider_setup(struct llm_client *c, config_provider_t id)
{
	struct provider *p = &c->prov[id];
	const char *base, *key, *type;
	int error;

	if (id == CONFIG_PROVIDER_ANTHROPIC) {
		p->key_var = "ANTHROPIC_API_KEY";
		p->base_var = "ANTHROPIC_BASE_URL";
		base = env(c, "ANTHROPIC_BASE_URL");
		if ((error = provider_urls(p, base ? base : "https://api.anthropic.com", "/v1/messages", NULL)) < 0)
			return error;
	} else {
		p->key_var = "OPENAI_API_KEY";
		p->base_var = "OPENAI_BASE_URL";
		base = env(c, "OPENAI_BASE_URL");
		type = env(c, "OPENAI_API_TYPE");
		p->azure = type && !strcasecmp(type, "azure");
		if ((error = provider_urls(p, base ? base : "https://api.openai.com/v1", "/chat/completions",
					   p->azure ? env(c, "OPENAI_API_VERSION") : NULL)) < 0)
			return error;
		p->official = !strcmp(p->origin, "https://api.openai.com");
	}
	if ((key = env(c, p->key_var))) {
		if (strpbrk(key, "\r\n"))
			return trb_err_set(TRB_EINVAL, "%s contains a line break", p->key_var);
		if (!(p->key = llm_strdup(key)))
			return TRB_ENOMEM;
	}
	return 0;
}

int llm_client_new(struct llm_client **out, const struct config *policy, const struct llm_options *opts)
{
	struct llm_client *c;
	const char *ca;
	size_t a;
	int error;

	*out = NULL;
	if (!(c = calloc(1, sizeof(*c))))
		return trb_err_oom();
	c->policy = policy;
	if (opts)
		c->o = *opts;
	if (!c->o.getenv)
		c->o.getenv = default_getenv;
	c->rng = (uint64_t)now_ms() * 0x9E3779B97F4A7C15ULL ^ (uint64_t)getpid() ^ (uint64_t)(uintptr_t)c;
	if (!c->rng)
		c->rng = 1;
	if (!c->o.rand) {
		c->o.rand = default_rand;
		c->o.rand_payload = &c->rng;
	}
	if (!c->o.max_attempts)
		c->o.max_attempts = 5;
	if (!c->o.backoff_base_ms)
		c->o.backoff_base_ms = 1000;
	if (!c->o.backoff_max_ms)
		c->o.backoff_max_ms = 30000;
	if (!c->o.max_retry_after_ms)
		c->o.max_retry_after_ms = 60000;
	if (!c->o.attempt_timeout_ms)
		c->o.attempt_timeout_ms = 300000;
	if (!c->o.connect_timeout_ms)
		c->o.connect_timeout_ms = 30000;
	if (!c->o.max_response_bytes)
		c->o.max_response_bytes = (size_t)8 * 1024 * 1024;
	c->o.audit_path = NULL;
	c->o.scan_id = NULL;
	c->concurrency = policy->budget.concurrency ? policy->budget.concurrency : 1;
	c->start = now_ms();
	c->deadline = policy->budget.timeout_s ? c->start + (uint64_t)policy->budget.timeout_s * 1000u : 0;
	c->totals.cost_known = true;
	if ((error = llm_audit_open(&c->audit, opts ? opts->audit_path : NULL, opts ? opts->scan_id : NULL,
				    c->o.getenv, c->o.getenv_payload)) < 0)
		goto fail;
	if ((error = provider_setup(c, CONFIG_PROVIDER_ANTHROPIC)) < 0 ||
	    (error = provider_setup(c, CONFIG_PROVIDER_OPENAI)) < 0)
		goto fail;
	/* libcurl reads the proxy variables itself, but not the CA ones (the curl tool does) */
	if ((ca = env(c, "CURL_CA_BUNDLE")) || (ca = env(c, "SSL_CERT_FILE")))
		if (!(c->cainfo = llm_strdup(ca))) {
			error = TRB_ENOMEM;
			goto fail;
		}
	if ((ca = env(c, "SSL_CERT_DIR")) && !(c->capath = llm_strdup(ca))) {
		error = TRB_ENOMEM;
		goto fail;
	}
	for (a = 0; a < CONFIG_AGENT_COUNT; a++) {
		c->price_known[a] = llm_price_lookup(&c->price[a], policy, policy->agents[a].model);
	}
	if (!(c->flight = calloc(c->concurrency, sizeof(*c->flight)))) {
		error = trb_err_oom();
		goto fail;
	}
	if (!(c->multi = curl_multi_init())) {
		error = trb_err_set(TRB_ERROR, "libcurl: cannot create a multi handle");
		goto fail;
	}
	curl_multi_setopt(c->multi, CURLMOPT_MAXCONNECTS, (long)c->concurrency * 2);
	*out = c;
	return 0;
fail:
	llm_client_free(c);
	return error;
}

static void call_free(struct call *k)
{
	struct curl_slist *h;

	if (!k)
		return;
	for (h = k->headers; h; h = h->next)
		wipe(h->data);
	curl_slist_free_all(k->headers);
	free(k->body);
	trb_buf_dispose(&k->rbody);
	free(k->hdr_request_id);
	llm_response_dispose(&k->resp);
	free(k);
}

void llm_client_free(struct llm_client *c)
{
	struct call *k;
	size_t i;

	if (!c)
		return;
	for (i = 0; i < c->in_flight; i++) {
		curl_multi_remove_handle(c->multi, c->flight[i]->easy);
		curl_easy_cleanup(c->flight[i]->easy);
		call_free(c->flight[i]);
	}
	while ((k = c->queue)) {
		c->queue = k->next;
		call_free(k);
	}
	while ((k = c->done_head)) {
		c->done_head = k->next;
		call_free(k);
	}
	if (c->multi)
		curl_multi_cleanup(c->multi);
	free(c->flight);
	for (i = 0; i < N_PROVIDERS; i++) {
		wipe(c->prov[i].key);
		free(c->prov[i].key);
		free(c->prov[i].url);
		free(c->prov[i].origin);
	}
	free(c->cainfo);
	free(c->capath);
	llm_audit_close(&c->audit);
	free(c);
}

bool llm_client_price_known(const struct llm_client *c, config_agent_t agent)
{
	return (unsigned)agent < CONFIG_AGENT_COUNT && c->price_known[agent];
}

bool llm_client_has_credentials(const struct llm_client *c, config_agent_t agent)
{
	const struct config_agent *a;

	if ((unsigned)agent >= CONFIG_AGENT_COUNT)
		return false;
	a = &c->policy->agents[agent];
	return a->no_key || c->prov[a->provider].key != NULL;
}

void llm_client_totals(struct llm_totals *out, const struct llm_client *c)
{
	*out = c->totals;
}

/* ---- submitting ---- */

static void queue_insert(struct llm_client *c, struct call *k)
{
	struct call **p = &c->queue;

	while (*p && ((*p)->priority > k->priority ||
		      ((*p)->priority == k->priority && (*p)->seq < k->seq)))
		p = &(*p)->next;
	k->next = *p;
	*p = k;
}

static int build_headers(struct call *k, const struct provider *p, bool no_key)
{
	struct trb_buf h = TRB_BUF_INIT(TRB_LIMIT_SMALL);
	struct curl_slist *l = NULL, *n;
	const char *fixed[] = {"content-type: application/json", "accept: application/json",
			       "Expect:", NULL};
	size_t i;

	for (i = 0; fixed[i]; i++) {
		if (!(n = curl_slist_append(l, fixed[i])))
			goto oom;
		l = n;
	}
	if (k->provider == CONFIG_PROVIDER_ANTHROPIC) {
		if (!(n = curl_slist_append(l, "anthropic-version: 2023-06-01")))
			goto oom;
		l = n;
	}
	if (!no_key && p->key) {
		if (k->provider == CONFIG_PROVIDER_ANTHROPIC)
			trb_buf_printf(&h, "x-api-key: %s", p->key);
		else if (p->azure)
			trb_buf_printf(&h, "api-key: %s", p->key);
		else
			trb_buf_printf(&h, "Authorization: Bearer %s", p->key);
		if (trb_buf_error(&h) < 0 || !(n = curl_slist_append(l, h.ptr)))
			goto oom;
		l = n;
	}
	if (h.ptr)
		wipe(h.ptr);
	trb_buf_dispose(&h);
	k->headers = l;
	return 0;
oom:
	if (h.ptr)
		wipe(h.ptr);
	trb_buf_dispose(&h);
	for (n = l; n; n = n->next)
		wipe(n->data);
	curl_slist_free_all(l);
	return trb_err_oom();
}

/* OpenAI's reasoning models accept only the default temperature. */
static bool takes_temperature(const char *model)
{
	static const char *const no[] = {"o1", "o3", "o4", "gpt-5"};
	size_t i, n;

	for (i = 0; i < sizeof(no) / sizeof(no[0]); i++) {
		n = strlen(no[i]);
		if (!strncmp(model, no[i], n) && (model[n] == '\0' || model[n] == '-' || model[n] == '.'))
			return false;
	}
	return true;
}

/* The body from the request tree, with max_tokens set to the call's current limit. */
static int encode_body(struct call *k, cJSON *tree)
{
	cJSON *v = cJSON_GetObjectItemCaseSensitive(tree, k->max_key);
	char *s;

	if (v)
		cJSON_SetNumberValue(v, k->max_tokens);
	if (!(s = cJSON_PrintUnformatted(tree)))
		return trb_err_oom();
	free(k->body);
	k->body = s;
	k->body_len = strlen(s);
	k->est_tokens = (k->body_len + 3) / 4;
	return 0;
}

/* The rare resend with a larger max_tokens: re-parsed from the body rather than keeping every
 * queued call's tree next to its body. */
static int reencode_body(struct call *k)
{
	cJSON *tree = cJSON_ParseWithLength(k->body, k->body_len);
	int error;

	if (!tree)
		return trb_err_oom();
	error = encode_body(k, tree);
	cJSON_Delete(tree);
	return error;
}

int llm_submit(struct llm_client *c, const struct llm_request *req, llm_done_fn done, void *payload)
{
	const struct config_agent *a;
	struct llm_wire_params wp = {0};
	struct call *k;
	cJSON *tree = NULL;
	int error;

	if ((unsigned)req->agent >= CONFIG_AGENT_COUNT || !done)
		return trb_err_set(TRB_EINVAL, "llm_submit: bad agent or no callback");
	a = &c->policy->agents[req->agent];
	if (!a->model || !a->model[0])
		return trb_err_set(TRB_EINVAL, "agents.%s.model is not set", config_agent_name(req->agent));
	if (!(k = calloc(1, sizeof(*k))))
		return trb_err_oom();
	k->seq = c->seq++;
	k->priority = req->priority;
	k->agent = req->agent;
	k->provider = a->provider == CONFIG_PROVIDER_OPENAI ? CONFIG_PROVIDER_OPENAI : CONFIG_PROVIDER_ANTHROPIC;
	k->model = a->model;
	k->unit = req->unit;
	k->turn = req->turn;
	k->done = done;
	k->payload = payload;
	k->max_tokens = req->max_tokens ? req->max_tokens : (a->max_tokens ? a->max_tokens : 4096);
	k->max_tokens_retry = req->max_tokens_retry;
	k->retry_after_ms = -1;
	trb_buf_init(&k->rbody, c->o.max_response_bytes);
	llm_response_init(&k->resp);

	wp.model = a->model;
	wp.max_tokens = k->max_tokens;
	wp.temperature = a->temperature;
	wp.send_temperature = takes_temperature(a->model);
	if (k->provider == CONFIG_PROVIDER_ANTHROPIC) {
		k->max_key = "max_tokens";
		error = llm_anthropic_encode(&tree, req, &wp);
	} else {
		wp.max_completion_tokens = c->prov[k->provider].official;
		k->max_key = wp.max_completion_tokens ? "max_completion_tokens" : "max_tokens";
		error = llm_openai_encode(&tree, req, &wp);
	}
	if (error == 0)
		error = encode_body(k, tree);
	cJSON_Delete(tree);
	if (error < 0 || (error = build_headers(k, &c->prov[k->provider], a->no_key)) < 0)
		goto fail;
	k->ready_at = now_ms();
	queue_insert(c, k);
	return 0;
fail:
	call_free(k);
	return error;
}

/* ---- finishing ---- */

static double usage_cost(const struct llm_client *c, const struct call *k, const struct llm_usage *u)
{
	if (!c->price_known[k->agent])
		return 0;
	return llm_price_cost(&c->price[k->agent], u->input, u->output, u->cache_read, u->cache_write);
}

/* One audit line. measured: the line is about the attempt that just ended (latency, status);
 * else about a call that ends between attempts or before any. */
static void audit_line(struct llm_client *c, struct call *k, llm_outcome_t outcome, bool final, bool measured,
		       int stop, const struct llm_usage *u, long status, int64_t retry_in)
{
	struct llm_audit_entry e = {0};
	uint64_t t = now_ms();

	e.provider = k->provider;
	e.model = k->model;
	e.agent = k->agent;
	e.unit = k->unit;
	e.turn = k->turn;
	e.attempt = k->attempts;
	e.final = final;
	e.http_status = status;
	e.outcome = outcome;
	e.stop = stop;
	e.request_id = k->hdr_request_id ? k->hdr_request_id : k->resp.request_id;
	if (u)
		e.usage = *u;
	e.cost_known = c->price_known[k->agent];
	e.cost_usd = u ? usage_cost(c, k, u) : 0;
	e.latency_ms = measured && k->attempt_start ? t - k->attempt_start : 0;
	e.request_bytes = k->body_len;
	e.retry_in_ms = retry_in;
	llm_audit_write(&c->audit, &e);
}

/* Ends a call: fills the response, counts it, and moves it to the done list (the callback runs
 * from flush_done, never in the middle of a queue walk). msg is owned by the call afterwards. */
static void finish(struct llm_client *c, struct call *k, llm_outcome_t outcome, char *msg)
{
	struct llm_response *r = &k->resp;

	r->outcome = outcome;
	free(r->error);
	r->error = outcome == LLM_OK ? NULL : msg;
	if (outcome == LLM_OK)
		free(msg);
	if (outcome != LLM_OK && !r->error)
		r->error = llm_strdup(llm_outcome_reason(outcome));
	r->agent = k->agent;
	r->unit = k->unit;
	r->turn = k->turn;
	r->provider = k->provider;
	r->model = k->model;
	r->attempts = k->attempts;
	r->extended = k->extended;
	r->latency_ms = k->first_sent ? now_ms() - k->first_sent : 0;
	if (!r->text)
		r->text = llm_strdup("");
	if (k->hdr_request_id) {
		free(r->request_id);
		r->request_id = k->hdr_request_id;
		k->hdr_request_id = NULL;
	}
	c->totals.calls++;
	c->totals.by_outcome[outcome]++;
	k->next = NULL;
	if (c->done_tail)
		c->done_tail->next = k;
	else
		c->done_head = k;
	c->done_tail = k;
}

/* Ends a call that is not in flight: never sent, or waiting for a retry. */
static void finish_unsent(struct llm_client *c, struct call *k, llm_outcome_t outcome, char *msg)
{
	audit_line(c, k, outcome, true, false, -1, NULL, 0, -1);
	finish(c, k, outcome, msg);
}

static void flush_done(struct llm_client *c)
{
	struct call *k;

	while ((k = c->done_head)) {
		c->done_head = k->next;
		if (!c->done_head)
			c->done_tail = NULL;
		k->done(&k->resp, k->payload);
		call_free(k);
	}
}

/* ---- budget ---- */

static bool budget_tokens_on(const struct llm_client *c)
{
	return c->policy->budget.max_tokens > 0;
}

/* max_usd 0 is a real limit: only calls to models priced at zero may run. */
static bool budget_usd_on(const struct llm_client *c)
{
	return c->policy->budget.max_usd >= 0;
}

/* 1: send now; 0: wait for calls in flight to settle; -1: the budget cannot pay for it. */
static int budget_check(struct llm_client *c, struct call *k, char **msg)
{
	const struct llm_price *pr = &c->price[k->agent];
	bool priced = c->price_known[k->agent];
	uint64_t tok_in = k->est_tokens, tok_all = k->est_tokens + k->max_tokens;
	double usd_in = priced ? llm_price_cost(pr, tok_in, 0, 0, 0) : 0;
	double usd_all = priced ? llm_price_cost(pr, tok_in, k->max_tokens, 0, 0) : 0;
	uint64_t max_tok = c->policy->budget.max_tokens;
	double max_usd = c->policy->budget.max_usd;

	if (budget_tokens_on(c) && c->spent_tokens + tok_in > max_tok) {
		*msg = llm_fmt("budget exhausted: %llu of budget.max_tokens %llu tokens used, this call needs about %llu more",
			   (unsigned long long)c->spent_tokens, (unsigned long long)max_tok,
			   (unsigned long long)tok_in);
		return -1;
	}
	if (budget_usd_on(c) && c->spent_usd + usd_in > max_usd) {
		*msg = llm_fmt("budget exhausted: $%.4f of budget.max_usd $%.2f spent, this call needs about $%.4f more",
			   c->spent_usd, max_usd, usd_in);
		return -1;
	}
	/* in flight calls may still use their max_tokens: wait for them rather than overshoot */
	if (c->in_flight > 0 &&
	    ((budget_tokens_on(c) && c->spent_tokens + c->rsv_tokens + tok_all > max_tok) ||
	     (budget_usd_on(c) && c->spent_usd + c->rsv_usd + usd_all > max_usd)))
		return 0;
	k->rsv_tokens = tok_all;
	k->rsv_usd = usd_all;
	c->rsv_tokens += tok_all;
	c->rsv_usd += usd_all;
	return 1;
}

static void budget_release(struct llm_client *c, struct call *k)
{
	c->rsv_tokens -= k->rsv_tokens < c->rsv_tokens ? k->rsv_tokens : c->rsv_tokens;
	c->rsv_usd -= k->rsv_usd;
	if (c->rsv_usd < 1e-12)   /* float residue */
		c->rsv_usd = 0;
	k->rsv_tokens = 0;
	k->rsv_usd = 0;
}

static void account(struct llm_client *c, struct call *k, const struct llm_usage *u)
{
	double cost = usage_cost(c, k, u);

	c->spent_tokens += u->input + u->output + u->cache_read + u->cache_write;
	c->spent_usd += cost;
	c->totals.usage.input += u->input;
	c->totals.usage.output += u->output;
	c->totals.usage.cache_read += u->cache_read;
	c->totals.usage.cache_write += u->cache_write;
	c->totals.cost_usd += cost;
	if (!c->price_known[k->agent])
		c->totals.cost_known = false;
	k->resp.usage.input += u->input;
	k->resp.usage.output += u->output;
	k->resp.usage.cache_read += u->cache_read;
	k->resp.usage.cache_write += u->cache_write;
	k->resp.cost_usd += cost;
}

/* ---- transfers ---- */

static size_t on_body(char *data, size_t size, size_t n, void *payload)
{
	struct call *k = payload;

	if (trb_buf_put(&k->rbody, data, n) < 0) {
		k->too_large = true;
		return 0;
	}
	(void)size;
	return n;
}

static bool id_ok(const char *v, size_t len)
{
	size_t i;

	if (len == 0 || len > LLM_MAX_ID)
		return false;
	for (i = 0; i < len; i++)
		if ((unsigned char)v[i] <= 0x20 || (unsigned char)v[i] >= 0x7f)
			return false;
	return true;
}

static size_t on_header(char *line, size_t size, size_t n, void *payload)
{
	struct call *k = payload;
	const char *v;
	size_t vlen;
	int64_t d;

	(void)size;
	if (n >= 5 && !strncmp(line, "HTTP/", 5)) {
		/* a new response (after a 100 Continue): forget the previous one's headers */
		k->html = false;
		k->retry_after_ms = -1;
		free(k->hdr_request_id);
		k->hdr_request_id = NULL;
		return n;
	}
	if (llm_curl_header(line, n, "retry-after-ms", &v, &vlen)) {
		if ((d = llm_curl_retry_after_ms(v, vlen, true)) >= 0)
			k->retry_after_ms = d;
	} else if (llm_curl_header(line, n, "retry-after", &v, &vlen)) {
		/* retry-after-ms is more precise: keep it when both came */
		if ((d = llm_curl_retry_after_ms(v, vlen, false)) >= 0 && k->retry_after_ms < 0)
			k->retry_after_ms = d;
	} else if (llm_curl_header(line, n, "request-id", &v, &vlen) || llm_curl_header(line, n, "x-request-id", &v, &vlen)) {
		if (id_ok(v, vlen) && !k->hdr_request_id)
			k->hdr_request_id = strndup(v, vlen);
	} else if (llm_curl_header(line, n, "content-type", &v, &vlen)) {
		k->html = vlen >= 9 && !strncasecmp(v, "text/html", 9);
	}
	return n;
}

static int start_transfer(struct llm_client *c, struct call *k, uint64_t now)
{
	const struct provider *p = &c->prov[k->provider];
	uint64_t timeout = c->o.attempt_timeout_ms;
	CURL *e;

	k->deadline_bound = false;
	if (c->deadline && c->deadline - now <= timeout) {
		timeout = c->deadline - now;
		k->deadline_bound = true;
	}
	if (!(e = curl_easy_init()))
		return trb_err_oom();
	trb_buf_clear(&k->rbody);
	k->too_large = false;
	k->html = false;
	k->retry_after_ms = -1;
	free(k->hdr_request_id);
	k->hdr_request_id = NULL;
	k->errbuf[0] = '\0';
	if (curl_easy_setopt(e, CURLOPT_URL, p->url) != CURLE_OK ||
	    curl_easy_setopt(e, CURLOPT_POSTFIELDS, k->body) != CURLE_OK ||
	    curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)k->body_len) != CURLE_OK ||
	    curl_easy_setopt(e, CURLOPT_HTTPHEADER, k->headers) != CURLE_OK ||
	    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body) != CURLE_OK ||
	    curl_easy_setopt(e, CURLOPT_WRITEDATA, k) != CURLE_OK ||
	    curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header) != CURLE_OK ||
	    curl_easy_setopt(e, CURLOPT_HEADERDATA, k) != CURLE_OK ||
	    curl_easy_setopt(e, CURLOPT_PRIVATE, k) != CURLE_OK ||
	    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, k->errbuf) != CURLE_OK ||
	    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, (long)(timeout ? timeout : 1)) != CURLE_OK ||
	    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, (long)c->o.connect_timeout_ms) != CURLE_OK ||
	    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L) != CURLE_OK ||
	    curl_easy_setopt(e, CURLOPT_USERAGENT, "tribunal") != CURLE_OK ||
	    curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "") != CURLE_OK ||
	    curl_easy_setopt(e, CURLOPT_TCP_KEEPALIVE, 1L) != CURLE_OK ||
	    curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https") != CURLE_OK ||
	    (c->cainfo && curl_easy_setopt(e, CURLOPT_CAINFO, c->cainfo) != CURLE_OK) ||
	    (c->capath && curl_easy_setopt(e, CURLOPT_CAPATH, c->capath) != CURLE_OK)) {
		curl_easy_cleanup(e);
		return trb_err_set(TRB_ERROR, "libcurl rejected a transfer option");
	}
	if (curl_multi_add_handle(c->multi, e) != CURLM_OK) {
		curl_easy_cleanup(e);
		return trb_err_set(TRB_ERROR, "libcurl: cannot add a transfer");
	}
	k->easy = e;
	k->attempts++;
	c->totals.attempts++;
	k->attempt_start = now;
	if (!k->first_sent)
		k->first_sent = now;
	c->flight[c->in_flight++] = k;
	return 0;
}

static void detach_transfer(struct llm_client *c, struct call *k)
{
	size_t i;

	for (i = 0; i < c->in_flight; i++)
		if (c->flight[i] == k) {
			c->flight[i] = c->flight[--c->in_flight];
			break;
		}
	if (k->easy) {
		curl_multi_remove_handle(c->multi, k->easy);
		curl_easy_cleanup(k->easy);
		k->easy = NULL;
	}
	budget_release(c, k);
}

/* A 2xx: decode it. Returns true when the call is done (v says how), false to resend it with the
 * larger max_tokens. */
static bool classify_ok(struct llm_client *c, struct call *k, long status, struct verdict *v, int *stop,
			struct llm_usage *u)
{
	struct llm_response *r = &k->resp;
	struct llm_usage before = r->usage;
	cJSON *root;
	int error;

	v->delay_ms = -1;
	if (llm_looks_html(k)) {
		struct trb_buf b = TRB_BUF_INIT(TRB_LIMIT_SMALL);
		v->outcome = LLM_BAD_REPLY;
		llm_describe_body(c, k, &b, status, NULL);
		v->msg = trb_buf_detach(&b);
		return true;
	}
	if (!(root = cJSON_ParseWithLength(k->rbody.ptr ? k->rbody.ptr : "", k->rbody.len))) {
		/* often a proxy or a connection cut mid-body: worth another try */
		v->outcome = LLM_BAD_REPLY;
		v->retry = true;
		v->msg = llm_fmt("the reply from %s (HTTP %ld, %zu bytes) is not valid JSON",
			     c->prov[k->provider].origin, status, k->rbody.len);
		return true;
	}
	/* a resend after max_tokens decodes into a fresh reply, keeping the usage summed */
	llm_response_clear_reply(r);
	error = k->provider == CONFIG_PROVIDER_ANTHROPIC ? llm_anthropic_decode(r, root) : llm_openai_decode(r, root);
	cJSON_Delete(root);
	*u = r->usage;
	r->usage = before;
	if (error < 0) {
		v->outcome = LLM_BAD_REPLY;
		v->msg = llm_fmt("unusable reply from %s for model '%s': %s", c->prov[k->provider].origin, k->model,
			     trb_err_msg());
		memset(u, 0, sizeof(*u));
		return true;
	}
	account(c, k, u);
	*stop = (int)r->stop;
	if (r->stop == LLM_STOP_REFUSAL) {
		v->outcome = LLM_REFUSED;
		v->msg = llm_fmt("model '%s' refused the request", k->model);
		return true;
	}
	if (r->stop == LLM_STOP_MAX_TOKENS && !k->extended && k->max_tokens_retry > k->max_tokens) {
		k->extended = true;
		k->max_tokens = k->max_tokens_retry;
		if (reencode_body(k) < 0) {
			v->outcome = LLM_OK;   /* keep the cut-off reply rather than nothing */
			return true;
		}
		return false;
	}
	v->outcome = LLM_OK;
	return true;
}

static uint64_t backoff(struct llm_client *c, unsigned failures)
{
	uint64_t cap = c->o.backoff_base_ms;
	double r;
	unsigned i;

	for (i = 1; i < failures && cap < c->o.backoff_max_ms; i++)
		cap *= 2;
	if (cap > c->o.backoff_max_ms)
		cap = c->o.backoff_max_ms;
	r = c->o.rand(c->o.rand_payload);
	if (!(r >= 0) || r >= 1)
		r = 0;
	return (uint64_t)(r * (double)cap);  /* full jitter */
}

/* Remembers whether an answer of the provider was a 429. */
static void note_answer(struct provider *p, bool rate_limited)
{
	p->recent = (p->recent << 1) | (rate_limited ? 1u : 0u);
	if (p->n_recent < RECENT_WINDOW)
		p->n_recent++;
}

/* A 429 holds every queued call to the provider, not only the one that failed: for the whole
 * retry-after when most recent answers were 429s (a real limit: new calls would fail too), for a
 * quarter of it after a stray 429 among successes (the failed call still waits all of it). */
static void hold_provider(struct provider *p, uint64_t now, uint64_t delay)
{
	uint32_t mask = p->n_recent >= 32 ? 0xffffffffu : ((1u << p->n_recent) - 1u);
	unsigned rejected = (unsigned)__builtin_popcount(p->recent & mask);
	double share = p->n_recent ? (double)rejected / (double)p->n_recent : 1.0;
	uint64_t until;

	if (share < 0.25)
		share = 0.25;
	until = now + (uint64_t)((double)delay * share);
	if (p->paused_until < until)
		p->paused_until = until;
}

/* Why a retry that waits delay ms cannot be made (NULL: it can). asked is the server's
 * retry-after (-1: none, the delay is our backoff). A server's wait is honoured whenever the next
 * attempt can still start before budget.timeout_s, however long it is: giving up early would only
 * turn a slow review into a missing one. Only without an overall deadline does
 * max_retry_after_ms bound it, so that a run never waits for ever on a server's say-so. */
/* Whether the wait fits: true when the retry may be scheduled; else false with *why saying so
 * (NULL only when out of memory: the call still ends). */
static bool retry_fits(char **why, const struct llm_client *c, uint64_t now, int64_t asked, uint64_t delay)
{
	uint64_t left;

	*why = NULL;
	if (!c->deadline) {
		if (asked <= (int64_t)c->o.max_retry_after_ms)
			return true;
		*why = llm_fmt("the server asks to wait %.1f s, longer than the %.1f s tribunal waits without a "
			       "deadline", (double)asked / 1000.0, (double)c->o.max_retry_after_ms / 1000.0);
		return false;
	}
	left = c->deadline > now ? c->deadline - now : 0;
	/* dispatch() starts no attempt within DEADLINE_SLACK_MS of the deadline */
	if (delay + DEADLINE_SLACK_MS < left)
		return true;
	if (asked >= 0)
		*why = llm_fmt("the server asks to wait %.1f s, but only %.1f s are left before budget.timeout_s (%u s)",
			       (double)asked / 1000.0, (double)left / 1000.0, c->policy->budget.timeout_s);
	else
		*why = llm_fmt("no time left to retry within budget.timeout_s (%u s): %.1f s left",
			       c->policy->budget.timeout_s, (double)left / 1000.0);
	return false;
}

static void attempt_done(struct llm_client *c, struct call *k, CURLcode rc)
{
	struct verdict v = {0};
	struct llm_usage u = {0};
	long status = 0;
	int stop = -1;
	uint64_t now;
	int64_t retry_in = -1;

	curl_easy_getinfo(k->easy, CURLINFO_RESPONSE_CODE, &status);
	detach_transfer(c, k);
	k->resp.http_status = status;
	now = now_ms();
	if (status > 0)
		note_answer(&c->prov[k->provider], status == 429);
	if (rc != CURLE_OK) {
		llm_classify_curl(c, k, rc, &v);
	} else if (status >= 200 && status <= 299) {
		if (!classify_ok(c, k, status, &v, &stop, &u)) {
			/* cut off at max_tokens: send again at once with the larger limit */
			audit_line(c, k, LLM_OK, false, true, stop, &u, status, 0);
			k->ready_at = now;
			queue_insert(c, k);
			return;
		}
	} else {
		llm_classify_http(c, k, status, &v);
	}
	if (v.retry && k->attempts < c->o.max_attempts) {
		uint64_t delay = v.delay_ms >= 0 ? (uint64_t)v.delay_ms : backoff(c, k->attempts);
		char *why;
		if (retry_fits(&why, c, now, v.delay_ms, delay)) {
			retry_in = (int64_t)delay;
			k->ready_at = now + delay;
			if (v.rate_limit)
				hold_provider(&c->prov[k->provider], now, delay);
			audit_line(c, k, v.outcome, false, true, stop, &u, status, retry_in);
			c->totals.retries++;
			free(v.msg);
			queue_insert(c, k);
			return;
		} else {
			char *m = llm_fmt("%s; %s", v.msg ? v.msg : "", why ? why : "no time to wait for a retry");
			free(why);
			free(v.msg);
			v.msg = m;
		}
	}
	audit_line(c, k, v.outcome, true, true, stop, &u, status, -1);
	if (k->attempts > 1 && v.outcome != LLM_OK && v.outcome != LLM_REFUSED && v.msg) {
		char *m = llm_fmt("%s (after %u attempts)", v.msg, k->attempts);
		free(v.msg);
		v.msg = m;
	}
	finish(c, k, v.outcome, v.msg);
}

/* ---- the loop ---- */

static void expire_all(struct llm_client *c)
{
	struct call *k;

	while (c->in_flight > 0) {
		k = c->flight[0];
		detach_transfer(c, k);
		audit_line(c, k, LLM_DEADLINE, true, true, -1, NULL, 0, -1);
		finish(c, k, LLM_DEADLINE, llm_fmt("budget.timeout_s (%u s) ran out during the call",
					      c->policy->budget.timeout_s));
	}
	while ((k = c->queue)) {
		c->queue = k->next;
		finish_unsent(c, k, LLM_DEADLINE, llm_fmt("budget.timeout_s (%u s) ran out before the call could be sent",
						      c->policy->budget.timeout_s));
	}
}

static void dispatch(struct llm_client *c, uint64_t now)
{
	struct call **p = &c->queue, *k;
	char *msg;
	int b;

	while ((k = *p) && c->in_flight < c->concurrency) {
		const struct config_agent *a = &c->policy->agents[k->agent];
		if (k->ready_at > now || c->prov[k->provider].paused_until > now) {
			p = &k->next;
			continue;
		}
		if (c->deadline && now + DEADLINE_SLACK_MS >= c->deadline) {
			*p = k->next;
			finish_unsent(c, k, LLM_DEADLINE,
				      llm_fmt("budget.timeout_s (%u s) ran out before the call could be sent",
					  c->policy->budget.timeout_s));
			continue;
		}
		if (!a->no_key && !c->prov[k->provider].key) {
			*p = k->next;
			finish_unsent(c, k, LLM_NO_CREDENTIALS,
				      llm_fmt("%s is not set: agent %s was not run", c->prov[k->provider].key_var,
					  config_agent_name(k->agent)));
			continue;
		}
		msg = NULL;
		if ((b = budget_check(c, k, &msg)) < 0) {
			*p = k->next;
			finish_unsent(c, k, LLM_BUDGET, msg);
			continue;
		}
		if (b == 0) {
			p = &k->next;
			continue;
		}
		*p = k->next;
		if (start_transfer(c, k, now) < 0) {
			budget_release(c, k);
			finish_unsent(c, k, LLM_NETWORK, llm_fmt("%s", trb_err_msg()));
		}
	}
}

/* How long the loop may wait: until the next retry or pause ends, at most a second. */
static long next_timeout(const struct llm_client *c, uint64_t now)
{
	uint64_t next = now + 1000;
	const struct call *k;

	if (c->deadline && c->deadline < next)
		next = c->deadline;
	if (c->in_flight < c->concurrency) {
		for (k = c->queue; k; k = k->next) {
			uint64_t t = k->ready_at;
			if (c->prov[k->provider].paused_until > t)
				t = c->prov[k->provider].paused_until;
			if (t <= now) {
				/* ready but held by the budget: a transfer ending wakes the loop */
				if (c->in_flight == 0)
					return 0;
				continue;
			}
			if (t < next)
				next = t;
		}
	}
	return next > now ? (long)(next - now) : 0;
}

int llm_run(struct llm_client *c)
{
	CURLMsg *m;
	int running, left;
	uint64_t now, seq;
	long t;

	if (c->running)
		return trb_err_set(TRB_EINVAL, "llm_run called from a callback");
	c->running = true;
	c->run_error = 0;
	for (;;) {
		now = now_ms();
		if (c->deadline && now >= c->deadline)
			expire_all(c);
		/* start what has room, run callbacks; again while the callbacks queue more work, so that
		 * a finished transfer's slot is refilled before the loop waits */
		do {
			seq = c->seq;
			dispatch(c, now);
			flush_done(c);
		} while (c->seq != seq);
		if (!c->queue && c->in_flight == 0)
			break;
		t = next_timeout(c, now);
		if (curl_multi_poll(c->multi, NULL, 0, (int)t, NULL) != CURLM_OK ||
		    curl_multi_perform(c->multi, &running) != CURLM_OK) {
			c->run_error = trb_err_set(TRB_ERROR, "libcurl: the transfer loop failed");
			break;
		}
		while ((m = curl_multi_info_read(c->multi, &left))) {
			char *pv = NULL;
			if (m->msg != CURLMSG_DONE)
				continue;
			curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, &pv);
			if (pv)
				attempt_done(c, (struct call *)pv, m->data.result);
		}
	}
	if (c->run_error < 0) {
		struct call *k;
		while (c->in_flight > 0) {
			k = c->flight[0];
			detach_transfer(c, k);
			finish(c, k, LLM_NETWORK, llm_fmt("libcurl failed"));
		}
		/* calls submitted from the callbacks (a patcher after a failed verifier) fail the same way,
		 * so that every callback has run when this returns */
		do {
			while ((k = c->queue)) {
				c->queue = k->next;
				finish_unsent(c, k, LLM_NETWORK, llm_fmt("libcurl failed"));
			}
			flush_done(c);
		} while (c->queue);
		c->running = false;
		return c->run_error;
	}
	c->running = false;
	if (c->audit.error < 0)
		return trb_err_set(TRB_EIO, "cannot write the audit file");
	return 0;
}
