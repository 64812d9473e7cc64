/* findings/findings.c: the containers of the finding model. */
#include "findings/findings.h"

#include <stdlib.h>
#include <string.h>

#include "findings/internal.h"
#include "util/array.h"
#include "util/err.h"

static const char *const status_names[] = {"confirmed", "rejected", "uncertain", "unverified", "suppressed"};
static const char *const source_names[] = {"finder", "rule", "import"};

const char *findings_status_name(finding_status_t s)
{
	return (unsigned)s <= FINDING_SUPPRESSED ? status_names[s] : "?";
}

const char *findings_source_name(finding_source_t s)
{
	return (unsigned)s <= FINDING_SOURCE_IMPORT ? source_names[s] : "?";
}

int findings_status_rank(finding_status_t s)
{
	switch (s) {
	case FINDING_SUPPRESSED: return 5;
	case FINDING_CONFIRMED: return 4;
	case FINDING_UNVERIFIED: return 3;
	case FINDING_UNCERTAIN: return 2;
	default: return 0;
	}
}

bool findings_patch_offered(const struct finding *f)
{
	return f->patch.present && f->patch.applies && f->patch.diff && *f->patch.diff && !f->patch.dropped;
}

bool findings_stronger(const struct finding *a, const struct finding *b)
{
	if (findings_status_rank(a->status) != findings_status_rank(b->status))
		return findings_status_rank(a->status) > findings_status_rank(b->status);
	if (a->severity != b->severity)
		return a->severity > b->severity;
	return a->confidence > b->confidence;
}

int findings_new(struct findings **out)
{
	if (!(*out = calloc(1, sizeof(**out))))
		return trb_err_oom();
	(*out)->run.gate_pass = true;
	return 0;
}

int findings_add(struct finding **out, struct findings *fs)
{
	void *v = fs->v;
	int error;

	if ((error = trb_array_grow(&v, &fs->cap, fs->n, sizeof(*fs->v))) < 0)
		return error;
	fs->v = v;
	*out = &fs->v[fs->n++];
	memset(*out, 0, sizeof(**out));
	return 0;
}

int findings_strv_add_unique(char ***v, size_t *n, const char *s)
{
	char **nv, *c;
	size_t i, bytes;
	int error;

	for (i = 0; i < *n; i++)
		if (strcmp((*v)[i], s) == 0)
			return 0;
	if ((error = trb_mul_size(&bytes, *n + 1, sizeof(*nv))) < 0)
		return error;
	if (!(c = strdup(s)))
		return trb_err_oom();
	if (!(nv = realloc(*v, bytes))) {
		free(c);
		return trb_err_oom();
	}
	*v = nv;
	nv[(*n)++] = c;
	return 0;
}

int findings_add_notice(struct findings *fs, const char *text)
{
	return findings_strv_add_unique(&fs->run.notices, &fs->run.n_notices, text);
}

int findings_fingerprint_lines(char **out, const char *path, const char *cwe, const char *text, size_t len,
			       uint32_t start, uint32_t end)
{
	size_t i, s, line = 1;

	for (i = 0; i < len && line < start; i++)
		if (text[i] == '\n')
			line++;
	for (s = i; i < len && line <= end; i++)
		if (text[i] == '\n')
			line++;
	return findings_fingerprint(out, path, cwe, text + s, i - s);
}

static void free_strv(char **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

void finding_dispose(struct finding *f)
{
	size_t i;

	free(f->id);
	free(f->fingerprint);
	free(f->path);
	free(f->old_path);
	free(f->category);
	free(f->cwe);
	free(f->title);
	free(f->description);
	free(f->exploit_scenario);
	free(f->recommendation);
	for (i = 0; i < f->n_flow; i++) {
		free(f->flow[i].path);
		free(f->flow[i].note);
	}
	free(f->flow);
	free(f->rule_id);
	free(f->snippet);
	free(f->verification.verdict);
	free(f->verification.reason);
	free(f->verification.model);
	free(f->patch.diff);
	free(f->patch.explanation);
	free(f->patch.dropped);
	free(f->suppression.kind);
	free(f->suppression.reason);
	free(f->suppression.owner);
	free(f->suppression.expires);
	free(f->suppression.match);
	memset(f, 0, sizeof(*f));
}

void findings_free(struct findings *fs)
{
	size_t i;
	int a;

	if (!fs)
		return;
	for (i = 0; i < fs->n; i++)
		finding_dispose(&fs->v[i]);
	free(fs->v);
	for (i = 0; i < fs->n_unreviewed; i++) {
		free_strv(fs->unreviewed[i].paths, fs->unreviewed[i].n_paths);
		free(fs->unreviewed[i].reason);
	}
	free(fs->unreviewed);
	for (i = 0; i < fs->n_skipped; i++) {
		free(fs->skipped[i].path);
		free(fs->skipped[i].reason);
		free(fs->skipped[i].detail);
	}
	free(fs->skipped);
	free(fs->run.scan_id);
	free(fs->run.tool_version);
	free(fs->run.repository);
	free(fs->run.merge_request);
	free(fs->run.base);
	free(fs->run.head);
	free(fs->run.merge_base);
	free(fs->run.range_source);
	free(fs->run.policy_source);
	free(fs->run.policy_sha256);
	for (a = 0; a < CONFIG_AGENT_COUNT; a++) {
		free(fs->run.models[a]);
		free(fs->run.prompts[a]);
	}
	free(fs->run.started_at);
	free(fs->run.shard);
	free_strv(fs->run.notices, fs->run.n_notices);
	free_strv(fs->run.gate_reasons, fs->run.n_gate_reasons);
	free(fs);
}
