/* llm/curl_dl.h (private to llm/ and publish/): libcurl, bound at run time.
 * tribunal plan, policy and merge never talk to a provider, yet linking libcurl made every start
 * map its ~30 dependent libraries (about 8 ms, a tenth of plan on a large merge request). So llm/
 * opens libcurl.so.4 with dlopen when a client is first needed, and every curl call in llm/ goes
 * through this table. The names below shadow libcurl's, so the rest of llm/ reads like plain
 * libcurl code. Include this instead of <curl/curl.h>. */
#ifndef TRB_LLM_CURL_DL_H
#define TRB_LLM_CURL_DL_H

#define CURL_DISABLE_TYPECHECK 1
#include <curl/curl.h>
#include <stdbool.h>
#include <stdint.h>

struct llm_curl_api {
	CURLcode (*global_init)(long flags);
	void (*global_cleanup)(void);
	curl_version_info_data *(*version_info)(CURLversion);
	CURL *(*easy_init)(void);
	CURLcode (*easy_setopt)(CURL *, CURLoption, ...);
	CURLcode (*easy_getinfo)(CURL *, CURLINFO, ...);
	CURLcode (*easy_perform)(CURL *);
	void (*easy_cleanup)(CURL *);
	const char *(*easy_strerror)(CURLcode);
	CURLM *(*multi_init)(void);
	CURLMcode (*multi_setopt)(CURLM *, CURLMoption, ...);
	CURLMcode (*multi_add_handle)(CURLM *, CURL *);
	CURLMcode (*multi_remove_handle)(CURLM *, CURL *);
	CURLMcode (*multi_perform)(CURLM *, int *);
	CURLMcode (*multi_poll)(CURLM *, struct curl_waitfd *, unsigned int, int, int *);
	CURLMsg *(*multi_info_read)(CURLM *, int *);
	CURLMcode (*multi_cleanup)(CURLM *);
	struct curl_slist *(*slist_append)(struct curl_slist *, const char *);
	void (*slist_free_all)(struct curl_slist *);
	CURLU *(*url)(void);
	CURLUcode (*url_set)(CURLU *, CURLUPart, const char *, unsigned int);
	CURLUcode (*url_get)(const CURLU *, CURLUPart, char **, unsigned int);
	void (*url_cleanup)(CURLU *);
	void (*free)(void *);
	time_t (*getdate)(const char *, const time_t *);
};

/* Filled by llm_global_init(); read-only afterwards. */
extern struct llm_curl_api llm_curl;

/* Response headers, for the header callbacks of llm/ and publish/. llm_curl_header: when line
 * (as libcurl hands it over, CRLF included) is header `name` (any case), its value without the
 * surrounding blanks in *val, *vlen. llm_curl_retry_after_ms: a Retry-After value in ms (seconds
 * with fractions, or an HTTP date; ms true: Retry-After-Ms, milliseconds), longer waits cut to
 * 1e12 ms; -1 when it is neither. */
bool llm_curl_header(const char *line, size_t len, const char *name, const char **val, size_t *vlen);
int64_t llm_curl_retry_after_ms(const char *v, size_t len, bool ms);

#undef curl_global_init
#define curl_global_init llm_curl.global_init
#undef curl_global_cleanup
#define curl_global_cleanup llm_curl.global_cleanup
#undef curl_version_info
#define curl_version_info llm_curl.version_info
#undef curl_easy_init
#define curl_easy_init llm_curl.easy_init
#undef curl_easy_setopt
#define curl_easy_setopt llm_curl.easy_setopt
#undef curl_easy_getinfo
#define curl_easy_getinfo llm_curl.easy_getinfo
#undef curl_easy_perform
#define curl_easy_perform llm_curl.easy_perform
#undef curl_easy_cleanup
#define curl_easy_cleanup llm_curl.easy_cleanup
#undef curl_easy_strerror
#define curl_easy_strerror llm_curl.easy_strerror
#undef curl_multi_init
#define curl_multi_init llm_curl.multi_init
#undef curl_multi_setopt
#define curl_multi_setopt llm_curl.multi_setopt
#undef curl_multi_add_handle
#define curl_multi_add_handle llm_curl.multi_add_handle
#undef curl_multi_remove_handle
#define curl_multi_remove_handle llm_curl.multi_remove_handle
#undef curl_multi_perform
#define curl_multi_perform llm_curl.multi_perform
#undef curl_multi_poll
#define curl_multi_poll llm_curl.multi_poll
#undef curl_multi_info_read
#define curl_multi_info_read llm_curl.multi_info_read
#undef curl_multi_cleanup
#define curl_multi_cleanup llm_curl.multi_cleanup
#undef curl_slist_append
#define curl_slist_append llm_curl.slist_append
#undef curl_slist_free_all
#define curl_slist_free_all llm_curl.slist_free_all
#undef curl_url
#define curl_url llm_curl.url
#undef curl_url_set
#define curl_url_set llm_curl.url_set
#undef curl_url_get
#define curl_url_get llm_curl.url_get
#undef curl_url_cleanup
#define curl_url_cleanup llm_curl.url_cleanup
#undef curl_free
#define curl_free llm_curl.free
#undef curl_getdate
#define curl_getdate llm_curl.getdate

#endif
