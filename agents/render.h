/* agents/render.h: private to agents/: the text the models are shown. */
#ifndef TRB_AGENTS_RENDER_H
#define TRB_AGENTS_RENDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <git2.h>

#include "agents/agents_int.h"
#include "util/glob.h"

/* A head file's text with secrets redacted, and its line index. */
struct render_file {
	char *text;
	size_t len;
	uint32_t *off;
	uint32_t n_lines;
};

/* Any text that goes to a model as a file (a head file, a patched file): redacted when rules is
 * not NULL, then indexed. Returns 0, TRB_ENOMEM, or TRB_ELIMIT when it holds more secrets than
 * can be redacted (nothing may be sent then). */
int render_file_from_text(struct render_file *out, const char *text, size_t len, const struct rules *rules);
/* The same for the head side of a changed file; TRB_ERROR when its blob cannot be read. */
int render_file_text(struct render_file *out, git_repository *repo, const struct diff_file *f,
		     const struct rules *rules);
void render_file_dispose(struct render_file *rf);

void render_open(struct trb_buf *b, const char *nonce);
void render_close(struct trb_buf *b, const char *nonce);
void render_untrusted(struct trb_buf *b, const char *text, size_t len, const char *nonce);
/* Numbered lines start..end; with mark, changed lines of f start with '>'. */
void render_lines(struct trb_buf *b, const struct render_file *rf, const struct diff_file *f, uint32_t start,
		  uint32_t end, bool mark);

/* The list of the merge request's files: the shared, cacheable first block of every finder call. */
int render_mr_files(struct trb_buf *b, const struct diff *d, const char *nonce);

/* One unit for the finder; hash receives the sha256 of its code (without the nonce). */
int render_unit(struct trb_buf *b, char hash[65], git_repository *repo, const struct diff *d,
		const struct diff_unit *u, size_t n_units, const struct config *policy, const struct rules *rules,
		const struct rules_hits *hints, const char *nonce);

/* A candidate for the verifier or the patcher, with the code around it. */
int render_candidate(struct trb_buf *b, const struct finding *f, const struct render_file *rf,
		     const char *nonce, const char *verifier_reason);

#endif
