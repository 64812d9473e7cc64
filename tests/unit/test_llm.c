/* tests/unit/test_llm.c: request encoding and reply decoding of both wire formats, the request
 * builder, and outcome names. No network: the scheduler is tested in test_llm_sched.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "llm/llm.h"
#include "llm/wire.h"
#include "util/err.h"

static const struct llm_wire_params PARAMS = {"claude-test", 1024, 0.0, true, false};

static char *encode(int (*enc)(cJSON **, const struct llm_request *, const struct llm_wire_params *),
		    const struct llm_request *req, const struct llm_wire_params *p)
{
	cJSON *root = NULL;
	char *s;

	assert_int_equal(enc(&root, req, p), 0);
	s = cJSON_PrintUnformatted(root);
	cJSON_Delete(root);
	assert_non_null(s);
	return s;
}

static int decode(int (*dec)(struct llm_response *, const cJSON *), struct llm_response *r, const char *json)
{
	cJSON *root = cJSON_Parse(json);
	int error;

	assert_non_null(root);
	llm_response_init(r);
	error = dec(r, root);
	cJSON_Delete(root);
	return error;
}

static void build_conversation(struct llm_request *req)
{
	llm_request_init(req, CONFIG_AGENT_FINDER);
	assert_int_equal(llm_request_set_system(req, "You review code.", 16), 0);
	assert_int_equal(llm_request_add_tool(req, "read_file", "Read a file",
					      "{\"type\":\"object\",\"properties\":{\"path\":{\"type\":\"string\"}}}"), 0);
	assert_int_equal(llm_request_add_text(req, LLM_ROLE_USER, "shared context", 14, true), 0);
	assert_int_equal(llm_request_add_text(req, LLM_ROLE_USER, "unit 1", 6, false), 0);
	assert_int_equal(llm_request_add_text(req, LLM_ROLE_ASSISTANT, "Reading.", 8, false), 0);
	assert_int_equal(llm_request_add_tool_use(req, "toolu_1", "read_file", "{\"path\":\"a.c\"}"), 0);
	assert_int_equal(llm_request_add_tool_use(req, "toolu_2", "read_file", "{\"path\":\"b.c\"}"), 0);
	assert_int_equal(llm_request_add_tool_result(req, "toolu_1", "1: int x;", 9, false), 0);
	assert_int_equal(llm_request_add_tool_result(req, "toolu_2", "no such file", 12, true), 0);
}

/* ---- encoding ---- */

static void test_anthropic_encodes_conversation_with_cache_breakpoints(void **state)
{
	struct llm_request req;
	char *s;

	(void)state;
	build_conversation(&req);
	s = encode(llm_anthropic_encode, &req, &PARAMS);
	assert_string_equal(s,
		"{\"model\":\"claude-test\",\"max_tokens\":1024,\"temperature\":0,"
		"\"system\":[{\"type\":\"text\",\"text\":\"You review code.\",\"cache_control\":{\"type\":\"ephemeral\"}}],"
		"\"tools\":[{\"name\":\"read_file\",\"description\":\"Read a file\",\"input_schema\":"
		"{\"type\":\"object\",\"properties\":{\"path\":{\"type\":\"string\"}}}}],"
		"\"messages\":["
		"{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"shared context\",\"cache_control\":{\"type\":\"ephemeral\"}},"
		"{\"type\":\"text\",\"text\":\"unit 1\"}]},"
		"{\"role\":\"assistant\",\"content\":[{\"type\":\"text\",\"text\":\"Reading.\"},"
		"{\"type\":\"tool_use\",\"id\":\"toolu_1\",\"name\":\"read_file\",\"input\":{\"path\":\"a.c\"}},"
		"{\"type\":\"tool_use\",\"id\":\"toolu_2\",\"name\":\"read_file\",\"input\":{\"path\":\"b.c\"}}]},"
		"{\"role\":\"user\",\"content\":[{\"type\":\"tool_result\",\"tool_use_id\":\"toolu_1\",\"content\":\"1: int x;\"},"
		"{\"type\":\"tool_result\",\"tool_use_id\":\"toolu_2\",\"content\":\"no such file\",\"is_error\":true}]}]}");
	free(s);
	llm_request_dispose(&req);
}

