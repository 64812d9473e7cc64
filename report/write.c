/* report/write.c: --format selection, options from the CI environment, and writing the files.
 * Files are written to a temporary name and renamed, so that a CI step that uploads the
 * directory never sees half a report. */
#include "report/internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "util/err.h"
#include "util/fsio.h"
#include "util/escape.h"

static const struct {
	const char *name;
	const char *file;
} formats[REPORT_FORMAT_COUNT] = {
	[REPORT_JSON] = {"json", "findings.json"},
	[REPORT_SARIF] = {"sarif", "results.sarif"},
	[REPORT_JUNIT] = {"junit", "junit.xml"},
	[REPORT_GITHUB] = {"github", "github-review.json"},
	[REPORT_GITLAB] = {"gitlab", "gitlab-discussions.json"},
	[REPORT_CODEQUALITY] = {"codequality", "gl-code-quality-report.json"},
	[REPORT_SAST] = {"sast", "gl-sast-report.json"},
	[REPORT_SUMMARY] = {"summary", "summary.md"},
	[REPORT_HTML] = {"html", "report.html"},
	[REPORT_AUDIT] = {"audit", "audit.jsonl"},
};

const char *report_format_name(report_format_t f)
{
	return (unsigned)f < REPORT_FORMAT_COUNT ? formats[f].name : "?";
}

const char *report_format_file(report_format_t f)
{
	return (unsigned)f < REPORT_FORMAT_COUNT ? formats[f].file : "?";
}

void report_options_init(struct report_options *o)
{
	memset(o, 0, sizeof(*o));
}

void report_options_dispose(struct report_options *o)
{
	free(o->owned[0]);
	free(o->owned[1]);
	o->owned[0] = o->owned[1] = NULL;
}

/* "https://github.com" + "/" + "owner/repo", only for http(s) servers */
static int https_join(char **out, const char *server, const char *repo)
{
	struct trb_buf b = TRB_BUF_INIT(TRB_LIMIT_SMALL);
	size_t n = strlen(server);

	*out = NULL;
	if (strncmp(server, "https://", 8) != 0 && strncmp(server, "http://", 7) != 0)
		return 0;
	while (n && server[n - 1] == '/')
		n--;
	trb_buf_put(&b, server, n);
	if (repo) {
		trb_buf_putc(&b, '/');
		trb_escape_uri_path(&b, repo, strlen(repo));
	}
	if (trb_buf_error(&b) < 0)
		return trb_buf_error(&b);
	*out = trb_buf_detach(&b);
	return *out ? 0 : trb_err_oom();
}

int report_options_from_env(struct report_options *o)
{
	const char *v, *w;
	int error;

	if ((v = getenv("GITHUB_STEP_SUMMARY")) && *v)
		o->step_summary_path = v;
	if ((v = getenv("GITHUB_ACTIONS")) && strcmp(v, "true") == 0)
		o->github_actions = true;
	/* the checkout as an absolute file URI ending in '/' (SARIF originalUriBaseIds) */
	if (((v = getenv("GITHUB_WORKSPACE")) && *v == '/') || ((v = getenv("CI_PROJECT_DIR")) && *v == '/')) {
		struct trb_buf b = TRB_BUF_INIT(TRB_LIMIT_SMALL);
		trb_buf_puts(&b, "file://");
		trb_escape_uri_path(&b, v, strlen(v));
		if (b.len && b.ptr[b.len - 1] != '/')
			trb_buf_putc(&b, '/');
		if ((error = trb_buf_error(&b)) < 0)
			return error;
		free(o->owned[0]);
		o->checkout_uri = o->owned[0] = trb_buf_detach(&b);
	}
	if ((v = getenv("GITHUB_SERVER_URL")) && (w = getenv("GITHUB_REPOSITORY")) && *w) {
		char *u;
		if ((error = https_join(&u, v, w)) < 0)
			return error;
		if (u) {
			free(o->owned[1]);
			o->repository_uri = o->owned[1] = u;
		}
	} else if ((v = getenv("CI_PROJECT_URL")) && *v) {
		char *u;
		if ((error = https_join(&u, v, NULL)) < 0)
			return error;
		if (u) {
			free(o->owned[1]);
			o->repository_uri = o->owned[1] = u;
		}
	}
	return 0;
}

/* Edit distance of two short lowercase words (names are < 16 bytes; longer input gets none). */
static size_t distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j;
	size_t prev[33], cur[33];

	if (la > 32 || lb > 32)
		return (size_t)-1;
	for (j = 0; j <= lb; j++)
		prev[j] = j;
	for (i = 1; i <= la; i++) {
		cur[0] = i;
		for (j = 1; j <= lb; j++) {
			size_t sub = prev[j - 1] + (a[i - 1] != b[j - 1]);
			size_t del = prev[j] + 1, ins = cur[j - 1] + 1;
			cur[j] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
		}
		memcpy(prev, cur, (lb + 1) * sizeof(*prev));
	}
	return prev[lb];
}

