/* agents/estimate.c: the cost model behind `tribunal plan` (docs/plan.md explains each number). */
#include "agents/agents.h"

#include <string.h>

#include "llm/llm.h"

/* system prompt, tool definitions and per-unit framing */
#define PROMPT_TOKENS 3000
/* the finder re-sends its conversation on each tool turn; three turns is typical */
#define FINDER_TURNS 3
#define FINDER_OUTPUT 1500
/* one candidate per unit on average, verified in two turns */
#define VERIFIER_TURNS 2
#define VERIFIER_OUTPUT 600
/* a patch for one candidate in four */
#define PATCHER_SHARE_PCT 25
#define PATCHER_OUTPUT 1000

void agents_estimate(struct agents_estimate *out, const struct config *policy, const size_t *unit_tokens,
		     size_t n)
{
	size_t i, a;

	memset(out, 0, sizeof(*out));
	out->price_known = true;
	for (a = 0; a < CONFIG_AGENT_COUNT; a++) {
		const struct config_agent *ag = &policy->agents[a];
		struct llm_price price;
		size_t in = 0, outp = 0;

		out->agent[a].enabled = ag->enabled;
		out->agent[a].model = ag->model;
		if (!ag->enabled)
			continue;
		for (i = 0; i < n; i++) {
			size_t ctx = PROMPT_TOKENS + unit_tokens[i];
			switch (a) {
			case CONFIG_AGENT_FINDER:
				in += ctx * FINDER_TURNS;
				outp += FINDER_OUTPUT;
				break;
			case CONFIG_AGENT_VERIFIER:
				in += ctx * VERIFIER_TURNS * ag->votes;
				outp += VERIFIER_OUTPUT * ag->votes;
				break;
			default:
				in += ctx * 2 * PATCHER_SHARE_PCT / 100;
				outp += PATCHER_OUTPUT * PATCHER_SHARE_PCT / 100;
				break;
			}
		}
		out->agent[a].input_tokens = in;
		out->agent[a].output_tokens = outp;
		out->input_tokens += in;
		out->output_tokens += outp;
		out->agent[a].price_known = llm_price_lookup(&price, policy, ag->model);
		if (out->agent[a].price_known) {
			out->agent[a].cost_usd = llm_price_cost(&price, in, outp, 0, 0);
			out->cost_usd += out->agent[a].cost_usd;
		} else {
			out->price_known = false;
		}
	}
}