static void test_anthropic_marks_last_tool_when_no_system(void **state)
{
	struct llm_request req;
	char *s;

	(void)state;
	llm_request_init(&req, CONFIG_AGENT_FINDER);
	assert_int_equal(llm_request_add_tool(&req, "a", NULL, "{}"), 0);
	assert_int_equal(llm_request_add_tool(&req, "b", NULL, "{}"), 0);
	assert_int_equal(llm_request_add_text(&req, LLM_ROLE_USER, "hi", 2, false), 0);
	s = encode(llm_anthropic_encode, &req, &PARAMS);
	assert_non_null(strstr(s, "{\"name\":\"a\",\"input_schema\":{}},{\"name\":\"b\",\"input_schema\":{},"
				  "\"cache_control\":{\"type\":\"ephemeral\"}}"));
	assert_null(strstr(s, "\"system\""));
	free(s);
	llm_request_dispose(&req);
}

static size_t count(const char *s, const char *needle)
{
	size_t n = 0;
	while ((s = strstr(s, needle))) {
		n++;
		s += strlen(needle);
	}
	return n;
}

static void test_anthropic_uses_at_most_four_breakpoints_latest_first(void **state)
{
	struct llm_request req;
	char *s;
	int i;

	(void)state;
	llm_request_init(&req, CONFIG_AGENT_FINDER);
	req.cache_tail = true;
	assert_int_equal(llm_request_set_system(&req, "sys", 3), 0);
	for (i = 0; i < 6; i++) {
		char t[8] = {'b', 'l', 'k', (char)('0' + i), 0};
		assert_int_equal(llm_request_add_text(&req, LLM_ROLE_USER, t, 4, true), 0);
	}
	s = encode(llm_anthropic_encode, &req, &PARAMS);
	assert_int_equal(count(s, "cache_control"), 4);
	/* system, the tail (blk5, also marked), then blk4 and blk3 */
	assert_non_null(strstr(s, "\"blk5\",\"cache_control\""));
	assert_non_null(strstr(s, "\"blk4\",\"cache_control\""));
	assert_non_null(strstr(s, "\"blk3\",\"cache_control\""));
	assert_null(strstr(s, "\"blk2\",\"cache_control\""));
	free(s);
	llm_request_dispose(&req);
}

static void test_anthropic_puts_tool_results_before_text(void **state)
{
	struct llm_request req;
	char *s;

	(void)state;
	llm_request_init(&req, CONFIG_AGENT_FINDER);
	assert_int_equal(llm_request_add_text(&req, LLM_ROLE_USER, "hi", 2, false), 0);
	assert_int_equal(llm_request_add_tool_use(&req, "t1", "read_file", "{}"), 0);
	assert_int_equal(llm_request_add_text(&req, LLM_ROLE_USER, "turns left: 3", 13, true), 0);
	assert_int_equal(llm_request_add_tool_result(&req, "t1", "data", 4, false), 0);
	s = encode(llm_anthropic_encode, &req, &PARAMS);
	assert_non_null(strstr(s, "{\"role\":\"user\",\"content\":[{\"type\":\"tool_result\",\"tool_use_id\":\"t1\","
				  "\"content\":\"data\"},{\"type\":\"text\",\"text\":\"turns left: 3\","
				  "\"cache_control\":{\"type\":\"ephemeral\"}}]}"));
	free(s);
	llm_request_dispose(&req);
}

