#include "util/escape.h"

#include <string.h>

#include "util/err.h"

size_t trb_utf8_seq(const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;
	unsigned int cp;
	size_t n, i;

	if (len == 0)
		return 0;
	if (u[0] < 0x80)
		return 1;
	if (u[0] >= 0xc2 && u[0] <= 0xdf) {
		n = 2;
		cp = u[0] & 0x1f;
	} else if (u[0] >= 0xe0 && u[0] <= 0xef) {
		n = 3;
		cp = u[0] & 0x0f;
	} else if (u[0] >= 0xf0 && u[0] <= 0xf4) {
		n = 4;
		cp = u[0] & 0x07;
	} else {
		return 0;
	}
	if (len < n)
		return 0;
	for (i = 1; i < n; i++) {
		if ((u[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (u[i] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) || cp > 0x10ffff ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

bool trb_utf8_valid(const char *s, size_t len)
{
	size_t i = 0, n;

	while (i < len) {
		/* ASCII fast path */
		if ((unsigned char)s[i] < 0x80) {
			i++;
			continue;
		}
		if ((n = trb_utf8_seq(s + i, len - i)) == 0)
			return false;
		i += n;
	}
	return true;
}

int trb_escape_term(struct trb_buf *out, const char *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	size_t i = 0, n;

	while (i < len) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x20 && c < 0x7f) {
			if (c == '\\')
				trb_buf_putc(out, '\\');
			trb_buf_putc(out, (char)c);
			i++;
			continue;
		}
		if (c == '\n') {
			trb_buf_puts(out, "\\n");
			i++;
			continue;
		}
		if (c == '\t') {
			trb_buf_puts(out, "\\t");
			i++;
			continue;
		}
		if (c >= 0x80 && (n = trb_utf8_seq(s + i, len - i)) > 0) {
			/* C1 controls (U+0080..U+009F) act on some terminals */
			if (n == 2 && c == 0xc2 && (unsigned char)s[i + 1] < 0xa0) {
				trb_buf_printf(out, "\\u{%02x}", (unsigned char)s[i + 1]);
			} else {
				trb_buf_put(out, s + i, n);
			}
			i += n;
			continue;
		}
		trb_buf_puts(out, "\\x");
		trb_buf_putc(out, hex[c >> 4]);
		trb_buf_putc(out, hex[c & 15]);
		i++;
	}
	return trb_buf_error(out);
}

int trb_escape_utf8(struct trb_buf *out, const char *s, size_t len)
{
	size_t i = 0, n;

	while (i < len) {
		size_t j = i;
		while (j < len && (unsigned char)s[j] < 0x80 && s[j] != '\0')
			j++;
		trb_buf_put(out, s + i, j - i);
		i = j;
		if (i >= len)
			break;
		if (s[i] == '\0') {
			i++;
			continue;
		}
		if ((n = trb_utf8_seq(s + i, len - i)) > 0) {
			trb_buf_put(out, s + i, n);
			i += n;
		} else {
			trb_buf_puts(out, "\xef\xbf\xbd");
			i++;
		}
	}
	return trb_buf_error(out);
}
