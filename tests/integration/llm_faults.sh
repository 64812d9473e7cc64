# llm/ against the fake provider, from the outside:
#  1. the fake itself behaves as tests/fake_provider.py documents (other tests script it): both wire
#     formats, FIFO replies, turn matching, every fault on the wire, the request log;
#  2. the scheduler's fault suite (tests/unit/test_llm_sched.c: each fault -> attempts, final error,
#     nothing lost, no key in any output), run from the build next to $TRIBUNAL.
. tests/integration/lib.sh

FAKE_PID=
trap '[ -n "$FAKE_PID" ] && kill "$FAKE_PID" 2>/dev/null; rm -rf "$TMP"' EXIT
python3 tests/fake_provider.py --port-file "$TMP/port" --log "$TMP/requests.jsonl" &
FAKE_PID=$!
# wait for the port file under a deadline (15 s)
i=0
while [ ! -s "$TMP/port" ]; do
	i=$((i + 1))
	[ "$i" -le 1500 ] || die "the fake provider did not write its port file"
	kill -0 "$FAKE_PID" 2>/dev/null || die "the fake provider exited"
	sleep 0.01
done
BASE="http://127.0.0.1:$(cat "$TMP/port")"
export NO_PROXY=127.0.0.1 no_proxy=127.0.0.1

# post PATH BODY [CURL ARGS]: status line + body in $OUT, curl's exit code in $RC
post() {
	local path=$1 body=$2
	shift 2
	RC=0
	OUT=$(curl -sS -m 5 -w '\n%{http_code}' -H 'content-type: application/json' "$@" -d "$body" "$BASE$path" 2>&1) || RC=$?
}
# the reply body without curl's status line; no `head` in the pipe, which under pipefail could fail
# on a SIGPIPE of its writer
body_of() {
	printf '%s\n' "${OUT%$'\n'*}"
}
script() {
	post /_fake/script "$1" -X PUT
	[ "$RC" -eq 0 ] || die "cannot load a script: $OUT"
}

# Anthropic and OpenAI shapes of the same scripted reply
script '{"default":{"text":"hello","usage":{"input":5,"output":2,"cache_read":7,"cache_write":1}}}'
post /v1/messages '{"model":"m","messages":[{"role":"user","content":"hi"}]}'
body_of | jq -e '.type == "message" and .content[0].text == "hello" and .stop_reason == "end_turn"
	and .usage.cache_read_input_tokens == 7 and .usage.cache_creation_input_tokens == 1' >/dev/null \
	|| die "anthropic reply: $OUT"
post /v1/chat/completions '{"model":"m","messages":[{"role":"user","content":"hi"}]}'
body_of | jq -e '.choices[0].message.content == "hello" and .choices[0].finish_reason == "stop"
	and .usage.prompt_tokens == 12 and .usage.prompt_tokens_details.cached_tokens == 7' >/dev/null \
	|| die "openai reply: $OUT"

# parallel tool calls; refusal and max_tokens in both dialects
script '{"rules":[{"contains":"tools please","reply":{"tool_calls":[{"name":"read_file","input":{"path":"a"}},{"name":"list_files","input":{}}]}},
	{"contains":"refuse","reply":{"stop":"refusal"}},{"contains":"long","reply":{"stop":"max_tokens"}}]}'
post /v1/messages '{"model":"m","messages":[{"role":"user","content":"tools please"}]}'
body_of | jq -e '[.content[].type] == ["tool_use","tool_use"] and .stop_reason == "tool_use"' >/dev/null || die "anthropic tools: $OUT"
post /v1/chat/completions '{"model":"m","messages":[{"role":"user","content":"tools please"}]}'
body_of | jq -e '(.choices[0].message.tool_calls | length) == 2 and .choices[0].finish_reason == "tool_calls"
	and (.choices[0].message.tool_calls[0].function.arguments | fromjson | .path) == "a"' >/dev/null || die "openai tools: $OUT"
post /v1/chat/completions '{"messages":[{"role":"user","content":"refuse"}]}'
body_of | jq -e '.choices[0].finish_reason == "content_filter"' >/dev/null || die "openai refusal: $OUT"
post /v1/chat/completions '{"messages":[{"role":"user","content":"long"}]}'
body_of | jq -e '.choices[0].finish_reason == "length"' >/dev/null || die "openai length: $OUT"

