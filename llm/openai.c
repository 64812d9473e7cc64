/* llm/openai.c: the OpenAI-compatible chat completions wire format (POST {base}/chat/completions),
 * spoken by OpenAI, Azure-style gateways, vLLM, Ollama and llama.cpp's server.
 * Tool calls are assistant `tool_calls` answered by `tool` role messages; OpenAI has no is_error
 * flag, so a failed tool's content starts with "Error: ". Caching is automatic on the provider's
 * side; cached prompt tokens come back in usage.prompt_tokens_details.cached_tokens. */
#include "llm/wire.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/err.h"
#include "util/escape.h"

/* Joins the text blocks of a message with blank lines (several servers accept only a string). */
static int join_text(char **out, const struct llm_message *m)
{
	struct trb_buf b = TRB_BUF_INIT(TRB_LIMIT_REPORT);
	size_t j;

	*out = NULL;
	for (j = 0; j < m->n_blocks; j++) {
		if (m->blocks[j].kind != LLM_BLOCK_TEXT)
			continue;
		if (b.len > 0)
			trb_buf_puts(&b, "\n\n");
		trb_buf_puts(&b, m->blocks[j].text);
	}
	if (b.len == 0) {
		trb_buf_dispose(&b);
		return 0;
	}
	if (!(*out = trb_buf_detach(&b)))
		return trb_err_oom();
	return 0;
}

static int encode_message(cJSON *arr, const struct llm_message *m)
{
	cJSON *o, *calls = NULL;
	char *text = NULL;
	size_t j;
	int error = 0;

	if (m->role == LLM_ROLE_USER) {
		/* tool answers first: they must follow the assistant message that made the calls */
		for (j = 0; j < m->n_blocks; j++) {
			const struct llm_block *b = &m->blocks[j];
			if (b->kind != LLM_BLOCK_TOOL_RESULT)
				continue;
			if (!(o = cJSON_CreateObject()))
				return trb_err_oom();
			cJSON_AddItemToArray(arr, o);
			if (!cJSON_AddStringToObject(o, "role", "tool") ||
			    !cJSON_AddStringToObject(o, "tool_call_id", b->id))
				return trb_err_oom();
			if (b->is_error) {
				struct trb_buf e = TRB_BUF_INIT(TRB_LIMIT_REPORT);
				trb_buf_puts(&e, "Error: ");
				trb_buf_puts(&e, b->text ? b->text : "");
				if (trb_buf_error(&e) < 0 || !cJSON_AddStringToObject(o, "content", e.ptr)) {
					trb_buf_dispose(&e);
					return trb_err_oom();
				}
				trb_buf_dispose(&e);
			} else if (!cJSON_AddStringToObject(o, "content", b->text ? b->text : "")) {
				return trb_err_oom();
			}
		}
		if ((error = join_text(&text, m)) < 0)
			return error;
		if (!text)
			return 0;
		if (!(o = cJSON_CreateObject())) {
			free(text);
			return trb_err_oom();
		}
		cJSON_AddItemToArray(arr, o);
		if (!cJSON_AddStringToObject(o, "role", "user") || !cJSON_AddStringToObject(o, "content", text))
			error = trb_err_oom();
		free(text);
		return error;
	}
	if ((error = join_text(&text, m)) < 0)
		return error;
	if (!(o = cJSON_CreateObject())) {
		free(text);
		return trb_err_oom();
	}
	cJSON_AddItemToArray(arr, o);
	if (!cJSON_AddStringToObject(o, "role", "assistant") ||
	    !(text ? cJSON_AddStringToObject(o, "content", text) : cJSON_AddNullToObject(o, "content"))) {
		free(text);
		return trb_err_oom();
	}
	free(text);
	for (j = 0; j < m->n_blocks; j++) {
		const struct llm_block *b = &m->blocks[j];
		cJSON *c, *f;
		if (b->kind != LLM_BLOCK_TOOL_USE)
			continue;
		if (!calls && !(calls = cJSON_AddArrayToObject(o, "tool_calls")))
			return trb_err_oom();
		if (!(c = cJSON_CreateObject()))
			return trb_err_oom();
		cJSON_AddItemToArray(calls, c);
		if (!cJSON_AddStringToObject(c, "id", b->id) || !cJSON_AddStringToObject(c, "type", "function") ||
		    !(f = cJSON_AddObjectToObject(c, "function")) ||
		    !cJSON_AddStringToObject(f, "name", b->name) ||
		    !cJSON_AddStringToObject(f, "arguments", b->input ? b->input : "{}"))
			return trb_err_oom();
	}
	return 0;
}