static void test_anthropic_rejects_tool_use_input_that_is_not_an_object(void **state)
{
	struct llm_request req;
	cJSON *root = NULL;

	(void)state;
	llm_request_init(&req, CONFIG_AGENT_FINDER);
	assert_int_equal(llm_request_add_text(&req, LLM_ROLE_USER, "hi", 2, false), 0);
	assert_int_equal(llm_request_add_tool_use(&req, "t1", "read_file", "[1,2]"), 0);
	assert_int_equal(llm_anthropic_encode(&root, &req, &PARAMS), TRB_EINVAL);
	assert_null(root);
	assert_non_null(strstr(trb_err_msg(), "not a JSON object"));
	llm_request_dispose(&req);
}

static void test_openai_encodes_conversation(void **state)
{
	struct llm_request req;
	struct llm_wire_params p = {"gpt-test", 512, 0.5, true, false};
	char *s;

	(void)state;
	build_conversation(&req);
	s = encode(llm_openai_encode, &req, &p);
	assert_string_equal(s,
		"{\"model\":\"gpt-test\",\"max_tokens\":512,\"temperature\":0.5,\"messages\":["
		"{\"role\":\"system\",\"content\":\"You review code.\"},"
		"{\"role\":\"user\",\"content\":\"shared context\\n\\nunit 1\"},"
		"{\"role\":\"assistant\",\"content\":\"Reading.\",\"tool_calls\":["
		"{\"id\":\"toolu_1\",\"type\":\"function\",\"function\":{\"name\":\"read_file\",\"arguments\":\"{\\\"path\\\":\\\"a.c\\\"}\"}},"
		"{\"id\":\"toolu_2\",\"type\":\"function\",\"function\":{\"name\":\"read_file\",\"arguments\":\"{\\\"path\\\":\\\"b.c\\\"}\"}}]},"
		"{\"role\":\"tool\",\"tool_call_id\":\"toolu_1\",\"content\":\"1: int x;\"},"
		"{\"role\":\"tool\",\"tool_call_id\":\"toolu_2\",\"content\":\"Error: no such file\"}],"
		"\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"read_file\",\"description\":\"Read a file\","
		"\"parameters\":{\"type\":\"object\",\"properties\":{\"path\":{\"type\":\"string\"}}}}}]}");
	free(s);
	llm_request_dispose(&req);
}

static void test_openai_uses_max_completion_tokens_and_omits_temperature(void **state)
{
	struct llm_request req;
	struct llm_wire_params p = {"o3", 100, 0.0, false, true};
	char *s;

	(void)state;
	llm_request_init(&req, CONFIG_AGENT_VERIFIER);
	assert_int_equal(llm_request_add_text(&req, LLM_ROLE_USER, "hi", 2, false), 0);
	s = encode(llm_openai_encode, &req, &p);
	assert_string_equal(s, "{\"model\":\"o3\",\"max_completion_tokens\":100,\"messages\":["
			       "{\"role\":\"user\",\"content\":\"hi\"}]}");
	free(s);
	llm_request_dispose(&req);
}

static void test_openai_assistant_with_only_tool_calls_has_null_content(void **state)
{
	struct llm_request req;
	struct llm_wire_params p = {"m", 10, 0.0, false, false};
	char *s;

	(void)state;
	llm_request_init(&req, CONFIG_AGENT_VERIFIER);
	assert_int_equal(llm_request_add_text(&req, LLM_ROLE_USER, "hi", 2, false), 0);
	assert_int_equal(llm_request_add_tool_use(&req, "c1", "list_files", "not json"), 0);
	s = encode(llm_openai_encode, &req, &p);
	assert_non_null(strstr(s, "{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\"c1\","
				  "\"type\":\"function\",\"function\":{\"name\":\"list_files\",\"arguments\":\"not json\"}}]}"));
	free(s);
	llm_request_dispose(&req);
}

/* ---- the builder ---- */

