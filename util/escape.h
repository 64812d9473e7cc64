/* util/escape.h: every escaper tribunal uses, in one place (cf. cmark houdini).
 * Text from repositories and models is hostile: these functions append an escaped copy to a
 * trb_buf so that it cannot act on the medium it lands in (a terminal, Markdown, HTML, XML, a GitHub
 * workflow command). Each is safe by default: invalid UTF-8 becomes U+FFFD. */
#ifndef TRB_UTIL_ESCAPE_H
#define TRB_UTIL_ESCAPE_H

#include <stdbool.h>
#include <stddef.h>

#include "util/buf.h"

/* True when s[0..len) is well-formed UTF-8 (no overlongs, surrogates or code points > U+10FFFF). */
bool trb_utf8_valid(const char *s, size_t len);
/* Length of the valid UTF-8 sequence at s (1..4), or 0 when the bytes there are not valid. */
size_t trb_utf8_seq(const char *s, size_t len);

/* For a terminal or a log: control bytes, DEL, C1 controls and invalid UTF-8 become \n, \t, \xNN,
 * \u{NN}; backslash doubles. Printable UTF-8 is kept. */
int trb_escape_term(struct trb_buf *out, const char *s, size_t len);

/* Replaces invalid UTF-8 with U+FFFD and drops NUL, so that the result can go into JSON. */
int trb_escape_utf8(struct trb_buf *out, const char *s, size_t len);

/* For JSON string contents (no surrounding quotes): `"` and `\` escaped, control characters as
 * \n, \t, ... or \u00XX, U+2028/U+2029 as \u2028/\u2029, invalid UTF-8 and NUL as U+FFFD. */
int trb_escape_json(struct trb_buf *out, const char *s, size_t len);

/* Markdown as GitHub and GitLab render it (CommonMark + GFM), shown literally:
 * - characters that start markup (\ ` * _ [ ] ! | ~ $) are backslash-escaped, so no link, image,
 *   emphasis, table cell, strikethrough or math can be formed; `<`, `>` and `&` become entities,
 *   so no raw HTML (no closing `</details>`), no autolink and no block quote;
 * - `@` is followed by U+2060 WORD JOINER so that no user or team is mentioned (GitHub and GitLab
 *   resolve mentions after rendering, so an entity would not help);
 * - C0/C1 controls, bidi overrides (U+202A..U+202E, U+2066..U+2069) and invalid UTF-8 become U+FFFD.
 * trb_escape_md keeps everything on one line (newlines and tabs become spaces: titles, list items,
 * table cells). trb_escape_md_block keeps line breaks, trims each line's indentation (no indented
 * code) and escapes what could start a heading, list or rule at a line start (# - + =). */
int trb_escape_md(struct trb_buf *out, const char *s, size_t len);
int trb_escape_md_block(struct trb_buf *out, const char *s, size_t len);
/* Either of the above (block when `block`), appending at most max_out bytes for s: a longer result
 * is cut at a character boundary and ends with "…". */
int trb_escape_md_capped(struct trb_buf *out, const char *s, size_t len, bool block, size_t max_out);

/* HTML text or attribute value (quoted with "): & < > " ' become entities; controls other than
 * \n and \t, bidi overrides and invalid UTF-8 become U+FFFD. */
int trb_escape_html(struct trb_buf *out, const char *s, size_t len);
/* HTML that lands inside Markdown (a <summary> line): trb_escape_html plus the `@` word joiner,
 * and Markdown punctuation ([ ] ! ` * _ ~ $ | \\) as numeric references, so that no renderer
 * that reads Markdown inside HTML can form a link or an image; all on one line (newlines and tabs
 * become spaces), since a blank line would end the HTML block. */
int trb_escape_md_html(struct trb_buf *out, const char *s, size_t len);

/* XML 1.0 characters, for libxml2's xmlwriter, which escapes markup itself but copies the
 * characters XML forbids through: those (C0 controls other than \t \n \r, U+FFFE, U+FFFF) and
 * invalid UTF-8 become U+FFFD; markup characters are left to the writer. */
int trb_escape_xml_clean(struct trb_buf *out, const char *s, size_t len);

/* Length of a backtick code fence that nothing in s can close: one more than the longest run of
 * backticks in s, at least 3. */
size_t trb_md_fence_len(const char *s, size_t len);
/* A fenced code block: fence + info (trusted, e.g. "diff", "suggestion", "mermaid") + newline,
 * the content (invalid UTF-8 and controls other than \n and \t as U+FFFD; a final newline
 * added when missing), fence + newline. The fence is at column 0: write it at a line start. */
int trb_escape_md_fence(struct trb_buf *out, const char *s, size_t len, const char *info);
/* An inline code span (`...`) with delimiters longer than any backtick run; newlines as spaces. */
int trb_escape_md_code(struct trb_buf *out, const char *s, size_t len);

/* A Mermaid node label, to be written between `["` and `"]`: letters, digits, space and . , : /
 * _ - + = ( ) are kept, as is non-ASCII text; everything else (quotes, brackets, backticks, `#`,
 * `;`, `<`, `@`, ...) becomes a Mermaid entity code `#NNN;`; controls, newlines and invalid UTF-8
 * become spaces or U+FFFD. */
int trb_escape_mermaid(struct trb_buf *out, const char *s, size_t len);

/* GitHub Actions workflow commands (`::error file=F,line=L,title=T::MESSAGE`), as
 * actions/toolkit escapes them: the message (data) gets % \r \n as %25 %0D %0A; a property value
 * also : and , as %3A %2C. Other controls and invalid UTF-8 become U+FFFD, so that nothing can
 * start a second command or colour the log. */
int trb_escape_ghcmd_data(struct trb_buf *out, const char *s, size_t len);
int trb_escape_ghcmd_prop(struct trb_buf *out, const char *s, size_t len);

/* Text of a SARIF message: SARIF reads [text](target) as an embedded link, so [ and ] are
 * backslash-escaped; controls other than \n \t \r, bidi overrides and invalid UTF-8 become U+FFFD
 * (the JSON writer escapes the rest). */
int trb_escape_sarif_text(struct trb_buf *out, const char *s, size_t len);

/* One line of plain text for a field a platform shows as text (code quality descriptions, SAST
 * names): newlines and tabs become spaces; controls, bidi overrides, invalid UTF-8 become U+FFFD. */
int trb_escape_plain(struct trb_buf *out, const char *s, size_t len);

/* A repository-relative path as a URI reference (SARIF artifactLocation.uri): every byte but
 * unreserved characters (A-Z a-z 0-9 - . _ ~) and `/` is percent-encoded. */
int trb_escape_uri_path(struct trb_buf *out, const char *s, size_t len);

/* Standard base64 (RFC 4648, with padding) of len bytes. */
int trb_base64(struct trb_buf *out, const void *data, size_t len);

/* The longest prefix of s[0..len) that is at most max bytes and does not cut a UTF-8 sequence. */
size_t trb_utf8_prefix(const char *s, size_t len, size_t max);

#endif
