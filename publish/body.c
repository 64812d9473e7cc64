/* publish/body.c: measuring and cutting a body to a platform's character limit. */
#include "publish/publish.h"

#include <string.h>

#include "util/buf.h"

/* How many UTF-16 code units the sequence led by byte c is: 0 for a continuation byte. */
static size_t units(unsigned char c)
{
	if (c < 0x80)
		return 1;
	if (c < 0xc0)
		return 0;
	if (c >= 0xf0 && c < 0xf8)
		return 2;
	return 1;
}

size_t publish_text_chars(const char *s, size_t len)
{
	size_t i, n = 0;

	for (i = 0; i < len; i++)
		n += units((unsigned char)s[i]);
	return n;
}

int publish_body_cut(struct trb_buf *b, size_t max_chars, const char *note)
{
	size_t note_chars = publish_text_chars(note, strlen(note)), budget, i, n = 0, cut, nl;

	if (trb_buf_error(b) < 0 || publish_text_chars(b->ptr, b->len) <= max_chars)
		return trb_buf_error(b);
	budget = note_chars < max_chars ? max_chars - note_chars : 0;
	/* stop before the first sequence that does not fit: a lead byte, so no UTF-8 is split */
	for (i = 0; i < b->len; i++) {
		size_t u = units((unsigned char)b->ptr[i]);
		if (u && n + u > budget)
			break;
		n += u;
	}
	cut = i;
	/* a whole line reads better than half of one, when a line end is near */
	for (nl = cut; nl > 0 && cut - nl < 2000; nl--)
		if (b->ptr[nl - 1] == '\n') {
			cut = nl;
			break;
		}
	b->len = cut;
	b->ptr[cut] = '\0';
	return trb_buf_puts(b, note);
}
