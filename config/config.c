#include "config/config_int.h"

#include <stdlib.h>
#include <string.h>

#include "util/err.h"
#include "util/glob.h"

static const char *const agent_names[] = {"finder", "verifier", "patcher"};
static const char *const provider_names[] = {"anthropic", "openai"};
static const char *const mode_names[] = {"block", "comment", "monitor"};

const char *config_agent_name(config_agent_t a)
{
	return (unsigned)a < CONFIG_AGENT_COUNT ? agent_names[a] : "?";
}

const char *config_provider_name(config_provider_t p)
{
	return (unsigned)p <= CONFIG_PROVIDER_OPENAI ? provider_names[p] : "?";
}

const char *config_mode_name(config_mode_t m)
{
	return (unsigned)m <= CONFIG_MODE_MONITOR ? mode_names[m] : "?";
}

int config_strv_push(struct config_strv *sv, const char *s)
{
	char **v;

	if (!(v = realloc(sv->v, (sv->n + 1) * sizeof(*v))))
		return trb_err_oom();
	sv->v = v;
	if (!(sv->v[sv->n] = strdup(s)))
		return trb_err_oom();
	sv->n++;
	return 0;
}

void config_strv_clear(struct config_strv *sv)
{
	size_t i;

	for (i = 0; i < sv->n; i++)
		free(sv->v[i]);
	free(sv->v);
	sv->v = NULL;
	sv->n = 0;
}

int config_new_default(struct config **out)
{
	struct config *c;
	int i, error = 0;

	*out = NULL;
	if (!(c = calloc(1, sizeof(*c))))
		return trb_err_oom();
	c->version = 1;
	c->mode = CONFIG_MODE_BLOCK;
	c->gate.fail_on = TRB_SEV_HIGH;
	c->gate.min_confidence = 0.8;
	for (i = 0; i < TRB_SEV_COUNT; i++)
		c->gate.max_findings[i] = -1;
	c->context_lines = 5;
	c->max_file_bytes = 1024 * 1024;
	for (i = 0; i < CONFIG_AGENT_COUNT; i++) {
		struct config_agent *a = &c->agents[i];
		a->enabled = true;
		a->provider = CONFIG_PROVIDER_ANTHROPIC;
		a->max_turns = i == CONFIG_AGENT_PATCHER ? 6 : (i == CONFIG_AGENT_FINDER ? 12 : 8);
		a->max_tokens = 8192;
		a->max_conversation_tokens = 200000;
		a->temperature = 0.0;
		a->votes = 1;
		a->min_severity = TRB_SEV_MEDIUM;
		a->reverify = true;
		if (!(a->model = strdup("claude-sonnet-4-5"))) {
			error = trb_err_oom();
			goto fail;
		}
	}
	c->budget.max_tokens = 2000000;
	c->budget.max_usd = 5.0;
	c->budget.concurrency = 8;
	c->budget.timeout_s = 900;
	c->budget.unit_tokens = 12000;
	c->on_error = CONFIG_ON_ERROR_PASS;
	if ((error = config_strv_push(&c->include, "**")) < 0)
		goto fail;
	*out = c;
	return 0;
fail:
	config_free(c);
	return error;
}

void config_free(struct config *c)
{
	size_t i;

	if (!c)
		return;
	config_strv_clear(&c->include);
	config_strv_clear(&c->exclude);
	for (i = 0; i < CONFIG_AGENT_COUNT; i++)
		free(c->agents[i].model);
	config_strv_clear(&c->categories_enable);
	config_strv_clear(&c->categories_disable);
	for (i = 0; i < c->n_instructions; i++) {
		config_strv_clear(&c->instructions[i].paths);
		free(c->instructions[i].text);
	}
	free(c->instructions);
	config_strv_clear(&c->never_send);
	for (i = 0; i < c->n_rules; i++) {
		struct config_rule *r = &c->rules[i];
		free(r->id);
		free(r->pattern);
		free(r->message);
		free(r->cwe);
		config_strv_clear(&r->paths);
		config_strv_clear(&r->languages);
	}
	free(c->rules);
	for (i = 0; i < c->n_suppressions; i++) {
		struct config_suppression *s = &c->suppressions[i];
		free(s->fingerprint);
		free(s->rule);
		free(s->path);
		free(s->reason);
		free(s->owner);
	}
	free(c->suppressions);
	for (i = 0; i < c->n_prices; i++)
		free(c->prices[i].model);
	free(c->prices);
	free(c->source_name);
	free(c);
}

static bool any_match(const struct config_strv *sv, const char *path)
{
	size_t i;

	for (i = 0; i < sv->n; i++)
		if (trb_glob_match(sv->v[i], path))
			return true;
	return false;
}

bool config_path_included(const struct config *c, const char *path)
{
	return any_match(&c->include, path) && !any_match(&c->exclude, path);
}

bool config_path_never_send(const struct config *c, const char *path)
{
	return any_match(&c->never_send, path);
}
