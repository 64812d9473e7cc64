/* llm/classify.c: what a finished attempt means (a reply, a retry, a final failure) and the message
 * a user reads about it: the variable to fix, the model, the status and the first bytes of a proxy's
 * page, curl's TLS error. Provider text in messages is cut short, escaped and stripped of keys. */
#include "llm/client_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "llm/wire.h"
#include "util/err.h"
#include "util/escape.h"

char *llm_fmt(const char *f, ...)
{
	struct trb_buf b = TRB_BUF_INIT(TRB_LIMIT_SMALL);
	va_list ap;

	va_start(ap, f);
	trb_buf_vprintf(&b, f, ap);
	va_end(ap);
	return trb_buf_detach(&b);
}

/* Replaces every occurrence of key in buf[0..len) with '*' (the text may hold NUL bytes). */
static void redact(char *buf, size_t len, const char *key)
{
	size_t klen = strlen(key), i;

	if (klen < 4 || klen > len)
		return;
	for (i = 0; i + klen <= len; i++)
		if (buf[i] == key[0] && memcmp(buf + i, key, klen) == 0) {
			memset(buf + i, '*', klen);
			i += klen - 1;
		}
}

/* Provider text for a message: keys redacted (before cutting, so no half key survives), at most
 * max bytes, escaped for a terminal. */
static void put_provider_text(const struct llm_client *c, struct trb_buf *out, const char *s, size_t len,
			      size_t max)
{
	struct trb_buf tmp = TRB_BUF_INIT(TRB_LIMIT_SMALL);
	size_t i, keep = len;
	bool cut = len > max;

	/* enough to catch a key that starts before the cut */
	if (keep > max + 1024)
		keep = max + 1024;
	trb_buf_put(&tmp, s, keep);
	if (trb_buf_error(&tmp) < 0 || !tmp.ptr) {
		trb_buf_dispose(&tmp);
		return;
	}
	for (i = 0; i < N_PROVIDERS; i++)
		if (c->prov[i].key)
			redact(tmp.ptr, tmp.len, c->prov[i].key);
	trb_escape_term(out, tmp.ptr, cut ? max : tmp.len);
	if (cut)
		trb_buf_puts(out, "...");
	trb_buf_dispose(&tmp);
}

static bool mentions_context(const char *msg, const char *type)
{
	static const char *const words[] = {
		"context length", "context_length", "context window", "prompt is too long",
		"too many tokens", "maximum context", "input is too long", "request too large",
		"reduce the length", "too large", "exceeds the maximum",
	};
	struct trb_buf low = TRB_BUF_INIT(TRB_LIMIT_SMALL);
	size_t i;
	bool hit = false;

	if (type && (strstr(type, "context_length") || !strcmp(type, "request_too_large") ||
		     !strcmp(type, "string_above_max_length")))
		return true;
	if (!msg)
		return false;
	trb_buf_put(&low, msg, strnlen(msg, 4096));
	if (trb_buf_error(&low) < 0 || !low.ptr)
		goto done;
	for (i = 0; i < low.len; i++)
		if (low.ptr[i] >= 'A' && low.ptr[i] <= 'Z')
			low.ptr[i] = (char)(low.ptr[i] - 'A' + 'a');
	for (i = 0; i < sizeof(words) / sizeof(words[0]) && !hit; i++)
		hit = strstr(low.ptr, words[i]) != NULL;
done:
	trb_buf_dispose(&low);
	return hit;
}

bool llm_looks_html(const struct call *k)
{
	size_t i = 0;

	if (k->html)
		return true;
	while (i < k->rbody.len && (k->rbody.ptr[i] == ' ' || k->rbody.ptr[i] == '\n' ||
				    k->rbody.ptr[i] == '\r' || k->rbody.ptr[i] == '\t'))
		i++;
	return i < k->rbody.len && k->rbody.ptr[i] == '<';
}


/* "HTTP 502 from https://host: " plus what the body says, escaped. */
void llm_describe_body(const struct llm_client *c, const struct call *k, struct trb_buf *b, long status,
			  const cJSON *root)
{
	const char *m;

	if (llm_looks_html(k)) {
		trb_buf_printf(b, "HTTP %ld from %s is an HTML page, not a model reply (a proxy or gateway in the way?): \"",
			       status, c->prov[k->provider].origin);
		put_provider_text(c, b, k->rbody.ptr ? k->rbody.ptr : "", k->rbody.len, SNIPPET_BYTES);
		trb_buf_putc(b, '"');
	} else if (root && (m = llm_wire_error_message(root))) {
		trb_buf_printf(b, "HTTP %ld from %s: ", status, c->prov[k->provider].origin);
		put_provider_text(c, b, m, strlen(m), PROVIDER_MSG_BYTES);
	} else if (k->rbody.len > 0) {
		trb_buf_printf(b, "HTTP %ld from %s: \"", status, c->prov[k->provider].origin);
		put_provider_text(c, b, k->rbody.ptr, k->rbody.len, SNIPPET_BYTES);
		trb_buf_putc(b, '"');
	} else {
		trb_buf_printf(b, "HTTP %ld from %s with an empty body", status, c->prov[k->provider].origin);
	}
}