int report_formats_parse(unsigned *out, const char *list)
{
	struct trb_buf word = TRB_BUF_INIT(256), known = TRB_BUF_INIT(1024);
	const char *p = list, *e;
	unsigned bits = 0;
	int f, error = 0;

	*out = 0;
	if (!list || !*list)
		return trb_err_set(TRB_EINVAL, "--format: empty list (give names like sarif,junit, or all)");
	for (f = 0; f < REPORT_FORMAT_COUNT; f++)
		trb_buf_printf(&known, "%s%s", f ? ", " : "", formats[f].name);
	while (*p) {
		size_t n;
		bool found = false;
		e = strchr(p, ',');
		n = e ? (size_t)(e - p) : strlen(p);
		while (n && (*p == ' ' || *p == '\t')) {
			p++;
			n--;
		}
		while (n && (p[n - 1] == ' ' || p[n - 1] == '\t'))
			n--;
		trb_buf_clear(&word);
		trb_escape_term(&word, p, n > 64 ? 64 : n);
		if (n == 0) {
			error = trb_err_set(TRB_EINVAL, "--format: empty name in '%s'", list);
			goto cleanup;
		}
		if (n == 3 && strncasecmp(p, "all", 3) == 0) {
			bits |= REPORT_ALL;
			found = true;
		}
		for (f = 0; f < REPORT_FORMAT_COUNT && !found; f++)
			if (strlen(formats[f].name) == n && strncasecmp(p, formats[f].name, n) == 0) {
				bits |= REPORT_BIT(f);
				found = true;
			}
		if (!found) {
			const char *best = NULL;
			size_t bd = 3, d;
			char *lower = strndup(trb_buf_cstr(&word), 64);
			if (!lower) {
				error = trb_err_oom();
				goto cleanup;
			}
			for (d = 0; lower[d]; d++)
				if (lower[d] >= 'A' && lower[d] <= 'Z')
					lower[d] = (char)(lower[d] - 'A' + 'a');
			for (f = 0; f < REPORT_FORMAT_COUNT; f++) {
				d = distance(lower, formats[f].name);
				/* "code-quality", "gl-sast": a known name inside counts too */
				if (d > 2 && strstr(lower, formats[f].name))
					d = 2;
				if (d < bd) {
					bd = d;
					best = formats[f].name;
				}
			}
			/* a file name works too: "results.sarif" means sarif */
			for (f = 0; f < REPORT_FORMAT_COUNT && !best; f++)
				if (strcmp(lower, formats[f].file) == 0)
					best = formats[f].name;
			free(lower);
			if (best)
				error = trb_err_set(TRB_EINVAL, "--format: unknown format '%s' (did you mean '%s'?); known: %s, all",
						    trb_buf_cstr(&word), best, trb_buf_cstr(&known));
			else
				error = trb_err_set(TRB_EINVAL, "--format: unknown format '%s'; known: %s, all",
						    trb_buf_cstr(&word), trb_buf_cstr(&known));
			goto cleanup;
		}
		if (!e)
			break;
		p = e + 1;
		if (!*p) {
			error = trb_err_set(TRB_EINVAL, "--format: empty name in '%s'", list);
			goto cleanup;
		}
	}
	*out = bits;
cleanup:
	trb_buf_dispose(&word);
	trb_buf_dispose(&known);
	return error;
}

int report_json(struct trb_buf *out, const struct findings *fs)
{
	return findings_to_json_buf(out, fs);
}

static int write_file(const char *dir, const char *name, const struct trb_buf *content)
{
	struct trb_buf path = TRB_BUF_INIT(TRB_LIMIT_SMALL), tmp = TRB_BUF_INIT(TRB_LIMIT_SMALL);
	FILE *f = NULL;
	int error;

	trb_buf_printf(&path, "%s/%s", dir, name);
	trb_buf_printf(&tmp, "%s/.%s.tmp", dir, name);
	if ((error = trb_buf_error(&path)) < 0 || (error = trb_buf_error(&tmp)) < 0)
		goto cleanup;
	if (!(f = trb_fopen_new(tmp.ptr))) {
		error = trb_err_set(TRB_EIO, "cannot write %s: %s", tmp.ptr, strerror(errno));
		goto cleanup;
	}
	if (content->len && fwrite(content->ptr, 1, content->len, f) != content->len) {
		error = trb_err_set(TRB_EIO, "cannot write %s: %s", tmp.ptr, strerror(errno));
		goto cleanup;
	}
	if (fclose(f) != 0) {
		f = NULL;
		error = trb_err_set(TRB_EIO, "cannot write %s: %s", tmp.ptr, strerror(errno));
		goto cleanup;
	}
	f = NULL;
	if (rename(tmp.ptr, path.ptr) < 0) {
		error = trb_err_set(TRB_EIO, "cannot rename %s to %s: %s", tmp.ptr, path.ptr, strerror(errno));
		goto cleanup;
	}
cleanup:
	if (f) {
		fclose(f);
		remove(tmp.ptr);
	} else if (error < 0 && tmp.ptr) {
		remove(tmp.ptr);
	}
	trb_buf_dispose(&path);
	trb_buf_dispose(&tmp);
	return error;
}

