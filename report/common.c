/* report/common.c: what every report format agrees on: which findings are shown, labels, rule ids,
 * CWE names and OWASP categories, display order, and times derived from the run record. */
#include "report/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/err.h"
#include "util/escape.h"

bool report_active(const struct finding *f)
{
	return f->status == FINDING_CONFIRMED || f->status == FINDING_UNCERTAIN ||
	       f->status == FINDING_UNVERIFIED;
}

const char *report_sev_label(trb_sev_t s)
{
	static const char *const l[TRB_SEV_COUNT] = {"Low", "Medium", "High", "Critical"};

	return s >= 0 && s < TRB_SEV_COUNT ? l[s] : "Unknown";
}

const char *report_sev_icon(trb_sev_t s)
{
	/* red, orange, yellow, blue circles */
	static const char *const l[TRB_SEV_COUNT] = {"\xf0\x9f\x94\xb5", "\xf0\x9f\x9f\xa1",
						     "\xf0\x9f\x9f\xa0", "\xf0\x9f\x94\xb4"};

	return s >= 0 && s < TRB_SEV_COUNT ? l[s] : "\xe2\x9a\xaa";
}

const char *report_security_severity(trb_sev_t s)
{
	/* GitHub: >9.0 critical, 7.0-8.9 high, 4.0-6.9 medium, 0.1-3.9 low */
	static const char *const l[TRB_SEV_COUNT] = {"2.0", "5.5", "8.0", "9.5"};

	return s >= 0 && s < TRB_SEV_COUNT ? l[s] : "0.1";
}

const char *report_status_phrase(const struct finding *f)
{
	switch (f->status) {
	case FINDING_CONFIRMED: return "confirmed by the verifier";
	case FINDING_REJECTED: return "rejected by the verifier";
	case FINDING_UNCERTAIN: return "the verifier could not decide";
	case FINDING_UNVERIFIED:
		return f->source == FINDING_SOURCE_RULE ? "rule match, not verified" : "not verified";
	case FINDING_SUPPRESSED: return "suppressed";
	}
	return "?";
}

unsigned report_cwe_num(const struct finding *f)
{
	const char *c;
	unsigned n = 0;

	if (!f->cwe || strncmp(f->cwe, "CWE-", 4) != 0)
		return 0;
	for (c = f->cwe + 4; *c; c++) {
		if (*c < '0' || *c > '9' || n > 9999999)
			return 0;
		n = n * 10 + (unsigned)(*c - '0');
	}
	return n;
}

struct cwe_entry {
	unsigned id;
	const char *name;
};

/* The weaknesses the finder reports most; others are shown as their number. */
static const struct cwe_entry cwe_names[] = {
	{20, "Improper input validation"},
	{22, "Path traversal"},
	{77, "Command injection"},
	{78, "OS command injection"},
	{79, "Cross-site scripting"},
	{89, "SQL injection"},
	{90, "LDAP injection"},
	{91, "XML injection"},
	{94, "Code injection"},
	{113, "HTTP response splitting"},
	{117, "Log injection"},
	{119, "Buffer overflow"},
	{120, "Unbounded buffer copy"},
	{125, "Out-of-bounds read"},
	{134, "Format string vulnerability"},
	{190, "Integer overflow"},
	{200, "Information exposure"},
	{209, "Error message information exposure"},
	{250, "Execution with unnecessary privileges"},
	{259, "Hard-coded password"},
	{269, "Improper privilege management"},
	{276, "Incorrect default permissions"},
	{284, "Improper access control"},
	{285, "Improper authorization"},
	{287, "Improper authentication"},
	{295, "Improper certificate validation"},
	{306, "Missing authentication for critical function"},
	{311, "Missing encryption of sensitive data"},
	{312, "Cleartext storage of sensitive information"},
	{319, "Cleartext transmission of sensitive information"},
	{326, "Inadequate encryption strength"},
	{327, "Broken or risky cryptographic algorithm"},
	{328, "Weak hash"},
	{330, "Insufficiently random values"},
	{338, "Weak pseudo-random number generator"},
	{345, "Insufficient verification of data authenticity"},
	{347, "Improper verification of cryptographic signature"},
	{352, "Cross-site request forgery"},
	{362, "Race condition"},
	{367, "Time-of-check time-of-use race"},
	{384, "Session fixation"},
	{400, "Uncontrolled resource consumption"},
	{401, "Memory leak"},
	{415, "Double free"},
	{416, "Use after free"},
	{434, "Unrestricted file upload"},
	{476, "NULL pointer dereference"},
	{502, "Deserialization of untrusted data"},
	{521, "Weak password requirements"},
	{532, "Sensitive information in log files"},
	{601, "Open redirect"},
	{611, "XML external entity reference"},
	{613, "Insufficient session expiration"},
	{639, "Authorization bypass through user-controlled key"},
	{640, "Weak password recovery"},
	{643, "XPath injection"},
	{667, "Improper locking"},
	{732, "Incorrect permission assignment"},
	{770, "Allocation without limits"},
	{787, "Out-of-bounds write"},
	{798, "Hard-coded credentials"},
	{862, "Missing authorization"},
	{863, "Incorrect authorization"},
	{915, "Mass assignment"},
	{916, "Weak password hash"},
	{917, "Expression language injection"},
	{918, "Server-side request forgery"},
	{922, "Insecure storage of sensitive information"},
	{943, "NoSQL injection"},
	{1004, "Cookie without HttpOnly"},
	{1321, "Prototype pollution"},
	{1333, "Regular expression denial of service"},
};

