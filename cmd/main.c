/* cmd/main.c: subcommand dispatch, help and version. */
#include <malloc.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <git2.h>
#include <yaml.h>
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "cmd/cmd.h"
#include "diff/diff.h"
#include "llm/llm.h"
#include "report/report.h"
#include "util/err.h"

static const char usage_main[] =
	"usage: tribunal COMMAND [OPTIONS]\n"
	"\n"
	"AI security review for merge requests: a finder agent looks for vulnerabilities in the\n"
	"changed code, an independent verifier tries to refute each one, a patcher proposes fixes,\n"
	"and a policy gate decides whether the pipeline fails. tribunal never changes your code.\n"
	"\n"
	"commands:\n"
	"  scan       review a merge request and write the reports (SARIF, JUnit, GitLab, ...)\n"
	"  plan       show what would be reviewed: units, skipped files, tokens, cost; no network\n"
	"  policy     check, show or create a policy file (.tribunal.yml)\n"
	"  publish    post a scan's review to a GitHub pull request or a GitLab merge request,\n"
	"             skipping comments an earlier run posted\n"
	"  merge      merge the outputs of sharded scans into one set of reports\n"
	"  version    print tribunal's version and its libraries' versions\n"
	"  help       show this help, or 'help COMMAND' for one command\n"
	"\n"
	"Run 'tribunal COMMAND --help' for a command's options. Docs: docs/tribunal.md.\n"
	"\n"
	"exit status: 0 gate passed, 1 gate failed, 2 usage, policy or input error,\n"
	"             3 scan incomplete (provider or network failure, with on_error: fail),\n"
	"               or publish could not post (network or API failure)\n";

#define SELECTION_HELP \
	"  --repo DIR            repository to review (default: .); read through git objects only\n" \
	"  --base REV            base revision (default: from the CI environment, else HEAD~1)\n" \
	"  --head REV            head revision (default: from the CI environment, else HEAD)\n" \
	"                        Either flag turns the CI environment off: a missing --base is then\n" \
	"                        the head's parent (REV~1), a missing --head is HEAD\n" \
	"  --policy FILE         policy file (default: .tribunal.yml as it is in the base commit,\n" \
	"                        else the built-in default policy)\n" \
	"  --policy-from base|head\n" \
	"                        read .tribunal.yml from the base commit (default) or the head.\n" \
	"                        'head' is unsafe: the merge request under review can then weaken\n" \
	"                        its own gate (exclude its files, lower fail_on, add suppressions)\n" \
	"  --shard I/N           review only shard I of N (1-based); N jobs together cover every\n" \
	"                        unit exactly once; combine their outputs with 'tribunal merge'\n" \
	"  -v, --verbose         more detail on stderr\n" \
	"  -q, --quiet           no progress or notes on stderr, errors only\n" \
	"  -h, --help            show this help\n" \
	"\n" \
	"Base and head come from, in order: --base/--head; GitHub Actions (the pull_request event in\n" \
	"GITHUB_EVENT_PATH, else GITHUB_BASE_REF against origin and GITHUB_SHA); GitLab CI\n" \
	"(CI_MERGE_REQUEST_DIFF_BASE_SHA, else CI_MERGE_REQUEST_TARGET_BRANCH_SHA, and CI_COMMIT_SHA);\n" \
	"Jenkins (CHANGE_TARGET against origin, GIT_COMMIT); else HEAD~1..HEAD. The diff is\n" \
	"merge-base(base, head)..head, what the merge request's \"files changed\" shows.\n"

static const char usage_plan[] =
	"usage: tribunal plan [OPTIONS]\n"
	"\n"
	"Shows what 'tribunal scan' would review, without touching the network: the range and where\n"
	"it came from, each review unit (files, line ranges, changed lines, estimated tokens), the\n"
	"skipped files with their reasons, totals, and the estimated cost for the configured models.\n"
	"\n"
	"options:\n"
	"  --json                print one JSON document instead of text (docs/plan.md)\n"
	SELECTION_HELP;

