/* agents/tools.c: the agents' read-only view of the head commit. Every path a model names goes
 * through util/path's checker, symlinks are never followed, privacy.never_send files are refused,
 * output is capped and secrets are redacted. A refusal is a tool error the model can read. */
#include "agents/agents_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "util/err.h"
#include "util/escape.h"
#include "util/glob.h"
#include "util/path.h"

const char agents_schema_read_file[] =
	"{\"type\":\"object\",\"properties\":{"
	"\"path\":{\"type\":\"string\",\"description\":\"repository-relative path of a file in the head commit\"},"
	"\"start_line\":{\"type\":\"integer\",\"minimum\":1,\"description\":\"first line (default 1)\"},"
	"\"end_line\":{\"type\":\"integer\",\"minimum\":1,\"description\":\"last line (default: start_line + 399)\"}},"
	"\"required\":[\"path\"]}";

const char agents_schema_search_code[] =
	"{\"type\":\"object\",\"properties\":{"
	"\"pattern\":{\"type\":\"string\",\"description\":\"PCRE2 regular expression, matched per line\"},"
	"\"path_glob\":{\"type\":\"string\",\"description\":\"only files matching this glob, e.g. src/**/*.py\"}},"
	"\"required\":[\"pattern\"]}";

const char agents_schema_list_files[] =
	"{\"type\":\"object\",\"properties\":{"
	"\"directory\":{\"type\":\"string\",\"description\":\"repository-relative directory (default: the root)\"}}}";

const char agents_schema_report_findings[] =
	"{\"type\":\"object\",\"properties\":{\"findings\":{\"type\":\"array\",\"items\":{\"type\":\"object\","
	"\"properties\":{"
	"\"path\":{\"type\":\"string\"},\"start_line\":{\"type\":\"integer\"},\"end_line\":{\"type\":\"integer\"},"
	"\"category\":{\"type\":\"string\"},\"cwe\":{\"type\":\"string\"},"
	"\"severity\":{\"type\":\"string\",\"enum\":[\"critical\",\"high\",\"medium\",\"low\"]},"
	"\"confidence\":{\"type\":\"number\",\"minimum\":0,\"maximum\":1},"
	"\"title\":{\"type\":\"string\"},\"description\":{\"type\":\"string\"},"
	"\"exploit_scenario\":{\"type\":\"string\"},"
	"\"data_flow\":{\"type\":\"array\",\"items\":{\"type\":\"object\",\"properties\":{"
	"\"path\":{\"type\":\"string\"},\"line\":{\"type\":\"integer\"},\"note\":{\"type\":\"string\"}},"
	"\"required\":[\"path\",\"line\"]}},"
	"\"recommendation\":{\"type\":\"string\"}},"
	"\"required\":[\"path\",\"start_line\",\"end_line\",\"category\",\"severity\",\"confidence\",\"title\","
	"\"description\"]}}},\"required\":[\"findings\"]}";

const char agents_schema_report_verdict[] =
	"{\"type\":\"object\",\"properties\":{"
	"\"verdict\":{\"type\":\"string\",\"enum\":[\"confirmed\",\"rejected\",\"uncertain\"]},"
	"\"exploitable\":{\"type\":\"boolean\"},\"mitigated\":{\"type\":\"boolean\"},\"consistent\":{\"type\":\"boolean\"},"
	"\"severity\":{\"type\":\"string\",\"enum\":[\"critical\",\"high\",\"medium\",\"low\"]},"
	"\"confidence\":{\"type\":\"number\",\"minimum\":0,\"maximum\":1},"
	"\"reason\":{\"type\":\"string\"}},"
	"\"required\":[\"verdict\",\"exploitable\",\"mitigated\",\"consistent\",\"severity\",\"confidence\",\"reason\"]}";

const char agents_schema_propose_patch[] =
	"{\"type\":\"object\",\"properties\":{"
	"\"patch\":{\"type\":\"string\",\"description\":\"unified diff against the head commit, or empty\"},"
	"\"explanation\":{\"type\":\"string\"}},\"required\":[\"patch\",\"explanation\"]}";

int agents_tools_init(struct agents_tools *t, git_repository *repo, const git_oid *head,
		      const struct config *policy, const struct rules *rules)
{
	git_commit *c = NULL;
	int error;

	memset(t, 0, sizeof(*t));
	t->repo = repo;
	t->policy = policy;
	t->rules = rules;
	if ((error = git_commit_lookup(&c, repo, head)) < 0 || (error = git_commit_tree(&t->head, c)) < 0)
		error = trb_err_set(TRB_ERROR, "cannot read the head commit's tree");
	git_commit_free(c);
	return error;
}