static void test_builder_cleans_text_and_merges_roles(void **state)
{
	struct llm_request req;

	(void)state;
	llm_request_init(&req, CONFIG_AGENT_FINDER);
	assert_int_equal(llm_request_add_text(&req, LLM_ROLE_USER, "a\0b\xff", 4, false), 0);
	assert_int_equal(llm_request_add_text(&req, LLM_ROLE_USER, "", 0, false), 0);
	assert_int_equal(llm_request_add_tool_result(&req, "t", "x", 1, false), 0);
	assert_int_equal(req.n_messages, 1);
	assert_int_equal(req.messages[0].n_blocks, 2);
	assert_string_equal(req.messages[0].blocks[0].text, "ab\xef\xbf\xbd");
	assert_int_equal(req.unit, -1);
	llm_request_dispose(&req);
}

static void test_builder_rejects_bad_tool_names_and_schemas(void **state)
{
	struct llm_request req;

	(void)state;
	llm_request_init(&req, CONFIG_AGENT_FINDER);
	assert_int_equal(llm_request_add_tool(&req, "read file", NULL, "{}"), TRB_EINVAL);
	assert_int_equal(llm_request_add_tool(&req,
		"a234567890123456789012345678901234567890123456789012345678901234x", NULL, "{}"), TRB_EINVAL);
	assert_int_equal(llm_request_add_tool(&req, "ok", NULL, "[]"), TRB_EINVAL);
	assert_int_equal(llm_request_add_tool(&req, "ok", NULL, "{"), TRB_EINVAL);
	assert_int_equal(llm_request_add_tool_result(&req, "", "x", 1, false), TRB_EINVAL);
	assert_int_equal(req.n_tools, 0);
	llm_request_dispose(&req);
}

static void test_add_reply_appends_assistant_turn(void **state)
{
	struct llm_request req;
	struct llm_response r;

	(void)state;
	assert_int_equal(decode(llm_anthropic_decode, &r,
		"{\"type\":\"message\",\"content\":[{\"type\":\"text\",\"text\":\"Let me look.\"},"
		"{\"type\":\"tool_use\",\"id\":\"toolu_9\",\"name\":\"read_file\",\"input\":{\"path\":\"x\"}}],"
		"\"stop_reason\":\"tool_use\"}"), 0);
	llm_request_init(&req, CONFIG_AGENT_FINDER);
	assert_int_equal(llm_request_add_text(&req, LLM_ROLE_USER, "hi", 2, false), 0);
	assert_int_equal(llm_request_add_reply(&req, &r), 0);
	assert_int_equal(req.n_messages, 2);
	assert_int_equal(req.messages[1].role, LLM_ROLE_ASSISTANT);
	assert_int_equal(req.messages[1].n_blocks, 2);
	assert_string_equal(req.messages[1].blocks[0].text, "Let me look.");
	assert_int_equal(req.messages[1].blocks[1].kind, LLM_BLOCK_TOOL_USE);
	assert_string_equal(req.messages[1].blocks[1].id, "toolu_9");
	assert_string_equal(req.messages[1].blocks[1].input, "{\"path\":\"x\"}");
	llm_request_dispose(&req);
	llm_response_dispose(&r);
}

/* ---- Anthropic decoding ---- */

static void test_anthropic_decodes_text_and_cache_usage(void **state)
{
	struct llm_response r;

	(void)state;
	assert_int_equal(decode(llm_anthropic_decode, &r,
		"{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\",\"content\":["
		"{\"type\":\"text\",\"text\":\"first\"},{\"type\":\"thinking\",\"thinking\":\"x\"},"
		"{\"type\":\"text\",\"text\":\"second\"}],\"stop_reason\":\"end_turn\","
		"\"usage\":{\"input_tokens\":10,\"output_tokens\":5,\"cache_creation_input_tokens\":100,"
		"\"cache_read_input_tokens\":2000}}"), 0);
	assert_string_equal(r.text, "first\n\nsecond");
	assert_int_equal(r.stop, LLM_STOP_END_TURN);
	assert_int_equal(r.n_calls, 0);
	assert_int_equal(r.usage.input, 10);
	assert_int_equal(r.usage.output, 5);
	assert_int_equal(r.usage.cache_write, 100);
	assert_int_equal(r.usage.cache_read, 2000);
	assert_string_equal(r.request_id, "msg_1");
	llm_response_dispose(&r);
}

