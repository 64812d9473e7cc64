/* cmd/args.c: long options, --name VALUE or --name=VALUE, with one-line errors and a hint. */
#include "cmd/cmd.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/buf.h"
#include "util/err.h"
#include "util/escape.h"

static const struct {
	const char *name;
	char short_name;
	const char *value;   /* what the value is, NULL for flags */
} defs[OPT_COUNT] = {
	[OPT_REPO] = {"repo", 0, "DIR"},
	[OPT_BASE] = {"base", 0, "REV"},
	[OPT_HEAD] = {"head", 0, "REV"},
	[OPT_POLICY] = {"policy", 0, "FILE"},
	[OPT_POLICY_FROM] = {"policy-from", 0, "base|head"},
	[OPT_OUT] = {"out", 'o', "DIR"},
	[OPT_FORMAT] = {"format", 0, "LIST"},
	[OPT_SHARD] = {"shard", 0, "I/N"},
	[OPT_CACHE_DIR] = {"cache-dir", 0, "DIR"},
	[OPT_PROMPTS] = {"prompts", 0, "DIR"},
	[OPT_DRY_RUN] = {"dry-run", 0, NULL},
	[OPT_VERBOSE] = {"verbose", 'v', NULL},
	[OPT_QUIET] = {"quiet", 'q', NULL},
	[OPT_JSON] = {"json", 0, NULL},
	[OPT_FROM] = {"from", 0, "DIR"},
	[OPT_PR] = {"pr", 0, "N"},
	[OPT_MR] = {"mr", 0, "N"},
	[OPT_HELP] = {"help", 'h', NULL},
};

/* Hostile-looking arguments are echoed escaped. */
static void print_arg(const char *s)
{
	struct trb_buf b = TRB_BUF_INIT(TRB_LIMIT_SMALL);

	trb_escape_term(&b, s, strlen(s) > 200 ? 200 : strlen(s));
	fputs(trb_buf_cstr(&b), stderr);
	trb_buf_dispose(&b);
}

static int usage_error(const char *sub, const char *what, const char *arg, const char *tail)
{
	fprintf(stderr, "tribunal %s: %s", sub, what);
	if (arg) {
		fputs(" '", stderr);
		print_arg(arg);
		fputc('\'', stderr);
	}
	fprintf(stderr, "%s\nTry 'tribunal %s --help'.\n", tail ? tail : "", sub);
	return EXIT_USAGE;
}

static int parse_shard(struct cmd_opts *o, const char *sub, const char *v)
{
	char *end;
	unsigned long i, n;

	i = strtoul(v, &end, 10);
	if (end == v || *end != '/')
		return usage_error(sub, "--shard expects I/N (e.g. 2/4), got", v, NULL);
	n = strtoul(end + 1, &end, 10);
	if (*end || n < 1 || n > 1000 || i < 1 || i > n)
		return usage_error(sub, "--shard expects 1 <= I <= N <= 1000, got", v, NULL);
	o->shard_i = (unsigned)i;
	o->shard_n = (unsigned)n;
	return 0;
}

int cmd_parse(struct cmd_opts *o, const char *sub, const cmd_opt_t *allowed, size_t n_allowed,
	      int argc, char **argv)
{
	int i;
	bool only_args = false;

	memset(o, 0, sizeof(*o));
	o->shard_i = o->shard_n = 1;
	if (!(o->args = calloc((size_t)argc + 1, sizeof(*o->args)))) {
		fprintf(stderr, "tribunal: out of memory\n");
		return EXIT_USAGE;
	}
	for (i = 0; i < argc; i++) {
		const char *a = argv[i], *eq = NULL, *val = NULL;
		size_t k, namelen;
		int id = -1;

		if (only_args || a[0] != '-' || a[1] == '\0') {
			o->args[o->n_args++] = argv[i];
			continue;
		}
		if (strcmp(a, "--") == 0) {
			only_args = true;
			continue;
		}
		if (a[1] != '-') {
			/* short options: -h -v -q -o DIR */
			for (k = 0; k < OPT_COUNT; k++)
				if (defs[k].short_name && defs[k].short_name == a[1] && a[2] == '\0')
					id = (int)k;
		} else {
			eq = strchr(a + 2, '=');
			namelen = eq ? (size_t)(eq - a - 2) : strlen(a + 2);
			for (k = 0; k < OPT_COUNT; k++)
				if (strlen(defs[k].name) == namelen && strncmp(defs[k].name, a + 2, namelen) == 0)
					id = (int)k;
		}
		if (id >= 0) {
			bool ok = false;
			for (k = 0; k < n_allowed; k++)
				ok |= (allowed[k] == (cmd_opt_t)id);
			if (!ok)
				id = -1;
		}
		if (id < 0)
			return usage_error(sub, "unknown option", a, NULL);
		if (defs[id].value) {
			if (eq)
				val = eq + 1;
			else if (i + 1 < argc)
				val = argv[++i];
			else {
				char tail[96];
				snprintf(tail, sizeof(tail), " needs a value (%s)", defs[id].value);
				return usage_error(sub, "option", a, tail);
			}
			if (!*val) {
				char tail[96];
				snprintf(tail, sizeof(tail), " needs a non-empty value (%s)", defs[id].value);
				return usage_error(sub, "option", a, tail);
			}
		} else if (eq) {
			return usage_error(sub, "option takes no value:", a, NULL);
		}
		o->val[id] = val ? val : "";
		if (id == OPT_SHARD && parse_shard(o, sub, val) != 0)
			return EXIT_USAGE;
		if (id == OPT_POLICY_FROM && strcmp(val, "base") != 0 && strcmp(val, "head") != 0)
			return usage_error(sub, "--policy-from must be 'base' or 'head', got", val, NULL);
	}
	if (o->val[OPT_QUIET] && o->val[OPT_VERBOSE])
		return usage_error(sub, "--quiet and --verbose exclude each other", NULL, NULL);
	return 0;
}

void cmd_opts_dispose(struct cmd_opts *o)
{
	free(o->args);
	o->args = NULL;
}

bool cmd_progress_enabled(const struct cmd_opts *o)
{
	return !o->val[OPT_QUIET] && isatty(STDERR_FILENO);
}

void cmd_report_error(const struct cmd_opts *o, const char *context)
{
	struct trb_buf b = TRB_BUF_INIT(TRB_LIMIT_SMALL);
	const char *msg = trb_err_msg();

	trb_escape_term(&b, msg, strlen(msg));
	fprintf(stderr, "tribunal: error: %s%s\n", context ? context : "", *msg ? trb_buf_cstr(&b) : "unknown error");
	if (o && o->val[OPT_VERBOSE] && *trb_err_where())
		fprintf(stderr, "tribunal: (raised at %s)\n", trb_err_where());
	trb_buf_dispose(&b);
}