void agents_tools_dispose(struct agents_tools *t)
{
	git_tree_free(t->head);
	t->head = NULL;
}

static const char *str_arg(const cJSON *args, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(args, key);

	return cJSON_IsString(v) && v->valuestring ? v->valuestring : NULL;
}

/* -1 when absent; -2 when present but not a positive integer */
static long int_arg(const cJSON *args, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(args, key);

	if (!v || cJSON_IsNull(v))
		return -1;
	if (!cJSON_IsNumber(v) || v->valuedouble < 1 || v->valuedouble > 1e9 || v->valuedouble != (double)(long)v->valuedouble)
		return -2;
	return (long)v->valuedouble;
}

/* A model-supplied path, tidied and checked; NULL with *why set when refused. */
static char *safe_path(const char *raw, const struct config *policy, const char **why)
{
	char *p;

	if (!raw) {
		*why = "a path is required";
		return NULL;
	}
	if (strlen(raw) > 1024) {
		*why = "path too long";
		return NULL;
	}
	if (!(p = strdup(raw))) {
		*why = "out of memory";
		return NULL;
	}
	trb_path_tidy(p);
	if ((*why = trb_path_check(p, strlen(p))) != NULL) {
		free(p);
		return NULL;
	}
	if (policy && config_path_never_send(policy, p)) {
		*why = "this file is listed in privacy.never_send: its content never leaves the machine";
		free(p);
		return NULL;
	}
	return p;
}

const char *agents_head_file(git_blob **out, struct agents_tools *t, const char *path)
{
	git_tree_entry *e = NULL;
	const char *why = NULL;

	*out = NULL;
	if (t->policy && config_path_never_send(t->policy, path))
		return "this file is listed in privacy.never_send: its content never leaves the machine";
	if (git_tree_entry_bypath(&e, t->head, path) < 0)
		return "no such file in the head commit";
	if (git_tree_entry_type(e) == GIT_OBJECT_TREE)
		why = "this is a directory: use list_files";
	else if (git_tree_entry_filemode(e) == GIT_FILEMODE_LINK)
		why = "this is a symbolic link: links are not followed";
	else if (git_tree_entry_type(e) != GIT_OBJECT_BLOB)
		why = "this is a submodule, not a file";
	else if (git_blob_lookup(out, t->repo, git_tree_entry_id(e)) < 0)
		why = "the file cannot be read";
	else if (git_blob_rawsize(*out) > AGENTS_FILE_MAX_BYTES)
		why = "the file is too large to read";
	else if (diff_is_binary(git_blob_rawcontent(*out), (size_t)git_blob_rawsize(*out)))
		why = "the file is binary";
	if (why) {
		git_blob_free(*out);
		*out = NULL;
	}
	git_tree_entry_free(e);
	return why;
}

/* What the model may see of a whole file: its text with secrets redacted (line numbers kept), in
 * *text (pointing into red, or at raw when no rules are loaded). Always the whole file, never a
 * slice: a key block is only recognised from its BEGIN line, an AWS secret by a key id a few lines
 * away, and a line cut short can leave a key too short to match. Returns 0, TRB_ENOMEM, or
 * TRB_ELIMIT when the file holds more secrets than can be redacted. */
static int redact_file(const char **text, size_t *len, struct trb_buf *red, const struct agents_tools *t,
		       const char *raw, size_t raw_len)
{
	int error;

	if (!t->rules) {
		*text = raw;
		*len = raw_len;
		return 0;
	}
	trb_buf_clear(red);
	if ((error = rules_redact(red, t->rules, raw, raw_len)) < 0)
		return error;
	*text = trb_buf_cstr(red);
	*len = red->len;
	return 0;
}

#define TOOL_TOO_MANY_SECRETS "this file holds more secrets than can be redacted: it is not shown"