static void test_anthropic_decodes_parallel_tool_calls(void **state)
{
	struct llm_response r;

	(void)state;
	assert_int_equal(decode(llm_anthropic_decode, &r,
		"{\"content\":[{\"type\":\"tool_use\",\"id\":\"toolu_a\",\"name\":\"read_file\",\"input\":{\"path\":\"a.c\",\"start_line\":3}},"
		"{\"type\":\"tool_use\",\"id\":\"toolu_b\",\"name\":\"search_code\",\"input\":{}}],"
		"\"stop_reason\":\"tool_use\",\"usage\":{\"input_tokens\":1,\"output_tokens\":2}}"), 0);
	assert_string_equal(r.text, "");
	assert_int_equal(r.stop, LLM_STOP_TOOL_USE);
	assert_int_equal(r.n_calls, 2);
	assert_string_equal(r.calls[0].id, "toolu_a");
	assert_string_equal(r.calls[0].name, "read_file");
	assert_string_equal(r.calls[0].input, "{\"path\":\"a.c\",\"start_line\":3}");
	assert_int_equal(cJSON_GetObjectItem(r.calls[0].args, "start_line")->valueint, 3);
	assert_string_equal(r.calls[1].name, "search_code");
	assert_string_equal(r.calls[1].input, "{}");
	llm_response_dispose(&r);
}

static void test_anthropic_decodes_empty_content(void **state)
{
	struct llm_response r;

	(void)state;
	assert_int_equal(decode(llm_anthropic_decode, &r, "{\"content\":[],\"stop_reason\":\"end_turn\"}"), 0);
	assert_string_equal(r.text, "");
	assert_int_equal(r.n_calls, 0);
	assert_int_equal(r.stop, LLM_STOP_END_TURN);
	assert_int_equal(r.usage.input, 0);
	llm_response_dispose(&r);
}

static void test_anthropic_maps_stop_reasons(void **state)
{
	static const struct {
		const char *raw;
		llm_stop_t want;
	} cases[] = {
		{"\"max_tokens\"", LLM_STOP_MAX_TOKENS}, {"\"refusal\"", LLM_STOP_REFUSAL},
		{"\"stop_sequence\"", LLM_STOP_END_TURN}, {"\"pause_turn\"", LLM_STOP_OTHER},
		{"null", LLM_STOP_OTHER},
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct llm_response r;
		char json[128];
		snprintf(json, sizeof(json), "{\"content\":[{\"type\":\"text\",\"text\":\"t\"}],\"stop_reason\":%s}",
			 cases[i].raw);
		assert_int_equal(decode(llm_anthropic_decode, &r, json), 0);
		assert_int_equal(r.stop, cases[i].want);
		llm_response_dispose(&r);
	}
}

static void test_anthropic_rejects_malformed_replies(void **state)
{
	static const char *const bad[] = {
		"[]",
		"{\"type\":\"error\",\"content\":[]}",
		"{\"content\":\"text\"}",
		"{\"content\":[{\"text\":\"no type\"}]}",
		"{\"content\":[{\"type\":\"text\",\"text\":5}]}",
		"{\"content\":[{\"type\":\"tool_use\",\"name\":\"a\",\"input\":{}}]}",
		"{\"content\":[{\"type\":\"tool_use\",\"id\":\"x\",\"name\":\"bad name\",\"input\":{}}]}",
		"{\"content\":[{\"type\":\"tool_use\",\"id\":\"x\",\"name\":\"a\",\"input\":\"{}\"}]}",
		"{\"content\":[],\"stop_reason\":3}",
		"{\"content\":[],\"usage\":{\"input_tokens\":-1}}",
		"{\"content\":[],\"usage\":{\"output_tokens\":1.5}}",
		"{\"content\":[],\"usage\":[]}",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct llm_response r;
		assert_int_equal(decode(llm_anthropic_decode, &r, bad[i]), TRB_EINVAL);
		llm_response_dispose(&r);
	}
}

