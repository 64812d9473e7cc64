/* rules/rules_int.h: private to rules/: the compiled rule table and the helpers its files share. */
#ifndef TRB_RULES_RULES_INT_H
#define TRB_RULES_RULES_INT_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "rules/rules.h"

/* Language masks: bit (1 << diff_lang_t); 0 means every language. */
#define RULES_LANG(x) (1u << DIFF_LANG_##x)
#define RULES_LANG_CLIKE (RULES_LANG(C) | RULES_LANG(CPP))
#define RULES_LANG_JSTS (RULES_LANG(JS) | RULES_LANG(TS))

/* Rule flags. */
#define RULES_F_CONCAT   0x1u  /* secrets: also run over concatenated string literals */
#define RULES_F_CODE     0x2u  /* skip matches inside a line comment (API hints) */
#define RULES_F_BLOCK    0x4u  /* the secret runs on past the match (private key blocks) */

/* The text a candidate match is checked against: a whole file, with its line starts. */
struct rules_text {
	const char *s;
	size_t len;
	const size_t *line_off;   /* line_off[i]: offset of line i + 1; line_off[n_lines] = len */
	uint32_t n_lines;
};

/* A candidate match, offsets into t->s. */
struct rules_cand {
	const struct rules_text *t;
	size_t start, end;          /* the whole match */
	size_t sec_start, sec_end;  /* the secret (the rule's group), == start, end when none */
	bool joined;                /* t is a buffer of joined literals, not the file */
};

/* Returns true when the candidate is kept. */
typedef bool (*rules_check_fn)(const struct rules_cand *c);

struct rules_builtin {
	struct rules_rule info;
	unsigned langs;
	int group;                  /* capture group holding the secret, 0: whole match */
	unsigned flags;
	rules_check_fn check;
};

extern const struct rules_builtin rules_builtins[];
extern const size_t rules_n_builtins;

struct rules_entry {
	struct rules_rule info;
	unsigned langs;
	int group;
	unsigned flags;
	rules_check_fn check;
	char **paths;               /* policy rules: globs, NULL/0 for all */
	size_t n_paths;
	pcre2_code *code;
	bool jit;
	char *owned[6];             /* policy rules: the strings info points to */
};

struct rules {
	struct rules_entry *v;
	size_t n;
	size_t ignore_meta;         /* index of tribunal-ignore-without-reason */
	uint32_t ovec_pairs;        /* largest capture count + 1 over all rules */
};

/* Match limits: big enough for any sane pattern on a capped line, small enough that a
 * catastrophic one gives up in milliseconds. */
#define RULES_MATCH_LIMIT 200000u
#define RULES_DEPTH_LIMIT 2000u
#define RULES_HEAP_LIMIT  8192u    /* KiB */

/* secrets.c: the checks of the secret rules, and the shared value tests. */
double rules_entropy(const char *s, size_t n);
bool rules_is_placeholder(const char *s, size_t n);
bool rules_check_token(const struct rules_cand *c);
bool rules_check_aws_secret(const struct rules_cand *c);
bool rules_check_private_key(const struct rules_cand *c);
bool rules_check_jwt(const struct rules_cand *c);
bool rules_check_url_creds(const struct rules_cand *c);
bool rules_check_generic(const struct rules_cand *c);
bool rules_check_aws_key_id(const struct rules_cand *c);
/* For block secrets (private keys): where the secret that starts at `from` ends. */
size_t rules_block_end(const char *s, size_t len, size_t from);

/* scan.c: shared between scanning and redaction. */
struct rules_span {
	size_t rule;
	size_t start, end;          /* whole match, in the file */
	size_t sec_start, sec_end;  /* the secret part; for joined literals, the whole expression */
	uint32_t line, end_line;
	bool joined;
	bool dead;                  /* displaced by a more specific span; dropped before return */
	char *joined_text;          /* joined: the assembled secret, for masking */
	size_t joined_len;
	size_t *parts;              /* joined: content ranges of each literal, pairs */
	size_t n_parts;
};

struct rules_spans {
	struct rules_span *v;
	size_t n, cap;
	size_t *secrets;            /* indices of the secret spans in v, for overlap checks */
	size_t n_secrets, cap_secrets;
	size_t max_reach;           /* the longest sec_end - start, set when the spans are sorted */
	bool full;                  /* a cap below was reached: the rest of the file was skipped */
	char **warnings;
	size_t n_warnings, cap_warnings;
	size_t n_limited;           /* lines skipped at a PCRE2 limit; the first of them: */
	size_t limited_rule;        /* its rule (index in struct rules) */
	uint32_t limited_line;
	int limited_rc;             /* and the PCRE2 error */
};

/* Per file: no real file holds this many matches; a hostile one must not make us quadratic. */
#define RULES_MAX_SPANS   20000u
#define RULES_MAX_SECRETS 4096u
/* A rule that stops at a PCRE2 limit on this many lines of a file is off for the rest of it. */
#define RULES_MAX_LIMIT_FAILURES 16u

/* "match limit", "depth limit", "heap limit" or "engine error", for a PCRE2 error code. */
const char *rules_limit_name(int rc);

int rules_text_index(struct rules_text *t, size_t **line_off, const char *s, size_t len);
uint32_t rules_line_of(const struct rules_text *t, size_t off);
/* Finds the spans of the rules of the given kinds (a mask of 1u << rules_kind_t) that apply to
 * path and lang, over the added lines (changed == NULL: every line), sorted by start. */
int rules_find_spans(struct rules_spans *out, const struct rules *r, const char *path,
		     diff_lang_t lang, const struct rules_text *t, const uint32_t *changed,
		     size_t n_changed, unsigned kinds);
void rules_spans_dispose(struct rules_spans *s);

/* ignore.c */
struct rules_ignore {
	uint32_t line;
	char **ids;
	size_t n_ids;
	char *reason;               /* NULL when none was given */
};
int rules_ignores_parse(struct rules_ignore **out, size_t *n_out, const struct rules_text *t);
void rules_ignores_free(struct rules_ignore *v, size_t n);

#endif
