/* agents/prompts.c: the agents' system prompts, built in or from --prompts DIR. */
#include "agents/agents_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/err.h"
#include "util/escape.h"
#include "util/fsio.h"
#include "util/sha256.h"

#define PROMPT_MAX_BYTES ((size_t)256 * 1024)

static int read_prompt_file(char **out, size_t *len, const char *dir, const char *name)
{
	struct trb_buf path = TRB_BUF_INIT(4096);
	int error;

	*out = NULL;
	trb_buf_printf(&path, "%s/%s.md", dir, name);
	if ((error = trb_buf_error(&path)) < 0)
		goto done;
	if ((error = trb_read_file(out, len, trb_buf_cstr(&path), PROMPT_MAX_BYTES)) < 0) {
		trb_err_prefix(error, "--prompts: ");
		goto done;
	}
	if (!trb_utf8_valid(*out, *len) || memchr(*out, '\0', *len)) {
		error = trb_err_set(TRB_EINVAL, "--prompts: %s is not UTF-8 text", trb_buf_cstr(&path));
		free(*out);
		*out = NULL;
	}
done:
	trb_buf_dispose(&path);
	return error;
}

int agents_prompt_load(char **out, char hash[65], const char *name, const char *dir, const char *nonce)
{
	struct trb_buf b = TRB_BUF_INIT(PROMPT_MAX_BYTES * 2);
	char *owned = NULL;
	const char *text = NULL, *p, *hit;
	size_t len = 0, i;
	int error;

	*out = NULL;
	if (dir) {
		if ((error = read_prompt_file(&owned, &len, dir, name)) < 0)
			return error;
		text = owned;
	} else {
		for (i = 0; i < agents_n_prompts_builtin; i++)
			if (strcmp(agents_prompts_builtin[i].name, name) == 0) {
				text = agents_prompts_builtin[i].text;
				len = agents_prompts_builtin[i].len;
			}
		if (!text)
			return trb_err_set(TRB_ERROR, "no built-in prompt '%s'", name);
	}
	trb_sha256_hex(hash, text, len);
	for (p = text; (hit = strstr(p, "{{NONCE}}")) != NULL; p = hit + 9) {
		trb_buf_put(&b, p, (size_t)(hit - p));
		trb_buf_puts(&b, nonce ? nonce : "");
	}
	trb_buf_puts(&b, p);
	free(owned);
	if ((error = trb_buf_error(&b)) < 0) {
		trb_buf_dispose(&b);
		return error;
	}
	*out = trb_buf_detach(&b);
	return *out ? 0 : trb_err_oom();
}
