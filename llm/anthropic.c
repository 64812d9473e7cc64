/* llm/anthropic.c: the Anthropic Messages wire format (POST /v1/messages).
 * Prompt caching: the stable prefix (tools + system, the caller's cacheable shared context, and on
 * request the conversation so far) carries cache_control {type: ephemeral}, at most four
 * breakpoints, so the units and candidates of one merge request read it from the cache. */
#include "llm/wire.h"

#include <stdlib.h>
#include <string.h>

#include "util/err.h"
#include "util/escape.h"

#define MAX_BREAKPOINTS 4

static int add_cache_control(cJSON *block)
{
	cJSON *cc = cJSON_AddObjectToObject(block, "cache_control");
	if (!cc || !cJSON_AddStringToObject(cc, "type", "ephemeral"))
		return trb_err_oom();
	return 0;
}

/* Which caller-marked text blocks get a breakpoint: the last ones, as many as are left after the
 * system prompt (or tools) and the conversation tail. */
static bool *pick_breakpoints(const struct llm_request *req)
{
	size_t i, j, left = MAX_BREAKPOINTS, total = 0, k = 0;
	bool *marks;

	if ((req->system && req->system[0]) || req->n_tools > 0)
		left--;
	if (req->cache_tail && req->n_messages > 0)
		left--;
	for (i = 0; i < req->n_messages; i++)
		total += req->messages[i].n_blocks;
	if (!(marks = calloc(total ? total : 1, sizeof(*marks)))) {
		trb_err_oom();
		return NULL;
	}
	/* the tail holds a breakpoint of its own (counted above) */
	if (req->cache_tail && total > 0)
		marks[total - 1] = true;
	for (i = req->n_messages; i-- > 0;) {
		const struct llm_message *m = &req->messages[i];
		size_t base = total - k - m->n_blocks;
		for (j = m->n_blocks; j-- > 0;) {
			if (m->blocks[j].kind == LLM_BLOCK_TEXT && m->blocks[j].cache && left > 0 &&
			    !marks[base + j]) {
				marks[base + j] = true;
				left--;
			}
		}
		k += m->n_blocks;
	}
	return marks;
}

static int encode_block(cJSON *content, const struct llm_block *b, bool cache)
{
	cJSON *o = cJSON_CreateObject(), *input;

	if (!o)
		return trb_err_oom();
	cJSON_AddItemToArray(content, o);
	switch (b->kind) {
	case LLM_BLOCK_TEXT:
		if (!cJSON_AddStringToObject(o, "type", "text") || !cJSON_AddStringToObject(o, "text", b->text))
			return trb_err_oom();
		break;
	case LLM_BLOCK_TOOL_USE:
		if (!(input = cJSON_Parse(b->input)) || !cJSON_IsObject(input)) {
			cJSON_Delete(input);
			return trb_err_set(TRB_EINVAL, "tool call '%s': its input is not a JSON object",
					   b->name);
		}
		if (!cJSON_AddStringToObject(o, "type", "tool_use") || !cJSON_AddStringToObject(o, "id", b->id) ||
		    !cJSON_AddStringToObject(o, "name", b->name)) {
			cJSON_Delete(input);
			return trb_err_oom();
		}
		cJSON_AddItemToObject(o, "input", input);
		break;
	case LLM_BLOCK_TOOL_RESULT:
		if (!cJSON_AddStringToObject(o, "type", "tool_result") ||
		    !cJSON_AddStringToObject(o, "tool_use_id", b->id) ||
		    (b->text && b->text[0] && !cJSON_AddStringToObject(o, "content", b->text)) ||
		    (b->is_error && !cJSON_AddTrueToObject(o, "is_error")))
			return trb_err_oom();
		break;
	}
	return cache ? add_cache_control(o) : 0;
}

