/* findings/findings.h: the finding model and the run record every output is derived from.
 * In: findings from rules/ and agents/, the policy (suppressions, gate), the diff's run facts.
 * Out: struct findings (owned by the caller; findings_free()), fingerprints stable under line
 * shifts, de-duplication, suppressions, the gate decision, and findings.json in both directions.
 * Never calls the network; never reads the repository. */
#ifndef TRB_FINDINGS_FINDINGS_H
#define TRB_FINDINGS_FINDINGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config/config.h"
#include "util/buf.h"
#include "diff/diff.h"
#include "util/sev.h"

typedef enum { FINDING_SOURCE_FINDER, FINDING_SOURCE_RULE, FINDING_SOURCE_IMPORT } finding_source_t;

typedef enum {
	FINDING_CONFIRMED,    /* the verifier agreed */
	FINDING_REJECTED,     /* the verifier refuted it (kept, with the reason) */
	FINDING_UNCERTAIN,    /* the verifier could not decide */
	FINDING_UNVERIFIED,   /* no verifier ran (rule hits, no credentials, verifier disabled) */
	FINDING_SUPPRESSED    /* a policy suppression or an inline tribunal-ignore matched */
} finding_status_t;

struct finding_step {
	char *path;
	uint32_t line;
	char *note;
};

struct finding {
	char *id;                     /* "F1", "F2", ... in report order */
	char *fingerprint;            /* 32 hex digits; see findings_fingerprint() */
	finding_source_t source;
	finding_status_t status;
	bool pre_existing;            /* wholly in unchanged context, not reached by the change */
	bool gating;                  /* set by findings_gate() */
	bool in_diff;                 /* start..end are all added lines of one hunk: a multi-line inline
				       * review comment fits */
	uint32_t anchor_line;         /* an added head line inside start..end for a single-line inline
				       * comment; 0 when none (the finding then goes in the review body) */
	size_t unit;                  /* review unit id (0: none) */
	char *path;                   /* head-side path */
	char *old_path;               /* base-side path when the file was renamed; NULL when it is path
				       * (GitLab positions name both sides) */
	uint32_t start_line, end_line;
	char *category;               /* "sql-injection", "hardcoded-secret", ... */
	char *cwe;                    /* "CWE-89" */
	trb_sev_t severity;
	double confidence;            /* 0..1 */
	char *title;
	char *description;
	char *exploit_scenario;
	char *recommendation;
	struct finding_step *flow;
	size_t n_flow;
	char *rule_id;                /* rules: the rule's id */
	char *snippet;                /* the flagged head lines (secrets already masked), may be NULL */
	struct {
		bool done;
		char *verdict;            /* confirmed | rejected | uncertain */
		char *reason;
		char *model;
		unsigned votes;
		bool exploitable, mitigated, consistent;
	} verification;
	struct {
		bool present;
		char *diff;               /* unified diff against head */
		char *explanation;
		bool applies;
		bool reverified;
		char *dropped;            /* why a proposed patch was not offered, or NULL */
	} patch;
	struct {
		bool present;
		char *kind;               /* "policy" | "inline" */
		char *reason;
		char *owner;
		char *expires;            /* YYYY-MM-DD or NULL */
		char *match;              /* which entry matched: "suppressions[0]: fingerprint 3f2a...",
					   * "categories.disable: xss", "tribunal-ignore on line 12";
					   * NULL in records written before it was recorded */
	} suppression;
};

struct findings_unreviewed {
	size_t unit;
	char **paths;
	size_t n_paths;
	char *reason;                 /* "budget exhausted", "model refused", "provider error", "no credentials" */
};

struct findings_skipped {
	char *path;
	char *reason;
	char *detail;
};

struct findings_run {
	char *scan_id;
	char *tool_version;
	char *repository;             /* owner/name or project path when known */
	char *merge_request;
	char *base, *head, *merge_base;   /* hex SHAs */
	char *range_source;           /* github | gitlab | jenkins | flags | default */
	char *policy_source;          /* base | head | file | default */
	char *policy_sha256;
	char *models[CONFIG_AGENT_COUNT];
	char *prompts[CONFIG_AGENT_COUNT];   /* sha256 of each prompt */
	char *started_at;             /* RFC 3339 UTC */
	uint64_t duration_ms;
	char *shard;                  /* "I/N" or NULL */
	size_t units_total, units_reviewed, units_not_reviewed;
	uint64_t tokens_input, tokens_output, tokens_cache_read, tokens_cache_write;
	double cost_usd;
	bool agents_ran;              /* false: no agent reviewed anything (e.g. no credentials) */
	char **notices;               /* loud run-level notes ("no agent reviewed this code: ...") */
	size_t n_notices;
	bool gate_pass;
	char **gate_reasons;
	size_t n_gate_reasons;
	config_mode_t mode;
};

struct findings {
	struct finding *v;
	size_t n, cap;
	struct findings_unreviewed *unreviewed;
	size_t n_unreviewed;
	struct findings_skipped *skipped;
	size_t n_skipped;
	struct findings_run run;
};

int findings_new(struct findings **out);
void findings_free(struct findings *fs);

/* Appends a zeroed finding and returns it through *out (owned by fs; valid until the next add). */
int findings_add(struct finding **out, struct findings *fs);
void finding_dispose(struct finding *f);