static const char usage_scan[] =
	"usage: tribunal scan [OPTIONS]\n"
	"\n"
	"Reviews a merge request: diff, deterministic rules, finder, verifier and patcher agents,\n"
	"then writes the reports and applies the policy gate to set the exit status.\n"
	"\n"
	"options:\n"
	"  -o, --out DIR         where reports are written (default: tribunal-out)\n"
	"  --format LIST         comma-separated subset of: json, sarif, junit, github, gitlab,\n"
	"                        codequality, sast, summary, html, audit (default: all)\n"
	"  --cache-dir DIR       reuse finder results and verdicts from earlier runs\n"
	"  --prompts DIR         use the agent prompts in DIR instead of the built-in ones\n"
	"  --dry-run             do everything except calling a model provider\n"
	SELECTION_HELP;

static const char usage_policy[] =
	"usage: tribunal policy check FILE     validate a policy; exit 0 when valid, 2 when not\n"
	"       tribunal policy show [FILE]    print the effective policy, defaults filled in\n"
	"       tribunal policy init           print a commented starter policy\n"
	"\n"
	"options:\n"
	"  -h, --help            show this help\n"
	"\n"
	"Errors are printed as FILE:LINE:COL: error: MESSAGE, all of them in one run.\n";

static const char usage_publish[] =
	"usage: tribunal publish github [--pr N] --from DIR [--dry-run]\n"
	"       tribunal publish gitlab [--mr N] --from DIR [--dry-run]\n"
	"\n"
	"Posts the review 'tribunal scan' wrote in DIR: github-review.json as one pull request review\n"
	"with inline comments, or gitlab-discussions.json as merge request discussions. Comments an\n"
	"earlier run posted (recognized by their hidden fingerprint marker) are skipped, so a rerun\n"
	"posts only what is new. Nothing else is read from the repository.\n"
	"\n"
	"options:\n"
	"  --from DIR            a scan's output directory (required)\n"
	"  --pr N                (github) the pull request (default: from the pull_request event\n"
	"                        in GITHUB_EVENT_PATH)\n"
	"  --mr N                (gitlab) the merge request iid (default: CI_MERGE_REQUEST_IID)\n"
	"  --dry-run             print what would be posted; send nothing\n"
	"  -v, --verbose         more detail on stderr\n"
	"  -q, --quiet           errors only on stderr\n"
	"  -h, --help            show this help\n"
	"\n"
	"environment:\n"
	"  github  GITHUB_TOKEN (required; the job needs 'permissions: pull-requests: write'),\n"
	"          GITHUB_REPOSITORY (owner/name), GITHUB_API_URL (default https://api.github.com),\n"
	"          GITHUB_EVENT_PATH\n"
	"  gitlab  GITLAB_TOKEN (required: a project access token with the api scope; CI_JOB_TOKEN\n"
	"          cannot post discussions), CI_API_V4_URL, CI_PROJECT_ID, CI_MERGE_REQUEST_IID\n"
	"\n"
	"exit status: 0 posted (or nothing new), 2 usage, configuration or input error,\n"
	"             3 network or API failure (401/403 name the permission the token lacks).\n"
	"Docs: docs/publish.md.\n";

static const char usage_merge[] =
	"usage: tribunal merge DIR... --out DIR\n"
	"\n"
	"Merges the outputs of 'tribunal scan --shard I/N' runs (each DIR holds a findings.json) into\n"
	"one set of reports and one gate decision, as if one job had reviewed every unit. The gate is\n"
	"recomputed with the policy the scans used: --policy FILE, else .tribunal.yml of the base commit\n"
	"in --repo; without a repository the shards' verdicts are combined.\n"
	"\n"
	"options:\n"
	"  -o, --out DIR         where the merged reports are written (required)\n"
	"  --format LIST         a subset of the reports, as for scan (default: all but audit)\n"
	"  --repo DIR            the repository the shards scanned (default: .)\n"
	"  --policy FILE         the policy file the scans were given\n"
	"  --policy-from base|head   as for scan\n"
	"  -v, --verbose         more detail on stderr\n"
	"  -q, --quiet           errors only\n"
	"  -h, --help            show this help\n";