const char *report_cwe_name(unsigned cwe)
{
	size_t i;

	for (i = 0; i < sizeof(cwe_names) / sizeof(cwe_names[0]); i++)
		if (cwe_names[i].id == cwe)
			return cwe_names[i].name;
	return NULL;
}

/* OWASP Top 10 (2021): the CWEs each category maps (owasp.org/Top10, "List of Mapped CWEs"). */
static const unsigned owasp_a01[] = {22, 23, 35, 59, 200, 201, 219, 264, 275, 276, 284, 285, 352, 359, 377,
				     402, 425, 441, 497, 538, 540, 548, 552, 566, 601, 639, 651, 668, 706,
				     862, 863, 913, 922, 1275, 0};
static const unsigned owasp_a02[] = {261, 296, 310, 319, 321, 322, 323, 324, 325, 326, 327, 328, 329, 330,
				     331, 335, 336, 337, 338, 340, 347, 523, 720, 757, 759, 760, 780, 818,
				     916, 0};
static const unsigned owasp_a03[] = {20, 74, 75, 77, 78, 79, 80, 83, 87, 88, 89, 90, 91, 93, 94, 95, 96,
				     97, 98, 99, 100, 113, 116, 138, 184, 470, 471, 564, 610, 643, 644,
				     652, 917, 943, 0};
static const unsigned owasp_a04[] = {73, 183, 209, 213, 235, 256, 257, 266, 269, 280, 311, 312, 313, 316,
				     419, 430, 434, 444, 451, 472, 501, 522, 525, 539, 579, 598, 602, 642,
				     646, 650, 653, 656, 657, 799, 807, 840, 841, 927, 1021, 1173, 0};
static const unsigned owasp_a05[] = {2, 11, 13, 15, 16, 260, 315, 520, 526, 537, 541, 547, 611, 614, 756,
				     776, 942, 1004, 1032, 1174, 0};
static const unsigned owasp_a06[] = {937, 1035, 1104, 0};
static const unsigned owasp_a07[] = {255, 259, 287, 288, 290, 294, 295, 297, 300, 302, 304, 306, 307, 346,
				     384, 521, 613, 620, 640, 798, 940, 1216, 0};
static const unsigned owasp_a08[] = {345, 353, 426, 494, 502, 565, 784, 829, 830, 915, 0};
static const unsigned owasp_a09[] = {117, 223, 532, 778, 0};
static const unsigned owasp_a10[] = {918, 0};

const char *report_owasp(unsigned cwe)
{
	static const struct {
		const unsigned *cwes;
		const char *name;
	} cats[] = {
		{owasp_a01, "A01:2021-Broken Access Control"},
		{owasp_a02, "A02:2021-Cryptographic Failures"},
		{owasp_a03, "A03:2021-Injection"},
		{owasp_a04, "A04:2021-Insecure Design"},
		{owasp_a05, "A05:2021-Security Misconfiguration"},
		{owasp_a06, "A06:2021-Vulnerable and Outdated Components"},
		{owasp_a07, "A07:2021-Identification and Authentication Failures"},
		{owasp_a08, "A08:2021-Software and Data Integrity Failures"},
		{owasp_a09, "A09:2021-Security Logging and Monitoring Failures"},
		{owasp_a10, "A10:2021-Server-Side Request Forgery"},
	};
	size_t i, j;

	if (cwe == 0)
		return NULL;
	for (i = 0; i < sizeof(cats) / sizeof(cats[0]); i++)
		for (j = 0; cats[i].cwes[j]; j++)
			if (cats[i].cwes[j] == cwe)
				return cats[i].name;
	return NULL;
}

/* Appends s with every character outside [A-Za-z0-9._-] as '-', at most 64 bytes. */
static void put_id_part(struct trb_buf *out, const char *s)
{
	size_t n = 0;

	for (; *s && n < 64; s++, n++) {
		char c = *s;
		bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
			  c == '.' || c == '_' || c == '-';
		trb_buf_putc(out, ok ? c : '-');
	}
}

