/* cmd/cmd.h: the command line (private to cmd/): option parsing and one function per subcommand.
 * Subcommand functions return the process exit code: 0 gate passed, 1 gate failed, 2 usage,
 * policy or input error, 3 scan incomplete. Only main() calls exit. */
#ifndef TRB_CMD_CMD_H
#define TRB_CMD_CMD_H

#include <stdbool.h>
#include <stddef.h>

#define TRB_VERSION "0.1.0"

enum { EXIT_PASS = 0, EXIT_GATE = 1, EXIT_USAGE = 2, EXIT_INCOMPLETE = 3 };

/* Option ids; a subcommand lists the ones it takes. */
typedef enum {
	OPT_REPO, OPT_BASE, OPT_HEAD, OPT_POLICY, OPT_POLICY_FROM, OPT_OUT, OPT_FORMAT, OPT_SHARD,
	OPT_CACHE_DIR, OPT_PROMPTS, OPT_DRY_RUN, OPT_VERBOSE, OPT_QUIET, OPT_JSON, OPT_FROM, OPT_PR, OPT_MR,
	OPT_HELP, OPT_COUNT
} cmd_opt_t;

struct cmd_opts {
	const char *val[OPT_COUNT];   /* value, or "" for a flag that was given; NULL when absent */
	unsigned shard_i, shard_n;    /* 1/1 unless --shard */
	char **args;                  /* positional arguments (borrowed from argv) */
	size_t n_args;
};

/* Parses argv (after the subcommand) accepting only `allowed` options. On error prints one line
 * plus a hint to stderr and returns EXIT_USAGE; else 0. */
int cmd_parse(struct cmd_opts *o, const char *sub, const cmd_opt_t *allowed, size_t n_allowed,
	      int argc, char **argv);
void cmd_opts_dispose(struct cmd_opts *o);

/* stderr is a terminal and --quiet was not given: progress may be drawn */
bool cmd_progress_enabled(const struct cmd_opts *o);
/* Prints "tribunal: error: MSG" (plus where it was set, with --verbose). */
void cmd_report_error(const struct cmd_opts *o, const char *context);

int cmd_plan(struct cmd_opts *o);
int cmd_policy(struct cmd_opts *o);
int cmd_scan(struct cmd_opts *o);
int cmd_merge(struct cmd_opts *o);
/* publish github|gitlab: 0 done (also when nothing was new), 2 usage, configuration or input
 * error, 3 network or API failure. */
int cmd_publish(struct cmd_opts *o);

struct config;
struct findings;
/* The exit status of a finished scan (or merge): 3 when incomplete and the policy says so, 1 when
 * a blocking gate failed, else 0. */
int cmd_exit_status(const struct findings *fs, const struct config *policy, bool agents_possible);

struct diff;
struct diff_spec;
/* The policy for a scan of d: --policy FILE, else .tribunal.yml from the base commit (or the
 * head with --policy-from head), else the default. *source is "file", "base", "head" or
 * "default". Diagnostics are printed; returns 0 or EXIT_USAGE. */
int cmd_load_policy(struct config **out, const char **source, struct diff *d, const struct cmd_opts *o);
/* What plan and scan share: resolves base and head (flags, then the CI environment), opens the
 * repository, loads the policy (cmd_load_policy), computes the changed files (with a progress
 * line when cmd_progress_enabled) and packs the units for o->shard_n shards. Prints the error;
 * returns 0 or EXIT_USAGE. spec, *d and *policy are filled as far as it got, also on failure:
 * the caller disposes of spec and frees *d and *policy. */
int cmd_prepare(struct diff **d, struct diff_spec *spec, struct config **policy, const char **policy_source,
		const struct cmd_opts *o);
/* The SHA-256 (64 hex digits and a NUL in out[65]) of the effective policy as 'policy show'
 * prints it: which policy a run used, whatever file it came from. TRB_ENOMEM. */
int cmd_policy_hash(char *out, const struct config *policy);

/* Writes the reports (report_write_all), then on stdout the GitHub annotations (in GitHub
 * Actions) and the console summary. Prints the error; returns 0 or EXIT_USAGE. */
int cmd_write_reports(const struct findings *fs, const char *out_dir, unsigned formats, const struct cmd_opts *o);

/* Today as yyyymmdd (UTC), from the wall clock (suppressions expire by it). */
int cmd_today(void);

#endif
