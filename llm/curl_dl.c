/* llm/curl_dl.c: binds libcurl at run time (see curl_dl.h for why). */
#include "llm/curl_dl.h"

#include <dlfcn.h>
#include <stdbool.h>
#include <string.h>

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