/* ---- OpenAI decoding ---- */

static void test_openai_decodes_text_and_cached_tokens(void **state)
{
	struct llm_response r;

	(void)state;
	assert_int_equal(decode(llm_openai_decode, &r,
		"{\"id\":\"chatcmpl-1\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"hello\"},"
		"\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":1200,\"completion_tokens\":7,"
		"\"prompt_tokens_details\":{\"cached_tokens\":1024}}}"), 0);
	assert_string_equal(r.text, "hello");
	assert_int_equal(r.stop, LLM_STOP_END_TURN);
	assert_int_equal(r.usage.input, 176);
	assert_int_equal(r.usage.cache_read, 1024);
	assert_int_equal(r.usage.output, 7);
	assert_int_equal(r.usage.cache_write, 0);
	assert_string_equal(r.request_id, "chatcmpl-1");
	llm_response_dispose(&r);
}

static void test_openai_decodes_parallel_tool_calls(void **state)
{
	struct llm_response r;

	(void)state;
	assert_int_equal(decode(llm_openai_decode, &r,
		"{\"choices\":[{\"message\":{\"content\":null,\"tool_calls\":["
		"{\"id\":\"call_1\",\"type\":\"function\",\"function\":{\"name\":\"read_file\",\"arguments\":\"{\\\"path\\\": \\\"a.c\\\"}\"}},"
		"{\"type\":\"function\",\"function\":{\"name\":\"list_files\",\"arguments\":\"{\\\"directory\\\"\"}},"
		"{\"id\":\"call_3\",\"function\":{\"name\":\"search_code\",\"arguments\":{\"pattern\":\"x\"}}}]},"
		"\"finish_reason\":\"tool_calls\"}]}"), 0);
	assert_int_equal(r.stop, LLM_STOP_TOOL_USE);
	assert_string_equal(r.text, "");
	assert_int_equal(r.n_calls, 3);
	assert_string_equal(r.calls[0].id, "call_1");
	assert_string_equal(r.calls[0].input, "{\"path\":\"a.c\"}");
	assert_non_null(r.calls[0].args);
	/* no id: synthesized; arguments not JSON: kept raw, args NULL */
	assert_string_equal(r.calls[1].id, "call_1");
	assert_null(r.calls[1].args);
	assert_string_equal(r.calls[1].input, "{\"directory\"");
	assert_string_equal(r.calls[2].input, "{\"pattern\":\"x\"}");
	llm_response_dispose(&r);
}

static void test_openai_tool_calls_with_stop_mean_tool_use(void **state)
{
	struct llm_response r;

	(void)state;
	assert_int_equal(decode(llm_openai_decode, &r,
		"{\"choices\":[{\"message\":{\"content\":\"\",\"tool_calls\":[{\"id\":\"c\",\"function\":{\"name\":\"a\",\"arguments\":\"{}\"}}]},"
		"\"finish_reason\":\"stop\"}]}"), 0);
	assert_int_equal(r.stop, LLM_STOP_TOOL_USE);
	llm_response_dispose(&r);
}

static void test_openai_maps_length_and_refusals(void **state)
{
	struct llm_response r;

	(void)state;
	assert_int_equal(decode(llm_openai_decode, &r,
		"{\"choices\":[{\"message\":{\"content\":\"partial\"},\"finish_reason\":\"length\"}]}"), 0);
	assert_int_equal(r.stop, LLM_STOP_MAX_TOKENS);
	llm_response_dispose(&r);
	assert_int_equal(decode(llm_openai_decode, &r,
		"{\"choices\":[{\"message\":{\"content\":null},\"finish_reason\":\"content_filter\"}]}"), 0);
	assert_int_equal(r.stop, LLM_STOP_REFUSAL);
	llm_response_dispose(&r);
	assert_int_equal(decode(llm_openai_decode, &r,
		"{\"choices\":[{\"message\":{\"content\":null,\"refusal\":\"I can't help.\"},\"finish_reason\":\"stop\"}]}"), 0);
	assert_int_equal(r.stop, LLM_STOP_REFUSAL);
	assert_string_equal(r.text, "I can't help.");
	llm_response_dispose(&r);
}