int llm_openai_encode(cJSON **out, const struct llm_request *req, const struct llm_wire_params *p)
{
	cJSON *root = cJSON_CreateObject(), *arr, *o, *f, *schema;
	size_t i;
	int error = 0;

	*out = NULL;
	if (!root || !cJSON_AddStringToObject(root, "model", p->model) ||
	    !cJSON_AddNumberToObject(root, p->max_completion_tokens ? "max_completion_tokens" : "max_tokens",
				     p->max_tokens) ||
	    (p->send_temperature && !cJSON_AddNumberToObject(root, "temperature", p->temperature)) ||
	    !(arr = cJSON_AddArrayToObject(root, "messages"))) {
		error = trb_err_oom();
		goto cleanup;
	}
	if (req->system && req->system[0]) {
		if (!(o = cJSON_CreateObject())) {
			error = trb_err_oom();
			goto cleanup;
		}
		cJSON_AddItemToArray(arr, o);
		if (!cJSON_AddStringToObject(o, "role", "system") ||
		    !cJSON_AddStringToObject(o, "content", req->system)) {
			error = trb_err_oom();
			goto cleanup;
		}
	}
	for (i = 0; i < req->n_messages; i++)
		if ((error = encode_message(arr, &req->messages[i])) < 0)
			goto cleanup;
	if (req->n_tools > 0) {
		if (!(arr = cJSON_AddArrayToObject(root, "tools"))) {
			error = trb_err_oom();
			goto cleanup;
		}
		for (i = 0; i < req->n_tools; i++) {
			if (!(o = cJSON_CreateObject())) {
				error = trb_err_oom();
				goto cleanup;
			}
			cJSON_AddItemToArray(arr, o);
			if (!cJSON_AddStringToObject(o, "type", "function") ||
			    !(f = cJSON_AddObjectToObject(o, "function")) ||
			    !cJSON_AddStringToObject(f, "name", req->tools[i].name) ||
			    (req->tools[i].description && req->tools[i].description[0] &&
			     !cJSON_AddStringToObject(f, "description", req->tools[i].description)) ||
			    !(schema = cJSON_Duplicate(req->tools[i].schema, 1))) {
				error = trb_err_oom();
				goto cleanup;
			}
			cJSON_AddItemToObject(f, "parameters", schema);
		}
	}
	*out = root;
	root = NULL;
cleanup:
	cJSON_Delete(root);
	return error;
}

static llm_stop_t map_finish(const char *s)
{
	if (!s)
		return LLM_STOP_OTHER;
	if (!strcmp(s, "stop"))
		return LLM_STOP_END_TURN;
	if (!strcmp(s, "tool_calls") || !strcmp(s, "function_call"))
		return LLM_STOP_TOOL_USE;
	if (!strcmp(s, "length"))
		return LLM_STOP_MAX_TOKENS;
	if (!strcmp(s, "content_filter"))
		return LLM_STOP_REFUSAL;
	return LLM_STOP_OTHER;
}

/* content: a string, null, or (some servers) an array of {type: text, text} parts. */
static int decode_content(struct trb_buf *text, const cJSON *content)
{
	const cJSON *part, *t;
	size_t i = 0;

	if (!content || cJSON_IsNull(content))
		return 0;
	if (cJSON_IsString(content)) {
		trb_escape_utf8(text, content->valuestring, strlen(content->valuestring));
		return 0;
	}
	if (!cJSON_IsArray(content))
		return trb_err_set(TRB_EINVAL, "choices[0].message.content is not a string");
	cJSON_ArrayForEach(part, content) {
		t = cJSON_GetObjectItemCaseSensitive(part, "text");
		if (!cJSON_IsObject(part) || !cJSON_IsString(t))
			return trb_err_set(TRB_EINVAL, "choices[0].message.content[%zu] is not a text part", i);
		if (t->valuestring[0] && text->len > 0)
			trb_buf_puts(text, "\n\n");
		trb_escape_utf8(text, t->valuestring, strlen(t->valuestring));
		i++;
	}
	return 0;
}

static int decode_call(struct llm_tool_call *call, const cJSON *c, size_t i)
{
	const cJSON *id = cJSON_GetObjectItemCaseSensitive(c, "id");
	const cJSON *f = cJSON_GetObjectItemCaseSensitive(c, "function"), *name, *args;
	char synth[32];

	if (!cJSON_IsObject(c) || !cJSON_IsObject(f))
		return trb_err_set(TRB_EINVAL, "choices[0].message.tool_calls[%zu].function is not an object", i);
	name = cJSON_GetObjectItemCaseSensitive(f, "name");
	args = cJSON_GetObjectItemCaseSensitive(f, "arguments");
	if (!cJSON_IsString(name) || !llm_tool_name_valid(name->valuestring))
		return trb_err_set(TRB_EINVAL, "choices[0].message.tool_calls[%zu].function.name is not a tool name", i);
	if (id && !cJSON_IsNull(id) &&
	    (!cJSON_IsString(id) || strlen(id->valuestring) > LLM_MAX_ID))
		return trb_err_set(TRB_EINVAL, "choices[0].message.tool_calls[%zu].id is not a call id", i);
	/* some local servers leave the id out; the answer only has to name the same one */
	snprintf(synth, sizeof(synth), "call_%zu", i);
	if (!(call->id = llm_strdup(cJSON_IsString(id) && id->valuestring[0] ? id->valuestring : synth)) ||
	    !(call->name = llm_strdup(name->valuestring)))
		return TRB_ENOMEM;
	if (cJSON_IsString(args))
		return llm_tool_call_set_input(call, args->valuestring, strlen(args->valuestring));
	if (cJSON_IsObject(args)) {
		/* Ollama-style servers send the arguments as an object */
		if (!(call->args = cJSON_Duplicate(args, 1)) || !(call->input = cJSON_PrintUnformatted(call->args)))
			return trb_err_oom();
		return 0;
	}
	if (!args || cJSON_IsNull(args))
		return llm_tool_call_set_input(call, "{}", 2);
	return trb_err_set(TRB_EINVAL, "choices[0].message.tool_calls[%zu].function.arguments is not a string", i);
}

