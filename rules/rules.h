/* rules/rules.h: the deterministic layer: secrets, dangerous APIs and the policy's own regex rules.
 * In: the policy (its `rules`), then per changed file its head text, language and added lines.
 * Out: struct rules_hits (owned by the caller; rules_hits_dispose()), each hit naming its rule,
 * line, masked snippet and inline suppression; hits become findings with rules_hit_to_finding().
 * Also redacts secrets from code before it leaves the machine (rules_redact) and masks a secret
 * for display (rules_mask).
 * Every pattern runs on PCRE2 (JIT when available) under a match limit, so neither hostile code
 * nor a catastrophic policy pattern can hang a scan. Never prints or stores a full secret: hits
 * carry masked text only. Never reads the repository itself. docs/rules.md lists every rule. */
#ifndef TRB_RULES_RULES_H
#define TRB_RULES_RULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config/config.h"
#include "diff/diff.h"
#include "findings/findings.h"
#include "util/buf.h"
#include "util/sev.h"

typedef enum {
	RULES_KIND_SECRET,   /* a credential: always a finding, redacted before code is sent */
	RULES_KIND_API,      /* a dangerous API: a hint for the finder (standalone when no agent runs) */
	RULES_KIND_POLICY,   /* a rule from the policy's `rules` */
	RULES_KIND_META      /* about tribunal itself, e.g. an inline ignore without a reason */
} rules_kind_t;

/* Masks of kinds for rules_scan(): one bit (1u << rules_kind_t) per kind. */
#define RULES_KINDS_SECRET (1u << RULES_KIND_SECRET)
#define RULES_KINDS_ALL                                                                            \
	((1u << RULES_KIND_SECRET) | (1u << RULES_KIND_API) | (1u << RULES_KIND_POLICY) |           \
	 (1u << RULES_KIND_META))

/* One rule, as documented in docs/rules.md. Borrowed from struct rules; lives until rules_free. */
struct rules_rule {
	const char *id;              /* "secret-aws-access-key", "py-pickle-load", a policy id */
	rules_kind_t kind;
	const char *secret_kind;     /* secrets: the placeholder tag, "aws-access-key"; else NULL */
	const char *category;        /* finding category: "hardcoded-secret", "sql-injection", ... */
	const char *cwe;             /* "CWE-798", or NULL */
	trb_sev_t severity;
	double confidence;           /* of a hit being a true instance, 0..1 */
	bool standalone;             /* a finding even when an agent reviews the unit */
	const char *title;           /* one line */
	const char *message;         /* what it means */
	const char *recommendation;  /* what to do */
	const char *pattern;         /* the PCRE2 pattern ("" for meta rules) */
	const char *languages;       /* "python,ruby", "" for all; informational */
};

/* One match of a rule on an added line. */
struct rules_hit {
	const struct rules_rule *rule;  /* borrowed from struct rules */
	char *path;
	uint32_t line, end_line;        /* head-side, 1-based; end_line > line for joined literals */
	uint32_t col;                   /* 1-based byte column of the match on `line` */
	char *snippet;                  /* the line, trimmed and capped, every secret on it masked */
	char *masked;                   /* secrets: the masked secret ("AKIA…"); NULL otherwise */
	bool joined;                    /* a secret assembled from concatenated string literals */
	bool suppressed;                /* an inline `tribunal-ignore` with a reason covers it */
	char *ignore_reason;            /* that reason, when suppressed */
	uint32_t ignore_line;           /* where that ignore is written, when suppressed */
};

struct rules_hits {
	struct rules_hit *v;
	size_t n, cap;
	/* Lines a rule skipped because its pattern hit a PCRE2 limit there, one each: "path:line: rule
	 * 'id' stopped at the regex match limit; its matches on this line were skipped"; a rule that
	 * hits limits on 16 lines of a file is off for the rest of it ("... on 16 lines; its matches in
	 * the rest of this file were skipped"). Also a file that reached the match caps. Callers print
	 * these as warnings; they never contain code. */
	char **warnings;
	size_t n_warnings;
};

struct rules;

/* Compiles the built-in rules and the policy's rules (policy may be NULL: built-ins only).
 * Returns TRB_EINVAL with a message naming the rule id and, for policy rules, its place in
 * the policy, for a pattern that does not compile, an unknown language or a duplicate id. */
int rules_new(struct rules **out, const struct config *policy);
void rules_free(struct rules *r);

/* Number of rules (built-in and policy) and the i-th of them, for listings and docs. */
size_t rules_count(const struct rules *r);
const struct rules_rule *rules_rule_at(const struct rules *r, size_t i);
/* The rule with that id, or NULL. */
const struct rules_rule *rules_find(const struct rules *r, const char *id);

void rules_hits_init(struct rules_hits *h);
void rules_hits_dispose(struct rules_hits *h);

/* Runs every rule of the kinds in `kinds` (RULES_KINDS_ALL, or RULES_KINDS_SECRET for a file
 * skipped for its content) that applies to the path and language over the added lines of one file
 * and appends the hits, sorted by line, to *out. `text` is the whole head-side file (it need not be
 * NUL-terminated and may hold NULs); `changed` lists its added line numbers in ascending order
 * (as struct diff_file.changed); changed == NULL scans every line. A match must start on an
 * added line; ignore comments and context may sit on unchanged lines. A pattern that hits a
 * PCRE2 limit skips that line with a warning in out->warnings, not an error.
 * Returns 0, TRB_ENOMEM or TRB_ELIMIT (the file has more lines than 32 bits can number). */
int rules_scan(struct rules_hits *out, const struct rules *r, const char *path, diff_lang_t lang,
	       const char *text, size_t len, const uint32_t *changed, size_t n_changed, unsigned kinds);

/* Appends text to out with every secret replaced by `<redacted:KIND>` (e.g.
 * `<redacted:aws-access-key>`), whether or not an inline ignore covers it. Newlines are never
 * removed, so line numbers stay the same: a secret spanning lines (a private key block) becomes
 * one placeholder per line. Runs on all lines, not just added ones. Fails with TRB_ELIMIT, and
 * appends nothing, when it cannot vouch for the text: more than 4096 secrets, or a secret rule
 * stopped at a PCRE2 limit on some line. */
int rules_redact(struct trb_buf *out, const struct rules *r, const char *text, size_t len);

/* Appends a display form of a secret that gives away at most its first 4 bytes and never more
 * than a quarter of it, then "…": "AKIA…". Secrets of fewer than 8 bytes show only "…".
 * Errors are sticky in out. */
void rules_mask(struct trb_buf *out, const char *secret, size_t len);

/* True when the hit becomes a finding on its own: the rule is standalone (secrets, policy rules
 * marked standalone, meta), no agent reviews the unit the hit is in, or an inline ignore
 * suppresses it (recorded as suppressed, so that every ignore stays visible). Otherwise it is
 * only a hint for the finder. */
bool rules_hit_is_finding(const struct rules_hit *h, bool agent_reviewed);

/* Appends the finding for a hit to fs: source rule, status unverified (suppressed with kind
 * "inline" and the reason when an ignore covers it), the rule's id, cwe, category, severity and
 * confidence, the hit's path and lines, and the masked snippet. *out (may be NULL) borrows it. */
int rules_hit_to_finding(struct finding **out, struct findings *fs, const struct rules_hit *h,
			 size_t unit);

/* Appends one line describing the hit for the finder's prompt:
 * "- src/x.py:12 py-pickle-load (CWE-502, high): <title>: `<masked snippet>`\n". */
int rules_hit_hint(struct trb_buf *out, const struct rules_hit *h);

#endif