int llm_anthropic_encode(cJSON **out, const struct llm_request *req, const struct llm_wire_params *p)
{
	cJSON *root = cJSON_CreateObject(), *arr, *o;
	bool *marks = NULL;
	size_t i, j, k = 0;
	int pass;
	bool system = req->system && req->system[0];
	int error = 0;

	*out = NULL;
	if (!root || !cJSON_AddStringToObject(root, "model", p->model) ||
	    !cJSON_AddNumberToObject(root, "max_tokens", p->max_tokens) ||
	    (p->send_temperature && !cJSON_AddNumberToObject(root, "temperature", p->temperature))) {
		error = trb_err_oom();
		goto cleanup;
	}
	if (!(marks = pick_breakpoints(req))) {
		error = TRB_ENOMEM;
		goto cleanup;
	}
	if (system) {
		if (!(arr = cJSON_AddArrayToObject(root, "system")) || !(o = cJSON_CreateObject())) {
			error = trb_err_oom();
			goto cleanup;
		}
		cJSON_AddItemToArray(arr, o);
		if (!cJSON_AddStringToObject(o, "type", "text") ||
		    !cJSON_AddStringToObject(o, "text", req->system)) {
			error = trb_err_oom();
			goto cleanup;
		}
		/* tools come before system in the cache prefix: one breakpoint covers both */
		if ((error = add_cache_control(o)) < 0)
			goto cleanup;
	}
	if (req->n_tools > 0) {
		if (!(arr = cJSON_AddArrayToObject(root, "tools"))) {
			error = trb_err_oom();
			goto cleanup;
		}
		for (i = 0; i < req->n_tools; i++) {
			cJSON *schema;
			if (!(o = cJSON_CreateObject())) {
				error = trb_err_oom();
				goto cleanup;
			}
			cJSON_AddItemToArray(arr, o);
			if (!cJSON_AddStringToObject(o, "name", req->tools[i].name) ||
			    (req->tools[i].description && req->tools[i].description[0] &&
			     !cJSON_AddStringToObject(o, "description", req->tools[i].description)) ||
			    !(schema = cJSON_Duplicate(req->tools[i].schema, 1))) {
				error = trb_err_oom();
				goto cleanup;
			}
			cJSON_AddItemToObject(o, "input_schema", schema);
			if (!system && i + 1 == req->n_tools && (error = add_cache_control(o)) < 0)
				goto cleanup;
		}
	}
	if (!(arr = cJSON_AddArrayToObject(root, "messages"))) {
		error = trb_err_oom();
		goto cleanup;
	}
	for (i = 0; i < req->n_messages; i++) {
		const struct llm_message *m = &req->messages[i];
		cJSON *content;
		if (!(o = cJSON_CreateObject())) {
			error = trb_err_oom();
			goto cleanup;
		}
		cJSON_AddItemToArray(arr, o);
		if (!cJSON_AddStringToObject(o, "role", m->role == LLM_ROLE_USER ? "user" : "assistant") ||
		    !(content = cJSON_AddArrayToObject(o, "content"))) {
			error = trb_err_oom();
			goto cleanup;
		}
		/* tool results first: Anthropic rejects a user message with text before them */
		for (pass = 0; pass < 2; pass++)
			for (j = 0; j < m->n_blocks; j++) {
				bool result = m->blocks[j].kind == LLM_BLOCK_TOOL_RESULT;
				if (result != (pass == 0))
					continue;
				if ((error = encode_block(content, &m->blocks[j], marks[k + j])) < 0)
					goto cleanup;
			}
		k += m->n_blocks;
	}
	*out = root;
	root = NULL;
cleanup:
	free(marks);
	cJSON_Delete(root);
	return error;
}

static llm_stop_t map_stop(const char *s)
{
	if (!s)
		return LLM_STOP_OTHER;
	if (!strcmp(s, "end_turn") || !strcmp(s, "stop_sequence"))
		return LLM_STOP_END_TURN;
	if (!strcmp(s, "tool_use"))
		return LLM_STOP_TOOL_USE;
	if (!strcmp(s, "max_tokens") || !strcmp(s, "model_context_window_exceeded"))
		return LLM_STOP_MAX_TOKENS;
	if (!strcmp(s, "refusal"))
		return LLM_STOP_REFUSAL;
	return LLM_STOP_OTHER;
}

