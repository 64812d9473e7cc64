/* cmd/policy.c: `tribunal policy check|show|init`, and where plan/scan take their policy from. */
#include "cmd/cmd.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config/config.h"
#include "diff/diff.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/escape.h"
#include "util/fsio.h"
#include "util/sha256.h"

#define POLICY_FILE ".tribunal.yml"

int cmd_today(void)
{
	/* the wall clock, never SOURCE_DATE_EPOCH: CI often sets that from the commit time, which
	 * the merge request's author chooses, and it would decide when suppressions expire */
	time_t now = time(NULL);
	struct tm tm;

	if (!gmtime_r(&now, &tm))
		return 0;
	return (tm.tm_year + 1900) * 10000 + (tm.tm_mon + 1) * 100 + tm.tm_mday;
}

/* Loads policy text; prints every diagnostic; EXIT_USAGE on errors. */
static int load_text(struct config **out, const char *name, const char *text, size_t len, bool quiet)
{
	struct config_diags diags = {0};
	int error = config_load(out, &diags, name, text, len, cmd_today());

	if (error < 0 || !quiet)
		config_diags_print(stderr, &diags, name);
	config_diags_dispose(&diags);
	if (error == TRB_ENOMEM) {
		fprintf(stderr, "tribunal: error: out of memory\n");
		return EXIT_USAGE;
	}
	return error < 0 ? EXIT_USAGE : 0;
}

static int load_file(struct config **out, const char *path, bool quiet)
{
	char *text = NULL;
	size_t len = 0;
	int rc;

	if (trb_read_file(&text, &len, path, CONFIG_MAX_BYTES + 1) < 0) {
		cmd_report_error(NULL, NULL);
		return EXIT_USAGE;
	}
	rc = load_text(out, path, text, len, quiet);
	free(text);
	return rc;
}

static const char *getenv_cb(const char *name, void *payload)
{
	(void)payload;
	return getenv(name);
}

static int readfile_cb(char **out, size_t *len, const char *path, void *payload)
{
	(void)payload;
	return trb_read_file(out, len, path, (size_t)64 * 1024 * 1024);
}

static void progress_cb(size_t done, size_t total, void *payload)
{
	(void)payload;
	if (done == total || done % 25 == 0)
		fprintf(stderr, "\rtribunal: reading changed files %zu/%zu%s", done, total, done == total ? "\n" : "");
}

int cmd_prepare(struct diff **d, struct diff_spec *spec, struct config **policy, const char **policy_source,
		const struct cmd_opts *o)
{
	struct diff_opts dopts;
	int rc;

	*d = NULL;
	*policy = NULL;
	*policy_source = "default";
	if (diff_spec_resolve(spec, o->val[OPT_BASE], o->val[OPT_HEAD], getenv_cb, readfile_cb, NULL) < 0 ||
	    diff_open(d, o->val[OPT_REPO] ? o->val[OPT_REPO] : ".", spec) < 0) {
		cmd_report_error(o, NULL);
		return EXIT_USAGE;
	}
	if ((rc = cmd_load_policy(policy, policy_source, *d, o)) != 0)
		return rc;
	memset(&dopts, 0, sizeof(dopts));
	dopts.policy = *policy;
	if (cmd_progress_enabled(o))
		dopts.progress = progress_cb;
	if (diff_run(*d, &dopts) < 0 || diff_pack(*d, (*policy)->budget.unit_tokens, o->shard_n) < 0) {
		cmd_report_error(o, NULL);
		return EXIT_USAGE;
	}
	return 0;
}

int cmd_policy_hash(char *out, const struct config *policy)
{
	char *yaml = NULL;
	int error;

	if ((error = config_to_yaml(&yaml, policy)) < 0)
		return error;
	trb_sha256_hex(out, yaml, strlen(yaml));
	free(yaml);
	return 0;
}

/* Whether the other side's .tribunal.yml differs from the one in use (eu: how reading that one
 * went); a file that cannot be read there counts as different. Never fails. */
static bool policy_differs(struct diff *d, diff_side_t other, int eu, const char *text, size_t len)
{
	char *other_text = NULL;
	size_t other_len = 0;
	int eo = diff_read_file(&other_text, &other_len, d, other, POLICY_FILE, CONFIG_MAX_BYTES + 1);
	bool differs = eo != eu || (eo == 0 && (other_len != len || memcmp(other_text, text, len) != 0));

	free(other_text);
	trb_err_clear();
	return differs;
}