# FIFO replies, then the default; turn matching counts OpenAI tool messages as one turn
script '{"rules":[{"replies":[{"text":"one"},{"text":"two"}]},{"messages":3,"reply":{"text":"third turn"}}],"default":{"text":"dflt"}}'
for want in one two dflt; do
	post /v1/messages '{"messages":[{"role":"user","content":"x"}]}'
	body_of | jq -e --arg w "$want" '.content[0].text == $w' >/dev/null || die "fifo: want $want: $OUT"
done
post /v1/chat/completions '{"messages":[{"role":"system","content":"s"},{"role":"user","content":"x"},
	{"role":"assistant","tool_calls":[]},{"role":"tool","content":"a"},{"role":"tool","content":"b"}]}'
body_of | jq -e '.choices[0].message.content == "third turn"' >/dev/null || die "turns: $OUT"

# errors carry the provider's error shape and headers
script '{"rules":[{"replies":[{"status":429,"retry_after":"0.2"},{"status":529},{"status":401}]}]}'
OUT=$(curl -sS -i -m 5 -d '{}' "$BASE/v1/messages")
expect_in "$OUT" "HTTP/1.1 429"
expect_in "$OUT" "retry-after: 0.2"
expect_in "$OUT" '"rate_limit_error"'
post /v1/messages '{}'
expect_in "$OUT" '"overloaded_error"'
post /v1/chat/completions '{}'
expect_in "$OUT" '"invalid_api_key"'

# faults on the wire
script '{"rules":[{"contains":"html","reply":{"fault":"html"}},{"contains":"trunc","reply":{"fault":"truncate"}},
	{"contains":"drop","reply":{"fault":"drop"}},{"contains":"badjson","reply":{"fault":"invalid_json"}},
	{"contains":"hang","reply":{"fault":"hang"}}]}'
post /v1/messages '"html"'
expect_in "$OUT" "502 Bad Gateway"
post /v1/messages '"trunc"'
[ "$RC" -eq 18 ] || die "truncate: expected curl exit 18 (partial file), got $RC: $OUT"
post /v1/messages '"drop"'
[ "$RC" -eq 52 ] || die "drop: expected curl exit 52 (empty reply), got $RC: $OUT"
post /v1/messages '"badjson"'
body_of | jq . >/dev/null 2>&1 && die "invalid_json: the body parsed: $OUT"
RC=0
curl -sS -m 0.3 -d '"hang"' "$BASE/v1/messages" >/dev/null 2>&1 || RC=$?
[ "$RC" -eq 28 ] || die "hang: expected curl exit 28 (timeout), got $RC"

# every request is logged with its body, in memory and in --log
N=$(curl -sS "$BASE/_fake/log" | jq 'length')
[ "$N" -eq 5 ] || die "log: expected the 5 requests since the last script, got $N"
grep -q 'trunc' "$TMP/requests.jsonl" || die "--log misses a request body"

# 16 requests at once are served concurrently (the benchmark depends on it)
script '{"default":{"latency_ms":300}}'
start=$(date +%s%N)
for i in $(seq 16); do curl -sS -m 5 -d '{}' "$BASE/v1/messages" >/dev/null & done
wait_all=0
for job in $(jobs -p); do [ "$job" = "$FAKE_PID" ] && continue; wait "$job" || wait_all=1; done
[ "$wait_all" -eq 0 ] || die "a concurrent request failed"
elapsed=$(( ($(date +%s%N) - start) / 1000000 ))
[ "$elapsed" -lt 4000 ] || die "16 concurrent requests of 300 ms took ${elapsed} ms"
curl -sS "$BASE/_fake/stats" | jq -e '.max_concurrent >= 8' >/dev/null || die "the fake served requests one by one"

# 2. the scheduler's fault suite
SCHED=$(dirname "$TRIBUNAL")/tests/test_llm_sched
if [ ! -x "$SCHED" ]; then
	make -s BUILD="$(dirname "$TRIBUNAL")" "$SCHED" >/dev/null || die "cannot build $SCHED"
fi
"$SCHED" >"$TMP/sched.out" 2>&1 || { cat "$TMP/sched.out" >&2; die "tests/unit/test_llm_sched.c failed"; }
grep -q "PASSED" "$TMP/sched.out" || die "test_llm_sched did not report"
