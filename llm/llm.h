/* llm/llm.h: every call to a model provider goes through here (Anthropic Messages and
 * OpenAI-compatible chat completions over libcurl). Nothing else in tribunal knows HTTP.
 * In: the policy (agents' provider/model/max_tokens/temperature/no_key, budget), API keys and base
 *     URLs from the environment, provider-neutral requests built with llm_request_*().
 * Out: provider-neutral, validated replies (struct llm_response) handed to a callback; one line per
 *     attempt in audit.jsonl (docs/audit.md); usage and cost totals.
 * One thread drives one curl multi handle: up to budget.concurrency transfers in flight, retries
 * and rate-limit pauses are deadlines in the event loop, never sleeps. A server's retry-after is
 * waited out in full whenever it ends before budget.timeout_s; a 429 holds every queued call to
 * that provider, not only the one that failed. API keys go into request
 * headers and nowhere else: never into a message, the audit file or a reply. */
#ifndef TRB_LLM_LLM_H
#define TRB_LLM_LLM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "config/config.h"

/* ---- prices (llm/price.c, docs/costs.md) ---- */

struct llm_price {
	double input_per_mtok;       /* USD per million input tokens */
	double output_per_mtok;
	double cache_read_factor;    /* of the input price (Anthropic: 0.1) */
	double cache_write_factor;   /* of the input price (Anthropic 5-minute cache: 1.25) */
};

/* The price of a model: the policy's `prices` first, then the built-in table (longest prefix
 * match, so dated model ids find their family). False when unknown. */
bool llm_price_lookup(struct llm_price *out, const struct config *policy, const char *model);

/* USD for a call's usage; 0 when the price is unknown. */
double llm_price_cost(const struct llm_price *p, size_t input, size_t output, size_t cache_read,
		      size_t cache_write);

/* ---- requests (llm/request.c) ---- */

typedef enum { LLM_ROLE_USER, LLM_ROLE_ASSISTANT } llm_role_t;
typedef enum { LLM_BLOCK_TEXT, LLM_BLOCK_TOOL_USE, LLM_BLOCK_TOOL_RESULT } llm_block_kind_t;

struct llm_block {
	llm_block_kind_t kind;
	char *text;      /* TEXT: the text; TOOL_RESULT: the content; valid UTF-8, no NUL */
	char *id;        /* TOOL_USE: call id; TOOL_RESULT: the id of the call it answers */
	char *name;      /* TOOL_USE: tool name */
	char *input;     /* TOOL_USE: the arguments as JSON text (an object for Anthropic) */
	bool is_error;   /* TOOL_RESULT: the tool failed; the model reads content as the error */
	bool cache;      /* TEXT: a cache breakpoint after this block (shared context of a merge
			  * request: the next calls with the same prefix read it from the cache) */
};

struct llm_message {
	llm_role_t role;
	struct llm_block *blocks;
	size_t n_blocks, cap_blocks;
};

struct llm_tool {
	char *name;          /* ^[a-zA-Z0-9_-]{1,64}$ */
	char *description;
	cJSON *schema;       /* JSON Schema of the input: an object */
};

/* One model call. Build it with the functions below (they copy every string); fields marked
 * "set directly" are plain settings. llm_submit() encodes the request at once, so the caller may
 * change or dispose it as soon as llm_submit() returns. */
struct llm_request {
	config_agent_t agent;     /* set directly: picks provider, model, max_tokens, temperature */
	int unit;                 /* set directly: review unit index for audit.jsonl, -1 for none */
	unsigned turn;            /* set directly: turn in the conversation, for audit.jsonl */
	int priority;             /* set directly: higher is sent first (pass the turn: conversations
				   * under way finish before new ones start) */
	unsigned max_tokens;      /* set directly: output limit; 0 uses the agent's max_tokens */
	unsigned max_tokens_retry;/* set directly: when a reply stops at max_tokens, send the call
				   * once more with this larger limit (0: never) */
	bool cache_tail;          /* set directly: Anthropic cache breakpoint on the last block, for
				   * tool loops that resend the conversation each turn */
	char *system;
	struct llm_message *messages;
	size_t n_messages, cap_messages;
	struct llm_tool *tools;
	size_t n_tools, cap_tools;
};

/* An empty request for an agent (unit -1, everything else zero). */
void llm_request_init(struct llm_request *req, config_agent_t agent);
void llm_request_dispose(struct llm_request *req);

/* The system prompt (replaces an earlier one). Invalid UTF-8 becomes U+FFFD, NUL is dropped.
 * TRB_ENOMEM or TRB_ELIMIT (longer than TRB_LIMIT_PROMPT). */
int llm_request_set_system(struct llm_request *req, const char *text, size_t len);

/* A tool the model may call. TRB_EINVAL (with a message) when the name does not match
 * ^[a-zA-Z0-9_-]{1,64}$ or schema_json is not a JSON object. */
int llm_request_add_tool(struct llm_request *req, const char *name, const char *description,
			 const char *schema_json);