int cmd_load_policy(struct config **out, const char **source, struct diff *d, const struct cmd_opts *o)
{
	bool quiet = o->val[OPT_QUIET] != NULL;
	/* the base commit's policy unless asked otherwise: a merge request must not weaken its own gate */
	diff_side_t side = o->val[OPT_POLICY_FROM] && !strcmp(o->val[OPT_POLICY_FROM], "head") ? DIFF_SIDE_HEAD
											     : DIFF_SIDE_BASE;
	const char *which = side == DIFF_SIDE_HEAD ? "head" : "base";
	char *text = NULL, name[96], sha[GIT_OID_HEXSZ + 1];
	size_t len = 0;
	int rc, eu;

	*out = NULL;
	if (o->val[OPT_POLICY]) {
		*source = "file";
		return load_file(out, o->val[OPT_POLICY], quiet);
	}
	/* only the side in use can fail the run: the other one is read for the note alone */
	eu = diff_read_file(&text, &len, d, side, POLICY_FILE, CONFIG_MAX_BYTES + 1);
	if (eu < 0 && eu != TRB_ENOTFOUND) {
		cmd_report_error(o, POLICY_FILE ": ");
		return EXIT_USAGE;
	}
	if (eu == 0) {
		git_oid_tostr(sha, 8, side == DIFF_SIDE_HEAD ? &d->head : &d->base);
		snprintf(name, sizeof(name), POLICY_FILE " (%s %s)", which, sha);
		*source = which;
		rc = load_text(out, name, text, len, quiet);
	} else {
		trb_err_clear();
		*source = "default";
		rc = config_new_default(out) < 0 ? EXIT_USAGE : 0;
	}
	if (rc == 0 && !quiet && side == DIFF_SIDE_BASE && policy_differs(d, DIFF_SIDE_HEAD, eu, text, len))
		fprintf(stderr, "tribunal: note: this merge request changes " POLICY_FILE "; the scan uses the %s "
			"(the change is reviewed as code; --policy-from head would use it, which lets a merge request "
			"weaken its own gate)\n", eu == 0 ? "base commit's version" : "default policy (the base has none)");
	free(text);
	if (rc != 0) {
		config_free(*out);
		*out = NULL;
	}
	return rc;
}

int cmd_policy(struct cmd_opts *o)
{
	const char *verb = o->n_args ? o->args[0] : NULL;
	struct config *c = NULL;
	char *yaml = NULL;
	int rc;

	if (!verb) {
		fprintf(stderr, "tribunal policy: expected 'check FILE', 'show [FILE]' or 'init'\n"
				"Try 'tribunal policy --help'.\n");
		return EXIT_USAGE;
	}
	if (strcmp(verb, "init") == 0) {
		if (o->n_args != 1) {
			fprintf(stderr, "tribunal policy init: takes no arguments\nTry 'tribunal policy --help'.\n");
			return EXIT_USAGE;
		}
		fputs(config_starter(), stdout);
		return EXIT_PASS;
	}
	if (strcmp(verb, "check") == 0) {
		if (o->n_args != 2) {
			fprintf(stderr, "tribunal policy check: expected one FILE\nTry 'tribunal policy --help'.\n");
			return EXIT_USAGE;
		}
		rc = load_file(&c, o->args[1], false);
		if (rc == 0) {
			struct trb_buf b = TRB_BUF_INIT(TRB_LIMIT_SMALL);
			trb_escape_term(&b, o->args[1], strlen(o->args[1]));
			printf("%s: valid policy\n", trb_buf_cstr(&b));
			trb_buf_dispose(&b);
		}
		config_free(c);
		return rc;
	}
	if (strcmp(verb, "show") == 0) {
		if (o->n_args > 2) {
			fprintf(stderr, "tribunal policy show: expected at most one FILE\nTry 'tribunal policy --help'.\n");
			return EXIT_USAGE;
		}
		if (o->n_args == 2)
			rc = load_file(&c, o->args[1], false);
		else
			rc = config_new_default(&c) < 0 ? EXIT_USAGE : 0;
		if (rc == 0 && config_to_yaml(&yaml, c) < 0) {
			cmd_report_error(o, NULL);
			rc = EXIT_USAGE;
		}
		if (rc == 0)
			fputs(yaml, stdout);
		free(yaml);
		config_free(c);
		return rc;
	}
	fprintf(stderr, "tribunal policy: unknown action '%.40s' (expected check, show or init)\n"
			"Try 'tribunal policy --help'.\n", verb);
	return EXIT_USAGE;
}
