/* agents/cache.c: the review cache (--cache-dir). Finder results per unit, verdicts and patches
 * per candidate, keyed by content, prompt hash and model, so a new push to the same merge
 * request re-reviews only what changed. An entry is trusted only when it parses and names its own
 * key: a corrupt or foreign file is ignored, never believed. */
#include "agents/agents_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/err.h"
#include "util/fsio.h"
#include "util/sha256.h"

#define CACHE_MAX_BYTES ((size_t)4 * 1024 * 1024)
#define CACHE_SCHEMA 1

void agents_cache_key(char key[65], const char *const *parts, size_t n)
{
	struct trb_sha256 s;
	size_t i;

	trb_sha256_init(&s);
	for (i = 0; i < n; i++)
		trb_sha256_update(&s, parts[i] ? parts[i] : "", strlen(parts[i] ? parts[i] : "") + 1);
	trb_sha256_final_hex(&s, key);
}

static int entry_path(struct trb_buf *b, const char *dir, const char *kind, const char *key)
{
	trb_buf_printf(b, "%s/%s-%s.json", dir, kind, key);
	return trb_buf_error(b);
}

cJSON *agents_cache_get(const char *dir, const char *kind, const char *key)
{
	struct trb_buf path = TRB_BUF_INIT(4096);
	cJSON *root = NULL, *payload = NULL;
	const cJSON *k, *kd, *sc;
	char *text = NULL;
	size_t len;

	/* a missing, unreadable or oversized entry is a miss: the message trb_read_file set is moot */
	if (!dir || entry_path(&path, dir, kind, key) < 0 || trb_read_file(&text, &len, trb_buf_cstr(&path),
									  CACHE_MAX_BYTES) < 0)
		goto done;
	if (!(root = cJSON_ParseWithLength(text, len)))
		goto done;
	k = cJSON_GetObjectItemCaseSensitive(root, "key");
	kd = cJSON_GetObjectItemCaseSensitive(root, "kind");
	sc = cJSON_GetObjectItemCaseSensitive(root, "schema");
	if (!cJSON_IsString(k) || strcmp(k->valuestring, key) != 0 || !cJSON_IsString(kd) ||
	    strcmp(kd->valuestring, kind) != 0 || !cJSON_IsNumber(sc) || sc->valuedouble != CACHE_SCHEMA)
		goto done;
	payload = cJSON_DetachItemFromObjectCaseSensitive(root, "payload");
done:
	free(text);
	cJSON_Delete(root);
	trb_buf_dispose(&path);
	return payload;
}

void agents_cache_put(const char *dir, const char *kind, const char *key, cJSON *payload)
{
	struct trb_buf path = TRB_BUF_INIT(4096), tmp = TRB_BUF_INIT(4096);
	cJSON *root = cJSON_CreateObject();
	char *text = NULL;
	FILE *f;

	if (!dir || !root)
		goto done;
	cJSON_AddNumberToObject(root, "schema", CACHE_SCHEMA);
	cJSON_AddStringToObject(root, "kind", kind);
	cJSON_AddStringToObject(root, "key", key);
	cJSON_AddItemReferenceToObject(root, "payload", payload);
	if (!(text = cJSON_PrintUnformatted(root)) || strlen(text) > CACHE_MAX_BYTES)
		goto done;
	if (entry_path(&path, dir, kind, key) < 0)
		goto done;
	trb_buf_printf(&tmp, "%s.%ld.tmp", trb_buf_cstr(&path), (long)getpid());
	/* the directory was made and checked once, by cmd/scan; the file itself may be a planted
	 * link: trb_fopen_new never follows one */
	if (trb_buf_error(&tmp) < 0 || !(f = trb_fopen_new(trb_buf_cstr(&tmp))))
		goto done;
	{
		bool ok = fputs(text, f) >= 0;
		ok = (fclose(f) == 0) && ok;
		if (!ok || rename(trb_buf_cstr(&tmp), trb_buf_cstr(&path)) != 0)
			unlink(trb_buf_cstr(&tmp));
	}
done:
	cJSON_free(text);
	cJSON_Delete(root);
	trb_buf_dispose(&path);
	trb_buf_dispose(&tmp);
}
