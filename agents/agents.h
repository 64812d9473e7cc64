/* agents/agents.h: the finder, verifier and patcher agents.
 * This part: how many tokens and dollars a scan of given units is expected to cost, used by
 * `tribunal plan` (no network). The formula is documented in docs/plan.md. */
#ifndef TRB_AGENTS_AGENTS_H
#define TRB_AGENTS_AGENTS_H

#include <stdbool.h>
#include <stddef.h>

#include "config/config.h"

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

/* Estimates a scan of units whose estimated code tokens are unit_tokens[0..n). */
void agents_estimate(struct agents_estimate *out, const struct config *policy, const size_t *unit_tokens,
		     size_t n);

#endif
