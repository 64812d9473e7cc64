/* agents/agents.h: the finder, verifier and patcher agents.
 * In: the diff's review units (head tree via libgit2), the policy, the deterministic rule hits
 *     (hints) and redaction, an llm client (NULL when no agent can run), a per-run nonce.
 * Out: candidate findings appended to struct findings (confirmed, rejected with the verifier's
 *     reason, uncertain, unverified), patches that apply to the head tree, units not reviewed with
 *     the reason, prompt hashes and models in the run record.
 * Agents read the repository only through read-only tools on the head commit's tree; model output
 * is validated field by field; nothing is ever written to the repository. */
#ifndef TRB_AGENTS_AGENTS_H
#define TRB_AGENTS_AGENTS_H

#include <stdbool.h>
#include <stddef.h>

#include "config/config.h"
#include "diff/diff.h"
#include "findings/findings.h"
#include "llm/llm.h"
#include "rules/rules.h"

struct agents_estimate {
	struct {
		bool enabled;
		const char *model;         /* borrowed from the policy */
		size_t input_tokens;
		size_t output_tokens;
		double cost_usd;
		bool price_known;
	} agent[CONFIG_AGENT_COUNT];
	size_t input_tokens;
	size_t output_tokens;
	double cost_usd;
	bool price_known;              /* false when a model has no known price */
};

/* Estimates a scan of units whose estimated code tokens are unit_tokens[0..n) (docs/plan.md). */
void agents_estimate(struct agents_estimate *out, const struct config *policy, const size_t *unit_tokens,
		     size_t n);

struct agents_options {
	struct diff *diff;                 /* units, files, the repository */
	const struct config *policy;
	const struct rules *rules;         /* redaction of secrets before code leaves; NULL: none */
	const struct rules_hits *hints;    /* rule hits of every file; NULL: none */
	struct llm_client *llm;            /* NULL: the agents do not run (units not reviewed) */
	const char *no_agent_reason;       /* why llm is NULL: "no credentials", ... */
	unsigned shard;                    /* review the units of this shard (1-based) */
	const char *cache_dir;             /* NULL: no review cache */
	/* The cache directory's path inside the repository's working tree ("" for its root), or NULL
	 * when it lies outside: an entry that is committed in the repository is never trusted. */
	const char *cache_repo_path;
	const char *prompts_dir;           /* NULL: the built-in prompts */
	const char *nonce;                 /* random per run: delimits untrusted text in prompts */
	void (*progress)(const char *line, void *payload);   /* may be NULL */
	void *payload;
};

/* Reviews every unit of the shard: finder, then a verifier conversation per candidate (votes),
 * then the patcher for confirmed findings. Appends findings and not-reviewed units to fs. All
 * conversations run concurrently through the llm client. Returns 0, or TRB_ENOMEM / TRB_EIO for
 * failures of tribunal itself (a model or provider failure is never an error here: it becomes a
 * not-reviewed unit or an unverified finding). */
int agents_run(struct findings *fs, const struct agents_options *o);

#endif
