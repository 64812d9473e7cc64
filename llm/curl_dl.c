/* llm/curl_dl.c: binds libcurl at run time (see curl_dl.h for why). */
#include "llm/curl_dl.h"

#include <dlfcn.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "llm/llm.h"
#include "util/err.h"

struct llm_curl_api llm_curl;

static bool loaded, initialized;

#define BIND(field, name)                                                      \
	do {                                                                   \
		void *sym = dlsym(lib, name);                                  \
		if (!sym)                                                      \
			return trb_err_set(TRB_ERROR, "libcurl has no %s", name); \
		memcpy(&llm_curl.field, &sym, sizeof(sym));                    \
	} while (0)

static int load(void)
{
	void *lib;

	if (loaded)
		return 0;
	/* the runtime name of the library the build was checked against (libcurl4) */
	if (!(lib = dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL)))
		return trb_err_set(TRB_ERROR, "cannot load libcurl.so.4 (install libcurl4): %s", dlerror());
	BIND(global_init, "curl_global_init");
	BIND(global_cleanup, "curl_global_cleanup");
	BIND(version_info, "curl_version_info");
	BIND(easy_init, "curl_easy_init");
	BIND(easy_setopt, "curl_easy_setopt");
	BIND(easy_getinfo, "curl_easy_getinfo");
	BIND(easy_perform, "curl_easy_perform");
	BIND(easy_cleanup, "curl_easy_cleanup");
	BIND(easy_strerror, "curl_easy_strerror");
	BIND(multi_init, "curl_multi_init");
	BIND(multi_setopt, "curl_multi_setopt");
	BIND(multi_add_handle, "curl_multi_add_handle");
	BIND(multi_remove_handle, "curl_multi_remove_handle");
	BIND(multi_perform, "curl_multi_perform");
	BIND(multi_poll, "curl_multi_poll");
	BIND(multi_info_read, "curl_multi_info_read");
	BIND(multi_cleanup, "curl_multi_cleanup");
	BIND(slist_append, "curl_slist_append");
	BIND(slist_free_all, "curl_slist_free_all");
	BIND(url, "curl_url");
	BIND(url_set, "curl_url_set");
	BIND(url_get, "curl_url_get");
	BIND(url_cleanup, "curl_url_cleanup");
	BIND(free, "curl_free");
	BIND(getdate, "curl_getdate");
	loaded = true;  /* the library stays mapped for the process's life */
	return 0;
}

int llm_global_init(void)
{
	int error;

	if (initialized)
		return 0;
	if ((error = load()) < 0)
		return error;
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		return trb_err_set(TRB_ERROR, "cannot initialize libcurl");
	initialized = true;
	return 0;
}

void llm_global_cleanup(void)
{
	if (initialized)
		curl_global_cleanup();
	initialized = false;
}

const char *llm_curl_version(const char **tls)
{
	curl_version_info_data *v;

	*tls = NULL;
	if (load() < 0)
		return NULL;
	v = curl_version_info(CURLVERSION_NOW);
	*tls = v->ssl_version;
	return v->version;
}

bool llm_curl_header(const char *line, size_t len, const char *name, const char **val, size_t *vlen)
{
	size_t n = strlen(name);
	const char *v, *e;

	if (len <= n || strncasecmp(line, name, n) != 0 || line[n] != ':')
		return false;
	v = line + n + 1;
	e = line + len;
	while (v < e && (*v == ' ' || *v == '\t'))
		v++;
	while (e > v && (e[-1] == '\r' || e[-1] == '\n' || e[-1] == ' ' || e[-1] == '\t'))
		e--;
	*val = v;
	*vlen = (size_t)(e - v);
	return true;
}

int64_t llm_curl_retry_after_ms(const char *v, size_t len, bool ms)
{
	char tmp[64], *end;
	double d;

	if (len == 0 || len >= sizeof(tmp))
		return -1;
	memcpy(tmp, v, len);
	tmp[len] = '\0';
	d = strtod(tmp, &end);
	if (end != tmp && *end == '\0') {
		if (!(d >= 0))
			return -1;
		d = ms ? d : d * 1000.0;
		return d < 1e12 ? (int64_t)d : (int64_t)1e12;   /* longer is as impossible as this */
	}
	if (!ms) {
		time_t when = curl_getdate(tmp, NULL);
		time_t now = time(NULL);
		if (when >= 0)
			return when <= now ? 0 : when - now < (time_t)1000000000 ? (int64_t)(when - now) * 1000 :
			       (int64_t)1e12;
	}
	return -1;
}
