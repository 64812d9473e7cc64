/* report/report.h: turns the final findings into every output file (ARCHITECTURE.md, "Output
 * files"; docs/reports.md describes each file and how each CI reads it).
 * In: struct findings after the gate (findings_gate() has set `gating` and run.gate_*), and report
 * options that cmd/ fills (report_options_from_env() reads the CI environment for it).
 * Out: one text per format in a struct trb_buf, or the files in an output directory.
 * Order: every function takes the findings in report order (findings_order() has run: by path,
 * then line); writers that group by file rely on it and never sort again.
 * Pure: never calls the network, never reads the clock; the same findings and options give the
 * same bytes (times come from run.started_at and run.duration_ms). All text from models and
 * repositories goes through util/escape for the medium it lands in. */
#ifndef TRB_REPORT_REPORT_H
#define TRB_REPORT_REPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "findings/findings.h"
#include "util/buf.h"

typedef enum {
	REPORT_JSON,          /* findings.json */
	REPORT_SARIF,         /* results.sarif */
	REPORT_JUNIT,         /* junit.xml */
	REPORT_GITHUB,        /* github-review.json */
	REPORT_GITLAB,        /* gitlab-discussions.json */
	REPORT_CODEQUALITY,   /* gl-code-quality-report.json */
	REPORT_SAST,          /* gl-sast-report.json */
	REPORT_SUMMARY,       /* summary.md */
	REPORT_HTML,          /* report.html */
	REPORT_AUDIT,         /* audit.jsonl: written by llm/ during the scan, not here */
	REPORT_FORMAT_COUNT
} report_format_t;

#define REPORT_BIT(f) (1u << (f))
#define REPORT_ALL ((1u << REPORT_FORMAT_COUNT) - 1)

/* Platform limits (REFERENCE.md): handled by truncating with a note, never hit. */
#define REPORT_SARIF_MAX_RESULTS 5000            /* GitHub keeps the top 5,000 of 25,000 */
#define REPORT_REVIEW_MAX_COMMENTS 50            /* inline comments per review; rest in the body */
#define REPORT_COMMENT_MAX_BYTES 65000           /* GitHub: 65,536 characters per body */
#define REPORT_STEP_SUMMARY_MAX ((size_t)1024 * 1024)   /* $GITHUB_STEP_SUMMARY: 1 MiB per step */
#define REPORT_ANNOTATIONS_PER_LEVEL 10          /* GitHub: 10 errors and 10 warnings per step */

struct report_options {
	/* SARIF runAutomationDetails.id is "<category>/<scan id>"; NULL: "tribunal", plus
	 * "/shard-I-of-N" for a shard, so that shards do not replace each other on upload. */
	const char *sarif_category;
	/* Absolute file:// URI of the checkout, ending in '/', for originalUriBaseIds (GitHub's
	 * GITHUB_WORKSPACE); NULL: %SRCROOT% is described but has no uri. */
	const char *checkout_uri;
	/* https URL of the repository for SARIF versionControlProvenance; NULL: omitted. */
	const char *repository_uri;
	size_t sarif_max_results;       /* 0: REPORT_SARIF_MAX_RESULTS */
	size_t review_max_comments;     /* 0: REPORT_REVIEW_MAX_COMMENTS */
	size_t summary_max_bytes;       /* summary.md; 0: 960,000 bytes (under GitHub's 1 MiB step
					 * summary and GitLab's 1,000,000-character note) */
	/* $GITHUB_STEP_SUMMARY: report_write_all() appends the summary there too, within what is
	 * left of its 1 MiB. NULL: not written. */
	const char *step_summary_path;
	bool github_actions;            /* GITHUB_ACTIONS=true: cmd/ prints report_annotations() */
	char *owned[2];                 /* what report_options_from_env() composed */
};

void report_options_init(struct report_options *o);
/* Fills step_summary_path, github_actions, checkout_uri and repository_uri from GitHub Actions
 * (GITHUB_STEP_SUMMARY, GITHUB_ACTIONS, GITHUB_WORKSPACE, GITHUB_SERVER_URL + GITHUB_REPOSITORY)
 * or GitLab CI (CI_PROJECT_DIR, CI_PROJECT_URL); what is unset stays as it was. Environment
 * strings are borrowed; composed ones are released by report_options_dispose(). */
int report_options_from_env(struct report_options *o);
void report_options_dispose(struct report_options *o);

/* Parses a --format list ("sarif,junit", "all"; spaces allowed around names) into REPORT_BIT()s.
 * Errors: TRB_EINVAL "--format: unknown format 'sarfi' (did you mean 'sarif'?); known: ...". */
int report_formats_parse(unsigned *out, const char *list);
const char *report_format_name(report_format_t f);   /* "sarif" */
const char *report_format_file(report_format_t f);   /* "results.sarif" */

/* One function per format; each appends to out (a buffer with a limit, e.g. TRB_LIMIT_REPORT)
 * and returns 0 or the buffer's error. */
int report_json(struct trb_buf *out, const struct findings *fs);
int report_sarif(struct trb_buf *out, const struct findings *fs, const struct report_options *o);
int report_junit(struct trb_buf *out, const struct findings *fs);
int report_github_review(struct trb_buf *out, const struct findings *fs, const struct report_options *o);
int report_gitlab_discussions(struct trb_buf *out, const struct findings *fs, const struct report_options *o);
int report_codequality(struct trb_buf *out, const struct findings *fs);
int report_sast(struct trb_buf *out, const struct findings *fs);
/* summary.md in at most max_bytes (0: the option's default); what does not fit is named in a note. */
int report_summary(struct trb_buf *out, const struct findings *fs, size_t max_bytes);
int report_html(struct trb_buf *out, const struct findings *fs);

/* libxml2's run-time version ("2.9.14"), NULL when it cannot be loaded (report/ binds libxml2
 * when it first writes junit.xml, so that commands without reports do not map it). */
const char *report_xml_version(void);

/* GitHub workflow commands (::error file=...::), at most REPORT_ANNOTATIONS_PER_LEVEL errors
 * (gating findings) and warnings (other active findings, not-reviewed units, notices), then one
 * plain line saying how many were left out. For stdout when running in GitHub Actions. */
int report_annotations(struct trb_buf *out, const struct findings *fs);

/* The run's notices (no agent review, units not reviewed, unpriced models, ...) as one
 * "tribunal: warning: " line each, for stderr. ANSI colours only when is_tty. */
int report_console_notices(struct trb_buf *out, const struct findings *fs, bool is_tty);

/* The end-of-scan text for the CI log, for stdout: one line per gating finding (path:line severity title),
 * counts of the rest, what was not reviewed, the gate verdict, where the reports are. ANSI colours
 * only when is_tty. Every line starts with fixed text, so that no hostile path or title can
 * start a workflow command. */
int report_console(struct trb_buf *out, const struct findings *fs, const char *out_dir,
		   unsigned formats, bool is_tty);

/* Writes every selected format into out_dir (created if missing), each file atomically (a
 * temporary file renamed into place); REPORT_AUDIT is skipped (llm/ writes it). Appends the summary
 * to o->step_summary_path when set. A format that fails does not stop the others or the step
 * summary: all are attempted and the first error is returned (TRB_EIO naming the file, or the
 * format's error prefixed with its file name). */
int report_write_all(const char *out_dir, unsigned formats, const struct findings *fs,
		     const struct report_options *o);

#endif