static void test_openai_accepts_content_parts_and_missing_usage(void **state)
{
	struct llm_response r;

	(void)state;
	assert_int_equal(decode(llm_openai_decode, &r,
		"{\"choices\":[{\"message\":{\"content\":[{\"type\":\"text\",\"text\":\"a\"},{\"type\":\"text\",\"text\":\"b\"}]},"
		"\"finish_reason\":\"stop\"}]}"), 0);
	assert_string_equal(r.text, "a\n\nb");
	assert_int_equal(r.usage.input, 0);
	assert_null(r.request_id);
	llm_response_dispose(&r);
}

static void test_openai_rejects_malformed_replies(void **state)
{
	static const char *const bad[] = {
		"{}",
		"{\"choices\":[]}",
		"{\"choices\":[1]}",
		"{\"choices\":[{\"message\":\"hi\"}]}",
		"{\"choices\":[{\"message\":{\"content\":5}}]}",
		"{\"choices\":[{\"message\":{\"tool_calls\":{}}}]}",
		"{\"choices\":[{\"message\":{\"tool_calls\":[{\"id\":\"c\"}]}}]}",
		"{\"choices\":[{\"message\":{\"tool_calls\":[{\"id\":\"c\",\"function\":{\"name\":\"a b\",\"arguments\":\"{}\"}}]}}]}",
		"{\"choices\":[{\"message\":{\"tool_calls\":[{\"id\":7,\"function\":{\"name\":\"a\",\"arguments\":\"{}\"}}]}}]}",
		"{\"choices\":[{\"message\":{\"tool_calls\":[{\"id\":\"c\",\"function\":{\"name\":\"a\",\"arguments\":[1]}}]}}]}",
		"{\"choices\":[{\"message\":{},\"finish_reason\":1}]}",
		"{\"choices\":[{\"message\":{}}],\"usage\":{\"prompt_tokens\":\"3\"}}",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct llm_response r;
		assert_int_equal(decode(llm_openai_decode, &r, bad[i]), TRB_EINVAL);
		llm_response_dispose(&r);
	}
}

static void test_too_many_tool_calls_is_malformed(void **state)
{
	struct trb_buf b = TRB_BUF_INIT(TRB_LIMIT_SMALL);
	struct llm_response r;
	int i;

	(void)state;
	trb_buf_puts(&b, "{\"content\":[");
	for (i = 0; i <= LLM_MAX_CALLS; i++)
		trb_buf_printf(&b, "%s{\"type\":\"tool_use\",\"id\":\"t%d\",\"name\":\"a\",\"input\":{}}", i ? "," : "", i);
	trb_buf_puts(&b, "]}");
	assert_int_equal(trb_buf_error(&b), 0);
	assert_int_equal(decode(llm_anthropic_decode, &r, b.ptr), TRB_EINVAL);
	llm_response_dispose(&r);
	trb_buf_dispose(&b);
}

static void test_wire_error_messages(void **state)
{
	cJSON *a = cJSON_Parse("{\"type\":\"error\",\"error\":{\"type\":\"not_found_error\",\"message\":\"model: x\"}}");
	cJSON *o = cJSON_Parse("{\"error\":{\"message\":\"too long\",\"code\":\"context_length_exceeded\"}}");
	cJSON *s = cJSON_Parse("{\"error\":\"model 'x' not found\"}");

	(void)state;
	assert_string_equal(llm_wire_error_message(a), "model: x");
	assert_string_equal(llm_wire_error_type(a), "not_found_error");
	assert_string_equal(llm_wire_error_message(o), "too long");
	assert_string_equal(llm_wire_error_type(o), "context_length_exceeded");
	assert_string_equal(llm_wire_error_message(s), "model 'x' not found");
	assert_null(llm_wire_error_type(s));
	cJSON_Delete(a);
	cJSON_Delete(o);
	cJSON_Delete(s);
}

