/* publish/url.c: every piece of a request URL that comes from the environment or a file is
 * checked here, then percent-encoded where it is put in. */
#include "publish/publish.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/buf.h"
#include "util/err.h"

static bool alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

int publish_url_escape(struct trb_buf *out, const char *s, size_t len)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t i;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (alnum((char)c) || c == '-' || c == '.' || c == '_' || c == '~') {
			trb_buf_putc(out, (char)c);
		} else {
			trb_buf_putc(out, '%');
			trb_buf_putc(out, hex[c >> 4]);
			trb_buf_putc(out, hex[c & 15]);
		}
	}
	return trb_buf_error(out);
}

bool publish_github_repo_valid(const char *s)
{
	const char *slash, *name, *p;
	size_t olen, nlen;

	if (!s || !(slash = strchr(s, '/')))
		return false;
	olen = (size_t)(slash - s);
	name = slash + 1;
	nlen = strlen(name);
	if (olen < 1 || olen > 39 || nlen < 1 || nlen > 100)
		return false;
	for (p = s; p < slash; p++)
		if (!alnum(*p) && *p != '-')
			return false;
	for (p = name; *p; p++)
		if (!alnum(*p) && *p != '-' && *p != '.' && *p != '_')
			return false;
	return strcmp(name, ".") != 0 && strcmp(name, "..") != 0;
}

bool publish_number_valid(const char *s)
{
	size_t i;

	if (!s || s[0] < '1' || s[0] > '9')
		return false;
	for (i = 0; s[i]; i++)
		if (i >= 15 || s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

static bool host_char(char c)
{
	return alnum(c) || c == '.' || c == '-' || c == '_';
}

static bool ipv6_char(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == ':' || c == '.';
}

/* The length of the host at the start of an authority (IPv6 in brackets) when the rest is an
 * optional :port; 0 when malformed. */
static size_t host_len(const char *a, size_t alen)
{
	size_t i = 0, k;

	if (alen && a[0] == '[') {
		for (i = 1; i < alen && a[i] != ']'; i++)
			if (!ipv6_char(a[i]))
				return 0;
		if (i == alen || i < 3)
			return 0;
		i++;
	} else {
		while (i < alen && host_char(a[i]))
			i++;
		if (i == 0)
			return 0;
	}
	if (i == alen)
		return i;
	if (a[i] != ':' || alen - i < 2 || alen - i > 6)
		return 0;
	for (k = i + 1; k < alen; k++)
		if (a[k] < '0' || a[k] > '9')
			return 0;
	return i;
}

/* 127.x.y.z, not a name that starts with "127." (127.example.com may be anywhere) */
static bool loopback_ipv4(const char *h, size_t n)
{
	size_t i;

	if (n < 4 || strncmp(h, "127.", 4) != 0)
		return false;
	for (i = 4; i < n; i++)
		if (!(h[i] >= '0' && h[i] <= '9') && h[i] != '.')
			return false;
	return true;
}

static bool loopback(const char *h, size_t n)
{
	return (n == 9 && strncasecmp(h, "localhost", 9) == 0) || loopback_ipv4(h, n) ||
	       (n == 5 && strncmp(h, "[::1]", 5) == 0);
}

int publish_base_url(char **out, bool *plain, const char *var, const char *value)
{
	const char *auth, *p;
	size_t alen, hlen, len;
	bool http;

	*out = NULL;
	*plain = false;
	if (!value || !*value)
		return trb_err_set(TRB_EINVAL, "%s is empty", var);
	http = strncmp(value, "http://", 7) == 0;
	if (!http && strncmp(value, "https://", 8) != 0)
		return trb_err_set(TRB_EINVAL, "%s must be an https:// URL (the API base, e.g. https://api.github.com)", var);
	for (p = value; *p; p++)
		if ((unsigned char)*p <= 0x20 || (unsigned char)*p >= 0x7f || strchr("\"<>\\^`{|}", *p))
			return trb_err_set(TRB_EINVAL, "%s holds a space, a control character or a character a URL cannot "
					   "hold", var);
	if (strchr(value, '?') || strchr(value, '#'))
		return trb_err_set(TRB_EINVAL, "%s must not hold a query or fragment ('?', '#')", var);
	auth = value + (http ? 7 : 8);
	alen = strcspn(auth, "/");
	if (memchr(auth, '@', alen))
		return trb_err_set(TRB_EINVAL, "%s must not hold a user name or password: the token goes in its own "
				   "variable", var);
	if (!(hlen = host_len(auth, alen)))
		return trb_err_set(TRB_EINVAL, "%s has no valid host", var);
	*plain = http && !loopback(auth, hlen);
	len = strlen(value);
	while (len > (size_t)(auth - value) + alen && value[len - 1] == '/')
		len--;
	if (!(*out = strndup(value, len)))
		return trb_err_oom();
	return 0;
}
