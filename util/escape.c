#include "util/escape.h"

#include <stdint.h>
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
		/* ASCII fast path, eight bytes at a time */
		if (i + 8 <= len) {
			uint64_t w;
			memcpy(&w, s + i, 8);
			if (!(w & 0x8080808080808080ull)) {
				i += 8;
				continue;
			}
		}
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

/* ---- shared pieces ------------------------------------------------------------------------ */

static const char hexdig[] = "0123456789ABCDEF";

static bool isalnum_ascii(unsigned c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
static const char replacement[] = "\xef\xbf\xbd";  /* U+FFFD */

/* Decodes the character at s[i]: returns its length (1 for an invalid byte, with *cp = U+FFFD
 * and *bad = true). */
static size_t decode(const char *s, size_t len, size_t i, unsigned *cp, bool *bad)
{
	const unsigned char *u = (const unsigned char *)s + i;
	size_t n;

	*bad = false;
	if (u[0] < 0x80) {
		*cp = u[0];
		return 1;
	}
	if ((n = trb_utf8_seq(s + i, len - i)) == 0) {
		*cp = 0xfffd;
		*bad = true;
		return 1;
	}
	if (n == 2)
		*cp = ((unsigned)(u[0] & 0x1f) << 6) | (u[1] & 0x3f);
	else if (n == 3)
		*cp = ((unsigned)(u[0] & 0x0f) << 12) | ((unsigned)(u[1] & 0x3f) << 6) | (u[2] & 0x3f);
	else
		*cp = ((unsigned)(u[0] & 0x07) << 18) | ((unsigned)(u[1] & 0x3f) << 12) |
		      ((unsigned)(u[2] & 0x3f) << 6) | (u[3] & 0x3f);
	return n;
}

/* Characters no human-facing output keeps: controls (the caller handles \n and \t first), DEL, C1
 * controls, bidi embeddings/overrides/isolates (Trojan Source) and the noncharacters U+FFFE/FFFF. */
static bool cp_hostile(unsigned cp)
{
	return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || (cp >= 0x202a && cp <= 0x202e) ||
	       (cp >= 0x2066 && cp <= 0x2069) || cp == 0xfffe || cp == 0xffff;
}

size_t trb_utf8_prefix(const char *s, size_t len, size_t max)
{
	size_t i = 0, n;

	if (len <= max)
		return len;
	while (i < max) {
		n = (unsigned char)s[i] < 0x80 ? 1 : trb_utf8_seq(s + i, len - i);
		if (n == 0)
			n = 1;
		if (i + n > max)
			break;
		i += n;
	}
	return i;
}

/* ---- JSON --------------------------------------------------------------------------------- */

int trb_escape_json(struct trb_buf *out, const char *s, size_t len)
{
	size_t i = 0, n;
	unsigned cp;
	bool bad;

	while (i < len) {
		size_t j = i;
		/* plain ASCII runs in one copy */
		while (j < len && (unsigned char)s[j] >= 0x20 && (unsigned char)s[j] < 0x80 &&
		       s[j] != '"' && s[j] != '\\')
			j++;
		if (j > i)
			trb_buf_put(out, s + i, j - i);
		if ((i = j) >= len)
			break;
		n = decode(s, len, i, &cp, &bad);
		if (bad || cp == 0) {
			trb_buf_puts(out, replacement);
		} else if (cp == '"') {
			trb_buf_puts(out, "\\\"");
		} else if (cp == '\\') {
			trb_buf_puts(out, "\\\\");
		} else if (cp == '\n') {
			trb_buf_puts(out, "\\n");
		} else if (cp == '\r') {
			trb_buf_puts(out, "\\r");
		} else if (cp == '\t') {
			trb_buf_puts(out, "\\t");
		} else if (cp < 0x20) {
			trb_buf_printf(out, "\\u%04x", cp);
		} else if (cp == 0x2028 || cp == 0x2029) {
			trb_buf_printf(out, "\\u%04x", cp);
		} else {
			trb_buf_put(out, s + i, n);
		}
		i += n;
	}
	return trb_buf_error(out);
}

/* ---- Markdown ----------------------------------------------------------------------------- */

/* U+2060 WORD JOINER: invisible, and no mention parser accepts it as part of a name */
#define WORD_JOINER "\xe2\x81\xa0"
#define ELLIPSIS "\xe2\x80\xa6"

/* What Markdown must not see raw anywhere in a line */
static bool md_special(unsigned char c)
{
	switch (c) {
	case '<': case '>': case '&': case '@': case '\\': case '`': case '*': case '_':
	case '[': case ']': case '!': case '|': case '~': case '$':
		return true;
	default:
		return false;
	}
}

#define ELLIPSIS_LEN (sizeof(ELLIPSIS) - 1)

/* One pass, whatever the cap: `fit` remembers where to cut (the last character boundary at which
 * the ellipsis still fits under max_out), and writing stops as soon as the output is longer than
 * max_out. So a capped escape never writes much more than max_out bytes into out (a long input
 * cannot trip out's own limit first) and never escapes its input twice. */
static int md_escape(struct trb_buf *out, const char *s, size_t len, bool block, size_t max_out)
{
	size_t start = out->len, i = 0, n, tn, used = 0, fit = 0, room;
	bool line_start = true, bad;
	unsigned cp;
	char tmp[16];

	if (max_out < ELLIPSIS_LEN)
		max_out = ELLIPSIS_LEN;
	room = max_out - ELLIPSIS_LEN;
	while (i < len && used <= max_out && !out->error) {
		if (!line_start) {
			/* a run of plain ASCII in one copy, no longer than the cap can take */
			size_t j = i, lim = len - i;
			if (max_out - used < lim)
				lim = max_out - used + 1;
			while (j - i < lim && (unsigned char)s[j] >= 0x20 && (unsigned char)s[j] < 0x7f &&
			       !md_special((unsigned char)s[j]))
				j++;
			if (j > i) {
				size_t before = used;
				trb_buf_put(out, s + i, j - i);
				used += j - i;
				if (used <= room)
					fit = used;
				else if (before <= room)
					fit = room;   /* every byte of the run ends a character */
				i = j;
				continue;
			}
		}
		n = decode(s, len, i, &cp, &bad);
		tn = 0;
		if (cp == '\r') {
			/* \r\n and a lone \r are line breaks */
			if (i + 1 < len && s[i + 1] == '\n') {
				i++;
				continue;
			}
			cp = '\n';
		}
		if (cp == '\n' || cp == '\t') {
			if (block && cp == '\n') {
				tmp[tn++] = '\n';
				line_start = true;
			} else if (!(block && line_start)) {
				tmp[tn++] = ' ';
			}
		} else if (line_start && block && cp == ' ') {
			/* indentation would make an indented code block or continue a list */
		} else if (bad || cp_hostile(cp)) {
			memcpy(tmp, replacement, 3);
			tn = 3;
			line_start = false;
		} else if (cp == '<') {
			memcpy(tmp, "&lt;", 4);
			tn = 4;
			line_start = false;
		} else if (cp == '>') {
			memcpy(tmp, "&gt;", 4);
			tn = 4;
			line_start = false;
		} else if (cp == '&') {
			memcpy(tmp, "&amp;", 5);
			tn = 5;
			line_start = false;
		} else if (cp == '@') {
			memcpy(tmp, "@" WORD_JOINER, 4);
			tn = 4;
			line_start = false;
		} else if (cp < 0x80 && (md_special((unsigned char)cp) ||
					 (line_start && (cp == '#' || cp == '-' || cp == '+' || cp == '=')))) {
			tmp[tn++] = '\\';
			tmp[tn++] = (char)cp;
			line_start = false;
		} else {
			memcpy(tmp, s + i, n);
			tn = n;
			line_start = false;
		}
		trb_buf_put(out, tmp, tn);
		used += tn;
		if (used <= room)
			fit = used;
		i += n;
	}
	if (!out->error && used > max_out) {
		out->len = start + fit;
		out->ptr[out->len] = '\0';
		trb_buf_puts(out, ELLIPSIS);
	}
	return trb_buf_error(out);
}

int trb_escape_md(struct trb_buf *out, const char *s, size_t len)
{
	return md_escape(out, s, len, false, SIZE_MAX);
}

int trb_escape_md_block(struct trb_buf *out, const char *s, size_t len)
{
	return md_escape(out, s, len, true, SIZE_MAX);
}

int trb_escape_md_capped(struct trb_buf *out, const char *s, size_t len, bool block, size_t max_out)
{
	return md_escape(out, s, len, block, max_out);
}

/* The longest run of backticks in s: a code fence or span delimiter must be longer. */
static size_t backtick_run(const char *s, size_t len)
{
	size_t i, run = 0, longest = 0;

	for (i = 0; i < len; i++) {
		if (s[i] == '`') {
			if (++run > longest)
				longest = run;
		} else {
			run = 0;
		}
	}
	return longest;
}

size_t trb_md_fence_len(const char *s, size_t len)
{
	size_t longest = backtick_run(s, len);

	return longest + 1 < 3 ? 3 : longest + 1;
}

static void put_repeat(struct trb_buf *out, char c, size_t n)
{
	while (n--)
		trb_buf_putc(out, c);
}

/* Code text kept as is, but no controls or invalid UTF-8; newlines become spaces unless keep_nl */
static void code_clean(struct trb_buf *out, const char *s, size_t len, bool keep_nl)
{
	size_t i = 0, n;
	unsigned cp;
	bool bad;

	while (i < len) {
		n = decode(s, len, i, &cp, &bad);
		if (cp == '\r' && i + 1 < len && s[i + 1] == '\n') {
			i++;
			continue;
		}
		if (cp == '\n' || cp == '\r')
			trb_buf_putc(out, keep_nl ? '\n' : ' ');
		else if (cp == '\t')
			trb_buf_putc(out, keep_nl ? '\t' : ' ');
		else if (bad || cp_hostile(cp))
			trb_buf_puts(out, replacement);
		else
			trb_buf_put(out, s + i, n);
		i += n;
	}
}

int trb_escape_md_fence(struct trb_buf *out, const char *s, size_t len, const char *info)
{
	size_t fence = trb_md_fence_len(s, len);

	put_repeat(out, '`', fence);
	trb_buf_puts(out, info ? info : "");
	trb_buf_putc(out, '\n');
	code_clean(out, s, len, true);
	if (len > 0 && s[len - 1] != '\n')
		trb_buf_putc(out, '\n');
	put_repeat(out, '`', fence);
	trb_buf_putc(out, '\n');
	return trb_buf_error(out);
}

int trb_escape_md_code(struct trb_buf *out, const char *s, size_t len)
{
	size_t delim = backtick_run(s, len) + 1;
	bool pad;

	/* a span that starts or ends with a backtick needs a space so the delimiter stays apart */
	pad = len > 0 && (s[0] == '`' || s[len - 1] == '`');
	put_repeat(out, '`', delim);
	if (pad)
		trb_buf_putc(out, ' ');
	code_clean(out, s, len, false);
	if (pad)
		trb_buf_putc(out, ' ');
	put_repeat(out, '`', delim);
	return trb_buf_error(out);
}

/* ---- HTML and XML ------------------------------------------------------------------------- */

/* HTML (entities), HTML inside Markdown (mention: also Markdown punctuation, one line), or the
 * character cleanup for XML (xml: no entities, \r kept). */
static int markup_escape(struct trb_buf *out, const char *s, size_t len, bool mention, bool xml)
{
	size_t i = 0, n;
	unsigned cp;
	bool bad, entities = !xml;

	while (i < len) {
		size_t j = i;
		while (j < len && (unsigned char)s[j] >= 0x20 && (unsigned char)s[j] < 0x7f &&
		       !(mention ? md_special((unsigned char)s[j]) : s[j] == '@') && s[j] != '"' && s[j] != '\'' &&
		       s[j] != '&' && s[j] != '<' && s[j] != '>')
			j++;
		if (j > i)
			trb_buf_put(out, s + i, j - i);
		if ((i = j) >= len)
			break;
		n = decode(s, len, i, &cp, &bad);
		if (entities && cp == '&')
			trb_buf_puts(out, "&amp;");
		else if (entities && cp == '<')
			trb_buf_puts(out, "&lt;");
		else if (entities && cp == '>')
			trb_buf_puts(out, "&gt;");
		else if (entities && cp == '"')
			trb_buf_puts(out, "&quot;");
		else if (entities && cp == '\'')
			trb_buf_puts(out, "&#39;");
		else if (mention && (cp == '\n' || cp == '\r' || cp == '\t'))
			trb_buf_putc(out, ' ');   /* one line: a blank line would end the HTML block */
		else if (mention && cp == '@')
			trb_buf_puts(out, "@" WORD_JOINER);
		else if (mention && cp > 0 && cp < 0x80 && strchr("[]!`*_~$|\\", (int)cp))
			/* inert in an HTML block already; entities keep it so in any renderer */
			trb_buf_printf(out, "&#%u;", cp);
		else if (cp == '\n' || cp == '\t' || (xml && cp == '\r'))
			trb_buf_putc(out, (char)cp);
		else if (cp == '\r')
			; /* HTML: \r\n is a line break already, a lone \r is dropped */
		else if (bad || cp_hostile(cp))
			trb_buf_puts(out, replacement);
		else
			trb_buf_put(out, s + i, n);
		i += n;
	}
	return trb_buf_error(out);
}

int trb_escape_html(struct trb_buf *out, const char *s, size_t len)
{
	return markup_escape(out, s, len, false, false);
}

int trb_escape_md_html(struct trb_buf *out, const char *s, size_t len)
{
	return markup_escape(out, s, len, true, false);
}

int trb_escape_xml_clean(struct trb_buf *out, const char *s, size_t len)
{
	return markup_escape(out, s, len, false, true);
}

/* ---- Mermaid ------------------------------------------------------------------------------ */

int trb_escape_mermaid(struct trb_buf *out, const char *s, size_t len)
{
	size_t i = 0, n;
	unsigned cp;
	bool bad;

	while (i < len) {
		n = decode(s, len, i, &cp, &bad);
		if (cp == '\n' || cp == '\r' || cp == '\t')
			trb_buf_putc(out, ' ');
		else if (bad || cp_hostile(cp))
			trb_buf_puts(out, replacement);
		else if (cp >= 0x80 || (cp < 0x80 && (isalnum_ascii(cp) || strchr(" .,:/_-+=()", (int)cp))))
			trb_buf_put(out, s + i, n);
		else
			trb_buf_printf(out, "#%u;", cp);
		i += n;
	}
	return trb_buf_error(out);
}

/* ---- GitHub workflow commands ------------------------------------------------------------- */

static int ghcmd_escape(struct trb_buf *out, const char *s, size_t len, bool prop)
{
	size_t i = 0, n;
	unsigned cp;
	bool bad;

	while (i < len) {
		n = decode(s, len, i, &cp, &bad);
		if (cp == '%')
			trb_buf_puts(out, "%25");
		else if (cp == '\r')
			trb_buf_puts(out, "%0D");
		else if (cp == '\n')
			trb_buf_puts(out, "%0A");
		else if (prop && cp == ':')
			trb_buf_puts(out, "%3A");
		else if (prop && cp == ',')
			trb_buf_puts(out, "%2C");
		else if (cp == '\t')
			trb_buf_putc(out, ' ');
		else if (bad || cp_hostile(cp))
			trb_buf_puts(out, replacement);
		else
			trb_buf_put(out, s + i, n);
		i += n;
	}
	return trb_buf_error(out);
}

int trb_escape_ghcmd_data(struct trb_buf *out, const char *s, size_t len)
{
	return ghcmd_escape(out, s, len, false);
}

int trb_escape_ghcmd_prop(struct trb_buf *out, const char *s, size_t len)
{
	return ghcmd_escape(out, s, len, true);
}

/* ---- SARIF, URIs, base64 ------------------------------------------------------------------ */

int trb_escape_sarif_text(struct trb_buf *out, const char *s, size_t len)
{
	size_t i = 0, n, j;
	unsigned cp;
	bool bad;

	while (i < len) {
		for (j = i; j < len && (unsigned char)s[j] >= 0x20 && (unsigned char)s[j] < 0x7f && s[j] != '[' &&
			    s[j] != ']'; j++)
			;
		if (j > i) {
			trb_buf_put(out, s + i, j - i);
			i = j;
			continue;
		}
		n = decode(s, len, i, &cp, &bad);
		if (cp == '\n' || cp == '\t' || cp == '\r')
			trb_buf_putc(out, (char)cp);
		else if (bad || cp_hostile(cp))
			trb_buf_puts(out, replacement);
		else if (cp == '[' || cp == ']') {
			trb_buf_putc(out, '\\');
			trb_buf_putc(out, (char)cp);
		} else {
			trb_buf_put(out, s + i, n);
		}
		i += n;
	}
	return trb_buf_error(out);
}

int trb_escape_uri_path(struct trb_buf *out, const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (isalnum_ascii(c) || c == '-' || c == '.' || c == '_' || c == '~' || c == '/') {
			trb_buf_putc(out, (char)c);
		} else {
			trb_buf_putc(out, '%');
			trb_buf_putc(out, hexdig[c >> 4]);
			trb_buf_putc(out, hexdig[c & 15]);
		}
	}
	return trb_buf_error(out);
}