/* Adds a copy of text to run.notices unless an equal notice is there already. Errors: TRB_ENOMEM. */
int findings_add_notice(struct findings *fs, const char *text);

/* ---- policy ---------------------------------------------------------------------------------- */

/* Fingerprint stable under line shifts: the first 32 hex digits of sha256(path, CWE, the flagged
 * lines with all whitespace removed). `code` is the text of the flagged lines. *out is malloc'd. */
int findings_fingerprint(char **out, const char *path, const char *cwe, const char *code, size_t len);

/* findings_fingerprint() of lines start..end (1-based, inclusive, each with its newline) of a
 * file's text; lines past the end of the text are empty. *out is malloc'd. Errors: TRB_ENOMEM. */
int findings_fingerprint_lines(char **out, const char *path, const char *cwe, const char *text, size_t len,
			       uint32_t start, uint32_t end);

/* Places findings in the merge request: fills a missing fingerprint from the head code, sets
 * pre_existing (no changed line in the finding or its data flow, deletions counted), in_diff and
 * anchor_line (for inline comments), and old_path for a file the merge request renamed. */
int findings_locate(struct findings *fs, struct diff *d);

/* Removes duplicates (same path, overlapping lines, same CWE): the copy with the higher
 * findings_status_rank() is kept, with the highest severity and confidence of the two, so that
 * a model can never talk a deterministic finding down. Inline-suppressed hits are never merged.
 * Run it on ordered findings (findings_order) for a result independent of input order. */
int findings_dedupe(struct findings *fs);

/* Marks findings suppressed by the policy: a fingerprint or rule(+path) suppression that has not
 * expired, or a category/CWE the policy disables. Records which suppression matched (kind, reason,
 * owner, expires, and in `match` the entry: its index and place in the policy, or the disabled
 * category). */
int findings_apply_policy(struct findings *fs, const struct config *policy);

/* The gate: one pure function of the findings and the policy. Sets each finding's `gating`,
 * run.gate_pass and run.gate_reasons (at least one reason, pass or fail). The result ignores
 * `mode`: callers decide the exit status (comment and monitor never fail the job). */
int findings_gate(struct findings *fs, const struct config *policy);

/* Which of two copies of a finding decides more, for de-duplication in one job and across shards
 * alike: suppressed (the policy's word) > confirmed > unverified > uncertain > rejected. */
int findings_status_rank(finding_status_t s);

/* True when copy a decides more than copy b: the higher findings_status_rank(), then the higher
 * severity, then the higher confidence. The one order used by findings_dedupe() and
 * findings_merge(). */
bool findings_stronger(const struct finding *a, const struct finding *b);

/* True when a finding's patch is offered to people: it applies to head and nothing dropped it
 * (re-verification found the flaw still there, or could not be asked). Every report asks this. */
bool findings_patch_offered(const struct finding *f);

const char *findings_status_name(finding_status_t s);
const char *findings_source_name(finding_source_t s);

/* ---- findings.json (findings/json.c; docs/findings.schema.json is the schema) -------------- */

#define FINDINGS_SCHEMA_VERSION 1

/* Serializes the whole record as findings.json (pretty-printed, deterministic: the same record
 * gives the same bytes). Invalid UTF-8 in any string becomes U+FFFD. *out is NUL-terminated and
 * owned by the caller (free()). Errors: TRB_ENOMEM. */
int findings_to_json(char **out, size_t *out_len, const struct findings *fs);
/* The same text appended to a caller's buffer (no copy of a large record); returns its error. */
int findings_to_json_buf(struct trb_buf *out, const struct findings *fs);

/* Parses findings.json text back into a new record, validating every field: types, enums, line
 * numbers (1..2^32-1, end >= start), confidence in [0,1], repository-relative paths through
 * trb_path_check, fingerprints (hex), UTF-8. Unknown fields are ignored (the format only grows).
 * `name` names the input in messages ("shard-1/findings.json: findings[3].severity: ...").
 * Errors: TRB_EINVAL (with the field's path), TRB_ENOMEM. */
int findings_from_json(struct findings **out, const char *json, size_t len, const char *name);

/* Puts the record in report order, the same for one job and for merged shards: findings by path,
 * start line, end line, fingerprint, then ids renumbered F1..Fn; not-reviewed units by unit id;
 * skipped files by path. */
void findings_order(struct findings *fs);

/* Merges the records of `tribunal scan --shard I/N` jobs into one, as if one job had run:
 * findings concatenated and de-duplicated by fingerprint (the copy findings_stronger() picks:
 * a suppression is the policy's word on that fingerprint), not-reviewed units (by unit and
 * reason) and skipped files (by path) united, the first copy kept; unit counts, tokens and cost
 * summed (a shard's record counts its own units), duration the longest, started_at the earliest,
 * notices united, shard cleared, then findings_order(). agents_ran is the AND of the parts: agents
 * reviewed the merge request only if they did in every shard. The gate is not recomputed:
 * gate_pass is the AND of the parts and the reasons their union; call findings_gate() on the
 * result. Parts must agree on base, head, merge base and policy hash (TRB_EINVAL otherwise). The
 * parts are not modified. */
int findings_merge(struct findings **out, struct findings *const *parts, size_t n);

#endif
