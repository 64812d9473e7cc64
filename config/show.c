/* config/show.c: the effective policy as YAML (libyaml's emitter does the quoting), the starter
 * policy, and the category switches. */
#include "config/config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "util/buf.h"
#include "util/err.h"

struct em {
	yaml_emitter_t e;
	bool failed;
};

static int write_handler(void *data, unsigned char *buffer, size_t size)
{
	return trb_buf_put(data, buffer, size) == 0;
}

static void ev(struct em *m, yaml_event_t *event, int ok)
{
	if (!ok || m->failed || !yaml_emitter_emit(&m->e, event))
		m->failed = true;
}

static void scalar(struct em *m, const char *s, bool plain)
{
	yaml_event_t e;

	ev(m, &e, yaml_scalar_event_initialize(&e, NULL, NULL, (yaml_char_t *)s, (int)strlen(s), plain, !plain,
					      plain ? YAML_PLAIN_SCALAR_STYLE : YAML_ANY_SCALAR_STYLE));
}

static void str(struct em *m, const char *s)
{
	scalar(m, s ? s : "", false);
}

static void map_start(struct em *m, bool flow)
{
	yaml_event_t e;

	ev(m, &e, yaml_mapping_start_event_initialize(&e, NULL, NULL, 1, flow ? YAML_FLOW_MAPPING_STYLE : YAML_BLOCK_MAPPING_STYLE));
}

static void map_end(struct em *m)
{
	yaml_event_t e;

	ev(m, &e, yaml_mapping_end_event_initialize(&e));
}

static void seq_start(struct em *m, bool flow)
{
	yaml_event_t e;

	ev(m, &e, yaml_sequence_start_event_initialize(&e, NULL, NULL, 1, flow ? YAML_FLOW_SEQUENCE_STYLE : YAML_BLOCK_SEQUENCE_STYLE));
}

static void seq_end(struct em *m)
{
	yaml_event_t e;

	ev(m, &e, yaml_sequence_end_event_initialize(&e));
}

static void kv_str(struct em *m, const char *k, const char *v)
{
	scalar(m, k, true);
	str(m, v);
}

static void kv_plain(struct em *m, const char *k, const char *v)
{
	scalar(m, k, true);
	scalar(m, v, true);
}

static void kv_num(struct em *m, const char *k, double v)
{
	char buf[64];

	snprintf(buf, sizeof(buf), "%.15g", v);
	kv_plain(m, k, buf);
}

static void kv_bool(struct em *m, const char *k, bool v)
{
	kv_plain(m, k, v ? "true" : "false");
}

static void kv_strv(struct em *m, const char *k, const struct config_strv *sv)
{
	size_t i;

	scalar(m, k, true);
	seq_start(m, true);
	for (i = 0; i < sv->n; i++)
		str(m, sv->v[i]);
	seq_end(m);
}

static void agent(struct em *m, const struct config *c, config_agent_t a)
{
	const struct config_agent *g = &c->agents[a];

	scalar(m, config_agent_name(a), true);
	map_start(m, false);
	kv_bool(m, "enabled", g->enabled);
	kv_plain(m, "provider", config_provider_name(g->provider));
	kv_str(m, "model", g->model);
	kv_num(m, "max_turns", g->max_turns);
	kv_num(m, "max_tokens", g->max_tokens);
	kv_num(m, "max_conversation_tokens", g->max_conversation_tokens);
	kv_num(m, "temperature", g->temperature);
	kv_bool(m, "no_key", g->no_key);
	if (a == CONFIG_AGENT_VERIFIER)
		kv_num(m, "votes", g->votes);
	if (a == CONFIG_AGENT_PATCHER) {
		kv_plain(m, "min_severity", trb_sev_name(g->min_severity));
		kv_bool(m, "reverify", g->reverify);
	}
	map_end(m);
}

