/* llm/llm.h: every call to a model provider goes through here (Anthropic Messages and
 * OpenAI-compatible chat completions over libcurl). Nothing else in tribunal knows HTTP.
 * This part: the price table used for budgets and estimates. */
#ifndef TRB_LLM_LLM_H
#define TRB_LLM_LLM_H

#include <stdbool.h>
#include <stddef.h>

#include "config/config.h"

struct llm_price {
	double input_per_mtok;       /* USD per million input tokens */
	double output_per_mtok;
	double cache_read_factor;    /* of the input price (Anthropic: 0.1) */
	double cache_write_factor;   /* of the input price (Anthropic 5-minute cache: 1.25) */
};

/* The price of a model: the policy's `prices` first, then the built-in table (longest prefix
 * match, so dated model ids find their family). False when unknown. */
bool llm_price_lookup(struct llm_price *out, const struct config *policy, const char *model);

/* USD for a call's usage; 0 when the price is unknown. */
double llm_price_cost(const struct llm_price *p, size_t input, size_t output, size_t cache_read,
		      size_t cache_write);

#endif
