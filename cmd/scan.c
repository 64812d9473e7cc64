/* cmd/scan.c: `tribunal scan`: wires the pipeline together (diff, policy, rules, agents,
 * findings, gate, reports) and turns the outcome into the exit status. No logic of its own. */
#define _XOPEN_SOURCE 700   /* realpath */
#include "cmd/cmd.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "agents/agents.h"
#include "config/config.h"
#include "diff/diff.h"
#include "findings/findings.h"
#include "llm/llm.h"
#include "report/report.h"
#include "rules/rules.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/escape.h"
#include "util/fsio.h"

#define DEFAULT_OUT "tribunal-out"

/* Random hex from the kernel; a run id and the prompt delimiter nonce. The nonce is what keeps
 * repository text from closing the delimiters around it, so there is no weaker fallback: no
 * randomness, no scan. */
static int random_hex(char *out, size_t bytes)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char buf[32];
	size_t i, got = 0;

	if (bytes > sizeof(buf))
		bytes = sizeof(buf);
	while (got < bytes) {
		ssize_t n = getrandom(buf + got, bytes - got, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return trb_err_set(TRB_EIO, "cannot get random bytes from the kernel (getrandom: %s)",
					   n < 0 ? strerror(errno) : "no bytes");
		got += (size_t)n;
	}
	for (i = 0; i < bytes; i++) {
		out[2 * i] = hex[buf[i] >> 4];
		out[2 * i + 1] = hex[buf[i] & 15];
	}
	out[2 * bytes] = '\0';
	return 0;
}

static void progress_line(const char *line, void *payload)
{
	struct trb_buf b = TRB_BUF_INIT(TRB_LIMIT_SMALL);

	(void)payload;
	trb_escape_term(&b, line, strlen(line));
	fprintf(stderr, "tribunal: %s\n", trb_buf_cstr(&b));
	trb_buf_dispose(&b);
}

static int set(char **dst, const char *src)
{
	free(*dst);
	*dst = NULL;
	return src && !(*dst = strdup(src)) ? trb_err_oom() : 0;
}

static int add_skipped(struct findings *fs, const char *path, const char *reason, const char *detail)
{
	struct findings_skipped *v = realloc(fs->skipped, (fs->n_skipped + 1) * sizeof(*v));

	if (!v)
		return trb_err_oom();
	fs->skipped = v;
	memset(&v[fs->n_skipped], 0, sizeof(*v));
	if (set(&v[fs->n_skipped].path, path) < 0 || set(&v[fs->n_skipped].reason, reason) < 0 ||
	    set(&v[fs->n_skipped].detail, detail) < 0)
		return TRB_ENOMEM;
	fs->n_skipped++;
	return 0;
}

