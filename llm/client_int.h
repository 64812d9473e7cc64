/* llm/client_int.h (private to llm/): the scheduler's state, shared by client.c (the queue, the
 * loop, budgets) and classify.c (what a finished attempt means, and the message the user reads). */
#ifndef TRB_LLM_CLIENT_INT_H
#define TRB_LLM_CLIENT_INT_H

#include "llm/curl_dl.h"
#include <stdbool.h>
#include <stdint.h>

#include "llm/audit.h"
#include "llm/llm.h"
#include "util/buf.h"

#define N_PROVIDERS 2
#define SNIPPET_BYTES 100       /* of an HTML or unparseable error body */
#define PROVIDER_MSG_BYTES 300  /* of a provider's error message */
#define DEADLINE_SLACK_MS 100   /* no attempt starts this close to budget.timeout_s */
#define RECENT_WINDOW 16        /* answers that decide how long a 429 holds the provider */

struct provider {
	char *url;                /* the endpoint */
	char *origin;             /* scheme://host[:port], for messages (no credentials, no path) */
	char *key;                /* NULL when the variable is not set */
	const char *key_var;      /* ANTHROPIC_API_KEY | OPENAI_API_KEY */
	const char *base_var;     /* ANTHROPIC_BASE_URL | OPENAI_BASE_URL */
	bool azure;               /* OPENAI_API_TYPE=azure: api-key header */
	bool official;            /* api.openai.com: max_completion_tokens */
	uint64_t paused_until;    /* monotonic ms: a 429 holds every queued call to this provider */
	uint32_t recent;          /* the last RECENT_WINDOW answers, a bit set for each 429 */
	unsigned n_recent;
};

struct call {
	struct call *next;
	uint64_t seq;
	int priority;
	config_agent_t agent;
	config_provider_t provider;
	const char *model;
	int unit;
	unsigned turn;
	llm_done_fn done;
	void *payload;

	char *body;
	size_t body_len;
	const char *max_key;
	unsigned max_tokens, max_tokens_retry;
	struct curl_slist *headers;

	uint64_t ready_at;        /* monotonic ms */
	uint64_t first_sent;      /* 0 until sent */
	uint64_t est_tokens;      /* input estimate: body bytes / 4 */
	uint64_t rsv_tokens;      /* reserved while in flight: input estimate + max_tokens */
	double rsv_usd;
	unsigned attempts;
	bool extended;

	/* the transfer in flight */
	CURL *easy;
	struct trb_buf rbody;
	bool too_large;
	bool html;
	int64_t retry_after_ms;   /* -1: none */
	char *hdr_request_id;
	char errbuf[CURL_ERROR_SIZE];
	uint64_t attempt_start;
	bool deadline_bound;      /* the attempt's timeout is the overall deadline */

	struct llm_response resp;
};

struct llm_client {
	const struct config *policy;
	struct llm_options o;
	struct llm_audit audit;
	struct provider prov[N_PROVIDERS];
	char *cainfo, *capath;
	CURLM *multi;
	struct call *queue;       /* by priority, then submission order */
	struct call *done_head, *done_tail;
	struct call **flight;     /* in-flight calls, up to concurrency */
	size_t in_flight;
	unsigned concurrency;
	uint64_t start, deadline; /* monotonic ms; deadline 0: none */
	uint64_t seq;
	uint64_t rng;
	uint64_t spent_tokens, rsv_tokens;
	double spent_usd, rsv_usd;
	struct llm_price price[CONFIG_AGENT_COUNT];
	bool price_known[CONFIG_AGENT_COUNT];
	struct llm_totals totals;
	bool running;
	int run_error;
};

/* What a finished attempt means. */
struct verdict {
	llm_outcome_t outcome;
	bool retry;
	bool rate_limit;      /* hold every queued call to this provider */
	int64_t delay_ms;     /* -1: exponential backoff */
	char *msg;
};

/* A message built with printf (NULL when out of memory). */
char *llm_fmt(const char *f, ...) __attribute__((format(printf, 1, 2)));

/* True when the body of the attempt is an HTML page (content type or first byte). */
bool llm_looks_html(const struct call *k);
/* "HTTP 502 from https://host: " plus what the body says: the provider's error message, or its
 * first bytes; escaped for a terminal, keys redacted. */
void llm_describe_body(const struct llm_client *c, const struct call *k, struct trb_buf *b, long status,
		       const cJSON *root);
/* A non-2xx answer: 401/403 name the key variable (never the body: OpenAI echoes part of a bad
 * key), 404 names the model, 400/413 about length are LLM_CONTEXT, 429/408/5xx are retried. */
void llm_classify_http(struct llm_client *c, struct call *k, long status, struct verdict *v);
/* A transfer that failed in libcurl: timeouts, dropped or cut connections (retried), TLS (not). */
void llm_classify_curl(struct llm_client *c, struct call *k, CURLcode rc, struct verdict *v);

#endif
