/* llm/audit.c: audit.jsonl lines (docs/audit.md) and the CI context they carry, so a security
 * team can ship the file to its SIEM and tie every model call to a repository, merge request and
 * job. */
#include "llm/audit.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "llm/wire.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/fsio.h"

static const char *env_get(llm_getenv_fn env, void *payload, const char *name)
{
	const char *v = env(name, payload);
	return v && v[0] ? v : NULL;
}

static int set(char **out, const char *v)
{
	if (!v)
		return 0;
	return (*out = llm_strdup(v)) ? 0 : TRB_ENOMEM;
}

/* refs/pull/123/merge -> 123 */
static int github_pr(char **out, const char *ref)
{
	const char *p, *e;

	if (!ref || strncmp(ref, "refs/pull/", 10) != 0)
		return 0;
	p = ref + 10;
	for (e = p; *e >= '0' && *e <= '9'; e++)
		;
	if (e == p || *e != '/')
		return 0;
	if (!(*out = strndup(p, (size_t)(e - p))))
		return trb_err_oom();
	return 0;
}

static int read_ci(struct llm_audit *a, llm_getenv_fn env, void *ep)
{
	int error = 0;

	if (env_get(env, ep, "GITHUB_ACTIONS")) {
		const char *server = env_get(env, ep, "GITHUB_SERVER_URL");
		const char *repo = env_get(env, ep, "GITHUB_REPOSITORY");
		const char *run = env_get(env, ep, "GITHUB_RUN_ID");
		if ((error = set(&a->ci, "github")) < 0 || (error = set(&a->repository, repo)) < 0 ||
		    (error = github_pr(&a->merge_request, env_get(env, ep, "GITHUB_REF"))) < 0 ||
		    (error = set(&a->commit, env_get(env, ep, "GITHUB_SHA"))) < 0 ||
		    (error = set(&a->ci_job, run)) < 0)
			return error;
		if (server && repo && run) {
			struct trb_buf b = TRB_BUF_INIT(TRB_LIMIT_SMALL);
			trb_buf_printf(&b, "%s/%s/actions/runs/%s", server, repo, run);
			if (!(a->ci_job_url = trb_buf_detach(&b)))
				return trb_err_oom();
		}
		return 0;
	}
	if (env_get(env, ep, "GITLAB_CI")) {
		if ((error = set(&a->ci, "gitlab")) < 0 ||
		    (error = set(&a->repository, env_get(env, ep, "CI_PROJECT_PATH"))) < 0 ||
		    (error = set(&a->merge_request, env_get(env, ep, "CI_MERGE_REQUEST_IID"))) < 0 ||
		    (error = set(&a->commit, env_get(env, ep, "CI_COMMIT_SHA"))) < 0 ||
		    (error = set(&a->ci_job, env_get(env, ep, "CI_JOB_ID"))) < 0 ||
		    (error = set(&a->ci_job_url, env_get(env, ep, "CI_JOB_URL"))) < 0)
			return error;
		return 0;
	}
	if (env_get(env, ep, "JENKINS_URL") || env_get(env, ep, "BUILD_URL")) {
		if ((error = set(&a->ci, "jenkins")) < 0 ||
		    (error = set(&a->repository, env_get(env, ep, "JOB_NAME"))) < 0 ||
		    (error = set(&a->merge_request, env_get(env, ep, "CHANGE_ID"))) < 0 ||
		    (error = set(&a->commit, env_get(env, ep, "GIT_COMMIT"))) < 0 ||
		    (error = set(&a->ci_job, env_get(env, ep, "BUILD_TAG"))) < 0 ||
		    (error = set(&a->ci_job_url, env_get(env, ep, "BUILD_URL"))) < 0)
			return error;
		return 0;
	}
	return set(&a->ci, "local");
}

int llm_audit_open(struct llm_audit *a, const char *path, const char *scan_id, llm_getenv_fn env,
		   void *env_payload)
{
	int error;

	memset(a, 0, sizeof(*a));
	if ((error = set(&a->scan_id, scan_id)) < 0 || (error = read_ci(a, env, env_payload)) < 0)
		goto fail;
	if (path && !(a->f = trb_fopen_append(path))) {
		error = trb_err_set(TRB_EIO, "%s: cannot open the audit file: %s", path, strerror(errno));
		goto fail;
	}
	return 0;
fail:
	llm_audit_close(a);
	return error;
}

