/* cmd/publish.c: `tribunal publish github|gitlab --from DIR`: wiring only (publish/ does the work). */
#include "cmd/cmd.h"

#include <stdio.h>
#include <string.h>

#include "publish/publish.h"
#include "util/err.h"

struct say_ctx {
	bool quiet, verbose, progress;
};

static void say(publish_say_t kind, const char *line, void *payload)
{
	const struct say_ctx *s = payload;

	switch (kind) {
	case PUBLISH_SAY_RESULT:
		printf("%s\n", line);
		fflush(stdout);
		break;
	case PUBLISH_SAY_NOTE:
		if (!s->quiet)
			fprintf(stderr, "tribunal: %s\n", line);
		break;
	case PUBLISH_SAY_PROGRESS:
		if (s->progress)
			fprintf(stderr, "tribunal: %s\n", line);
		break;
	case PUBLISH_SAY_DETAIL:
		if (s->verbose)
			fprintf(stderr, "tribunal: %s\n", line);
		break;
	}
}

static int usage(const char *msg)
{
	fprintf(stderr, "tribunal publish: %s\nTry 'tribunal publish --help'.\n", msg);
	return EXIT_USAGE;
}

int cmd_publish(struct cmd_opts *o)
{
	struct publish_options po = {0};
	struct publish_result res;
	struct say_ctx sc;
	const char *forge;
	int error;

	if (o->n_args != 1)
		return usage(o->n_args ? "expected one platform, github or gitlab" : "expected github or gitlab");
	forge = o->args[0];
	if (strcmp(forge, "github") == 0)
		po.forge = PUBLISH_GITHUB;
	else if (strcmp(forge, "gitlab") == 0)
		po.forge = PUBLISH_GITLAB;
	else
		return usage("the platform must be github or gitlab");
	if (!o->val[OPT_FROM])
		return usage("--from DIR is required: the output directory of 'tribunal scan'");
	if (po.forge == PUBLISH_GITHUB && o->val[OPT_MR])
		return usage("--mr is for gitlab; a GitHub pull request is --pr N");
	if (po.forge == PUBLISH_GITLAB && o->val[OPT_PR])
		return usage("--pr is for github; a GitLab merge request is --mr N");
	po.from_dir = o->val[OPT_FROM];
	po.number = po.forge == PUBLISH_GITHUB ? o->val[OPT_PR] : o->val[OPT_MR];
	po.dry_run = o->val[OPT_DRY_RUN] != NULL;
	sc.quiet = o->val[OPT_QUIET] != NULL;
	sc.verbose = o->val[OPT_VERBOSE] != NULL;
	sc.progress = cmd_progress_enabled(o);
	po.say = say;
	po.say_payload = &sc;
	if ((error = publish_run(&res, &po)) < 0) {
		cmd_report_error(o, NULL);
		return error == TRB_ENET ? EXIT_INCOMPLETE : EXIT_USAGE;
	}
	return EXIT_PASS;
}