static const char usage_version[] =
	"usage: tribunal version\n"
	"\n"
	"Prints tribunal's version and the run-time versions of libgit2, libcurl, cJSON, libyaml,\n"
	"libxml2 and PCRE2.\n";

static const cmd_opt_t selection_opts[] = {
	OPT_REPO, OPT_BASE, OPT_HEAD, OPT_POLICY, OPT_POLICY_FROM, OPT_SHARD, OPT_VERBOSE, OPT_QUIET, OPT_HELP,
};

static int cmd_version(void)
{
	int maj, min, rev;
	char pcre[64] = "";
	const char *tls = NULL, *curl = llm_curl_version(&tls);

	git_libgit2_version(&maj, &min, &rev);
	pcre2_config(PCRE2_CONFIG_VERSION, pcre);
	printf("tribunal %s\n", TRB_VERSION);
	printf("libgit2 %d.%d.%d\n", maj, min, rev);
	printf("libcurl %s (%s)\n", curl ? curl : "not found", tls ? tls : "no TLS");
	printf("cJSON %s\n", cJSON_Version());
	printf("libyaml %s\n", yaml_get_version_string());
	printf("libxml2 %s\n", report_xml_version() ? report_xml_version() : "not found");
	printf("PCRE2 %s\n", pcre);
	return EXIT_PASS;
}