void llm_audit_close(struct llm_audit *a)
{
	if (a->f)
		fclose(a->f);
	free(a->scan_id);
	free(a->ci);
	free(a->repository);
	free(a->merge_request);
	free(a->commit);
	free(a->ci_job);
	free(a->ci_job_url);
	memset(a, 0, sizeof(*a));
}

static cJSON *str_or_null(const char *s)
{
	return s ? cJSON_CreateString(s) : cJSON_CreateNull();
}

void llm_audit_write(struct llm_audit *a, const struct llm_audit_entry *e)
{
	struct timespec ts;
	struct tm tm;
	char when[40];
	cJSON *o, *tok;
	char *line = NULL;
	bool ok;

	if (!a->f)
		return;
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	{
		char base[24];
		strftime(base, sizeof(base), "%Y-%m-%dT%H:%M:%S", &tm);
		snprintf(when, sizeof(when), "%s.%03ldZ", base, ts.tv_nsec / 1000000);
	}
	o = cJSON_CreateObject();
	tok = cJSON_CreateObject();
	ok = o && tok;
	if (ok) {
		cJSON_AddStringToObject(o, "time", when);
		cJSON_AddItemToObject(o, "scan_id", str_or_null(a->scan_id));
		cJSON_AddItemToObject(o, "ci", str_or_null(a->ci));
		cJSON_AddItemToObject(o, "repository", str_or_null(a->repository));
		cJSON_AddItemToObject(o, "merge_request", str_or_null(a->merge_request));
		cJSON_AddItemToObject(o, "commit", str_or_null(a->commit));
		cJSON_AddItemToObject(o, "ci_job", str_or_null(a->ci_job));
		cJSON_AddItemToObject(o, "ci_job_url", str_or_null(a->ci_job_url));
		cJSON_AddStringToObject(o, "provider", config_provider_name(e->provider));
		cJSON_AddItemToObject(o, "model", str_or_null(e->model));
		cJSON_AddStringToObject(o, "agent", config_agent_name(e->agent));
		if (e->unit >= 0)
			cJSON_AddNumberToObject(o, "unit", e->unit);
		else
			cJSON_AddNullToObject(o, "unit");
		cJSON_AddNumberToObject(o, "turn", e->turn);
		cJSON_AddNumberToObject(o, "attempt", e->attempt);
		cJSON_AddBoolToObject(o, "final", e->final);
		cJSON_AddStringToObject(o, "outcome", llm_outcome_name(e->outcome));
		if (e->http_status > 0)
			cJSON_AddNumberToObject(o, "http_status", (double)e->http_status);
		else
			cJSON_AddNullToObject(o, "http_status");
		if (e->stop >= 0)
			cJSON_AddStringToObject(o, "stop_reason", llm_stop_name((llm_stop_t)e->stop));
		else
			cJSON_AddNullToObject(o, "stop_reason");
		cJSON_AddItemToObject(o, "request_id", str_or_null(e->request_id));
		cJSON_AddNumberToObject(tok, "input", (double)e->usage.input);
		cJSON_AddNumberToObject(tok, "output", (double)e->usage.output);
		cJSON_AddNumberToObject(tok, "cache_read", (double)e->usage.cache_read);
		cJSON_AddNumberToObject(tok, "cache_write", (double)e->usage.cache_write);
		cJSON_AddItemToObject(o, "tokens", tok);
		tok = NULL;
		if (e->cost_known)
			cJSON_AddNumberToObject(o, "cost_usd", e->cost_usd);
		else
			cJSON_AddNullToObject(o, "cost_usd");
		cJSON_AddNumberToObject(o, "latency_ms", (double)e->latency_ms);
		cJSON_AddNumberToObject(o, "request_bytes", (double)e->request_bytes);
		if (e->retry_in_ms >= 0)
			cJSON_AddNumberToObject(o, "retry_in_ms", (double)e->retry_in_ms);
		else
			cJSON_AddNullToObject(o, "retry_in_ms");
		ok = (line = cJSON_PrintUnformatted(o)) != NULL;
	}
	/* one fwrite per line and a flush: lines stay whole even when shards share the file */
	if (!ok || fprintf(a->f, "%s\n", line) < 0 || fflush(a->f) != 0)
		a->error = TRB_EIO;
	free(line);
	cJSON_Delete(tok);
	cJSON_Delete(o);
}