int trb_base64(struct trb_buf *out, const void *data, size_t len)
{
	static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const unsigned char *p = data;
	size_t i;
	char q[4];

	for (i = 0; i + 2 < len; i += 3) {
		q[0] = tab[p[i] >> 2];
		q[1] = tab[((p[i] & 3) << 4) | (p[i + 1] >> 4)];
		q[2] = tab[((p[i + 1] & 15) << 2) | (p[i + 2] >> 6)];
		q[3] = tab[p[i + 2] & 63];
		trb_buf_put(out, q, 4);
	}
	if (len - i == 1) {
		q[0] = tab[p[i] >> 2];
		q[1] = tab[(p[i] & 3) << 4];
		q[2] = q[3] = '=';
		trb_buf_put(out, q, 4);
	} else if (len - i == 2) {
		q[0] = tab[p[i] >> 2];
		q[1] = tab[((p[i] & 3) << 4) | (p[i + 1] >> 4)];
		q[2] = tab[(p[i + 1] & 15) << 2];
		q[3] = '=';
		trb_buf_put(out, q, 4);
	}
	return trb_buf_error(out);
}

int trb_escape_plain(struct trb_buf *out, const char *s, size_t len)
{
	code_clean(out, s, len, false);
	return trb_buf_error(out);
}
