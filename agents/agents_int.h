/* agents/agents_int.h: private to agents/ (and its unit tests). */
#ifndef TRB_AGENTS_INT_H
#define TRB_AGENTS_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>
#include <git2.h>

#include "agents/agents.h"
#include "util/buf.h"

/* ---- prompts (agents/prompts.c, the embedded ones in build/gen/prompts.c) ---- */

struct agents_prompt_text {
	const char *name;
	const char *text;
	size_t len;
};

extern const struct agents_prompt_text agents_prompts_builtin[];
extern const size_t agents_n_prompts_builtin;

/* The prompt of an agent ("finder", "verifier", "patcher") from dir or the built-ins, with
 * {{NONCE}} replaced. *out is malloc'd; *hash (65 bytes) is the sha256 of the raw prompt. */
int agents_prompt_load(char **out, char hash[65], const char *name, const char *dir, const char *nonce);

/* ---- tools (agents/tools.c) ---- */

#define AGENTS_READ_MAX_LINES 400
#define AGENTS_READ_MAX_BYTES (48 * 1024)
#define AGENTS_SEARCH_MAX_MATCHES 100
#define AGENTS_SEARCH_MAX_FILES 20000
#define AGENTS_SEARCH_MAX_BYTES ((size_t)64 * 1024 * 1024)
#define AGENTS_LIST_MAX_ENTRIES 500
#define AGENTS_FILE_MAX_BYTES ((size_t)2 * 1024 * 1024)

struct agents_tools {
	git_repository *repo;
	git_tree *head;            /* owned */
	const struct config *policy;
	const struct rules *rules; /* redaction; may be NULL */
};

int agents_tools_init(struct agents_tools *t, git_repository *repo, const git_oid *head,
		      const struct config *policy, const struct rules *rules);
void agents_tools_dispose(struct agents_tools *t);

/* Runs a read-only tool. The result (or the error the model reads, *is_error set) is appended to
 * out. Returns 0, or TRB_ENOMEM; a refused path or a bad argument is a tool error, not a failure. */
int agents_tool_call(struct trb_buf *out, bool *is_error, struct agents_tools *t, const char *name,
		     const cJSON *args);

/* The JSON Schemas of the three read-only tools and of the report tools. */
extern const char agents_schema_read_file[];
extern const char agents_schema_search_code[];
extern const char agents_schema_list_files[];
extern const char agents_schema_report_findings[];
extern const char agents_schema_report_verdict[];
extern const char agents_schema_propose_patch[];

/* A head file's text (blob, not a symlink, within AGENTS_FILE_MAX_BYTES), or a static reason
 * why not (for the model). */
const char *agents_head_file(git_blob **out, struct agents_tools *t, const char *path);

/* ---- validation of model output (agents/validate.c) ---- */

/* A free-text category mapped to one of config_categories, and its default CWE. */
const char *agents_category(const char *text);
const char *agents_category_cwe(const char *category);

/* Validates a report_findings argument object into findings appended to out (source finder,
 * status unverified). Bad findings are dropped one by one and counted in *dropped. Returns 0,
 * or TRB_EINVAL with err set (for the model) when the whole report is malformed. */
int agents_validate_findings(struct findings *out, size_t *dropped, const cJSON *args, struct agents_tools *t,
			     size_t unit, char *err, size_t errlen);

struct agents_verdict {
	int verdict;               /* 0 confirmed, 1 rejected, 2 uncertain */
	bool exploitable, mitigated, consistent;
	trb_sev_t severity;
	double confidence;
	char *reason;
};

int agents_validate_verdict(struct agents_verdict *out, const cJSON *args, char *err, size_t errlen);

/* ---- patches (agents/patch.c) ---- */

/* Applies a unified diff to the head tree in memory (never to the working tree). On success the
 * patched text of the finding's file is in *patched (may be NULL when not wanted). Returns 0, or
 * TRB_EINVAL with a reason in why (does not parse, touches an unsafe path, does not apply). */
int agents_patch_apply(char **patched, size_t *patched_len, struct agents_tools *t, const char *patch,
		       const char *path, char *why, size_t whylen);

/* ---- the review cache (agents/cache.c) ---- */

/* A key from parts (each NUL-separated into the hash). */
void agents_cache_key(char key[65], const char *const *parts, size_t n);
/* Reads the entry for key; NULL when absent, unreadable, foreign (other key) or not JSON. */
cJSON *agents_cache_get(const char *dir, const char *kind, const char *key);
/* Writes the entry atomically into dir, which must exist (cmd/scan makes and checks it once); a
 * link planted at the entry's name is replaced, never written through. Failures are ignored (a
 * cache is an optimization). */
void agents_cache_put(const char *dir, const char *kind, const char *key, cJSON *payload);

#endif