int llm_openai_decode(struct llm_response *out, const cJSON *root)
{
	const cJSON *choices, *choice, *msg, *v, *calls, *c, *usage;
	struct trb_buf text = TRB_BUF_INIT(TRB_LIMIT_FILE);
	uint64_t prompt = 0, cached = 0;
	size_t n, i = 0;
	int error = 0;

	if (!cJSON_IsObject(root))
		return trb_err_set(TRB_EINVAL, "the reply is not a JSON object");
	choices = cJSON_GetObjectItemCaseSensitive(root, "choices");
	if (!cJSON_IsArray(choices) || !(choice = cJSON_GetArrayItem(choices, 0)) || !cJSON_IsObject(choice))
		return trb_err_set(TRB_EINVAL, "choices is not a non-empty array of objects");
	msg = cJSON_GetObjectItemCaseSensitive(choice, "message");
	if (!cJSON_IsObject(msg))
		return trb_err_set(TRB_EINVAL, "choices[0].message is not an object");
	if ((error = decode_content(&text, cJSON_GetObjectItemCaseSensitive(msg, "content"))) < 0)
		goto cleanup;
	calls = cJSON_GetObjectItemCaseSensitive(msg, "tool_calls");
	if (calls && !cJSON_IsNull(calls)) {
		if (!cJSON_IsArray(calls)) {
			error = trb_err_set(TRB_EINVAL, "choices[0].message.tool_calls is not an array");
			goto cleanup;
		}
		n = (size_t)cJSON_GetArraySize(calls);
		if (n > LLM_MAX_CALLS) {
			error = trb_err_set(TRB_EINVAL, "more than %d tool calls in one reply", LLM_MAX_CALLS);
			goto cleanup;
		}
		if (n && !(out->calls = calloc(n, sizeof(*out->calls)))) {
			error = trb_err_oom();
			goto cleanup;
		}
		cJSON_ArrayForEach(c, calls) {
			out->n_calls++;
			if ((error = decode_call(&out->calls[i], c, i)) < 0)
				goto cleanup;
			i++;
		}
	}
	v = cJSON_GetObjectItemCaseSensitive(choice, "finish_reason");
	if (v && !cJSON_IsNull(v) && !cJSON_IsString(v)) {
		error = trb_err_set(TRB_EINVAL, "choices[0].finish_reason is not a string");
		goto cleanup;
	}
	out->stop = map_finish(cJSON_IsString(v) ? v->valuestring : NULL);
	/* Ollama and some vLLM parsers answer tool calls with finish_reason "stop" */
	if (out->n_calls > 0 && out->stop == LLM_STOP_END_TURN)
		out->stop = LLM_STOP_TOOL_USE;
	v = cJSON_GetObjectItemCaseSensitive(msg, "refusal");
	if (cJSON_IsString(v) && v->valuestring[0]) {
		out->stop = LLM_STOP_REFUSAL;
		if (text.len == 0)
			trb_escape_utf8(&text, v->valuestring, strlen(v->valuestring));
	}
	usage = cJSON_GetObjectItemCaseSensitive(root, "usage");
	if (usage && !cJSON_IsNull(usage)) {
		const cJSON *details;
		if (!cJSON_IsObject(usage)) {
			error = trb_err_set(TRB_EINVAL, "usage is not an object");
			goto cleanup;
		}
		if ((error = llm_wire_count(&prompt, usage, "prompt_tokens", "usage")) < 0 ||
		    (error = llm_wire_count(&out->usage.output, usage, "completion_tokens", "usage")) < 0)
			goto cleanup;
		details = cJSON_GetObjectItemCaseSensitive(usage, "prompt_tokens_details");
		if (cJSON_IsObject(details) &&
		    (error = llm_wire_count(&cached, details, "cached_tokens", "usage.prompt_tokens_details")) < 0)
			goto cleanup;
		if (cached > prompt)
			cached = prompt;
		out->usage.input = prompt - cached;
		out->usage.cache_read = cached;
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