int llm_anthropic_decode(struct llm_response *out, const cJSON *root)
{
	const cJSON *content, *block, *v, *usage;
	struct trb_buf text = TRB_BUF_INIT(TRB_LIMIT_FILE);
	size_t i = 0, n_calls = 0;
	int error = 0;

	if (!cJSON_IsObject(root))
		return trb_err_set(TRB_EINVAL, "the reply is not a JSON object");
	v = cJSON_GetObjectItemCaseSensitive(root, "type");
	if (v && (!cJSON_IsString(v) || strcmp(v->valuestring, "message") != 0))
		return trb_err_set(TRB_EINVAL, "type is not \"message\"");
	content = cJSON_GetObjectItemCaseSensitive(root, "content");
	if (!cJSON_IsArray(content))
		return trb_err_set(TRB_EINVAL, "content is not an array");
	cJSON_ArrayForEach(block, content) {
		const cJSON *type = cJSON_GetObjectItemCaseSensitive(block, "type");
		if (!cJSON_IsObject(block) || !cJSON_IsString(type))
			return trb_err_set(TRB_EINVAL, "content[%zu] has no type", i);
		if (!strcmp(type->valuestring, "tool_use"))
			n_calls++;
		i++;
	}
	if (n_calls > LLM_MAX_CALLS)
		return trb_err_set(TRB_EINVAL, "more than %d tool calls in one reply", LLM_MAX_CALLS);
	if (n_calls && !(out->calls = calloc(n_calls, sizeof(*out->calls))))
		return trb_err_oom();
	i = 0;
	cJSON_ArrayForEach(block, content) {
		const char *type = cJSON_GetObjectItemCaseSensitive(block, "type")->valuestring;
		if (!strcmp(type, "text")) {
			v = cJSON_GetObjectItemCaseSensitive(block, "text");
			if (!cJSON_IsString(v)) {
				error = trb_err_set(TRB_EINVAL, "content[%zu].text is not a string", i);
				goto cleanup;
			}
			if (v->valuestring[0] && text.len > 0)
				trb_buf_puts(&text, "\n\n");
			trb_escape_utf8(&text, v->valuestring, strlen(v->valuestring));
		} else if (!strcmp(type, "tool_use")) {
			struct llm_tool_call *call = &out->calls[out->n_calls];
			const cJSON *id = cJSON_GetObjectItemCaseSensitive(block, "id");
			const cJSON *name = cJSON_GetObjectItemCaseSensitive(block, "name");
			const cJSON *input = cJSON_GetObjectItemCaseSensitive(block, "input");
			if (!cJSON_IsString(id) || !id->valuestring[0] || strlen(id->valuestring) > LLM_MAX_ID) {
				error = trb_err_set(TRB_EINVAL, "content[%zu].id is not a tool call id", i);
				goto cleanup;
			}
			if (!cJSON_IsString(name) || !llm_tool_name_valid(name->valuestring)) {
				error = trb_err_set(TRB_EINVAL, "content[%zu].name is not a tool name", i);
				goto cleanup;
			}
			if (!cJSON_IsObject(input)) {
				error = trb_err_set(TRB_EINVAL, "content[%zu].input is not an object", i);
				goto cleanup;
			}
			out->n_calls++;
			if (!(call->id = llm_strdup(id->valuestring)) || !(call->name = llm_strdup(name->valuestring)) ||
			    !(call->args = cJSON_Duplicate(input, 1)) ||
			    !(call->input = cJSON_PrintUnformatted(call->args))) {
				error = trb_err_oom();
				goto cleanup;
			}
		}
		/* thinking, redacted_thinking, server tools: nothing the agents use */
		i++;
	}
	v = cJSON_GetObjectItemCaseSensitive(root, "stop_reason");
	if (v && !cJSON_IsNull(v) && !cJSON_IsString(v)) {
		error = trb_err_set(TRB_EINVAL, "stop_reason is not a string");
		goto cleanup;
	}
	out->stop = map_stop(cJSON_IsString(v) ? v->valuestring : NULL);
	if (out->stop == LLM_STOP_END_TURN && out->n_calls > 0)
		out->stop = LLM_STOP_TOOL_USE;
	usage = cJSON_GetObjectItemCaseSensitive(root, "usage");
	if (usage && !cJSON_IsNull(usage)) {
		if (!cJSON_IsObject(usage)) {
			error = trb_err_set(TRB_EINVAL, "usage is not an object");
			goto cleanup;
		}
		if ((error = llm_wire_count(&out->usage.input, usage, "input_tokens", "usage")) < 0 ||
		    (error = llm_wire_count(&out->usage.output, usage, "output_tokens", "usage")) < 0 ||
		    (error = llm_wire_count(&out->usage.cache_write, usage, "cache_creation_input_tokens",
					    "usage")) < 0 ||
		    (error = llm_wire_count(&out->usage.cache_read, usage, "cache_read_input_tokens", "usage")) < 0)
			goto cleanup;
	}
	v = cJSON_GetObjectItemCaseSensitive(root, "id");
	if (!out->request_id && cJSON_IsString(v) && v->valuestring[0] && strlen(v->valuestring) <= LLM_MAX_ID &&
	    !(out->request_id = llm_strdup(v->valuestring))) {
		error = TRB_ENOMEM;
		goto cleanup;
	}
	free(out->text);
	if (!(out->text = trb_buf_detach(&text)))
		error = trb_err_oom();
cleanup:
	trb_buf_dispose(&text);
	return error;
}
