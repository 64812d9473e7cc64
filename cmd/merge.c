/* cmd/merge.c: `tribunal merge DIR... --out DIR`: the reports of sharded scans as one job. */
#include "cmd/cmd.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "diff/diff.h"
#include "findings/findings.h"
#include "report/report.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/fsio.h"

#define FINDINGS_MAX_BYTES ((size_t)512 * 1024 * 1024)

/* The policy the shards ran with: --policy FILE, else .tribunal.yml of the merged run's base
 * commit (as scan reads it); NULL when no repository is at hand, or the shards do not say which
 * commits they reviewed. */
static int merge_policy(struct config **out, const char **source, const struct findings *fs, struct cmd_opts *o)
{
	struct diff_spec spec = {0};
	struct diff *d = NULL;
	int rc = 0;

	*out = NULL;
	if (!o->val[OPT_POLICY] && (!fs->run.base || !fs->run.head))
		return 0;
	spec.base = fs->run.base;
	spec.head = fs->run.head;
	spec.source = DIFF_SOURCE_FLAGS;
	if (!o->val[OPT_POLICY] && diff_open(&d, o->val[OPT_REPO] ? o->val[OPT_REPO] : ".", &spec) < 0) {
		trb_err_clear();
		return 0;   /* no repository: the shards' verdicts are combined instead */
	}
	rc = cmd_load_policy(out, source, d, o);
	diff_free(d);
	return rc;
}

/* The parts must be the shards 1..N of one scan, each once: a missing shard would hide its
 * findings, a repeated one would count its units twice. */
static int check_shards(struct findings *const *parts, size_t n, char *const *dirs)
{
	unsigned long i_of, n_of, total = 0;
	unsigned char *seen = NULL;
	size_t k;
	char *end;
	int error = 0;

	if (n == 1 && !parts[0]->run.shard)
		return 0;
	for (k = 0; k < n; k++) {
		const char *s = parts[k]->run.shard;
		if (!s || (i_of = strtoul(s, &end, 10)) == 0 || *end != '/' || (n_of = strtoul(end + 1, &end, 10)) == 0 ||
		    *end || i_of > n_of || n_of > 1000) {
			error = trb_err_set(TRB_EINVAL, "%s is not the output of 'tribunal scan --shard I/N'", dirs[k]);
			break;
		}
		if (total == 0) {
			total = n_of;
			if (!(seen = calloc(n_of + 1, 1))) {
				error = trb_err_oom();
				break;
			}
		}
		if (n_of != total) {
			error = trb_err_set(TRB_EINVAL, "%s is shard %s, but the others are of %lu shards", dirs[k], s, total);
			break;
		}
		if (seen[i_of]++) {
			error = trb_err_set(TRB_EINVAL, "shard %lu/%lu is given twice (%s)", i_of, total, dirs[k]);
			break;
		}
	}
	if (!error && n != total)
		error = trb_err_set(TRB_EINVAL, "%zu of %lu shards given: every shard is needed (a missing one would "
				    "hide its findings)", n, total);
	free(seen);
	return error;
}

int cmd_merge(struct cmd_opts *o)
{
	struct findings **parts = NULL, *merged = NULL;
	struct config *policy = NULL;
	struct trb_buf path = TRB_BUF_INIT(4096);
	const char *out_dir = o->val[OPT_OUT], *source = "default";
	unsigned formats = REPORT_ALL & ~REPORT_BIT(REPORT_AUDIT);
	size_t i;
	int rc = EXIT_USAGE;

	if (!out_dir || o->n_args == 0) {
		fprintf(stderr, "tribunal merge: expected DIR... --out DIR\nTry 'tribunal merge --help'.\n");
		goto done;
	}
	if (o->val[OPT_FORMAT] && report_formats_parse(&formats, o->val[OPT_FORMAT]) < 0) {
		fprintf(stderr, "tribunal merge: %s\nTry 'tribunal merge --help'.\n", trb_err_msg());
		goto done;
	}
	if (!(parts = calloc(o->n_args, sizeof(*parts))))
		goto oom;
	for (i = 0; i < o->n_args; i++) {
		char *text = NULL;
		size_t len = 0;
		int error;
		trb_buf_clear(&path);
		trb_buf_printf(&path, "%s/findings.json", o->args[i]);
		if (trb_buf_error(&path) < 0 || trb_read_file(&text, &len, trb_buf_cstr(&path), FINDINGS_MAX_BYTES) < 0) {
			cmd_report_error(o, NULL);
			goto done;
		}
		error = findings_from_json(&parts[i], text, len, trb_buf_cstr(&path));
		free(text);
		if (error < 0) {
			cmd_report_error(o, NULL);
			goto done;
		}
	}
	if (check_shards(parts, o->n_args, o->args) < 0 || findings_merge(&merged, parts, o->n_args) < 0 ||
	    findings_dedupe(merged) < 0) {
		cmd_report_error(o, NULL);
		goto done;
	}
	findings_order(merged);
	if (merge_policy(&policy, &source, merged, o) != 0)
		goto done;
	if (policy) {
		/* the same gate as one job: recomputed over every shard's findings */
		char hash[65];
		if (cmd_policy_hash(hash, policy) < 0)
			goto oom;
		if (merged->run.policy_sha256 && strcmp(hash, merged->run.policy_sha256) != 0) {
			fprintf(stderr, "tribunal merge: error: the policy (%s) differs from the one the shards ran with; "
				"pass the same --policy the scans used\n", source);
			goto done;
		}
		if (findings_gate(merged, policy) < 0)
			goto oom;
	} else {
		if (findings_add_notice(merged, "The gate was combined from the shards' verdicts: no repository or "
					"--policy to recompute it (max_findings counts per shard).") < 0)
			goto oom;
	}
	if (cmd_write_reports(merged, out_dir, formats, o) != 0)
		goto done;
	if (policy)
		rc = cmd_exit_status(merged, policy, merged->run.agents_ran);
	else
		rc = merged->run.gate_pass || merged->run.mode != CONFIG_MODE_BLOCK ? EXIT_PASS : EXIT_GATE;
	goto done;
oom:
	fprintf(stderr, "tribunal: error: out of memory\n");
	rc = EXIT_USAGE;
done:
	for (i = 0; parts && i < o->n_args; i++)
		findings_free(parts[i]);
	free(parts);
	findings_free(merged);
	config_free(policy);
	trb_buf_dispose(&path);
	return rc;
}
