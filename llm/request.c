/* llm/request.c: building provider-neutral requests, releasing replies, outcome names. */
#include "llm/llm.h"

#include <stdlib.h>
#include <string.h>

#include "llm/wire.h"
#include "util/array.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/escape.h"

char *llm_strdup(const char *s)
{
	char *p = strdup(s ? s : "");
	if (!p)
		trb_err_oom();
	return p;
}

bool llm_tool_name_valid(const char *name)
{
	size_t i;

	if (!name || !name[0])
		return false;
	for (i = 0; name[i]; i++) {
		char c = name[i];
		if (i >= 64)
			return false;
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '_' || c == '-'))
			return false;
	}
	return true;
}

/* Text that goes into JSON must be valid UTF-8 without NUL (repository content may be neither). */
static int clean_text(char **out, const char *text, size_t len)
{
	struct trb_buf b = TRB_BUF_INIT(TRB_LIMIT_PROMPT);

	*out = NULL;
	if (trb_escape_utf8(&b, text ? text : "", text ? len : 0) < 0) {
		int error = trb_buf_error(&b);
		trb_buf_dispose(&b);
		return error == TRB_ELIMIT ? trb_err_set(TRB_ELIMIT, "prompt text longer than %zu bytes",
							  (size_t)TRB_LIMIT_PROMPT)
					   : trb_err_oom();
	}
	if (!(*out = trb_buf_detach(&b)))
		return trb_err_oom();
	return 0;
}

void llm_request_init(struct llm_request *req, config_agent_t agent)
{
	memset(req, 0, sizeof(*req));
	req->agent = agent;
	req->unit = -1;
}

static void block_dispose(struct llm_block *b)
{
	free(b->text);
	free(b->id);
	free(b->name);
	free(b->input);
}

void llm_request_dispose(struct llm_request *req)
{
	size_t i, j;

	if (!req)
		return;
	free(req->system);
	for (i = 0; i < req->n_messages; i++) {
		for (j = 0; j < req->messages[i].n_blocks; j++)
			block_dispose(&req->messages[i].blocks[j]);
		free(req->messages[i].blocks);
	}
	free(req->messages);
	for (i = 0; i < req->n_tools; i++) {
		free(req->tools[i].name);
		free(req->tools[i].description);
		cJSON_Delete(req->tools[i].schema);
	}
	free(req->tools);
	llm_request_init(req, req->agent);
}

int llm_request_set_system(struct llm_request *req, const char *text, size_t len)
{
	char *s;
	int error;

	if ((error = clean_text(&s, text, len)) < 0)
		return error;
	free(req->system);
	req->system = s;
	return 0;
}

/* Grows an array of elements of size `size` so that one more fits. */
int llm_request_add_tool(struct llm_request *req, const char *name, const char *description,
			 const char *schema_json)
{
	struct llm_tool t = {0};
	void *v = req->tools;
	int error;

	if (!llm_tool_name_valid(name))
		return trb_err_set(TRB_EINVAL, "tool name '%s' does not match ^[a-zA-Z0-9_-]{1,64}$",
				   name ? name : "");
	if (!schema_json || !(t.schema = cJSON_Parse(schema_json)) || !cJSON_IsObject(t.schema)) {
		cJSON_Delete(t.schema);
		return trb_err_set(TRB_EINVAL, "tool '%s': the input schema is not a JSON object", name);
	}
	if (!(t.name = llm_strdup(name))) {
		error = TRB_ENOMEM;
		goto fail;
	}
	if ((error = clean_text(&t.description, description, description ? strlen(description) : 0)) < 0)
		goto fail;
	if ((error = trb_array_grow(&v, &req->cap_tools, req->n_tools, sizeof(t))) < 0)
		goto fail;
	req->tools = v;
	req->tools[req->n_tools++] = t;
	return 0;
fail:
	free(t.name);
	free(t.description);
	cJSON_Delete(t.schema);
	return error;
}