int report_rule_id(struct trb_buf *out, const struct finding *f)
{
	unsigned cwe = report_cwe_num(f);

	if (f->source == FINDING_SOURCE_RULE && f->rule_id && *f->rule_id) {
		trb_buf_puts(out, "rule/");
		put_id_part(out, f->rule_id);
	} else if (cwe) {
		trb_buf_printf(out, "CWE-%u", cwe);
	} else if (f->category && *f->category) {
		trb_buf_puts(out, "category/");
		put_id_part(out, f->category);
	} else {
		trb_buf_puts(out, "tribunal/unclassified");
	}
	return trb_buf_error(out);
}

uint32_t report_line(const struct finding *f)
{
	return f->start_line ? f->start_line : 1;
}

uint32_t report_end_line(const struct finding *f)
{
	return f->end_line >= report_line(f) ? f->end_line : report_line(f);
}

static int verification_rank(finding_status_t s)
{
	switch (s) {
	case FINDING_CONFIRMED: return 0;
	case FINDING_UNCERTAIN: return 1;
	case FINDING_UNVERIFIED: return 2;
	case FINDING_SUPPRESSED: return 3;
	default: return 4;
	}
}

/* The sort key of one finding, so that qsort needs no access to fs (no payload, no globals) */
struct order_key {
	int group;          /* 0 gating, 1 active, 2 suppressed, 3 rejected */
	int severity;
	int vrank;
	int pre_existing;
	double confidence;
	size_t idx;
};

static int cmp_key(const void *pa, const void *pb)
{
	const struct order_key *a = pa, *b = pb;

	if (a->group != b->group)
		return a->group < b->group ? -1 : 1;
	if (a->severity != b->severity)
		return a->severity > b->severity ? -1 : 1;
	if (a->vrank != b->vrank)
		return a->vrank < b->vrank ? -1 : 1;
	if (a->pre_existing != b->pre_existing)
		return a->pre_existing < b->pre_existing ? -1 : 1;
	if (a->confidence != b->confidence)
		return a->confidence > b->confidence ? -1 : 1;
	return a->idx < b->idx ? -1 : a->idx > b->idx;
}

int report_order(size_t **out, const struct findings *fs)
{
	struct order_key *k;
	size_t i, bytes, n = fs->n ? fs->n : 1;

	*out = NULL;
	if (trb_mul_size(&bytes, n, sizeof(*k)) < 0)
		return TRB_ELIMIT;
	if (!(k = malloc(bytes)))
		return trb_err_oom();
	if (!(*out = malloc(n * sizeof(**out)))) {
		free(k);
		return trb_err_oom();
	}
	for (i = 0; i < fs->n; i++) {
		const struct finding *f = &fs->v[i];
		int v = verification_rank(f->status);
		k[i].group = f->gating ? 0 : v <= 2 ? 1 : v == 3 ? 2 : 3;
		k[i].severity = f->severity;
		k[i].vrank = v;
		k[i].pre_existing = f->pre_existing;
		k[i].confidence = f->confidence;
		k[i].idx = i;
	}
	if (fs->n > 1)
		qsort(k, fs->n, sizeof(*k), cmp_key);
	for (i = 0; i < fs->n; i++)
		(*out)[i] = k[i].idx;
	free(k);
	return 0;
}

void report_count(struct report_counts *c, const struct findings *fs)
{
	size_t i;

	memset(c, 0, sizeof(*c));
	for (i = 0; i < fs->n; i++) {
		const struct finding *f = &fs->v[i];
		if ((unsigned)f->status <= FINDING_SUPPRESSED)
			c->status[f->status]++;
		if (report_active(f)) {
			c->active++;
			if (f->severity >= 0 && f->severity < TRB_SEV_COUNT)
				c->active_by_sev[f->severity]++;
			if (f->pre_existing)
				c->pre_existing++;
		}
		if (f->gating)
			c->gating++;
	}
}

/* ---- time ---- */

/* days since 1970-01-01 of a civil date (H. Hinnant's algorithm) */
static long long days_from_civil(long long y, unsigned m, unsigned d)
{
	long long era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (long long)doe - 719468;
}

static void civil_from_days(long long z, int *y, unsigned *m, unsigned *d)
{
	long long era;
	unsigned doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = (unsigned)(z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int)((long long)yoe + era * 400 + (*m <= 2));
}

static bool digits(const char *s, size_t n, unsigned *out)
{
	size_t i;

	*out = 0;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		*out = *out * 10 + (unsigned)(s[i] - '0');
	}
	return true;
}

