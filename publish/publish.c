/* publish/publish.c: the entry point and what both platforms share: the environment, messages and
 * the scan's files. */
#include "publish/internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/err.h"
#include "util/escape.h"
#include "util/fsio.h"

#define INPUT_MAX_BYTES ((size_t)64 << 20)

const char *publish_env(const struct publish_options *o, const char *name)
{
	const char *v = o->getenv ? o->getenv(name, o->getenv_payload) : getenv(name);

	return v && *v ? v : NULL;
}

int publish_token(const char **out, const struct publish_options *o, const char *var)
{
	const char *t = publish_env(o, var), *p;

	*out = NULL;
	if (!t)
		return 0;
	for (p = t; *p; p++)
		if ((unsigned char)*p <= 0x20 || (unsigned char)*p == 0x7f)
			return trb_err_set(TRB_EINVAL, "%s holds a space or a control character (a line break copied "
					   "with the token?)", var);
	*out = t;
	return 0;
}

void publish_say(const struct publish_options *o, publish_say_t kind, const char *fmt, ...)
{
	struct trb_buf b = TRB_BUF_INIT(TRB_LIMIT_SMALL);
	va_list ap;

	if (!o->say)
		return;
	va_start(ap, fmt);
	trb_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	if (trb_buf_error(&b) == 0)
		o->say(kind, trb_buf_cstr(&b), o->say_payload);
	trb_buf_dispose(&b);
}

void publish_put_text(struct trb_buf *b, const char *s, size_t max)
{
	size_t len = strlen(s);

	trb_escape_plain(b, s, trb_utf8_prefix(s, len, max));
	if (len > max)
		trb_buf_puts(b, "...");
}

const cJSON *publish_json_get(const cJSON *o, const char *key)
{
	return cJSON_IsObject(o) ? cJSON_GetObjectItemCaseSensitive(o, key) : NULL;
}

const char *publish_json_str(const cJSON *o, const char *key)
{
	const cJSON *v = publish_json_get(o, key);

	return cJSON_IsString(v) && v->valuestring ? v->valuestring : NULL;
}

bool publish_sha_valid(const char *s)
{
	size_t i;

	if (!s)
		return false;
	for (i = 0; s[i]; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return i == 40 || i == 64;
}

bool publish_line_valid(const cJSON *v, double max)
{
	return cJSON_IsNumber(v) && v->valuedouble >= 1 && v->valuedouble <= max &&
	       v->valuedouble == (double)(long long)v->valuedouble;
}

const char *publish_skipped_note(char out[64], size_t n)
{
	out[0] = '\0';
	if (n)
		snprintf(out, 64, "; %zu already there %s skipped", n, n == 1 ? "was" : "were");
	return out;
}

int publish_read_json(cJSON **out, const char *dir, const char *name)
{
	struct trb_buf path = TRB_BUF_INIT(TRB_LIMIT_SMALL);
	char *text = NULL;
	size_t len = 0;
	int error;

	*out = NULL;
	trb_buf_printf(&path, "%s/%s", dir, name);
	if ((error = trb_buf_error(&path)) < 0)
		goto cleanup;
	if ((error = trb_read_file(&text, &len, trb_buf_cstr(&path), INPUT_MAX_BYTES)) < 0) {
		if (error == TRB_EIO) {
			/* the message names the path: copied whole, since trb_err_set overwrites it */
			struct trb_buf why = TRB_BUF_INIT(TRB_LIMIT_SMALL);
			trb_buf_puts(&why, trb_err_msg());
			error = trb_err_set(TRB_EIO, "%s; --from must be the output directory of 'tribunal scan' (with "
					    "the %s report, part of the default --format)",
					    trb_buf_error(&why) < 0 ? "cannot read it" : trb_buf_cstr(&why),
					    strncmp(name, "github", 6) == 0 ? "github" : "gitlab");
			trb_buf_dispose(&why);
		}
		goto cleanup;
	}
	if (!(*out = cJSON_ParseWithLength(text, len)))
		error = trb_err_set(TRB_EINVAL, "%s is not valid JSON", trb_buf_cstr(&path));
cleanup:
	free(text);
	trb_buf_dispose(&path);
	return error;
}

int publish_run(struct publish_result *out, const struct publish_options *o)
{
	memset(out, 0, sizeof(*out));
	if (!o->from_dir || !*o->from_dir)
		return trb_err_set(TRB_EINVAL, "--from DIR is required: the output directory of 'tribunal scan'");
	if (o->number && !publish_number_valid(o->number))
		return trb_err_set(TRB_EINVAL, "%s expects a number, got '%.40s'",
				   o->forge == PUBLISH_GITHUB ? "--pr" : "--mr", o->number);
	return o->forge == PUBLISH_GITHUB ? publish_github(out, o) : publish_gitlab(out, o);
}
