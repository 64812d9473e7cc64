/* config/config.h: the policy (.tribunal.yml) a security lead writes, validated and with defaults.
 * In: YAML text (from --policy FILE, the base commit, or nothing: the built-in default).
 * Out: struct config, owned by the caller; release with config_free().
 * Never weakens a gate silently: unknown keys, wrong types and bad values are errors with
 * FILE:LINE:COL, all of them reported in one run. */
#ifndef TRB_CONFIG_CONFIG_H
#define TRB_CONFIG_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "util/sev.h"

typedef enum { CONFIG_MODE_BLOCK, CONFIG_MODE_COMMENT, CONFIG_MODE_MONITOR } config_mode_t;
typedef enum { CONFIG_ON_ERROR_PASS, CONFIG_ON_ERROR_FAIL } config_on_error_t;
typedef enum { CONFIG_PROVIDER_ANTHROPIC, CONFIG_PROVIDER_OPENAI } config_provider_t;
typedef enum { CONFIG_AGENT_FINDER, CONFIG_AGENT_VERIFIER, CONFIG_AGENT_PATCHER, CONFIG_AGENT_COUNT } config_agent_t;

struct config_strv {
	char **v;
	size_t n;
};

struct config_agent {
	bool enabled;
	config_provider_t provider;
	char *model;
	unsigned max_turns;
	unsigned max_tokens;      /* output tokens per model call */
	unsigned max_conversation_tokens;  /* input + output tokens of one conversation, all turns
					    * summed; then it is asked to report (like max_turns) */
	double temperature;
	unsigned votes;           /* verifier: independent verdicts, majority wins */
	trb_sev_t min_severity;   /* patcher: only findings at or above */
	bool reverify;            /* patcher: ask the verifier about the patched code */
	bool no_key;              /* self-hosted server that needs no API key */
};

struct config_instruction {
	struct config_strv paths;
	char *text;
};

struct config_rule {
	char *id;
	char *pattern;
	char *message;
	trb_sev_t severity;
	char *cwe;                /* "CWE-NNN" or NULL */
	struct config_strv paths;
	struct config_strv languages;
	bool standalone;
	size_t line, col;         /* where it was written, for error messages */
};

struct config_suppression {
	char *fingerprint;        /* either this... */
	char *rule;               /* ...or rule + path glob */
	char *path;
	char *reason;
	char *owner;
	int expires;              /* yyyymmdd, 0 when none */
	bool expired;             /* set by config_expire() */
	size_t line, col;
};

struct config_price {
	char *model;
	double input_per_mtok;
	double output_per_mtok;
};

struct config {
	int version;
	config_mode_t mode;
	struct {
		trb_sev_t fail_on;
		double min_confidence;
		long max_findings[TRB_SEV_COUNT];   /* -1: no limit */
		bool require_verified;
		bool fail_on_uncertain;
	} gate;
	struct config_strv include;
	struct config_strv exclude;
	unsigned context_lines;
	size_t max_file_bytes;
	struct config_agent agents[CONFIG_AGENT_COUNT];
	struct {
		uint64_t max_tokens;
		double max_usd;
		unsigned concurrency;
		unsigned timeout_s;
		unsigned unit_tokens;    /* token budget of one review unit */
	} budget;
	config_on_error_t on_error;
	bool require_agents;
	struct config_strv categories_enable;
	struct config_strv categories_disable;
	struct config_instruction *instructions;
	size_t n_instructions;
	struct config_strv never_send;
	struct config_rule *rules;
	size_t n_rules;
	struct config_suppression *suppressions;
	size_t n_suppressions;
	struct config_price *prices;
	size_t n_prices;
	char *source_name;           /* file name used in messages, e.g. ".tribunal.yml@base" */
};

/* The built-in default policy (what runs when a repository has none). */
int config_new_default(struct config **out);
void config_free(struct config *c);

/* ---- loading -------------------------------------------------------------------------------- */

/* One problem found in a policy, at a 1-based line and column. */
struct config_diag {
	size_t line, col;
	bool warning;
	char *msg;
};

struct config_diags {
	struct config_diag *v;
	size_t n;
	size_t errors;
};

#define CONFIG_MAX_BYTES ((size_t)1024 * 1024)
#define CONFIG_MAX_DEPTH 32
#define CONFIG_MAX_NODES 20000   /* node visits, aliases included: no billion laughs */

/* Parses and validates a policy. `name` is used in messages; `today` (yyyymmdd) decides which
 * suppressions expired (they become warnings and stop suppressing). Every problem is appended to
 * diags (all of them, not just the first). Returns 0 (warnings allowed) with *out set, or
 * TRB_EINVAL when there was an error, with *out NULL. */
int config_load(struct config **out, struct config_diags *diags, const char *name, const char *text,
		size_t len, int today);
/* Prints diags as NAME:LINE:COL: error|warning: MESSAGE, one per line, escaped for a terminal. */
void config_diags_print(FILE *f, const struct config_diags *diags, const char *name);
void config_diags_dispose(struct config_diags *diags);

/* The effective policy as YAML (defaults filled in), malloc'd. */
int config_to_yaml(char **out, const struct config *c);
/* A commented starter policy. */
const char *config_starter(void);

/* The categories findings are filed under (policy `categories`, agents' mapping). */
extern const char *const config_categories[];
extern const size_t config_n_categories;
/* True when a finding of this category / CWE is switched off by the policy. */
bool config_category_disabled(const struct config *c, const char *category, const char *cwe);
/* Languages a custom rule can name: the canonical names, "other" (no known language) last. */
extern const char *const config_languages[];
extern const size_t config_n_languages;
/* The canonical name for a language name or alias ("js", "py", "c++", "text"...), any case;
 * NULL when unknown. The loader stores canonical names only. */
const char *config_language_name(const char *name);

/* PCRE2 compile options of the policy's rule patterns, for the loader (`policy check`) and for
 * rules/ (`scan`) alike, so a pattern valid for one is valid for the other. Expands to PCRE2
 * names: include <pcre2.h> where it is used. MULTILINE: a subject is a run of added lines and
 * ^/$ mean a line's ends. NEVER_UTF: repository text need not be UTF-8, and (*UTF) would make an
 * invalid byte an error. NEVER_BACKSLASH_C: \C could split a character. */
#define CONFIG_RULE_PCRE2_OPTIONS (PCRE2_MULTILINE | PCRE2_NEVER_UTF | PCRE2_NEVER_BACKSLASH_C)

/* True when the path passes paths.include and is not in paths.exclude. */
bool config_path_included(const struct config *c, const char *path);
/* True when the path matches privacy.never_send. */
bool config_path_never_send(const struct config *c, const char *path);

const char *config_agent_name(config_agent_t a);
const char *config_provider_name(config_provider_t p);
const char *config_mode_name(config_mode_t m);

#endif