int config_to_yaml(char **out, const struct config *c)
{
	struct trb_buf b = TRB_BUF_INIT(TRB_LIMIT_FILE);
	struct em m;
	yaml_event_t e;
	size_t i;
	int s;

	*out = NULL;
	memset(&m, 0, sizeof(m));
	if (!yaml_emitter_initialize(&m.e))
		return trb_err_oom();
	yaml_emitter_set_output(&m.e, write_handler, &b);
	yaml_emitter_set_unicode(&m.e, 1);
	yaml_emitter_set_width(&m.e, 100);
	ev(&m, &e, yaml_stream_start_event_initialize(&e, YAML_UTF8_ENCODING));
	ev(&m, &e, yaml_document_start_event_initialize(&e, NULL, NULL, NULL, 1));
	map_start(&m, false);
	kv_num(&m, "version", c->version);
	kv_plain(&m, "mode", config_mode_name(c->mode));
	scalar(&m, "gate", true);
	map_start(&m, false);
	kv_plain(&m, "fail_on", trb_sev_name(c->gate.fail_on));
	kv_num(&m, "min_confidence", c->gate.min_confidence);
	scalar(&m, "max_findings", true);
	map_start(&m, true);
	for (s = 0; s < TRB_SEV_COUNT; s++)
		if (c->gate.max_findings[s] >= 0)
			kv_num(&m, trb_sev_name((trb_sev_t)s), (double)c->gate.max_findings[s]);
	map_end(&m);
	kv_bool(&m, "require_verified", c->gate.require_verified);
	kv_bool(&m, "fail_on_uncertain", c->gate.fail_on_uncertain);
	map_end(&m);
	scalar(&m, "paths", true);
	map_start(&m, false);
	kv_strv(&m, "include", &c->include);
	kv_strv(&m, "exclude", &c->exclude);
	map_end(&m);
	kv_num(&m, "context_lines", c->context_lines);
	kv_num(&m, "max_file_bytes", (double)c->max_file_bytes);
	scalar(&m, "agents", true);
	map_start(&m, false);
	for (i = 0; i < CONFIG_AGENT_COUNT; i++)
		agent(&m, c, (config_agent_t)i);
	map_end(&m);
	scalar(&m, "budget", true);
	map_start(&m, false);
	kv_num(&m, "max_tokens", (double)c->budget.max_tokens);
	kv_num(&m, "max_usd", c->budget.max_usd);
	kv_num(&m, "concurrency", c->budget.concurrency);
	kv_num(&m, "timeout_s", c->budget.timeout_s);
	kv_num(&m, "unit_tokens", c->budget.unit_tokens);
	map_end(&m);
	kv_plain(&m, "on_error", c->on_error == CONFIG_ON_ERROR_FAIL ? "fail" : "pass");
	kv_bool(&m, "require_agents", c->require_agents);
	scalar(&m, "privacy", true);
	map_start(&m, false);
	kv_strv(&m, "never_send", &c->never_send);
	map_end(&m);
	scalar(&m, "categories", true);
	map_start(&m, false);
	kv_strv(&m, "enable", &c->categories_enable);
	kv_strv(&m, "disable", &c->categories_disable);
	map_end(&m);
	scalar(&m, "instructions", true);
	seq_start(&m, false);
	for (i = 0; i < c->n_instructions; i++) {
		map_start(&m, false);
		kv_strv(&m, "paths", &c->instructions[i].paths);
		kv_str(&m, "text", c->instructions[i].text);
		map_end(&m);
	}
	seq_end(&m);
	scalar(&m, "rules", true);
	seq_start(&m, false);
	for (i = 0; i < c->n_rules; i++) {
		const struct config_rule *r = &c->rules[i];
		map_start(&m, false);
		kv_str(&m, "id", r->id);
		kv_str(&m, "pattern", r->pattern);
		kv_str(&m, "message", r->message);
		kv_plain(&m, "severity", trb_sev_name(r->severity));
		if (r->cwe)
			kv_str(&m, "cwe", r->cwe);
		if (r->paths.n)
			kv_strv(&m, "paths", &r->paths);
		if (r->languages.n)
			kv_strv(&m, "languages", &r->languages);
		kv_bool(&m, "standalone", r->standalone);
		map_end(&m);
	}
	seq_end(&m);
	scalar(&m, "suppressions", true);
	seq_start(&m, false);
	for (i = 0; i < c->n_suppressions; i++) {
		const struct config_suppression *sp = &c->suppressions[i];
		char date[16];
		map_start(&m, false);
		if (sp->fingerprint)
			kv_str(&m, "fingerprint", sp->fingerprint);
		if (sp->rule)
			kv_str(&m, "rule", sp->rule);
		if (sp->path)
			kv_str(&m, "path", sp->path);
		kv_str(&m, "reason", sp->reason);
		if (sp->owner)
			kv_str(&m, "owner", sp->owner);
		if (sp->expires) {
			snprintf(date, sizeof(date), "%04d-%02d-%02d", sp->expires / 10000, sp->expires / 100 % 100,
				 sp->expires % 100);
			kv_plain(&m, "expires", date);
		}
		map_end(&m);
	}
	seq_end(&m);
	scalar(&m, "prices", true);
	map_start(&m, false);
	for (i = 0; i < c->n_prices; i++) {
		str(&m, c->prices[i].model);
		map_start(&m, true);
		kv_num(&m, "input", c->prices[i].input_per_mtok);
		kv_num(&m, "output", c->prices[i].output_per_mtok);
		map_end(&m);
	}
	map_end(&m);
	map_end(&m);
	ev(&m, &e, yaml_document_end_event_initialize(&e, 1));
	ev(&m, &e, yaml_stream_end_event_initialize(&e));
	yaml_emitter_delete(&m.e);
	if (m.failed || trb_buf_error(&b) < 0) {
		trb_buf_dispose(&b);
		return trb_err_set(TRB_ERROR, "cannot write the policy as YAML");
	}
	*out = trb_buf_detach(&b);
	return *out ? 0 : trb_err_oom();
}