static void now_rfc3339(char *out, size_t len)
{
	time_t t = time(NULL);
	struct tm tm;

	if (gmtime_r(&t, &tm))
		strftime(out, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
	else
		snprintf(out, len, "1970-01-01T00:00:00Z");
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* The run record's fixed facts. */
static int fill_run(struct findings *fs, const struct diff *d, const struct config *policy, const char *policy_source,
		    const struct cmd_opts *o, const char *scan_id)
{
	char sha[GIT_OID_HEXSZ + 1], started[32], shard[32], hash[65];
	const char *repo = getenv("GITHUB_REPOSITORY");
	int error;

	if (!repo || !*repo)
		repo = getenv("CI_PROJECT_PATH");
	now_rfc3339(started, sizeof(started));
	if ((error = cmd_policy_hash(hash, policy)) < 0)
		return error;
	snprintf(shard, sizeof(shard), "%u/%u", o->shard_i, o->shard_n);
	if ((error = set(&fs->run.scan_id, scan_id)) < 0 || (error = set(&fs->run.tool_version, TRB_VERSION)) < 0 ||
	    (error = set(&fs->run.base, git_oid_tostr(sha, sizeof(sha), &d->base))) < 0 ||
	    (error = set(&fs->run.head, git_oid_tostr(sha, sizeof(sha), &d->head))) < 0 ||
	    (error = set(&fs->run.merge_base, git_oid_tostr(sha, sizeof(sha), &d->merge_base))) < 0 ||
	    (error = set(&fs->run.range_source, diff_source_name(d->spec.source))) < 0 ||
	    (error = set(&fs->run.policy_source, policy_source)) < 0 ||
	    (error = set(&fs->run.policy_sha256, hash)) < 0 || (error = set(&fs->run.started_at, started)) < 0 ||
	    (error = set(&fs->run.repository, repo && *repo ? repo : NULL)) < 0 ||
	    (error = set(&fs->run.merge_request, d->spec.pr)) < 0 ||
	    (error = set(&fs->run.shard, o->shard_n > 1 ? shard : NULL)) < 0)
		return error;
	fs->run.mode = policy->mode;
	return 0;
}

/* The working tree holding --repo: the nearest directory upwards with a .git entry. */
static char *worktree_root(const char *repo)
{
	char *dir = realpath(repo, NULL), *slash;
	struct trb_buf probe = TRB_BUF_INIT(8192);
	struct stat st;

	while (dir) {
		trb_buf_clear(&probe);
		trb_buf_printf(&probe, "%s/.git", dir);
		if (trb_buf_error(&probe) == 0 && lstat(trb_buf_cstr(&probe), &st) == 0)
			break;
		if (!(slash = strrchr(dir, '/')) || slash == dir) {
			free(dir);
			dir = NULL;
			break;
		}
		*slash = '\0';
	}
	trb_buf_dispose(&probe);
	return dir;
}

/* The cache directory's path inside the working tree, or NULL when it is outside. */
static char *cache_in_repo(const char *cache_dir, const char *repo)
{
	char *root = worktree_root(repo), *cache = realpath(cache_dir, NULL), *rel = NULL;
	size_t n;

	if (root && cache) {
		n = strlen(root);
		if (strcmp(cache, root) == 0)
			rel = strdup("");
		else if (strncmp(cache, root, n) == 0 && cache[n] == '/')
			rel = strdup(cache + n + 1);
	}
	free(root);
	free(cache);
	return rel;
}

/* Text the agents skip because of what it contains, which the merge request controls: its added
 * lines still go through the secret rules (a key must not hide in a "minified" line). */
#define SKIPPED_SCAN_MAX ((size_t)16 * 1024 * 1024)

static bool content_skip(const char *reason)
{
	return strcmp(reason, DIFF_SKIP_GENERATED) == 0 || strcmp(reason, DIFF_SKIP_TOO_LARGE) == 0 ||
	       strcmp(reason, DIFF_SKIP_NOT_UTF8) == 0;
}

/* Rules over the changed lines of every reviewed file (never_send ones included), and the secret
 * rules over the added lines of files skipped for their content. */
static int run_rules(struct rules_hits *hits, const struct rules *rules, struct diff *d, const struct config *policy,
		     size_t *skipped_scanned)
{
	size_t i;
	int error;

	*skipped_scanned = 0;
	for (i = 0; i < d->n_files; i++) {
		const struct diff_file *f = &d->files[i];
		uint32_t *added = NULL;
		char *text = NULL;
		size_t len = 0, n_added = 0;
		if (f->skip && !content_skip(f->skip))
			continue;
		if (f->skip) {
			if ((error = diff_added_lines(&added, &n_added, d, i, SKIPPED_SCAN_MAX)) == TRB_ELIMIT)
				continue;
			if (error < 0)
				return error;
		}
		error = diff_read_file(&text, &len, d, DIFF_SIDE_HEAD, f->path,
				       f->skip ? SKIPPED_SCAN_MAX : policy->max_file_bytes + 1);
		/* only the secret rules speak for skipped files: generated code is full of API hints */
		if (error == 0)
			error = rules_scan(hits, rules, f->path, f->lang, text, len, f->skip ? added : f->changed,
					   f->skip ? n_added : f->n_changed, f->skip ? RULES_KINDS_SECRET : RULES_KINDS_ALL);
		free(text);
		free(added);
		if (error < 0)
			return error;
		if (f->skip)
			(*skipped_scanned)++;
	}
	return 0;
}

/* The unit id that reviews a file's line, 0 when none (never_send, other shard, not packed). */
static size_t unit_of(const struct diff *d, const char *path, uint32_t line, unsigned shard)
{
	size_t u, p;

	for (u = 0; u < d->n_units; u++) {
		if (d->units[u].shard != shard)
			continue;
		for (p = 0; p < d->units[u].n_parts; p++) {
			const struct diff_part *pt = &d->units[u].parts[p];
			if (strcmp(d->files[pt->file].path, path) == 0 && line >= pt->start && line <= pt->end)
				return d->units[u].id;
		}
	}
	return 0;
}

static bool unit_reviewed(const struct findings *fs, size_t unit)
{
	size_t i;

	if (!fs->run.agents_ran || unit == 0)
		return false;
	for (i = 0; i < fs->n_unreviewed; i++)
		if (fs->unreviewed[i].unit == unit)
			return false;
	return true;
}

/* Hits of files in this shard's units (or, for files no unit holds, in shard 1) become findings
 * when they stand alone or when no agent reviewed their unit. */
static int rule_findings(struct findings *fs, const struct rules_hits *hits, const struct diff *d, unsigned shard)
{
	size_t i;
	unsigned s, shards = 0;
	int error;

	for (i = 0; i < d->n_units; i++)
		if (d->units[i].shard > shards)
			shards = d->units[i].shard;
	for (i = 0; i < hits->n; i++) {
		const struct rules_hit *h = &hits->v[i];
		size_t unit = unit_of(d, h->path, h->line, shard), any = 0;
		if (!unit) {
			/* a line in another shard's unit belongs to that shard; lines of never_send files
			 * belong to shard 1. One look per shard, not one per unit. */
			if (shard != 1)
				continue;
			for (s = 2; s <= shards && !any; s++)
				any = unit_of(d, h->path, h->line, s);
			if (any)
				continue;
		}
		if (rules_hit_is_finding(h, unit_reviewed(fs, unit)) && (error = rules_hit_to_finding(NULL, fs, h, unit)) < 0)
			return error;
	}
	return 0;
}

/* A model without a price costs $0 in the budget, so budget.max_usd cannot stop its calls: say
 * so once per agent that will call it. */
static int price_notices(struct findings *fs, const struct config *policy, const struct llm_client *llm)
{
	struct trb_buf msg = TRB_BUF_INIT(TRB_LIMIT_SMALL);
	int a, error = 0;

	for (a = 0; a < CONFIG_AGENT_COUNT && error == 0; a++) {
		if (!policy->agents[a].enabled || llm_client_price_known(llm, (config_agent_t)a))
			continue;
		trb_buf_clear(&msg);
		trb_buf_printf(&msg, "no price for model '%s' (agents.%s): budget.max_usd cannot limit it; add it "
			       "under prices", policy->agents[a].model, config_agent_name((config_agent_t)a));
		if ((error = trb_buf_error(&msg)) == 0)
			error = findings_add_notice(fs, trb_buf_cstr(&msg));
	}
	trb_buf_dispose(&msg);
	return error;
}

/* Units left unreviewed on purpose (no key, --dry-run, the finder switched off): require_agents
 * decides about those, not on_error. Reasons start with tribunal's own words; whatever a provider
 * said comes after them, so it cannot pose as one of these. */
static bool intended(const char *reason)
{
	static const char *const kinds[] = {"no credentials", "dry run", "finder disabled"};
	size_t i;

	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (strncmp(reason, kinds[i], strlen(kinds[i])) == 0)
			return true;
	return false;
}

/* A finder's claim its verifier failed on (a provider error, a refusal, the budget): the scan is
 * as incomplete as with a unit the finder could not review. A verifier switched off or without a
 * key, or a claim whose code could not be redacted for sending, was left unverified on purpose. */
static bool verification_failed(const struct finding *f)
{
	static const char *const on_purpose[] = {
		"not verified: no credentials",
		"not verified: the verifier is disabled",
		"not verified: the code could not be redacted",
	};
	size_t i;

	if (f->source != FINDING_SOURCE_FINDER || f->status != FINDING_UNVERIFIED || !f->verification.reason)
		return false;
	for (i = 0; i < sizeof(on_purpose) / sizeof(on_purpose[0]); i++)
		if (strncmp(f->verification.reason, on_purpose[i], strlen(on_purpose[i])) == 0)
			return false;
	return true;
}

int cmd_write_reports(const struct findings *fs, const char *out_dir, unsigned formats, const struct cmd_opts *o)
{
	struct report_options ro;
	struct trb_buf console = TRB_BUF_INIT(TRB_LIMIT_REPORT);
	int rc = 0;

	report_options_init(&ro);
	if (report_options_from_env(&ro) < 0 || report_write_all(out_dir, formats, fs, &ro) < 0) {
		cmd_report_error(o, NULL);
		rc = EXIT_USAGE;
		goto done;
	}
	if (ro.github_actions && report_annotations(&console, fs) == 0)
		fputs(trb_buf_cstr(&console), stdout);
	fflush(stdout);
	/* warnings (no agent review above all) go to stderr, where a CI log reader looks for them */
	trb_buf_clear(&console);
	if (!o->val[OPT_QUIET] && report_console_notices(&console, fs, isatty(STDERR_FILENO)) == 0)
		fputs(trb_buf_cstr(&console), stderr);
	trb_buf_clear(&console);
	if (report_console(&console, fs, out_dir, formats, isatty(STDOUT_FILENO)) == 0)
		fputs(trb_buf_cstr(&console), stdout);
	fflush(stdout);
done:
	trb_buf_dispose(&console);
	report_options_dispose(&ro);
	return rc;
}

int cmd_exit_status(const struct findings *fs, const struct config *policy, bool agents_possible)
{
	size_t i;
	bool incomplete = false;

	if (policy->require_agents && (!fs->run.agents_ran || !agents_possible))
		return EXIT_INCOMPLETE;
	for (i = 0; i < fs->n_unreviewed; i++)
		if (!intended(fs->unreviewed[i].reason))
			incomplete = true;
	for (i = 0; i < fs->n; i++)
		if (verification_failed(&fs->v[i]))
			incomplete = true;
	if (incomplete && policy->on_error == CONFIG_ON_ERROR_FAIL)
		return EXIT_INCOMPLETE;
	if (policy->mode == CONFIG_MODE_BLOCK && !fs->run.gate_pass)
		return EXIT_GATE;
	return EXIT_PASS;
}

int cmd_scan(struct cmd_opts *o)
{
	struct diff_spec spec = {0};
	struct diff *d = NULL;
	struct config *policy = NULL;
	struct findings *fs = NULL;
	struct rules *rules = NULL;
	struct rules_hits hits;
	struct llm_client *llm = NULL;
	struct llm_options lo;
	struct agents_options ao;
	struct trb_buf audit = TRB_BUF_INIT(4096);
	const char *policy_source = "default", *out_dir = o->val[OPT_OUT] ? o->val[OPT_OUT] : DEFAULT_OUT;
	const char *no_agents = NULL;
	char scan_id[33], nonce[33], *cache_rel = NULL;
	unsigned formats = REPORT_ALL;
	uint64_t t0 = now_ms();
	size_t i, skipped_scanned = 0;
	bool quiet = o->val[OPT_QUIET] != NULL, agents_possible = false;
	int rc = EXIT_USAGE, error;

	rules_hits_init(&hits);
	if (random_hex(scan_id, 8) < 0 || random_hex(nonce, 12) < 0) {
		cmd_report_error(o, NULL);
		goto done;
	}
	if (o->val[OPT_FORMAT] && report_formats_parse(&formats, o->val[OPT_FORMAT]) < 0) {
		fprintf(stderr, "tribunal scan: %s\nTry 'tribunal scan --help'.\n", trb_err_msg());
		goto done;
	}
	/* a shard's findings.json is what `tribunal merge` reads */
	if (o->shard_n > 1)
		formats |= REPORT_BIT(REPORT_JSON);
	if (cmd_prepare(&d, &spec, &policy, &policy_source, o) != 0)
		goto done;
	if ((error = findings_new(&fs)) < 0 || (error = fill_run(fs, d, policy, policy_source, o, scan_id)) < 0) {
		cmd_report_error(o, NULL);
		goto done;
	}
	for (i = 0; i < d->n_files; i++) {
		const struct diff_file *f = &d->files[i];
		if ((f->skip && add_skipped(fs, f->path, f->skip, f->skip_detail) < 0) ||
		    (!f->skip && f->never_send &&
		     add_skipped(fs, f->path, "never send", "privacy.never_send: deterministic rules only, not sent to a model") < 0)) {
			cmd_report_error(o, NULL);
			goto done;
		}
	}
	if (d->n_files == 0 && findings_add_notice(fs, "The merge request changes no files: nothing to review.") < 0)
		goto oom;

	/* the deterministic layer */
	if ((error = rules_new(&rules, policy)) < 0) {
		cmd_report_error(o, "policy rules: ");
		goto done;
	}
	if ((error = run_rules(&hits, rules, d, policy, &skipped_scanned)) < 0) {
		cmd_report_error(o, NULL);
		goto done;
	}
	if (skipped_scanned) {
		char msg[256];
		snprintf(msg, sizeof(msg), "%zu changed file%s not reviewed by an agent because of %s content "
			 "(generated, minified, too large or not UTF-8; see skipped); secrets in them were still checked.",
			 skipped_scanned, skipped_scanned == 1 ? " was" : "s were", skipped_scanned == 1 ? "its" : "their");
		if (findings_add_notice(fs, msg) < 0)
			goto oom;
	}
	for (i = 0; i < hits.n_warnings && !quiet; i++)
		progress_line(hits.warnings[i], NULL);

	/* the agents */
	if (o->val[OPT_DRY_RUN]) {
		no_agents = "dry run (--dry-run): no model was called";
	} else {
		memset(&lo, 0, sizeof(lo));
		lo.scan_id = scan_id;
		if (formats & REPORT_BIT(REPORT_AUDIT)) {
			trb_buf_printf(&audit, "%s/audit.jsonl", out_dir);
			if (trb_mkdirs(out_dir) < 0) {
				cmd_report_error(o, NULL);
				goto done;
			}
			lo.audit_path = trb_buf_cstr(&audit);
		}
		if ((error = llm_client_new(&llm, policy, &lo)) < 0) {
			cmd_report_error(o, NULL);
			goto done;
		}
		if (!llm_client_has_credentials(llm, CONFIG_AGENT_FINDER))
			no_agents = policy->agents[CONFIG_AGENT_FINDER].provider == CONFIG_PROVIDER_ANTHROPIC ?
				    "no credentials: ANTHROPIC_API_KEY is not set" :
				    "no credentials: OPENAI_API_KEY is not set (or set agents.finder.no_key for a "
				    "self-hosted server)";
		else
			agents_possible = policy->agents[CONFIG_AGENT_FINDER].enabled;
		if (!no_agents && (error = price_notices(fs, policy, llm)) < 0)
			goto oom;
	}
	if (no_agents) {
		char msg[512];
		snprintf(msg, sizeof(msg), "NO AGENT REVIEWED THIS CODE (%s). Only the deterministic rules ran. To enable "
			 "the review, set ANTHROPIC_API_KEY (or OPENAI_API_KEY and agents.*.provider: openai) in the "
			 "CI job's secrets; see docs/tribunal.md.", no_agents);
		/* the console summary prints every notice as a warning */
		if (findings_add_notice(fs, msg) < 0)
			goto oom;
	}
	memset(&ao, 0, sizeof(ao));
	ao.diff = d;
	ao.policy = policy;
	ao.rules = rules;
	ao.hints = &hits;
	ao.llm = no_agents ? NULL : llm;
	ao.no_agent_reason = no_agents;
	ao.shard = o->shard_i;
	ao.cache_dir = o->val[OPT_CACHE_DIR];
	if (ao.cache_dir) {
		if (trb_mkdirs(ao.cache_dir) < 0) {
			cmd_report_error(o, "--cache-dir: ");
			goto done;
		}
		cache_rel = cache_in_repo(ao.cache_dir, o->val[OPT_REPO] ? o->val[OPT_REPO] : ".");
		ao.cache_repo_path = cache_rel;
	}
	ao.prompts_dir = o->val[OPT_PROMPTS];
	ao.nonce = nonce;
	if (cmd_progress_enabled(o)) {
		ao.progress = progress_line;
		fprintf(stderr, "tribunal: reviewing %zu unit%s\n", d->n_units, d->n_units == 1 ? "" : "s");
	}
	if ((error = agents_run(fs, &ao)) < 0) {
		cmd_report_error(o, NULL);
		goto done;
	}
	if (llm) {
		struct llm_totals t;
		llm_client_totals(&t, llm);
		fs->run.tokens_input = t.usage.input;
		fs->run.tokens_output = t.usage.output;
		fs->run.tokens_cache_read = t.usage.cache_read;
		fs->run.tokens_cache_write = t.usage.cache_write;
		fs->run.cost_usd = t.cost_usd;
	}
	if (fs->n_unreviewed && !no_agents) {
		char msg[256];
		snprintf(msg, sizeof(msg), "Not fully reviewed: %zu of %zu units were not reviewed by an agent (see "
			 "not_reviewed).", fs->n_unreviewed, fs->run.units_total);
		if (findings_add_notice(fs, msg) < 0)
			goto oom;
	}
	{
		size_t failed = 0;
		for (i = 0; i < fs->n; i++)
			failed += verification_failed(&fs->v[i]);
		if (failed) {
			char msg[320];
			snprintf(msg, sizeof(msg), "Not fully verified: the verifier failed on %zu of the finder's claims "
				 "(see each one's verification.reason). Unverified claims gate only with "
				 "gate.fail_on_uncertain: true; on_error: fail makes this scan exit 3.", failed);
			if (findings_add_notice(fs, msg) < 0)
				goto oom;
		}
	}

	/* findings: rules, placement, policy, gate */
	/* de-duplicate before the policy, so that a suppression cannot reach through a merged copy */
	if ((error = rule_findings(fs, &hits, d, o->shard_i)) < 0 || (error = findings_locate(fs, d)) < 0) {
		cmd_report_error(o, NULL);
		goto done;
	}
	findings_order(fs);
	if ((error = findings_dedupe(fs)) < 0 || (error = findings_apply_policy(fs, policy)) < 0) {
		cmd_report_error(o, NULL);
		goto done;
	}
	findings_order(fs);
	if ((error = findings_gate(fs, policy)) < 0)
		goto oom;
	fs->run.duration_ms = now_ms() - t0;

	if (cmd_write_reports(fs, out_dir, formats, o) != 0)
		goto done;
	rc = cmd_exit_status(fs, policy, agents_possible);
	goto done;
oom:
	fprintf(stderr, "tribunal: error: out of memory\n");
	rc = EXIT_USAGE;
done:
	free(cache_rel);
	trb_buf_dispose(&audit);
	llm_client_free(llm);
	rules_hits_dispose(&hits);
	rules_free(rules);
	findings_free(fs);
	config_free(policy);
	diff_free(d);
	diff_spec_dispose(&spec);
	return rc;
}
