/* llm/audit.h (private to llm/): audit.jsonl, one JSON line per model call attempt.
 * Fields are documented in docs/audit.md. A line holds metadata only: no code, no prompt or
 * reply text, no key, no provider error text. */
#ifndef TRB_LLM_AUDIT_H
#define TRB_LLM_AUDIT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "llm/llm.h"

struct llm_audit {
	FILE *f;
	int error;              /* sticky: TRB_EIO once a write failed */
	char *scan_id;
	char *ci;               /* github | gitlab | jenkins | local */
	char *repository;
	char *merge_request;
	char *commit;
	char *ci_job;
	char *ci_job_url;
};

struct llm_audit_entry {
	config_provider_t provider;
	const char *model;
	config_agent_t agent;
	int unit;
	unsigned turn;
	unsigned attempt;        /* 0: the call was never sent (budget, credentials, deadline) */
	bool final;              /* the last line of this call */
	long http_status;
	llm_outcome_t outcome;
	int stop;                /* llm_stop_t, or -1 when there was no reply */
	const char *request_id;
	struct llm_usage usage;
	double cost_usd;
	bool cost_known;
	uint64_t latency_ms;
	size_t request_bytes;
	int64_t retry_in_ms;     /* -1: no retry follows */
};

/* Opens path for appending (when path is not NULL) and reads the CI context from the environment.
 * TRB_EIO when the file cannot be opened. */
int llm_audit_open(struct llm_audit *a, const char *path, const char *scan_id, llm_getenv_fn env,
		   void *env_payload);
void llm_audit_close(struct llm_audit *a);
/* Writes one line; a failure is kept in a->error (the run goes on). */
void llm_audit_write(struct llm_audit *a, const struct llm_audit_entry *e);

#endif
