/* bench/report_driver.c: writes every report format for N realistic findings, for
 * bench/report_bench.sh.
 * usage: report_driver N OUT_DIR
 * Prints one JSON line: findings, write_all_ms (all formats into OUT_DIR, files included), the CPU
 * time of the process so far (building the findings included), the time of each format rendered
 * alone, and the size of each file. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>

#include "findings/findings.h"
#include "report/report.h"
#include "util/buf.h"
#include "util/err.h"

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

static char *dupf(const char *fmt, size_t i)
{
	struct trb_buf b = TRB_BUF_INIT(TRB_LIMIT_SMALL);

	trb_buf_printf(&b, fmt, i, i, i);
	return trb_buf_detach(&b);
}

static const char *const cwes[] = {"CWE-89", "CWE-79", "CWE-78", "CWE-22", "CWE-787", "CWE-416",
				   "CWE-918", "CWE-798", "CWE-502", "CWE-862", NULL};

static struct findings *build(size_t n)
{
	static const char description[] =
		"The value of the `name` query parameter reaches the SQL statement built in handler %zu "
		"without escaping or binding. An attacker controls the whole string, so quotes end the "
		"literal and the rest is executed as SQL: <b>@everyone</b> can read or change any row the "
		"service account can. The sanitizer in middleware/clean.js only strips whitespace; it does "
		"not make the value safe for SQL. Nothing between the request and the query validates it, "
		"and the ORM's raw() bypasses its own parameter handling. See also ![x](http://evil/x.png).";
	struct findings *fs;
	size_t i, k;

	if (findings_new(&fs) < 0)
		return NULL;
	fs->run.scan_id = strdup("bench");
	fs->run.tool_version = strdup("0.1.0");
	fs->run.base = strdup("1111111111111111111111111111111111111111");
	fs->run.head = strdup("2222222222222222222222222222222222222222");
	fs->run.merge_base = strdup("3333333333333333333333333333333333333333");
	fs->run.started_at = strdup("2026-01-05T10:00:00Z");
	fs->run.duration_ms = 600000;
	fs->run.units_total = n / 4 + 1;
	fs->run.units_reviewed = n / 4 + 1;
	fs->run.gate_pass = false;
	for (i = 0; i < n; i++) {
		struct finding *f;
		char fp[40];
		if (findings_add(&f, fs) < 0)
			return NULL;
		snprintf(fp, sizeof(fp), "%032zx", i * 2654435761u);
		f->fingerprint = strdup(fp);
		f->source = i % 10 == 9 ? FINDING_SOURCE_RULE : FINDING_SOURCE_FINDER;
		f->status = i % 20 < 12 ? FINDING_CONFIRMED : i % 20 < 15 ? FINDING_UNCERTAIN :
			    i % 20 < 17 ? FINDING_UNVERIFIED : i % 20 < 19 ? FINDING_REJECTED : FINDING_SUPPRESSED;
		f->severity = (trb_sev_t)(i % 4);
		f->gating = f->status == FINDING_CONFIRMED && f->severity >= TRB_SEV_HIGH;
		f->path = dupf("services/api/handlers/h%zu/route_%zu.c", i % 300);
		f->start_line = (uint32_t)(10 + i % 900);
		f->end_line = f->start_line + 3;
		f->in_diff = i % 3 == 0;
		f->anchor_line = i % 3 == 1 ? f->start_line : 0;
		f->cwe = strdup(cwes[i % 10]);
		f->category = strdup("injection");
		f->confidence = 0.5 + (double)(i % 50) / 100.0;
		f->title = dupf("Untrusted input reaches a sink in handler %zu (`raw()` @team)", i);
		f->description = dupf(description, i);
		f->exploit_scenario = dupf("curl 'https://shop/api/h%zu?name=x%%27%%20OR%%201=1--' returns every row.", i);
		f->recommendation = strdup("Bind the value as a parameter: db.query(sql, [name]).");
		f->rule_id = f->source == FINDING_SOURCE_RULE ? strdup("no-raw-sql") : NULL;
		f->snippet = strdup("  const q = \"SELECT * FROM t WHERE name='\" + name + \"'\";\n  return db.raw(q);");
		f->n_flow = 4;
		f->flow = calloc(4, sizeof(*f->flow));
		for (k = 0; k < 4; k++) {
			f->flow[k].path = dupf("services/api/handlers/h%zu/route_%zu.c", i % 300);
			f->flow[k].line = (uint32_t)(f->start_line > 4 ? f->start_line - 4 + k : 1 + k);
			f->flow[k].note = strdup(k == 0 ? "request parameter read" : k == 3 ? "executed as SQL" : "passed on unchanged");
		}
		f->verification.done = f->status != FINDING_UNVERIFIED;
		f->verification.verdict = strdup(f->status == FINDING_REJECTED ? "rejected" : "confirmed");
		f->verification.reason = strdup("The parameter reaches the sink on every path; no sanitizer applies.");
		f->verification.model = strdup("gpt-4.1");
		if (i % 3 == 0) {
			f->patch.present = true;
			f->patch.applies = true;
			f->patch.diff = dupf("--- a/services/api/handlers/h%zu/route_%zu.c\n"
					     "+++ b/services/api/handlers/h%zu/route_%zu.c\n"
					     "@@ -10,2 +10,1 @@\n"
					     "-  const q = \"SELECT * FROM t WHERE name='\" + name + \"'\";\n"
					     "-  return db.raw(q);\n"
					     "+  return db.query(\"SELECT * FROM t WHERE name=?\", [name]);\n", i % 300);
			f->patch.explanation = strdup("Bind the name as a query parameter.");
		}
		if (f->status == FINDING_SUPPRESSED) {
			f->suppression.present = true;
			f->suppression.kind = strdup("policy");
			f->suppression.reason = strdup("accepted risk, SEC-123");
		}
	}
	findings_order(fs);
	return fs;
}

static long file_size(const char *dir, const char *name)
{
	char path[1024];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return stat(path, &st) == 0 ? (long)st.st_size : -1;
}

int main(int argc, char **argv)
{
	size_t n = argc > 1 ? (size_t)strtoul(argv[1], NULL, 10) : 5000;
	const char *out = argc > 2 ? argv[2] : "report-bench-out";
	struct trb_buf b = TRB_BUF_INIT(TRB_LIMIT_REPORT);
	struct findings *fs = build(n);
	struct report_options o;
	double t0, all_ms;
	int f;

	if (!fs) {
		fprintf(stderr, "report_driver: out of memory\n");
		return 2;
	}
	report_options_init(&o);
	t0 = now_ms();
	if (report_write_all(out, REPORT_ALL, fs, &o) < 0) {
		fprintf(stderr, "report_driver: %s\n", trb_err_msg());
		return 1;
	}
	all_ms = now_ms() - t0;
	{
		struct rusage ru;
		double cpu = 0;
		if (getrusage(RUSAGE_SELF, &ru) == 0)
			cpu = (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000.0 +
			      (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1000.0;
		printf("{\"findings\": %zu, \"write_all_ms\": %.1f, \"cpu_ms_incl_setup\": %.1f, \"formats\": {", n,
		       all_ms, cpu);
	}
	for (f = 0; f < REPORT_FORMAT_COUNT; f++) {
		int rc = 0;
		if (f == REPORT_AUDIT)
			continue;
		trb_buf_clear(&b);
		t0 = now_ms();
		switch ((report_format_t)f) {
		case REPORT_JSON: rc = report_json(&b, fs); break;
		case REPORT_SARIF: rc = report_sarif(&b, fs, &o); break;
		case REPORT_JUNIT: rc = report_junit(&b, fs); break;
		case REPORT_GITHUB: rc = report_github_review(&b, fs, &o); break;
		case REPORT_GITLAB: rc = report_gitlab_discussions(&b, fs, &o); break;
		case REPORT_CODEQUALITY: rc = report_codequality(&b, fs); break;
		case REPORT_SAST: rc = report_sast(&b, fs); break;
		case REPORT_SUMMARY: rc = report_summary(&b, fs, 0); break;
		case REPORT_HTML: rc = report_html(&b, fs); break;
		default: break;
		}
		if (rc < 0) {
			fprintf(stderr, "report_driver: %s: %s\n", report_format_name((report_format_t)f), trb_err_msg());
			return 1;
		}
		printf("%s\"%s\": {\"ms\": %.1f, \"bytes\": %ld}", f ? ", " : "", report_format_file((report_format_t)f),
		       now_ms() - t0, file_size(out, report_format_file((report_format_t)f)));
	}
	printf("}}\n");
	trb_buf_dispose(&b);
	findings_free(fs);
	return 0;
}