/* Appends the summary, in at most max bytes, to $GITHUB_STEP_SUMMARY within what is left of its
 * 1 MiB per step. `rendered` is summary.md as just rendered with max, or NULL: when the room left
 * is at least max it is those very bytes, so the summary is not rendered twice. */
static int append_step_summary(const char *path, const struct findings *fs, size_t max,
			       const struct trb_buf *rendered)
{
	struct trb_buf b = TRB_BUF_INIT(TRB_LIMIT_REPORT);
	const struct trb_buf *text = &b;
	struct stat st;
	size_t used = 0, room;
	FILE *f;
	int error = 0;

	if (max == 0)
		max = REPORT_SUMMARY_DEFAULT_MAX;
	if (stat(path, &st) == 0 && st.st_size > 0)
		used = (size_t)st.st_size;
	if (used + 4096 >= REPORT_STEP_SUMMARY_MAX)
		return 0;   /* no room left: GitHub would drop the whole step summary */
	room = REPORT_STEP_SUMMARY_MAX - used - 2048;
	if (rendered && room >= max)
		text = rendered;   /* rendered with this very budget */
	else if ((error = report_summary(&b, fs, room < max ? room : max)) < 0)
		goto cleanup;
	if (!(f = trb_fopen_append(path))) {
		error = trb_err_set(TRB_EIO, "cannot append to $GITHUB_STEP_SUMMARY (%s): %s", path, strerror(errno));
		goto cleanup;
	}
	{
		bool short_write = text->len && fwrite(text->ptr, 1, text->len, f) != text->len;
		bool close_failed = fclose(f) != 0;   /* always closed, even after a short write */
		if (short_write || close_failed)
			error = trb_err_set(TRB_EIO, "cannot append to $GITHUB_STEP_SUMMARY (%s): %s", path, strerror(errno));
	}
cleanup:
	trb_buf_dispose(&b);
	return error;
}

/* The first failure of a run of independent steps: its code, and its message kept aside, since
 * the steps after it overwrite the thread's message. */
struct first_error {
	int code;
	char *msg;
};

static void first_error_keep(struct first_error *e, int code)
{
	if (code >= 0 || e->code < 0)
		return;
	e->code = code;
	e->msg = strdup(trb_err_msg());   /* NULL: the code alone is reported */
}

static int first_error_return(struct first_error *e)
{
	if (e->code < 0)
		trb_err_set(e->code, "%s", e->msg ? e->msg : "a report could not be written");
	free(e->msg);
	return e->code;
}

int report_write_all(const char *out_dir, unsigned selected, const struct findings *fs,
		     const struct report_options *o)
{
	struct report_options defaults;
	struct trb_buf b = TRB_BUF_INIT(TRB_LIMIT_REPORT), summary = TRB_BUF_INIT(TRB_LIMIT_REPORT);
	struct first_error first = {0, NULL};
	bool have_summary = false;
	int f, error;

	if (!o) {
		report_options_init(&defaults);
		o = &defaults;
	}
	if ((error = trb_mkdirs(out_dir)) < 0)
		return error;
	/* every format is attempted: one that fails (no libxml2 for junit.xml, a full disk for one
	 * file) costs only itself; the first error is returned */
	for (f = 0; f < REPORT_FORMAT_COUNT; f++) {
		struct trb_buf *dst = f == REPORT_SUMMARY ? &summary : &b;
		if (!(selected & REPORT_BIT(f)) || f == REPORT_AUDIT)
			continue;
		trb_buf_clear(dst);
		switch ((report_format_t)f) {
		case REPORT_JSON: error = report_json(dst, fs); break;
		case REPORT_SARIF: error = report_sarif(dst, fs, o); break;
		case REPORT_JUNIT: error = report_junit(dst, fs); break;
		case REPORT_GITHUB: error = report_github_review(dst, fs, o); break;
		case REPORT_GITLAB: error = report_gitlab_discussions(dst, fs, o); break;
		case REPORT_CODEQUALITY: error = report_codequality(dst, fs); break;
		case REPORT_SAST: error = report_sast(dst, fs); break;
		case REPORT_SUMMARY: error = report_summary(dst, fs, o->summary_max_bytes); break;
		case REPORT_HTML: error = report_html(dst, fs); break;
		default: error = 0; break;
		}
		if (error < 0) {
			first_error_keep(&first, trb_err_prefix(error, "%s: ", formats[f].file));
			continue;
		}
		if (f == REPORT_SUMMARY)
			have_summary = true;
		first_error_keep(&first, write_file(out_dir, formats[f].file, dst));
	}
	if (o->step_summary_path && *o->step_summary_path)
		first_error_keep(&first, append_step_summary(o->step_summary_path, fs, o->summary_max_bytes,
							     have_summary ? &summary : NULL));
	trb_buf_dispose(&b);
	trb_buf_dispose(&summary);
	return first_error_return(&first);
}
