/* llm/price.c: built-in model prices (USD per million tokens), documented in docs/costs.md.
 * Checked against the providers' pricing pages; the policy's `prices` overrides any of them. */
#include "llm/llm.h"

#include <string.h>

static const struct {
	const char *prefix;
	double in, out;
} table[] = {
	{"claude-opus-4-5", 5, 25},
	{"claude-opus-4-6", 5, 25},
	{"claude-opus-4-1", 15, 75},
	{"claude-opus-4", 15, 75},
	{"claude-sonnet-4-5", 3, 15},
	{"claude-sonnet-4-6", 3, 15},
	{"claude-sonnet-4", 3, 15},
	{"claude-3-7-sonnet", 3, 15},
	{"claude-haiku-4-5", 1, 5},
	{"claude-3-5-haiku", 0.8, 4},
	{"gpt-4.1-nano", 0.1, 0.4},
	{"gpt-4.1-mini", 0.4, 1.6},
	{"gpt-4.1", 2, 8},
	{"gpt-4o-mini", 0.15, 0.6},
	{"gpt-4o", 2.5, 10},
	{"gpt-5-nano", 0.05, 0.4},
	{"gpt-5-mini", 0.25, 2},
	{"gpt-5", 1.25, 10},
	{"o4-mini", 1.1, 4.4},
	{"o3", 2, 8},
};

bool llm_price_lookup(struct llm_price *out, const struct config *policy, const char *model)
{
	size_t i, best_len = 0;
	bool found = false;

	memset(out, 0, sizeof(*out));
	if (!model)
		return false;
	if (policy) {
		for (i = 0; i < policy->n_prices; i++)
			if (strcmp(policy->prices[i].model, model) == 0) {
				out->input_per_mtok = policy->prices[i].input_per_mtok;
				out->output_per_mtok = policy->prices[i].output_per_mtok;
				found = true;
				break;
			}
	}
	if (!found) {
		for (i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
			size_t n = strlen(table[i].prefix);
			if (n > best_len && strncmp(model, table[i].prefix, n) == 0 &&
			    (model[n] == '\0' || model[n] == '-' || model[n] == '@')) {
				out->input_per_mtok = table[i].in;
				out->output_per_mtok = table[i].out;
				best_len = n;
				found = true;
			}
		}
	}
	if (found && strncmp(model, "claude", 6) == 0) {
		out->cache_read_factor = 0.1;
		out->cache_write_factor = 1.25;
	} else if (found) {
		out->cache_read_factor = 0.5;
		out->cache_write_factor = 1.0;
	}
	return found;
}

double llm_price_cost(const struct llm_price *p, size_t input, size_t output, size_t cache_read,
		      size_t cache_write)
{
	return ((double)input * p->input_per_mtok + (double)output * p->output_per_mtok +
		(double)cache_read * p->input_per_mtok * p->cache_read_factor +
		(double)cache_write * p->input_per_mtok * p->cache_write_factor) / 1e6;
}