/* The last message when it has this role, else a new one. */
static int message_for(struct llm_message **out, struct llm_request *req, llm_role_t role)
{
	void *v;
	int error;

	if (req->n_messages > 0 && req->messages[req->n_messages - 1].role == role) {
		*out = &req->messages[req->n_messages - 1];
		return 0;
	}
	v = req->messages;
	if ((error = trb_array_grow(&v, &req->cap_messages, req->n_messages, sizeof(struct llm_message))) < 0)
		return error;
	req->messages = v;
	*out = &req->messages[req->n_messages++];
	memset(*out, 0, sizeof(**out));
	(*out)->role = role;
	return 0;
}

static int push_block(struct llm_request *req, llm_role_t role, struct llm_block *b)
{
	struct llm_message *m;
	void *v;
	int error;

	if ((error = message_for(&m, req, role)) < 0) {
		block_dispose(b);
		return error;
	}
	v = m->blocks;
	if ((error = trb_array_grow(&v, &m->cap_blocks, m->n_blocks, sizeof(*b))) < 0) {
		block_dispose(b);
		if (m->n_blocks == 0) {
			/* the message was opened for this block: no empty message is left behind */
			free(m->blocks);
			req->n_messages--;
		}
		return error;
	}
	m->blocks = v;
	m->blocks[m->n_blocks++] = *b;
	return 0;
}

int llm_request_add_text(struct llm_request *req, llm_role_t role, const char *text, size_t len,
			 bool cache)
{
	struct llm_block b = {0};
	int error;

	if (!text || len == 0)
		return 0;
	b.kind = LLM_BLOCK_TEXT;
	b.cache = cache;
	if ((error = clean_text(&b.text, text, len)) < 0)
		return error;
	if (!b.text[0]) {
		free(b.text);
		return 0;
	}
	return push_block(req, role, &b);
}

int llm_request_add_tool_use(struct llm_request *req, const char *id, const char *name,
			     const char *input_json)
{
	struct llm_block b = {0};

	if (!id || !id[0])
		return trb_err_set(TRB_EINVAL, "tool call without an id");
	if (!llm_tool_name_valid(name))
		return trb_err_set(TRB_EINVAL, "tool name does not match ^[a-zA-Z0-9_-]{1,64}$");
	b.kind = LLM_BLOCK_TOOL_USE;
	if (!(b.id = llm_strdup(id)) || !(b.name = llm_strdup(name)) ||
	    !(b.input = llm_strdup(input_json && input_json[0] ? input_json : "{}"))) {
		block_dispose(&b);
		return TRB_ENOMEM;
	}
	return push_block(req, LLM_ROLE_ASSISTANT, &b);
}

int llm_request_add_tool_result(struct llm_request *req, const char *id, const char *content,
				size_t len, bool is_error)
{
	struct llm_block b = {0};
	int error;

	if (!id || !id[0])
		return trb_err_set(TRB_EINVAL, "tool result without a call id");
	b.kind = LLM_BLOCK_TOOL_RESULT;
	b.is_error = is_error;
	if (!(b.id = llm_strdup(id)))
		return TRB_ENOMEM;
	if ((error = clean_text(&b.text, content, content ? len : 0)) < 0) {
		block_dispose(&b);
		return error;
	}
	return push_block(req, LLM_ROLE_USER, &b);
}

int llm_request_add_reply(struct llm_request *req, const struct llm_response *resp)
{
	size_t i;
	int error;

	if (resp->text && resp->text[0] &&
	    (error = llm_request_add_text(req, LLM_ROLE_ASSISTANT, resp->text, strlen(resp->text),
					  false)) < 0)
		return error;
	for (i = 0; i < resp->n_calls; i++)
		if ((error = llm_request_add_tool_use(req, resp->calls[i].id, resp->calls[i].name,
						      resp->calls[i].input)) < 0)
			return error;
	return 0;
}

int llm_tool_call_set_input(struct llm_tool_call *call, const char *raw, size_t len)
{
	cJSON *args = cJSON_ParseWithLength(raw, len);

	free(call->input);
	call->input = NULL;
	cJSON_Delete(call->args);
	call->args = NULL;
	if (args && cJSON_IsObject(args)) {
		if (!(call->input = cJSON_PrintUnformatted(args))) {
			cJSON_Delete(args);
			return trb_err_oom();
		}
		call->args = args;
		return 0;
	}
	cJSON_Delete(args);
	return clean_text(&call->input, raw, len);
}

