/* tests/fuzz/fuzz_rules.c: the rule engine on hostile text and hostile policy patterns.
 * The first input line is a policy rule's pattern, the rest is a file whose every line is added:
 * built-in and custom rules run over it, then redaction, which must keep every newline. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rules/rules.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *nl = memchr(data, '\n', size);
	size_t plen = nl ? (size_t)(nl - (const char *)data) : size, i, in_nl = 0, out_nl = 0;
	const char *text = nl ? nl + 1 : "";
	size_t tlen = nl ? size - plen - 1 : 0;
	struct config *c = NULL;
	struct rules *r = NULL;
	struct rules_hits h;
	struct trb_buf b = TRB_BUF_INIT(TRB_LIMIT_FILE);

	if (config_new_default(&c) < 0 || !(c->rules = calloc(1, sizeof(*c->rules))))
		goto done;
	c->n_rules = 1;
	c->rules[0].id = strdup("fuzz");
	c->rules[0].pattern = strndup((const char *)data, plen);
	c->rules[0].standalone = true;
	if (!c->rules[0].id || !c->rules[0].pattern || rules_new(&r, c) < 0) {
		/* A pattern that does not compile: the built-ins alone. */
		if (rules_new(&r, NULL) < 0)
			goto done;
	}
	rules_hits_init(&h);
	(void)rules_scan(&h, r, "fuzz/input.py", DIFF_LANG_PYTHON, text, tlen, NULL, 0, RULES_KINDS_ALL);
	for (i = 0; i < h.n; i++) {
		struct trb_buf hint = TRB_BUF_INIT(TRB_LIMIT_SMALL);
		if (!h.v[i].snippet || h.v[i].line < 1)
			abort();
		(void)rules_hit_hint(&hint, &h.v[i]);
		trb_buf_dispose(&hint);
	}
	rules_hits_dispose(&h);
	if (rules_redact(&b, r, text, tlen) == 0) {
		for (i = 0; i < tlen; i++)
			in_nl += text[i] == '\n';
		for (i = 0; i < b.len; i++)
			out_nl += b.ptr[i] == '\n';
		if (in_nl != out_nl)
			abort();   /* redaction must never move a line */
	}
done:
	trb_buf_dispose(&b);
	rules_free(r);
	config_free(c);
	return 0;
}
