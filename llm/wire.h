/* llm/wire.h (private to llm/): the two wire formats and the helpers they share.
 * Encoders turn a struct llm_request into the provider's JSON body; decoders validate a parsed
 * reply field by field into a struct llm_response, so nothing past llm/ sees raw JSON. Decoder
 * messages name JSON fields, never their content. */
#ifndef TRB_LLM_WIRE_H
#define TRB_LLM_WIRE_H

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>

#include "llm/llm.h"
#include "util/buf.h"

/* Caps on what a reply may hold; a reply beyond them is dropped as malformed. */
#define LLM_MAX_CALLS 128
#define LLM_MAX_ID 256

struct llm_wire_params {
	const char *model;
	unsigned max_tokens;
	double temperature;
	bool send_temperature;         /* false for models that reject it (OpenAI o-series, gpt-5) */
	bool max_completion_tokens;    /* OpenAI: the newer name of max_tokens (api.openai.com) */
};

/* The request body as a JSON tree (caller frees with cJSON_Delete). TRB_EINVAL when a tool_use
 * input is not a JSON object (Anthropic), TRB_ENOMEM. */
int llm_anthropic_encode(cJSON **out, const struct llm_request *req, const struct llm_wire_params *p);
int llm_openai_encode(cJSON **out, const struct llm_request *req, const struct llm_wire_params *p);

/* Fills text, calls, stop, usage and (when present) request_id of out from a 2xx body.
 * TRB_EINVAL with a message naming the bad field; out is then left for llm_response_dispose(). */
int llm_anthropic_decode(struct llm_response *out, const cJSON *root);
int llm_openai_decode(struct llm_response *out, const cJSON *root);

/* Frees what a decode filled (text, calls, usage, request_id), so that a resend can decode into
 * the same response; error and the call's bookkeeping stay. */
void llm_response_clear_reply(struct llm_response *resp);

/* The error message of an error body in either format ({"error":{"message"}} or {"error":"..."}),
 * borrowed from root; NULL when there is none. */
const char *llm_wire_error_message(const cJSON *root);
/* The error type/code ({"error":{"type"|"code"}}), borrowed; NULL when none. */
const char *llm_wire_error_type(const cJSON *root);

/* True when name matches ^[a-zA-Z0-9_-]{1,64}$. */
bool llm_tool_name_valid(const char *name);
/* A strdup that reports failure through trb_err_oom (returns NULL). */
char *llm_strdup(const char *s);
/* A tool call's arguments: args parsed (object or NULL) and input set to compact JSON when the
 * arguments are an object, else to a copy of the raw text. */
int llm_tool_call_set_input(struct llm_tool_call *call, const char *raw, size_t len);

/* Usage counts are JSON numbers that must be integers in [0, 2^53]. */
int llm_wire_count(uint64_t *out, const cJSON *obj, const char *field, const char *where);

#endif