static int dispatch(int argc, char **argv)
{
	const char *sub;
	struct cmd_opts o;
	int rc;

	if (argc < 2) {
		fputs(usage_main, stderr);
		return EXIT_USAGE;
	}
	sub = argv[1];
	if (strcmp(sub, "-h") == 0 || strcmp(sub, "--help") == 0) {
		fputs(usage_main, stdout);
		return EXIT_PASS;
	}
	if (strcmp(sub, "help") == 0) {
		const char *topic = argc > 2 ? argv[2] : "";
		fputs(strcmp(topic, "plan") == 0 ? usage_plan : strcmp(topic, "scan") == 0 ? usage_scan :
		      strcmp(topic, "policy") == 0 ? usage_policy : strcmp(topic, "publish") == 0 ? usage_publish :
		      strcmp(topic, "merge") == 0 ? usage_merge : strcmp(topic, "version") == 0 ? usage_version :
		      usage_main, stdout);
		return EXIT_PASS;
	}
	if (strcmp(sub, "--version") == 0 || strcmp(sub, "version") == 0) {
		static const cmd_opt_t allowed[] = {OPT_HELP};
		if ((rc = cmd_parse(&o, "version", allowed, 1, argc - 2, argv + 2)) == 0) {
			if (o.val[OPT_HELP])
				fputs(usage_version, stdout);
			else if (o.n_args)
				rc = (fprintf(stderr, "tribunal version: takes no arguments\n"), EXIT_USAGE);
			else
				rc = cmd_version();
		}
		cmd_opts_dispose(&o);
		return rc;
	}
	if (strcmp(sub, "plan") == 0) {
		cmd_opt_t allowed[sizeof(selection_opts) / sizeof(selection_opts[0]) + 1];
		memcpy(allowed, selection_opts, sizeof(selection_opts));
		allowed[sizeof(selection_opts) / sizeof(selection_opts[0])] = OPT_JSON;
		if ((rc = cmd_parse(&o, "plan", allowed, sizeof(allowed) / sizeof(allowed[0]), argc - 2, argv + 2)) == 0) {
			if (o.val[OPT_HELP])
				fputs(usage_plan, stdout);
			else if (o.n_args)
				rc = (fprintf(stderr, "tribunal plan: unexpected argument\nTry 'tribunal plan --help'.\n"),
				      EXIT_USAGE);
			else
				rc = cmd_plan(&o);
		}
		cmd_opts_dispose(&o);
		return rc;
	}
	if (strcmp(sub, "scan") == 0) {
		static const cmd_opt_t allowed[] = {OPT_REPO, OPT_BASE, OPT_HEAD, OPT_POLICY, OPT_POLICY_FROM,
			OPT_SHARD, OPT_VERBOSE, OPT_QUIET, OPT_HELP, OPT_OUT, OPT_FORMAT, OPT_CACHE_DIR,
			OPT_PROMPTS, OPT_DRY_RUN};
		if ((rc = cmd_parse(&o, "scan", allowed, sizeof(allowed) / sizeof(allowed[0]), argc - 2, argv + 2)) == 0) {
			if (o.val[OPT_HELP])
				fputs(usage_scan, stdout);
			else if (o.n_args)
				rc = (fprintf(stderr, "tribunal scan: unexpected argument\nTry 'tribunal scan --help'.\n"),
				      EXIT_USAGE);
			else
				rc = cmd_scan(&o);
		}
		cmd_opts_dispose(&o);
		return rc;
	}
	if (strcmp(sub, "policy") == 0) {
		static const cmd_opt_t allowed[] = {OPT_HELP};
		if ((rc = cmd_parse(&o, "policy", allowed, 1, argc - 2, argv + 2)) == 0)
			rc = o.val[OPT_HELP] ? (fputs(usage_policy, stdout), EXIT_PASS) : cmd_policy(&o);
		cmd_opts_dispose(&o);
		return rc;
	}
	if (strcmp(sub, "publish") == 0) {
		static const cmd_opt_t allowed[] = {OPT_FROM, OPT_PR, OPT_MR, OPT_DRY_RUN, OPT_VERBOSE, OPT_QUIET,
			OPT_HELP};
		if ((rc = cmd_parse(&o, "publish", allowed, sizeof(allowed) / sizeof(allowed[0]), argc - 2, argv + 2)) == 0)
			rc = o.val[OPT_HELP] ? (fputs(usage_publish, stdout), EXIT_PASS) : cmd_publish(&o);
		cmd_opts_dispose(&o);
		return rc;
	}
	if (strcmp(sub, "merge") == 0) {
		static const cmd_opt_t allowed[] = {OPT_OUT, OPT_FORMAT, OPT_REPO, OPT_POLICY, OPT_POLICY_FROM,
			OPT_VERBOSE, OPT_QUIET, OPT_HELP};
		if ((rc = cmd_parse(&o, "merge", allowed, sizeof(allowed) / sizeof(allowed[0]), argc - 2, argv + 2)) == 0)
			rc = o.val[OPT_HELP] ? (fputs(usage_merge, stdout), EXIT_PASS) : cmd_merge(&o);
		cmd_opts_dispose(&o);
		return rc;
	}
	fprintf(stderr, "tribunal: unknown command '%.64s'\nTry 'tribunal --help'.\n", sub);
	return EXIT_USAGE;
}

int main(int argc, char **argv)
{
	int rc;

	bool network;

	/* Blobs and diffs come and go by the thousand: growing the heap in big steps and never
	 * trimming it saves a page fault storm (a fifth of plan's time on the bench repository). */
	mallopt(M_TOP_PAD, 16 << 20);
	mallopt(M_TRIM_THRESHOLD, 256 << 20);
	mallopt(M_MMAP_THRESHOLD, 32 << 20);

	/* TLS set-up costs milliseconds: only the commands that talk to a provider pay for it */
	network = argc > 1 && (strcmp(argv[1], "scan") == 0 || strcmp(argv[1], "publish") == 0);
	if (diff_global_init() < 0 || (network && llm_global_init() < 0)) {
		fprintf(stderr, "tribunal: error: cannot initialize libraries: %s\n", trb_err_msg());
		return EXIT_USAGE;
	}
	rc = dispatch(argc, argv);
	if (network)
		llm_global_cleanup();
	diff_global_shutdown();
	return rc;
}