void llm_response_init(struct llm_response *resp)
{
	memset(resp, 0, sizeof(*resp));
	resp->unit = -1;
	resp->stop = LLM_STOP_OTHER;
}

void llm_response_clear_reply(struct llm_response *resp)
{
	size_t i;

	free(resp->text);
	resp->text = NULL;
	for (i = 0; i < resp->n_calls; i++) {
		free(resp->calls[i].id);
		free(resp->calls[i].name);
		free(resp->calls[i].input);
		cJSON_Delete(resp->calls[i].args);
	}
	free(resp->calls);
	resp->calls = NULL;
	resp->n_calls = 0;
	memset(&resp->usage, 0, sizeof(resp->usage));
	free(resp->request_id);
	resp->request_id = NULL;
}

void llm_response_dispose(struct llm_response *resp)
{
	if (!resp)
		return;
	free(resp->error);
	llm_response_clear_reply(resp);
	llm_response_init(resp);
}

const char *llm_outcome_name(llm_outcome_t o)
{
	static const char *const names[LLM_OUTCOME_COUNT] = {
		"ok", "refused", "budget_exhausted", "no_credentials", "auth_failed", "not_found",
		"context_too_long", "bad_request", "rate_limited", "server_error", "network_error",
		"timeout", "deadline", "bad_reply",
	};
	return (unsigned)o < LLM_OUTCOME_COUNT ? names[o] : "unknown";
}

const char *llm_outcome_reason(llm_outcome_t o)
{
	switch (o) {
	case LLM_OK:
		return NULL;
	case LLM_REFUSED:
		return "model refused";
	case LLM_BUDGET:
		return "budget exhausted";
	case LLM_NO_CREDENTIALS:
		return "no credentials";
	case LLM_TIMEOUT:
	case LLM_DEADLINE:
		return "timed out";
	default:
		return "provider error";
	}
}

const char *llm_stop_name(llm_stop_t s)
{
	static const char *const names[] = {"end_turn", "tool_use", "max_tokens", "refusal", "other"};
	return (unsigned)s < sizeof(names) / sizeof(names[0]) ? names[s] : "other";
}

int llm_wire_count(uint64_t *out, const cJSON *obj, const char *field, const char *where)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, field);
	double d;

	*out = 0;
	if (!v || cJSON_IsNull(v))
		return 0;
	if (!cJSON_IsNumber(v) || (d = v->valuedouble) < 0 || d > 9007199254740992.0 || d != (double)(uint64_t)d)
		return trb_err_set(TRB_EINVAL, "%s.%s is not a token count", where, field);
	*out = (uint64_t)d;
	return 0;
}

const char *llm_wire_error_message(const cJSON *root)
{
	const cJSON *e = cJSON_GetObjectItemCaseSensitive(root, "error"), *m;

	if (cJSON_IsString(e))
		return e->valuestring;
	if (cJSON_IsObject(e) && cJSON_IsString(m = cJSON_GetObjectItemCaseSensitive(e, "message")))
		return m->valuestring;
	if (cJSON_IsString(m = cJSON_GetObjectItemCaseSensitive(root, "message")))
		return m->valuestring;
	if (cJSON_IsString(m = cJSON_GetObjectItemCaseSensitive(root, "detail")))
		return m->valuestring;
	return NULL;
}

const char *llm_wire_error_type(const cJSON *root)
{
	const cJSON *e = cJSON_GetObjectItemCaseSensitive(root, "error"), *t;

	if (!cJSON_IsObject(e))
		return NULL;
	if (cJSON_IsString(t = cJSON_GetObjectItemCaseSensitive(e, "code")))
		return t->valuestring;
	if (cJSON_IsString(t = cJSON_GetObjectItemCaseSensitive(e, "type")))
		return t->valuestring;
	return NULL;
}