static int tool_error(struct trb_buf *out, bool *is_error, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int tool_error(struct trb_buf *out, bool *is_error, const char *fmt, ...)
{
	va_list ap;

	*is_error = true;
	trb_buf_puts(out, "error: ");
	va_start(ap, fmt);
	trb_buf_vprintf(out, fmt, ap);
	va_end(ap);
	return trb_buf_error(out);
}

static int read_file(struct trb_buf *out, bool *is_error, struct agents_tools *t, const cJSON *args)
{
	const char *why = NULL, *text;
	char *path = safe_path(str_arg(args, "path"), t->policy, &why);
	long start = int_arg(args, "start_line"), end = int_arg(args, "end_line");
	git_blob *blob = NULL;
	size_t len, i, line = 1, lines = 0, total;
	struct trb_buf red = TRB_BUF_INIT(TRB_LIMIT_FILE), body = TRB_BUF_INIT(AGENTS_READ_MAX_BYTES * 2);
	int error = 0;

	if (!path)
		return tool_error(out, is_error, "%s", why);
	if (start == -2 || end == -2) {
		error = tool_error(out, is_error, "%s", "start_line and end_line must be positive integers");
		goto done;
	}
	if ((why = agents_head_file(&blob, t, path)) != NULL) {
		error = tool_error(out, is_error, "%s", why);
		goto done;
	}
	if ((error = redact_file(&text, &len, &red, t, git_blob_rawcontent(blob), (size_t)git_blob_rawsize(blob))) < 0) {
		if (error == TRB_ELIMIT)
			error = tool_error(out, is_error, "%s", TOOL_TOO_MANY_SECRETS);
		goto done;
	}
	for (i = 0, total = 0; i < len; i++)
		total += text[i] == '\n';
	if (len && text[len - 1] != '\n')
		total++;
	if (start < 0)
		start = 1;
	if (end < 0 || end - start + 1 > AGENTS_READ_MAX_LINES)
		end = start + AGENTS_READ_MAX_LINES - 1;
	if (end < start) {
		error = tool_error(out, is_error, "%s", "end_line is before start_line");
		goto done;
	}
	if ((size_t)start > total && total > 0) {
		error = tool_error(out, is_error, "the file has %zu lines; start_line is past its end", total);
		goto done;
	}
	/* number the lines start..end of the redacted text, stopping at the byte cap */
	for (i = 0; i < len && line <= (size_t)end; line++) {
		const char *nl = memchr(text + i, '\n', len - i);
		size_t n = nl ? (size_t)(nl - (text + i)) : len - i;
		if (line >= (size_t)start) {
			if (body.len + n > AGENTS_READ_MAX_BYTES)
				break;
			trb_buf_printf(&body, "%6zu\t", line);
			trb_buf_put(&body, text + i, n);
			trb_buf_putc(&body, '\n');
			lines++;
		}
		i += n + 1;
	}
	if ((error = trb_buf_error(&body)) < 0)
		goto done;
	trb_buf_printf(out, "%s (lines %ld-%zu of %zu)\n", path, start, lines ? (size_t)start + lines - 1 : (size_t)start,
		       total);
	trb_escape_utf8(out, trb_buf_cstr(&body), body.len);
	if (lines && (size_t)start + lines - 1 < total)
		trb_buf_printf(out, "[more lines follow: read from line %zu]\n", (size_t)start + lines);
	error = trb_buf_error(out);
done:
	trb_buf_dispose(&body);
	trb_buf_dispose(&red);
	git_blob_free(blob);
	free(path);
	return error;
}

#define SEARCH_MAX_MS 3000

static uint64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

struct search {
	uint64_t deadline;         /* the event loop waits while a search runs: bounded in time */
	bool timed_out;
	struct agents_tools *t;
	pcre2_code *re;
	pcre2_match_data *md;
	pcre2_match_context *mc;
	const char *glob;
	struct trb_buf *out;
	struct trb_buf red;        /* the current file, redacted; reused from file to file */
	size_t matches, files, bytes;
	bool truncated, limited, unredactable;
	int error;
};

#define SEARCH_LINE_MAX 240

static int search_cb(const char *root, const git_tree_entry *e, void *payload)
{
	struct search *s = payload;
	struct trb_buf path = TRB_BUF_INIT(4096);
	git_blob *blob = NULL;
	const char *text;
	size_t len, i = 0, line = 1;
	int error;

	if (s->error || s->truncated)
		return -1;
	if (git_tree_entry_type(e) == GIT_OBJECT_TREE) {
		/* never descend into hostile names */
		const char *name = git_tree_entry_name(e);
		return trb_path_check(name, strlen(name)) ? 1 : 0;
	}
	if (git_tree_entry_type(e) != GIT_OBJECT_BLOB || git_tree_entry_filemode(e) == GIT_FILEMODE_LINK)
		return 0;
	trb_buf_puts(&path, root);
	trb_buf_puts(&path, git_tree_entry_name(e));
	if (trb_buf_error(&path) < 0 || trb_path_check(trb_buf_cstr(&path), path.len) ||
	    (s->glob && !trb_glob_match(s->glob, trb_buf_cstr(&path))) ||
	    (s->t->policy && config_path_never_send(s->t->policy, trb_buf_cstr(&path))))
		goto done;
	if (++s->files > AGENTS_SEARCH_MAX_FILES || s->bytes > AGENTS_SEARCH_MAX_BYTES) {
		s->truncated = true;
		goto done;
	}
	if (mono_ms() > s->deadline) {
		s->truncated = s->timed_out = true;
		goto done;
	}
	if (git_blob_lookup(&blob, s->t->repo, git_tree_entry_id(e)) < 0 || git_blob_rawsize(blob) > AGENTS_FILE_MAX_BYTES ||
	    diff_is_binary(git_blob_rawcontent(blob), (size_t)git_blob_rawsize(blob)))
		goto done;
	s->bytes += (size_t)git_blob_rawsize(blob);
	/* the pattern runs on the redacted text only: on the raw text, a model's pattern would be an
	 * oracle testing a secret byte by byte, even if the line it matched were shown redacted */
	if ((error = redact_file(&text, &len, &s->red, s->t, git_blob_rawcontent(blob),
				 (size_t)git_blob_rawsize(blob))) < 0) {
		if (error == TRB_ELIMIT)
			s->unredactable = true;
		else
			s->error = error;
		goto done;
	}
	while (i < len) {
		const char *nl = memchr(text + i, '\n', len - i);
		size_t n = nl ? (size_t)(nl - (text + i)) : len - i;
		int rc = pcre2_match(s->re, (PCRE2_SPTR)(text + i), n, 0, 0, s->md, s->mc);
		if (rc >= 0) {
			trb_buf_puts(s->out, trb_buf_cstr(&path));
			trb_buf_printf(s->out, ":%zu: ", line);
			trb_escape_utf8(s->out, text + i, trb_utf8_prefix(text + i, n, SEARCH_LINE_MAX));
			if ((s->error = trb_buf_putc(s->out, '\n')) < 0)
				break;
			if (++s->matches >= AGENTS_SEARCH_MAX_MATCHES) {
				s->truncated = true;
				break;
			}
		} else if (rc == PCRE2_ERROR_MATCHLIMIT || rc == PCRE2_ERROR_DEPTHLIMIT) {
			s->limited = true;
			if ((line & 63) == 0 && mono_ms() > s->deadline) {
				s->truncated = s->timed_out = true;
				break;
			}
		}
		i += n + 1;
		line++;
	}
done:
	git_blob_free(blob);
	trb_buf_dispose(&path);
	return s->truncated || s->error ? -1 : 0;
}

static int search_code(struct trb_buf *out, bool *is_error, struct agents_tools *t, const cJSON *args)
{
	const char *pattern = str_arg(args, "pattern"), *glob = str_arg(args, "path_glob");
	struct search s;
	int code, error = 0;
	PCRE2_SIZE off;
	char msg[256];

	if (!pattern || !*pattern)
		return tool_error(out, is_error, "%s", "a non-empty pattern is required");
	if (strlen(pattern) > 1000)
		return tool_error(out, is_error, "%s", "the pattern is too long");
	if (glob && (trb_glob_check(glob) || strlen(glob) > 500))
		return tool_error(out, is_error, "%s", "path_glob is not a valid glob");
	memset(&s, 0, sizeof(s));
	s.deadline = mono_ms() + SEARCH_MAX_MS;
	s.t = t;
	s.glob = glob && *glob ? glob : NULL;
	s.out = out;
	trb_buf_init(&s.red, TRB_LIMIT_FILE);
	s.re = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED, PCRE2_UTF | PCRE2_NEVER_BACKSLASH_C |
			     PCRE2_MATCH_INVALID_UTF, &code, &off, NULL);
	if (!s.re) {
		char detail[300];
		pcre2_get_error_message(code, (PCRE2_UCHAR *)msg, sizeof(msg));
		snprintf(detail, sizeof(detail), "invalid pattern at offset %zu: %s", (size_t)off, msg);
		return tool_error(out, is_error, "%s", detail);
	}
	if (!(s.md = pcre2_match_data_create_from_pattern(s.re, NULL)) || !(s.mc = pcre2_match_context_create(NULL))) {
		error = trb_err_oom();
		goto done;
	}
	/* a model's pattern runs on hostile text: bounded backtracking */
	pcre2_set_match_limit(s.mc, 100000);
	pcre2_set_depth_limit(s.mc, 1000);
	trb_buf_printf(out, "matches of /%.200s/%s%.200s:\n", pattern, s.glob ? " in " : "", s.glob ? s.glob : "");
	git_tree_walk(t->head, GIT_TREEWALK_PRE, search_cb, &s);
	if ((error = s.error) < 0)
		goto done;
	if (!s.matches)
		trb_buf_puts(out, "(no matches)\n");
	if (s.timed_out)
		trb_buf_printf(out, "[stopped after %d ms: narrow the pattern or path_glob]\n", SEARCH_MAX_MS);
	else if (s.truncated)
		trb_buf_printf(out, "[stopped after %zu matches or %zu files: narrow the pattern or path_glob]\n",
			       s.matches, s.files);
	if (s.limited)
		trb_buf_puts(out, "[some lines were skipped: the pattern backtracks too much]\n");
	if (s.unredactable)
		trb_buf_puts(out, "[some files were skipped: they hold more secrets than can be redacted]\n");
	error = trb_buf_error(out);
done:
	trb_buf_dispose(&s.red);
	pcre2_match_context_free(s.mc);
	pcre2_match_data_free(s.md);
	pcre2_code_free(s.re);
	return error;
}