/* Appends a text block to the last message when it has this role, else opens a new message.
 * cache: see struct llm_block. Empty text is skipped (providers reject empty blocks). */
int llm_request_add_text(struct llm_request *req, llm_role_t role, const char *text, size_t len,
			 bool cache);

/* An assistant tool call (normally copied from a reply with llm_request_add_reply()). */
int llm_request_add_tool_use(struct llm_request *req, const char *id, const char *name,
			     const char *input_json);

/* The result of a tool call, in a user message (several results may share one message: the answer
 * to parallel calls). TRB_EINVAL when id is empty. */
int llm_request_add_tool_result(struct llm_request *req, const char *id, const char *content,
				size_t len, bool is_error);

/* ---- replies ---- */

typedef enum {
	LLM_STOP_END_TURN,     /* Anthropic end_turn/stop_sequence, OpenAI stop */
	LLM_STOP_TOOL_USE,     /* the model wants its tool calls answered */
	LLM_STOP_MAX_TOKENS,   /* cut off: Anthropic max_tokens, OpenAI length */
	LLM_STOP_REFUSAL,      /* Anthropic refusal, OpenAI content_filter or message.refusal */
	LLM_STOP_OTHER         /* anything else (pause_turn, unknown values) */
} llm_stop_t;

/* What became of a call. Every submitted call ends in exactly one of these. */
typedef enum {
	LLM_OK = 0,            /* a reply (stop may still be LLM_STOP_MAX_TOKENS) */
	LLM_REFUSED,           /* the model refused: "model refused", never count the unit as clean */
	LLM_BUDGET,            /* not sent: budget.max_tokens or budget.max_usd is used up */
	LLM_NO_CREDENTIALS,    /* the API key variable is not set */
	LLM_AUTH,              /* 401/403: the key was rejected */
	LLM_NOT_FOUND,         /* 404: unknown model (or wrong base URL) */
	LLM_CONTEXT,           /* 400/413: the request is too long for the model */
	LLM_BAD_REQUEST,       /* another 4xx: not retried */
	LLM_RATE_LIMITED,      /* 429 on every attempt */
	LLM_SERVER,            /* 5xx/529 on every attempt */
	LLM_NETWORK,           /* connection, TLS, dropped or truncated replies on every attempt */
	LLM_TIMEOUT,           /* every attempt timed out */
	LLM_DEADLINE,          /* budget.timeout_s passed before the call could finish */
	LLM_BAD_REPLY,         /* the reply was not a valid message of the provider's format */
	LLM_OUTCOME_COUNT
} llm_outcome_t;

struct llm_usage {
	uint64_t input;        /* input tokens not read from or written to the cache */
	uint64_t output;
	uint64_t cache_read;   /* Anthropic cache_read_input_tokens, OpenAI cached_tokens */
	uint64_t cache_write;  /* Anthropic cache_creation_input_tokens */
};

struct llm_tool_call {
	char *id;
	char *name;            /* matches ^[a-zA-Z0-9_-]{1,64}$ */
	char *input;           /* the arguments as the model wrote them (compact JSON when valid) */
	cJSON *args;           /* the arguments parsed: a JSON object, or NULL when the model wrote
				* something else (answer with a tool error) */
};

struct llm_response {
	llm_outcome_t outcome;
	char *error;           /* NULL when outcome is LLM_OK: what went wrong, for the user; never
				* holds a key, prompt text or code */
	config_agent_t agent;  /* echoed from the request */
	int unit;
	unsigned turn;
	config_provider_t provider;
	const char *model;     /* the policy's model id (borrowed from the policy) */
	char *text;            /* the text blocks of the reply, joined by blank lines; "" when none */
	struct llm_tool_call *calls;   /* several when the model made parallel calls */
	size_t n_calls;
	llm_stop_t stop;
	struct llm_usage usage;        /* billed attempts: the reply, plus a cut-off reply before a
					* max_tokens_retry (failed attempts are not billed) */
	double cost_usd;               /* of usage; 0 when the model has no known price */
	char *request_id;              /* provider request id (header, else body id); NULL if none */
	long http_status;              /* of the final attempt; 0 when nothing was received */
	unsigned attempts;             /* HTTP attempts made, retries and max_tokens retry included */
	bool extended;                 /* sent again with max_tokens_retry after a cut-off reply */
	uint64_t latency_ms;           /* first send to final answer, retry waits included */
};

void llm_response_init(struct llm_response *resp);
void llm_response_dispose(struct llm_response *resp);

/* Appends the reply as the assistant's turn (its text and tool calls), so the caller can answer
 * the calls with llm_request_add_tool_result() and submit the next turn. */
int llm_request_add_reply(struct llm_request *req, const struct llm_response *resp);

/* "ok", "refused", "budget_exhausted", ...: the outcome field of audit.jsonl. */
const char *llm_outcome_name(llm_outcome_t o);
/* For findings.json not_reviewed[].reason: "model refused", "budget exhausted", "no credentials",
 * "timed out", "provider error"; NULL for LLM_OK. */