bool config_category_disabled(const struct config *c, const char *category, const char *cwe)
{
	size_t i;
	bool disabled = false;

	for (i = 0; i < c->categories_disable.n; i++)
		if ((category && strcmp(c->categories_disable.v[i], category) == 0) ||
		    (cwe && strcmp(c->categories_disable.v[i], cwe) == 0))
			disabled = true;
	/* an explicit enable wins over a disable (disable a category, keep one CWE of it) */
	for (i = 0; i < c->categories_enable.n; i++)
		if ((category && strcmp(c->categories_enable.v[i], category) == 0) ||
		    (cwe && strcmp(c->categories_enable.v[i], cwe) == 0))
			disabled = false;
	return disabled;
}

const char *config_starter(void)
{
	return "# .tribunal.yml: the policy tribunal reviews merge requests with.\n"
	       "# Reference: docs/policy.md. Check it with: tribunal policy check .tribunal.yml\n"
	       "# The policy is read from the merge request's BASE commit, so a merge request cannot\n"
	       "# weaken its own gate.\n"
	       "version: 1\n"
	       "\n"
	       "# block: a failing gate fails the job; comment/monitor: report only, never fail\n"
	       "mode: block\n"
	       "\n"
	       "gate:\n"
	       "  fail_on: high            # lowest severity that fails the gate: low|medium|high|critical|none\n"
	       "  min_confidence: 0.8      # findings below this confidence never fail the gate\n"
	       "  # max_findings: {medium: 5}   # also fail when there are more than 5 medium findings\n"
	       "  # require_verified: true      # only verifier-confirmed findings can fail the gate\n"
	       "\n"
	       "paths:\n"
	       "  include: [\"**\"]\n"
	       "  exclude: [\"vendor/**\", \"third_party/**\", \"**/testdata/**\"]\n"
	       "\n"
	       "agents:\n"
	       "  finder:   {provider: anthropic, model: claude-sonnet-4-5, max_turns: 12}\n"
	       "  verifier: {provider: anthropic, model: claude-sonnet-4-5, max_turns: 8, votes: 1}\n"
	       "  patcher:  {enabled: true, min_severity: medium, reverify: true}\n"
	       "\n"
	       "budget: {max_tokens: 2000000, max_usd: 5.0, concurrency: 8, timeout_s: 900}\n"
	       "\n"
	       "on_error: pass            # fail: exit 3 when a unit could not be reviewed\n"
	       "require_agents: false     # true: exit 3 when no model reviewed the code (no API key)\n"
	       "\n"
	       "privacy:\n"
	       "  never_send: [\"**/*.pem\", \"**/*.key\", \"secrets/**\"]   # never leaves the machine\n"
	       "\n"
	       "# categories: {disable: [dos]}\n"
	       "# instructions:\n"
	       "#   - paths: [\"api/**\"]\n"
	       "#     text: \"Every handler must call require_tenant() before reading data.\"\n"
	       "# rules:\n"
	       "#   - {id: no-md5, pattern: \"\\\\bmd5\\\\(\", message: \"MD5 is not allowed\", severity: medium}\n"
	       "# suppressions:\n"
	       "#   - {fingerprint: \"<from findings.json>\", reason: \"accepted risk, SEC-123\", expires: 2027-01-31}\n";
}