static void test_outcome_names_and_reasons(void **state)
{
	(void)state;
	assert_string_equal(llm_outcome_name(LLM_OK), "ok");
	assert_string_equal(llm_outcome_name(LLM_BUDGET), "budget_exhausted");
	assert_string_equal(llm_outcome_name(LLM_BAD_REPLY), "bad_reply");
	assert_null(llm_outcome_reason(LLM_OK));
	assert_string_equal(llm_outcome_reason(LLM_BUDGET), "budget exhausted");
	assert_string_equal(llm_outcome_reason(LLM_REFUSED), "model refused");
	assert_string_equal(llm_outcome_reason(LLM_NO_CREDENTIALS), "no credentials");
	assert_string_equal(llm_outcome_reason(LLM_SERVER), "provider error");
	assert_string_equal(llm_stop_name(LLM_STOP_MAX_TOKENS), "max_tokens");
}

static void test_price_lookup_finds_dated_models(void **state)
{
	struct llm_price p;

	(void)state;
	assert_true(llm_price_lookup(&p, NULL, "claude-sonnet-4-5-20250929"));
	assert_true(p.input_per_mtok == 3 && p.output_per_mtok == 15 && p.cache_read_factor == 0.1);
	assert_false(llm_price_lookup(&p, NULL, "my-local-model"));
	assert_true(llm_price_cost(&p, 1000000, 0, 0, 0) == 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_anthropic_encodes_conversation_with_cache_breakpoints),
		cmocka_unit_test(test_anthropic_marks_last_tool_when_no_system),
		cmocka_unit_test(test_anthropic_uses_at_most_four_breakpoints_latest_first),
		cmocka_unit_test(test_anthropic_puts_tool_results_before_text),
		cmocka_unit_test(test_anthropic_rejects_tool_use_input_that_is_not_an_object),
		cmocka_unit_test(test_openai_encodes_conversation),
		cmocka_unit_test(test_openai_uses_max_completion_tokens_and_omits_temperature),
		cmocka_unit_test(test_openai_assistant_with_only_tool_calls_has_null_content),
		cmocka_unit_test(test_builder_cleans_text_and_merges_roles),
		cmocka_unit_test(test_builder_rejects_bad_tool_names_and_schemas),
		cmocka_unit_test(test_add_reply_appends_assistant_turn),
		cmocka_unit_test(test_anthropic_decodes_text_and_cache_usage),
		cmocka_unit_test(test_anthropic_decodes_parallel_tool_calls),
		cmocka_unit_test(test_anthropic_decodes_empty_content),
		cmocka_unit_test(test_anthropic_maps_stop_reasons),
		cmocka_unit_test(test_anthropic_rejects_malformed_replies),
		cmocka_unit_test(test_openai_decodes_text_and_cached_tokens),
		cmocka_unit_test(test_openai_decodes_parallel_tool_calls),
		cmocka_unit_test(test_openai_tool_calls_with_stop_mean_tool_use),
		cmocka_unit_test(test_openai_maps_length_and_refusals),
		cmocka_unit_test(test_openai_accepts_content_parts_and_missing_usage),
		cmocka_unit_test(test_openai_rejects_malformed_replies),
		cmocka_unit_test(test_too_many_tool_calls_is_malformed),
		cmocka_unit_test(test_wire_error_messages),
		cmocka_unit_test(test_outcome_names_and_reasons),
		cmocka_unit_test(test_price_lookup_finds_dated_models),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
