/* libFuzzer target: the findings.json parser (findings_from_json) on arbitrary bytes; what it
 * accepts must serialize and parse again to the same text, and render in every report format. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "findings/findings.h"
#include "report/report.h"
#include "util/buf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct findings *fs = NULL, *again = NULL;
	struct trb_buf b = TRB_BUF_INIT(256 * 1024 * 1024);
	char *t1 = NULL, *t2 = NULL;
	size_t n1, n2;

	if (findings_from_json(&fs, (const char *)data, size, "fuzz") < 0)
		return 0;
	if (findings_to_json(&t1, &n1, fs) == 0 && findings_from_json(&again, t1, n1, "again") == 0 &&
	    findings_to_json(&t2, &n2, again) == 0 && (n1 != n2 || memcmp(t1, t2, n1) != 0))
		abort();
	report_sarif(&b, fs, NULL);
	report_junit(&b, fs);
	report_github_review(&b, fs, NULL);
	report_gitlab_discussions(&b, fs, NULL);
	report_codequality(&b, fs);
	report_sast(&b, fs);
	report_summary(&b, fs, 0);
	report_html(&b, fs);
	report_annotations(&b, fs);
	report_console(&b, fs, "out", REPORT_ALL, true);
	trb_buf_dispose(&b);
	free(t1);
	free(t2);
	findings_free(fs);
	findings_free(again);
	return 0;
}