const char *llm_outcome_reason(llm_outcome_t o);
const char *llm_stop_name(llm_stop_t s);

/* ---- process-wide set-up (llm/curl_dl.c) ---- */

/* Loads libcurl (bound at run time, so commands that never call a provider do not pay for
 * mapping it) and runs curl_global_init. Once, from main, before any client. TRB_ERROR with a
 * message when libcurl cannot be loaded. */
int llm_global_init(void);
void llm_global_cleanup(void);
/* libcurl's run-time version and TLS backend (for `tribunal version`); NULL when not loadable. */
const char *llm_curl_version(const char **tls);

/* ---- the client (llm/client.c) ---- */

struct llm_client;

/* Environment lookup: returns the value or NULL. Tests inject variables through it. */
typedef const char *(*llm_getenv_fn)(const char *name, void *payload);
/* A uniform random number in [0, 1): the jitter of retry backoff. */
typedef double (*llm_rand_fn)(void *payload);
/* Called once per submitted call, from llm_run(). resp is borrowed until the callback returns.
 * The callback may submit further calls. */
typedef void (*llm_done_fn)(const struct llm_response *resp, void *payload);

struct llm_options {
	llm_getenv_fn getenv;          /* NULL: getenv(3) */
	void *getenv_payload;
	llm_rand_fn rand;              /* NULL: a per-client xorshift seeded from the clock */
	void *rand_payload;
	const char *audit_path;        /* NULL: no audit file; else appended, one line per attempt */
	const char *scan_id;           /* copied into every audit line; NULL: none */
	unsigned max_attempts;         /* per call, first try included; 0: 5 */
	unsigned backoff_base_ms;      /* first retry waits up to this; doubles; 0: 1000 */
	unsigned backoff_max_ms;       /* 0: 30000 */
	unsigned max_retry_after_ms;   /* longest retry-after honoured when the policy sets no
					* deadline (budget.timeout_s 0); 0: 60000. With a deadline any
					* wait that leaves the next attempt time to start is honoured, and
					* a longer one ends the call at once, naming both */
	unsigned attempt_timeout_ms;   /* one HTTP attempt; 0: 300000 (capped by the deadline) */
	unsigned connect_timeout_ms;   /* 0: 30000 */
	size_t max_response_bytes;     /* 0: 8 MiB */
};

/* A client for the policy's agents. The policy is borrowed and must outlive the client. Reads
 * ANTHROPIC_API_KEY, ANTHROPIC_BASE_URL, OPENAI_API_KEY, OPENAI_BASE_URL, OPENAI_API_TYPE,
 * OPENAI_API_VERSION, CURL_CA_BUNDLE, SSL_CERT_FILE, SSL_CERT_DIR and the CI variables of
 * docs/audit.md through opts->getenv; libcurl itself reads the proxy variables. The overall deadline
 * (budget.timeout_s) starts now. opts may be NULL. Errors: TRB_EINVAL (bad base URL, a key with a
 * line break), TRB_EIO (audit file), TRB_ENOMEM, TRB_ERROR (libcurl). Call curl_global_init() first
 * (main does, once). */
int llm_client_new(struct llm_client **out, const struct config *policy,
		   const struct llm_options *opts);
/* Calls still queued or in flight are dropped without their callbacks (run llm_run() first). */
void llm_client_free(struct llm_client *c);

/* True when the agent's provider has a key in the environment or the agent is no_key. Without it
 * calls end with LLM_NO_CREDENTIALS; callers should skip the agent loudly instead. */
bool llm_client_has_credentials(const struct llm_client *c, config_agent_t agent);

/* True when the agent's model has a price (policy `prices` or the built-in table). Without one,
 * its calls cost $0 in budget.max_usd, which then cannot stop them: warn the user. */
bool llm_client_price_known(const struct llm_client *c, config_agent_t agent);

/* Queues a call; done(resp, payload) runs from llm_run() exactly once, whatever happens. Returns 0,
 * or TRB_EINVAL (a tool_use input that is not a JSON object, an agent out of range) / TRB_ENOMEM,
 * in which case done is never called. */
int llm_submit(struct llm_client *c, const struct llm_request *req, llm_done_fn done, void *payload);

/* Runs until every queued call (and every call submitted from the callbacks) has finished.
 * Not reentrant: from a callback it returns TRB_EINVAL. Returns 0, or TRB_EIO when the audit file could not be written (the calls still finished), or
 * TRB_ERROR when libcurl failed (the calls left, and any their callbacks submit, end with LLM_NETWORK). */
int llm_run(struct llm_client *c);

struct llm_totals {
	uint64_t calls;                /* finished calls */
	uint64_t attempts;             /* HTTP attempts */
	uint64_t retries;
	uint64_t by_outcome[LLM_OUTCOME_COUNT];
	struct llm_usage usage;
	double cost_usd;
	bool cost_known;               /* false when a model used had no known price */
};

void llm_client_totals(struct llm_totals *out, const struct llm_client *c);

#endif
