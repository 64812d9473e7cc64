/* report/internal.h: helpers shared by the report writers (private to report/).
 * The labels and classifications every format uses, the display order, times, and unified-diff
 * parsing for suggestions and SARIF fixes. JSON is written with util/jsonw.h. */
#ifndef TRB_REPORT_INTERNAL_H
#define TRB_REPORT_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "findings/findings.h"
#include "report/report.h"
#include "util/buf.h"
#include "util/jsonw.h"

#define REPORT_SUMMARY_DEFAULT_MAX ((size_t)960 * 1000)   /* under 1 MiB and GitLab's 1,000,000 */

/* ---- classification and labels (common.c) ---- */

/* Shown as a finding on the platforms (SARIF result, code quality, SAST, review, annotation):
 * confirmed, uncertain or unverified; not rejected, not suppressed. */
bool report_active(const struct finding *f);
const char *report_sev_label(trb_sev_t s);          /* "Critical" */
const char *report_sev_icon(trb_sev_t s);           /* an emoji for Markdown */
const char *report_security_severity(trb_sev_t s);  /* GitHub's 0.1..10.0 scale, "8.0" */
/* What the verification said, for people: "confirmed by the verifier", ... */
const char *report_status_phrase(const struct finding *f);
/* The CWE number ("CWE-89" -> 89), 0 when none or malformed. */
unsigned report_cwe_num(const struct finding *f);
/* A short name of a common CWE, NULL when not in the table. */
const char *report_cwe_name(unsigned cwe);
/* OWASP Top 10 (2021) category of a CWE: "A03:2021-Injection", NULL when none. */
const char *report_owasp(unsigned cwe);
/* The rule a finding belongs to (SARIF ruleId, code quality check_name, SAST identifier):
 * "rule/<policy rule id>", "CWE-89", "category/<category>" or "tribunal/unclassified", made of
 * [A-Za-z0-9._/-] only. */
int report_rule_id(struct trb_buf *out, const struct finding *f);
/* Location: the first line, never 0. */
uint32_t report_line(const struct finding *f);
uint32_t report_end_line(const struct finding *f);
/* Indices of fs->v in display order: gating first, then severity, verification strength,
 * confidence, then report order. Caller frees. */
int report_order(size_t **out, const struct findings *fs);
/* Counts per status and severity */
struct report_counts {
	size_t status[FINDING_SUPPRESSED + 1];
	size_t active_by_sev[TRB_SEV_COUNT];
	size_t active, gating, pre_existing;
};
void report_count(struct report_counts *c, const struct findings *fs);

/* Times: RFC 3339 input ("2026-01-05T10:00:00Z", offsets and fractions accepted) to seconds since
 * the epoch; -1 when malformed. */
long long report_parse_time(const char *s);
/* "2026-01-05T10:00:04" (fmt_z adds "Z") */
void report_format_time(char out[32], long long t, bool fmt_z);
/* Start and end of the run in seconds (end = start + duration); start 0 when unknown. */
void report_run_times(const struct findings *fs, long long *start, long long *end);
/* "1m 05s", "850 ms" */
void report_format_duration(char out[32], uint64_t ms);

/* The fingerprint marker every comment carries: "<!-- tribunal:fingerprint=HEX -->". */
void report_marker(struct trb_buf *out, const struct finding *f);

/* How many review units no agent reviewed (*n) and of how many (*total, never below *n): the run's
 * counts, else the length of the not-reviewed list. False when there are none. */
bool report_unreviewed_counts(const struct findings *fs, size_t *n, size_t *total);

/* The run's figures for a footer, plain text safe in Markdown and HTML: " · 4 of 6 units reviewed
 * · 120000 input + 8000 output tokens (50000 cache read, 20000 cache write) · $0.42 · 1m 05s ·
 * built-in default policy (no .tribunal.yml)". */
void report_run_stats(struct trb_buf *out, const struct findings_run *r);

/* Where a finding can be commented inline (gitlab.c): first..last are the lines the comment covers
 * and *line the one it hangs on (the last); false when it has no line in the diff. */
bool report_inline_range(const struct finding *f, uint32_t *first, uint32_t *last, uint32_t *line);

/* ---- unified diffs (patch.c) ---- */

struct patch_line {
	char kind;            /* ' ', '-', '+' */
	const char *text;     /* without the kind and the newline; borrowed from the diff */
	size_t len;
};

struct patch_hunk {
	uint32_t old_start, old_count, new_start, new_count;
	size_t first, n;      /* lines[first .. first+n) */
};

struct patch_file {
	char *old_path, *new_path;   /* without a/ b/; NULL for /dev/null */
	size_t first_hunk, n_hunks;
};

struct patch {
	struct patch_file *files;
	size_t n_files;
	struct patch_hunk *hunks;
	size_t n_hunks;
	struct patch_line *lines;
	size_t n_lines;
};

/* Parses a unified diff (as `git diff` writes it). The lines borrow from diff. TRB_EINVAL when
 * it is not one (hunk counts that do not add up, no file headers). */
int patch_parse(struct patch *out, const char *diff);
void patch_dispose(struct patch *p);
/* When the patch changes only lines first..last of path (one file, one hunk, the hunk covering
 * those lines), appends what those lines become and returns 1; else returns 0 and appends nothing. */
int patch_suggestion(struct trb_buf *out, const struct patch *p, const char *path, uint32_t first,
		     uint32_t last);

/* ---- Markdown shared by the review, the discussions and the summary (markdown.c) ---- */

typedef enum {
	MD_FLAVOR_GITHUB,     /* ```suggestion replaces the commented lines */
	MD_FLAVOR_GITLAB,     /* ```suggestion:-N+M relative to the commented line */
	MD_FLAVOR_SUMMARY     /* no suggestion; the patch as a diff; data flow as Mermaid */
} md_flavor_t;

/* The body of one finding. For review flavors, comment_first..comment_last are the commented
 * lines (0: not an inline comment, so no suggestion) and comment_line the line GitLab anchors on. */
int report_md_finding(struct trb_buf *out, const struct finding *f, md_flavor_t flavor,
		      uint32_t comment_first, uint32_t comment_last, uint32_t comment_line);
/* "🟠 **High** `src/x.c:41` title (F3, confirmed)" on one line, for lists. */
int report_md_finding_line(struct trb_buf *out, const struct finding *f);
/* The same as a list item ending in the finding's marker: "- ... <!-- tribunal:fingerprint=... -->\n". */
int report_md_list_item(struct trb_buf *out, const struct finding *f);
/* The verdict line and gate reasons, and the run notices as a warning block. */
int report_md_verdict(struct trb_buf *out, const struct findings *fs);
/* Units not reviewed and skipped files, as Markdown lists (at most max items each). */
int report_md_unreviewed(struct trb_buf *out, const struct findings *fs, size_t max);

#endif
