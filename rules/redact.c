/* rules/redact.c: keeping secrets on the machine.
 * rules_redact() rewrites code before it goes to a model provider; rules_mask() is the only form
 * in which a secret is ever displayed. */
#include "rules/rules_int.h"

#include <stdlib.h>
#include <string.h>

#include "util/err.h"

void rules_mask(struct trb_buf *out, const char *secret, size_t len)
{
	size_t show = len / 4, i;

	if (show > 4)
		show = 4;
	if (len < 8)
		show = 0;
	/* Never cut a UTF-8 sequence, never show a control byte. */
	while (show > 0 && show < len && ((unsigned char)secret[show] & 0xC0) == 0x80)
		show--;
	for (i = 0; i < show; i++) {
		unsigned char c = (unsigned char)secret[i];
		trb_buf_putc(out, c < 0x20 || c == 0x7f ? '?' : (char)c);
	}
	trb_buf_puts(out, "\xe2\x80\xa6");
}

static int span_cmp(const void *a, const void *b)
{
	const struct rules_span *x = a, *y = b;

	if (x->sec_start != y->sec_start)
		return x->sec_start < y->sec_start ? -1 : 1;
	return x->sec_end > y->sec_end ? -1 : x->sec_end < y->sec_end;
}

/* Emits a placeholder for each line piece of s[a, z), keeping the newlines and each piece's
 * indentation (a key block in YAML stays valid YAML). */
static void replace_range(struct trb_buf *out, const char *s, size_t a, size_t z, const char *tag)
{
	size_t i = a, seg = a;

	for (; i <= z; i++) {
		if (i == z || s[i] == '\n') {
			size_t ind = seg;
			while (ind < i && (s[ind] == ' ' || s[ind] == '\t'))
				ind++;
			trb_buf_put(out, s + seg, ind - seg);
			if (i > ind)
				trb_buf_printf(out, "<redacted:%s>", tag);
			if (i < z)
				trb_buf_putc(out, '\n');
			seg = i + 1;
		}
	}
}

int rules_redact(struct trb_buf *out, const struct rules *r, const char *text, size_t len)
{
	struct rules_text t;
	struct rules_spans sp = {0};
	size_t *line_off = NULL, i, pos = 0;
	int error;

	if ((error = rules_text_index(&t, &line_off, text, len)) < 0)
		return error;
	if ((error = rules_find_spans(&sp, r, "", DIFF_LANG_NONE, &t, NULL, 0, 1u << RULES_KIND_SECRET)) < 0)
		goto cleanup;
	/* Some secrets were not looked for (a cap, or a pattern stopped at a PCRE2 limit): sending the
	 * text would leak them. */
	if (sp.full) {
		error = trb_err_set(TRB_ELIMIT, "more than %u secrets in one text: not redacted, do not send it",
				    RULES_MAX_SECRETS);
		goto cleanup;
	}
	if (sp.n_limited) {
		error = trb_err_set(TRB_ELIMIT, "line %u: secret rule '%s' stopped at the regex %s: not redacted, "
				    "do not send it", sp.limited_line, r->v[sp.limited_rule].info.id,
				    rules_limit_name(sp.limited_rc));
		goto cleanup;
	}
	if (sp.n > 1)
		qsort(sp.v, sp.n, sizeof(*sp.v), span_cmp);
	for (i = 0; i < sp.n; i++) {
		const struct rules_span *s = &sp.v[i];
		const char *tag = r->v[s->rule].info.secret_kind;
		size_t a = s->sec_start, z = s->sec_end, k;
		if (z <= pos)
			continue;   /* inside a secret already replaced */
		if (a < pos)
			a = pos;
		if (s->joined) {
			for (k = 0; k < s->n_parts; k++) {
				size_t pa = s->parts[k * 2], pz = s->parts[k * 2 + 1];
				if (pz <= pos)
					continue;
				if (pa < pos)
					pa = pos;
				trb_buf_put(out, text + pos, pa - pos);
				replace_range(out, text, pa, pz, tag);
				pos = pz;
			}
			continue;
		}
		trb_buf_put(out, text + pos, a - pos);
		/* Block secrets keep what separates the marker from the body (a newline, a "\n"). */
		if (r->v[s->rule].flags & RULES_F_BLOCK) {
			while (a < z && (text[a] == '\n' || text[a] == '\r' || text[a] == '"' || text[a] == '\'' ||
					 (text[a] == '\\' && a + 1 < z && text[a + 1] == 'n'))) {
				size_t step = text[a] == '\\' ? 2 : 1;
				trb_buf_put(out, text + a, step);
				a += step;
			}
		}
		replace_range(out, text, a, z, tag);
		pos = z;
	}
	trb_buf_put(out, text + pos, len - pos);
	error = trb_buf_error(out);
cleanup:
	rules_spans_dispose(&sp);
	free(line_off);
	return error;
}