static int list_files(struct trb_buf *out, bool *is_error, struct agents_tools *t, const cJSON *args)
{
	const char *dir = str_arg(args, "directory"), *why = NULL;
	git_tree *tree = NULL;
	git_tree_entry *e = NULL;
	char *path = NULL;
	size_t i, n;
	int error = 0;

	if (dir && *dir && strcmp(dir, ".") != 0 && strcmp(dir, "/") != 0) {
		if (!(path = safe_path(dir, NULL, &why)))
			return tool_error(out, is_error, "%s", why);
		if (git_tree_entry_bypath(&e, t->head, path) < 0 || git_tree_entry_type(e) != GIT_OBJECT_TREE) {
			git_tree_entry_free(e);
			free(path);
			return tool_error(out, is_error, "%s", "no such directory in the head commit");
		}
		if (git_tree_lookup(&tree, t->repo, git_tree_entry_id(e)) < 0) {
			git_tree_entry_free(e);
			free(path);
			return tool_error(out, is_error, "%s", "the directory cannot be read");
		}
		git_tree_entry_free(e);
	}
	n = git_tree_entrycount(tree ? tree : t->head);
	trb_buf_printf(out, "%s (%zu entries):\n", path ? path : ".", n);
	for (i = 0; i < n && i < AGENTS_LIST_MAX_ENTRIES; i++) {
		const git_tree_entry *x = git_tree_entry_byindex(tree ? tree : t->head, i);
		const char *name = git_tree_entry_name(x);
		if (trb_path_check(name, strlen(name)))
			continue;   /* hostile names are not shown */
		trb_escape_utf8(out, name, strlen(name));
		switch (git_tree_entry_filemode(x)) {
		case GIT_FILEMODE_TREE: trb_buf_puts(out, "/\n"); break;
		case GIT_FILEMODE_LINK: trb_buf_puts(out, " (symlink, not followed)\n"); break;
		case GIT_FILEMODE_COMMIT: trb_buf_puts(out, " (submodule)\n"); break;
		default: trb_buf_putc(out, '\n'); break;
		}
	}
	if (n > AGENTS_LIST_MAX_ENTRIES)
		trb_buf_printf(out, "[%zu more entries not shown]\n", n - AGENTS_LIST_MAX_ENTRIES);
	error = trb_buf_error(out);
	git_tree_free(tree);
	free(path);
	return error;
}

int agents_tool_call(struct trb_buf *out, bool *is_error, struct agents_tools *t, const char *name,
		     const cJSON *args)
{
	*is_error = false;
	if (!cJSON_IsObject(args))
		return tool_error(out, is_error, "%s", "the arguments must be a JSON object");
	if (strcmp(name, "read_file") == 0)
		return read_file(out, is_error, t, args);
	if (strcmp(name, "search_code") == 0)
		return search_code(out, is_error, t, args);
	if (strcmp(name, "list_files") == 0)
		return list_files(out, is_error, t, args);
	return tool_error(out, is_error, "unknown tool '%.64s': use read_file, search_code or list_files", name);
}