long long report_parse_time(const char *s)
{
	unsigned y, mo, d, h, mi, se, oh, om;
	long long t;
	size_t len;

	if (!s || (len = strlen(s)) < 19)
		return -1;
	if (!digits(s, 4, &y) || s[4] != '-' || !digits(s + 5, 2, &mo) || s[7] != '-' ||
	    !digits(s + 8, 2, &d) || (s[10] != 'T' && s[10] != 't' && s[10] != ' ') ||
	    !digits(s + 11, 2, &h) || s[13] != ':' || !digits(s + 14, 2, &mi) || s[16] != ':' ||
	    !digits(s + 17, 2, &se))
		return -1;
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 60)
		return -1;
	t = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + se;
	s += 19;
	if (*s == '.')
		for (s++; *s >= '0' && *s <= '9'; s++)
			;
	if (*s == 'Z' || *s == 'z' || *s == '\0')
		return t;
	if ((*s == '+' || *s == '-') && strlen(s) == 6 && digits(s + 1, 2, &oh) && s[3] == ':' &&
	    digits(s + 4, 2, &om))
		return *s == '+' ? t - (oh * 3600 + om * 60) : t + (oh * 3600 + om * 60);
	return -1;
}

void report_format_time(char out[32], long long t, bool fmt_z)
{
	long long days = t >= 0 ? t / 86400 : (t - 86399) / 86400;
	long long sec = t - days * 86400;
	unsigned m, d;
	int y;

	civil_from_days(days, &y, &m, &d);
	snprintf(out, 32, "%04d-%02u-%02uT%02u:%02u:%02u%s", y, m, d, (unsigned)(sec / 3600),
		 (unsigned)(sec / 60 % 60), (unsigned)(sec % 60), fmt_z ? "Z" : "");
}

void report_run_times(const struct findings *fs, long long *start, long long *end)
{
	long long t = report_parse_time(fs->run.started_at);

	*start = t < 0 ? 0 : t;
	*end = *start + (long long)((fs->run.duration_ms + 999) / 1000);
}

void report_format_duration(char out[32], uint64_t ms)
{
	if (ms < 1000)
		snprintf(out, 32, "%llu ms", (unsigned long long)ms);
	else if (ms < 60000)
		snprintf(out, 32, "%.1f s", (double)ms / 1000.0);
	else
		snprintf(out, 32, "%llum %02llus", (unsigned long long)(ms / 60000),
			 (unsigned long long)(ms / 1000 % 60));
}

void report_marker(struct trb_buf *out, const struct finding *f)
{
	const char *p;

	/* the fingerprint is hex when it came through findings_from_json; keep only hex regardless,
	 * so that nothing can close the comment */
	trb_buf_puts(out, "<!-- tribunal:fingerprint=");
	for (p = f->fingerprint ? f->fingerprint : ""; *p; p++)
		if ((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f') || (*p >= 'A' && *p <= 'F'))
			trb_buf_putc(out, *p);
	trb_buf_puts(out, " -->");
}

bool report_unreviewed_counts(const struct findings *fs, size_t *n, size_t *total)
{
	/* a record without counts (an older or hand-written findings.json) still has its list */
	*n = fs->run.units_not_reviewed ? fs->run.units_not_reviewed : fs->n_unreviewed;
	*total = fs->run.units_total > *n ? fs->run.units_total : *n;
	return *n > 0;
}

void report_run_stats(struct trb_buf *out, const struct findings_run *r)
{
	char dur[32];

	report_format_duration(dur, r->duration_ms);
	trb_buf_printf(out, " \xc2\xb7 %zu of %zu units reviewed \xc2\xb7 %llu input + %llu output tokens "
			    "(%llu cache read, %llu cache write) \xc2\xb7 $%.2f \xc2\xb7 %s",
		       r->units_reviewed, r->units_total, (unsigned long long)r->tokens_input,
		       (unsigned long long)r->tokens_output, (unsigned long long)r->tokens_cache_read,
		       (unsigned long long)r->tokens_cache_write, r->cost_usd, dur);
	/* which policy decided the gate: a missing .tribunal.yml must not go unnoticed */
	if (r->policy_source) {
		const char *p = r->policy_source;
		trb_buf_puts(out, " \xc2\xb7 ");
		trb_buf_puts(out, strcmp(p, "default") == 0 ? "built-in default policy (no .tribunal.yml)" :
				  strcmp(p, "base") == 0 ? "policy .tribunal.yml of the base commit" :
				  strcmp(p, "head") == 0 ? "policy .tribunal.yml of the head commit (--policy-from head)" :
				  strcmp(p, "file") == 0 ? "policy from --policy" : "policy of unknown origin");
	}
}