void llm_classify_http(struct llm_client *c, struct call *k, long status, struct verdict *v)
{
	const struct provider *p = &c->prov[k->provider];
	const struct config_agent *a = &c->policy->agents[k->agent];
	struct trb_buf b = TRB_BUF_INIT(TRB_LIMIT_SMALL);
	cJSON *root = NULL;

	if (!llm_looks_html(k) && k->rbody.len > 0)
		root = cJSON_ParseWithLength(k->rbody.ptr, k->rbody.len);
	v->delay_ms = -1;
	if (status == 401 || status == 403) {
		v->outcome = LLM_AUTH;
		/* no body text: OpenAI echoes part of a rejected key */
		if (a->no_key)
			trb_buf_printf(&b, "the server at %s asks for an API key (HTTP %ld), but agents.%s.no_key is set; "
				       "unset no_key and set %s", p->origin, status, config_agent_name(k->agent), p->key_var);
		else if (status == 401)
			trb_buf_printf(&b, "%s was rejected by %s (HTTP 401): check that the key is valid and not revoked",
				       p->key_var, p->origin);
		else
			trb_buf_printf(&b, "%s may not use model '%s' at %s (HTTP 403): check the key's permissions",
				       p->key_var, k->model, p->origin);
	} else if (status == 404) {
		v->outcome = LLM_NOT_FOUND;
		trb_buf_printf(&b, "model '%s' was not found (HTTP 404 from %s): check agents.%s.model and %s; ",
			       k->model, p->origin, config_agent_name(k->agent), p->base_var);
		llm_describe_body(c, k, &b, status, root);
	} else if (status == 413 ||
		   (status == 400 && root && mentions_context(llm_wire_error_message(root), llm_wire_error_type(root)))) {
		v->outcome = LLM_CONTEXT;
		trb_buf_printf(&b, "the request (%zu bytes, about %llu tokens) is too long for model '%s': ",
			       k->body_len, (unsigned long long)k->est_tokens, k->model);
		llm_describe_body(c, k, &b, status, root);
	} else if (status == 429) {
		v->outcome = LLM_RATE_LIMITED;
		v->retry = v->rate_limit = true;
		v->delay_ms = k->retry_after_ms;
		trb_buf_printf(&b, "rate limited by %s (HTTP 429)", p->origin);
	} else if (status == 408) {
		v->outcome = LLM_TIMEOUT;
		v->retry = true;
		v->delay_ms = k->retry_after_ms;
		trb_buf_printf(&b, "%s timed out the request (HTTP 408)", p->origin);
	} else if (status >= 500 && status <= 599) {
		v->outcome = LLM_SERVER;
		v->retry = true;
		v->delay_ms = k->retry_after_ms;
		if (status == 529)
			trb_buf_printf(&b, "%s is overloaded (HTTP 529)", p->origin);
		else
			llm_describe_body(c, k, &b, status, root);
	} else if (status >= 400 && status <= 499) {
		v->outcome = LLM_BAD_REQUEST;
		trb_buf_printf(&b, "the provider rejected the request for model '%s': ", k->model);
		llm_describe_body(c, k, &b, status, root);
	} else {
		v->outcome = LLM_BAD_REPLY;
		trb_buf_printf(&b, "unexpected HTTP %ld from %s", status, p->origin);
	}
	cJSON_Delete(root);
	v->msg = trb_buf_detach(&b);
}

void llm_classify_curl(struct llm_client *c, struct call *k, CURLcode rc, struct verdict *v)
{
	const char *origin = c->prov[k->provider].origin;
	const char *why = k->errbuf[0] ? k->errbuf : curl_easy_strerror(rc);

	v->delay_ms = -1;
	switch (rc) {
	case CURLE_WRITE_ERROR:
		if (k->too_large) {
			v->outcome = LLM_BAD_REPLY;
			v->msg = llm_fmt("the reply from %s is larger than %zu bytes", origin, c->o.max_response_bytes);
			return;
		}
		break;
	case CURLE_OPERATION_TIMEDOUT:
		if (k->deadline_bound) {
			v->outcome = LLM_DEADLINE;
			v->msg = llm_fmt("budget.timeout_s (%u s) ran out while waiting for %s",
				     c->policy->budget.timeout_s, origin);
			return;
		}
		v->outcome = LLM_TIMEOUT;
		v->retry = true;
		v->msg = llm_fmt("no answer from %s within %u ms", origin, c->o.attempt_timeout_ms);
		return;
	case CURLE_PARTIAL_FILE:
		v->outcome = LLM_NETWORK;
		v->retry = true;
		v->msg = llm_fmt("the reply from %s was cut short: %s", origin, why);
		return;
	case CURLE_GOT_NOTHING:
	case CURLE_RECV_ERROR:
	case CURLE_SEND_ERROR:
	case CURLE_COULDNT_CONNECT:
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_HTTP2:
	case CURLE_HTTP2_STREAM:
		v->outcome = LLM_NETWORK;
		v->retry = true;
		v->msg = llm_fmt("connection to %s failed: %s", origin, why);
		return;
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_CRL_BADFILE:
		v->outcome = LLM_NETWORK;
		v->msg = llm_fmt("TLS failure talking to %s: %s (check CURL_CA_BUNDLE, SSL_CERT_FILE and SSL_CERT_DIR)",
				 origin, why);
		return;
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CIPHER:
	case CURLE_SSL_ISSUER_ERROR:
	case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
	case CURLE_SSL_ENGINE_INITFAILED:
		v->outcome = LLM_NETWORK;
		v->msg = llm_fmt("TLS failure talking to %s: %s (behind a TLS-inspecting proxy? set CURL_CA_BUNDLE "
			     "or SSL_CERT_FILE to its CA bundle)", origin, why);
		return;
	default:
		break;
	}
	v->outcome = LLM_NETWORK;
	v->msg = llm_fmt("request to %s failed: %s", origin, why);
}
