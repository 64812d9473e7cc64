/* bench/llm_bench.c: drives llm/ against tests/fake_provider.py for bench/llm_bench.sh.
 * usage: llm_bench REQUESTS CONCURRENCY BASE_URL
 * Submits REQUESTS finder calls at once, runs the scheduler, and prints one JSON line: requests,
 * ok, attempts, wall_ms, cpu_ms (user + system time of this process). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "config/config.h"
#include "llm/llm.h"

static const char *base_url;

static const char *bench_env(const char *name, void *payload)
{
	(void)payload;
	if (!strcmp(name, "ANTHROPIC_BASE_URL"))
		return base_url;
	if (!strcmp(name, "ANTHROPIC_API_KEY"))
		return "bench-key";
	return NULL;
}

static void on_done(const struct llm_response *r, void *payload)
{
	unsigned *ok = payload;
	if (r->outcome == LLM_OK)
		(*ok)++;
	else
		fprintf(stderr, "llm_bench: unit %d: %s\n", r->unit, r->error ? r->error : "?");
}

static double ms(const struct timespec *a, const struct timespec *b)
{
	return (double)(b->tv_sec - a->tv_sec) * 1e3 + (double)(b->tv_nsec - a->tv_nsec) / 1e6;
}

static double tv_ms(const struct timeval *t)
{
	return (double)t->tv_sec * 1e3 + (double)t->tv_usec / 1e3;
}

int main(int argc, char **argv)
{
	struct config *policy = NULL;
	struct llm_client *c = NULL;
	struct llm_options opts;
	struct llm_totals t;
	struct timespec t0, t1;
	struct rusage ru0, ru1;
	char prompt[2048];
	unsigned n, conc, ok = 0, i;
	int rc = 1;

	if (argc != 4) {
		fprintf(stderr, "usage: llm_bench REQUESTS CONCURRENCY BASE_URL\n");
		return 2;
	}
	n = (unsigned)strtoul(argv[1], NULL, 10);
	conc = (unsigned)strtoul(argv[2], NULL, 10);
	base_url = argv[3];
	llm_global_init();
	if (config_new_default(&policy) < 0)
		goto out;
	policy->budget.concurrency = conc;
	policy->budget.timeout_s = 300;
	policy->budget.max_tokens = 0;
	policy->budget.max_usd = 1e6;
	memset(&opts, 0, sizeof(opts));
	opts.getenv = bench_env;
	opts.max_attempts = 5;
	if (llm_client_new(&c, policy, &opts) < 0)
		goto out;
	memset(prompt, 'x', sizeof(prompt) - 1);
	prompt[sizeof(prompt) - 1] = '\0';
	getrusage(RUSAGE_SELF, &ru0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < n; i++) {
		struct llm_request req;
		llm_request_init(&req, CONFIG_AGENT_FINDER);
		req.unit = (int)i;
		if (llm_request_set_system(&req, "bench", 5) < 0 ||
		    llm_request_add_text(&req, LLM_ROLE_USER, prompt, strlen(prompt), false) < 0 ||
		    llm_submit(c, &req, on_done, &ok) < 0) {
			llm_request_dispose(&req);
			goto out;
		}
		llm_request_dispose(&req);
	}
	if (llm_run(c) < 0)
		goto out;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	getrusage(RUSAGE_SELF, &ru1);
	llm_client_totals(&t, c);
	printf("{\"requests\":%u,\"ok\":%u,\"attempts\":%llu,\"wall_ms\":%.1f,\"cpu_ms\":%.1f}\n", n, ok,
	       (unsigned long long)t.attempts, ms(&t0, &t1),
	       tv_ms(&ru1.ru_utime) - tv_ms(&ru0.ru_utime) + tv_ms(&ru1.ru_stime) - tv_ms(&ru0.ru_stime));
	rc = 0;
out:
	llm_client_free(c);
	config_free(policy);
	llm_global_cleanup();
	return rc;
}
