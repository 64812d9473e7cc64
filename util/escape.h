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

#endif
