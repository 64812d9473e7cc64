/* agents/run.c: the finder, verifier and patcher conversations. Each is a bounded tool-use loop
 * stepped by the llm client's callbacks, so the finder of one unit and the verifiers of another run
 * at the same time on one thread. A provider failure ends one conversation, never the scan: the
 * unit is recorded as not reviewed, or the candidate stays unverified. */
#include "agents/render.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/err.h"
#include "util/sha256.h"

#define ERRLEN 256

enum conv_kind { CONV_FINDER, CONV_VERIFIER, CONV_PATCHER, CONV_REVERIFY };

struct cand {
	unsigned votes_wanted, votes_done, votes_failed;
	unsigned tally[3];            /* confirmed, rejected, uncertain */
	double conf_sum[3];
	trb_sev_t sev[3];             /* highest severity among each verdict's votes */
	char *reason[3];              /* first reason of each verdict */
	bool exploitable[3], mitigated[3], consistent[3];   /* of the first vote of each verdict */
	char *fail_reason;            /* why no vote came back */
	char code_hash[65];           /* sha256 of the file's redacted text */
	char *patched;                /* the finding's file after the patch, for re-verification */
	size_t patched_len;
};

struct unit_state {
	const struct diff_unit *u;
	char *text;
	char hash[65];
	const char *fail;             /* not reviewed: why (static or owned below) */
	char *fail_detail;
};

struct run {
	const struct agents_options *o;
	struct findings *fs;
	struct findings *cands;       /* candidates from the finder (moved into fs at the end) */
	struct cand *cs;              /* parallel to cands->v */
	size_t cs_cap;
	struct agents_tools tools;
	char *prompt[CONFIG_AGENT_COUNT];
	char hash[CONFIG_AGENT_COUNT][65];
	char *mr_files;
	struct unit_state *units;
	size_t n_units;
	int error;                    /* a failure of tribunal itself (out of memory) */
};

struct conv {
	struct run *r;
	enum conv_kind kind;
	config_agent_t agent;
	size_t unit;                  /* index into r->units */
	size_t cand;                  /* index into r->cands */
	struct llm_request req;
	unsigned turns;
	unsigned turn_limit;          /* max_turns, or the turn the token limit was reached at */
	uint64_t tokens;              /* input + output of every reply so far (cache reads included) */
	bool nudged;                  /* told to report now */
	bool told_bad;                /* told once that its report was malformed */
	char cache_key[65];
};

/* indexed by enum conv_kind */
static const char *const report_tools[] = {"report_findings", "report_verdict", "propose_patch", "report_verdict"};
static const char *const cache_kinds[] = {"finder", "verdict", "patch", "reverify"};

static void progress(struct run *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void progress(struct run *r, const char *fmt, ...)
{
	char line[256];
	va_list ap;

	if (!r->o->progress)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	r->o->progress(line, r->o->payload);
}

static void fail_oom(struct run *r)
{
	if (!r->error)
		r->error = TRB_ENOMEM;
}

/* ---- conversations -------------------------------------------------------------------------- */

static void on_reply(const struct llm_response *resp, void *payload);

static void conv_free(struct conv *c)
{
	if (!c)
		return;
	llm_request_dispose(&c->req);
	free(c);
}

/* A conversation, built only once the cache has missed: key is its cache key. */
static struct conv *conv_new(struct run *r, enum conv_kind kind, size_t unit, size_t cand, const char key[65])
{
	struct conv *c = calloc(1, sizeof(*c));
	config_agent_t agent = kind == CONV_FINDER ? CONFIG_AGENT_FINDER :
			       kind == CONV_PATCHER ? CONFIG_AGENT_PATCHER : CONFIG_AGENT_VERIFIER;

	if (!c) {
		fail_oom(r);
		return NULL;
	}
	c->r = r;
	c->kind = kind;
	c->agent = agent;
	c->unit = unit;
	c->cand = cand;
	c->turn_limit = r->o->policy->agents[agent].max_turns;
	memcpy(c->cache_key, key, sizeof(c->cache_key));
	llm_request_init(&c->req, agent);
	c->req.unit = kind == CONV_FINDER ? (int)r->units[unit].u->id : (int)r->cands->v[cand].unit;
	c->req.cache_tail = true;
	c->req.max_tokens_retry = r->o->policy->agents[agent].max_tokens * 2;
	if (llm_request_set_system(&c->req, r->prompt[agent], strlen(r->prompt[agent])) < 0 ||
	    llm_request_add_tool(&c->req, "read_file", "Read numbered lines of a file of the head commit "
				 "(at most 400 lines per call).", agents_schema_read_file) < 0 ||
	    llm_request_add_tool(&c->req, "search_code", "Search the head commit's files with a PCRE2 pattern, "
				 "line by line; returns path:line: text (at most 100 matches).", agents_schema_search_code) < 0 ||
	    llm_request_add_tool(&c->req, "list_files", "List the entries of one directory of the head commit.",
				 agents_schema_list_files) < 0) {
		fail_oom(r);
		conv_free(c);
		return NULL;
	}
	switch (kind) {
	case CONV_FINDER:
		if (llm_request_add_tool(&c->req, "report_findings", "Report every vulnerability found in the unit "
					 "(an empty list when there is none). Call it exactly once, last.",
					 agents_schema_report_findings) < 0)
			goto oom;
		break;
	case CONV_VERIFIER:
	case CONV_REVERIFY:
		if (llm_request_add_tool(&c->req, "report_verdict", "Report your verdict on the claim. Call it "
					 "exactly once, last.", agents_schema_report_verdict) < 0)
			goto oom;
		break;
	case CONV_PATCHER:
		if (llm_request_add_tool(&c->req, "propose_patch", "Propose a minimal fix as a unified diff against "
					 "the head commit. Call it exactly once, last.", agents_schema_propose_patch) < 0)
			goto oom;
		break;
	}
	return c;
oom:
	fail_oom(r);
	conv_free(c);
	return NULL;
}

static void conv_submit(struct conv *c)
{
	/* longest remaining chain first: a finder still has its verifiers, patcher and re-verification
	 * ahead, so finders go before verifiers, and so on; within a stage, later turns first */
	c->req.turn = c->turns;
	c->req.priority = 1000 - 100 * (int)c->kind + (int)c->turns;
	if (llm_submit(c->r->o->llm, &c->req, on_reply, c) < 0) {
		/* cannot happen for well-formed requests; end the conversation as a failure */
		fail_oom(c->r);
		conv_free(c);
	}
}

/* ---- outcomes ------------------------------------------------------------------------------- */

static void unit_failed(struct run *r, size_t unit, const char *reason, const char *detail)
{
	struct unit_state *us = &r->units[unit];

	if (us->fail)
		return;
	us->fail = reason;
	if (detail && !(us->fail_detail = strdup(detail)))
		fail_oom(r);
	progress(r, "unit %zu not reviewed: %s%s%s", us->u->id, reason, detail ? ": " : "", detail ? detail : "");
}

static void start_verifiers(struct run *r, size_t cand);
static void start_patcher(struct run *r, size_t cand);
static void start_reverify(struct run *r, size_t cand);

static int dup_str(char **dst, const char *src)
{
	free(*dst);
	*dst = NULL;
	if (src && !(*dst = strdup(src)))
		return TRB_ENOMEM;
	return 0;
}

/* All votes of a candidate are in: the majority decides. */
static void decide(struct run *r, size_t cand)
{
	struct cand *cs = &r->cs[cand];
	struct finding *f = &r->cands->v[cand];
	unsigned i, best = 0, answered = cs->votes_done - cs->votes_failed;
	const char *names[3] = {"confirmed", "rejected", "uncertain"};
	int verdict;

	if (answered == 0) {
		/* no verifier answered: the candidate stays unverified, and says why */
		f->status = FINDING_UNVERIFIED;
		if (dup_str(&f->verification.reason, cs->fail_reason ? cs->fail_reason : "the verifier did not answer") < 0)
			fail_oom(r);
		return;
	}
	for (i = 1; i < 3; i++)
		if (cs->tally[i] > cs->tally[best])
			best = i;
	/* a strict majority of the votes asked for, else uncertain */
	verdict = cs->tally[best] * 2 > cs->votes_wanted ? (int)best : 2;
	f->verification.done = true;
	f->verification.votes = cs->votes_wanted;
	f->verification.exploitable = cs->exploitable[verdict];
	f->verification.mitigated = cs->mitigated[verdict];
	f->verification.consistent = cs->consistent[verdict];
	if (dup_str(&f->verification.verdict, names[verdict]) < 0 ||
	    dup_str(&f->verification.reason, cs->reason[verdict] ? cs->reason[verdict] :
			    cs->reason[best] ? cs->reason[best] : "") < 0 ||
	    dup_str(&f->verification.model, r->o->policy->agents[CONFIG_AGENT_VERIFIER].model) < 0) {
		fail_oom(r);
		return;
	}
	if (verdict == 0) {
		f->status = FINDING_CONFIRMED;
		if (cs->sev[0] != TRB_SEV_NONE)
			f->severity = cs->sev[0];
		f->confidence = cs->conf_sum[0] / cs->tally[0];
		start_patcher(r, cand);
	} else if (verdict == 1) {
		f->status = FINDING_REJECTED;
		f->confidence = cs->tally[1] ? 1.0 - cs->conf_sum[1] / cs->tally[1] : f->confidence;
		if (f->confidence < 0)
			f->confidence = 0;
	} else {
		f->status = FINDING_UNCERTAIN;
	}
}

static void vote(struct run *r, size_t cand, const struct agents_verdict *v)
{
	struct cand *cs = &r->cs[cand];

	cs->votes_done++;
	if (!v) {
		cs->votes_failed++;
	} else {
		cs->tally[v->verdict]++;
		cs->conf_sum[v->verdict] += v->confidence;
		if (v->severity != TRB_SEV_NONE && (cs->sev[v->verdict] == TRB_SEV_NONE || v->severity > cs->sev[v->verdict]))
			cs->sev[v->verdict] = v->severity;
		if (!cs->reason[v->verdict]) {
			if (v->reason && !(cs->reason[v->verdict] = strdup(v->reason)))
				fail_oom(r);
			cs->exploitable[v->verdict] = v->exploitable;
			cs->mitigated[v->verdict] = v->mitigated;
			cs->consistent[v->verdict] = v->consistent;
		}
	}
	if (cs->votes_done == cs->votes_wanted)
		decide(r, cand);
}

static void drop_patch(struct run *r, size_t cand, const char *why)
{
	struct finding *f = &r->cands->v[cand];

	if (dup_str(&f->patch.dropped, why) < 0)
		fail_oom(r);
}

/* A conversation could not finish (provider failure, refusal, malformed). */
static void conv_failed(struct conv *c, const char *reason, const char *detail)
{
	struct run *r = c->r;
	char msg[ERRLEN];

	switch (c->kind) {
	case CONV_FINDER:
		unit_failed(r, c->unit, reason, detail);
		break;
	case CONV_VERIFIER:
		snprintf(msg, sizeof(msg), "not verified: %s%s%.200s", reason, detail ? ": " : "", detail ? detail : "");
		if (!r->cs[c->cand].fail_reason && !(r->cs[c->cand].fail_reason = strdup(msg)))
			fail_oom(r);
		vote(r, c->cand, NULL);
		break;
	case CONV_PATCHER:
		snprintf(msg, sizeof(msg), "no patch: %s", reason);
		drop_patch(r, c->cand, msg);
		break;
	case CONV_REVERIFY:
		snprintf(msg, sizeof(msg), "the patched code could not be re-verified: %s", reason);
		drop_patch(r, c->cand, msg);
		break;
	}
	conv_free(c);
}

/* ---- report handling ------------------------------------------------------------------------ */

/* Dedupe inside a unit: same path, overlapping lines, same CWE: keep the stronger. */
static void dedupe_range(struct findings *fs, size_t from)
{
	size_t i, j;

	for (i = from; i < fs->n; i++)
		for (j = i + 1; j < fs->n; j++) {
			struct finding *a = &fs->v[i], *b = &fs->v[j];
			if (strcmp(a->path, b->path) != 0 || strcmp(a->cwe, b->cwe) != 0 || a->end_line < b->start_line ||
			    b->end_line < a->start_line)
				continue;
			if (b->severity > a->severity || (b->severity == a->severity && b->confidence > a->confidence)) {
				struct finding tmp = *a;
				*a = *b;
				*b = tmp;
			}
			finding_dispose(b);
			memmove(b, b + 1, (fs->n - j - 1) * sizeof(*b));
			fs->n--;
			j--;
		}
}

static int grow_cands(struct run *r)
{
	if (r->cands->n > r->cs_cap) {
		size_t cap = r->cands->cap, i;
		struct cand *v = realloc(r->cs, cap * sizeof(*v));
		if (!v)
			return TRB_ENOMEM;
		for (i = r->cs_cap; i < cap; i++) {
			memset(&v[i], 0, sizeof(v[i]));
			v[i].sev[0] = v[i].sev[1] = v[i].sev[2] = TRB_SEV_NONE;
		}
		r->cs = v;
		r->cs_cap = cap;
	}
	return 0;
}

/* The fingerprint and code hash of a new candidate, from the head file. */
static void describe_candidate(struct run *r, size_t cand)
{
	struct finding *f = &r->cands->v[cand];
	git_blob *blob = NULL;
	const char *text;
	size_t len;

	if (agents_head_file(&blob, &r->tools, f->path))
		return;
	text = git_blob_rawcontent(blob);
	len = (size_t)git_blob_rawsize(blob);
	trb_sha256_hex(r->cs[cand].code_hash, text, len);
	if (!f->fingerprint &&
	    findings_fingerprint_lines(&f->fingerprint, f->path, f->cwe, text, len, f->start_line, f->end_line) < 0)
		fail_oom(r);
	git_blob_free(blob);
}

/* A report tool's arguments, validated once (on arrival, or when read from the cache) and handed
 * on: nothing downstream looks at the JSON again. */
struct report {
	struct findings *findings;    /* finder: the candidates */
	size_t dropped;               /* finder: invalid ones left out */
	struct agents_verdict verdict;   /* verifier and re-verification */
	const cJSON *args;            /* patcher: borrowed; the patch is checked by applying it */
};

static void report_dispose(struct report *rep)
{
	findings_free(rep->findings);
	free(rep->verdict.reason);
	memset(rep, 0, sizeof(*rep));
}

/* Returns 0, TRB_EINVAL with err set for the model (the report is malformed), or TRB_ENOMEM. */
static int report_validate(struct report *out, struct run *r, enum conv_kind kind, size_t unit, const cJSON *args,
			   char *err, size_t errlen)
{
	int error = 0;

	memset(out, 0, sizeof(*out));
	out->args = args;
	switch (kind) {
	case CONV_FINDER:
		if ((error = findings_new(&out->findings)) < 0)
			break;
		error = agents_validate_findings(out->findings, &out->dropped, args, &r->tools, r->units[unit].u->id, err,
						 errlen);
		break;
	case CONV_VERIFIER:
	case CONV_REVERIFY:
		error = agents_validate_verdict(&out->verdict, args, err, errlen);
		break;
	case CONV_PATCHER:
		if (!cJSON_IsObject(args)) {
			snprintf(err, errlen, "the arguments of propose_patch are not a JSON object");
			error = TRB_EINVAL;
		}
		break;
	}
	if (error < 0)
		report_dispose(out);
	return error;
}

/* Candidates from a (fresh or cached) report of the finder for a unit; they move into r->cands. */
static void accept_findings(struct run *r, size_t unit, struct report *rep)
{
	size_t from = r->cands->n, i;

	for (i = 0; i < rep->findings->n; i++) {
		struct finding *f;
		if (findings_add(&f, r->cands) < 0) {
			fail_oom(r);
			return;
		}
		*f = rep->findings->v[i];
		memset(&rep->findings->v[i], 0, sizeof(rep->findings->v[i]));
	}
	dedupe_range(r->cands, from);
	if (grow_cands(r) < 0) {
		fail_oom(r);
		return;
	}
	progress(r, "unit %zu: %zu candidate%s%s", r->units[unit].u->id, r->cands->n - from,
		 r->cands->n - from == 1 ? "" : "s", rep->dropped ? " (some invalid ones dropped)" : "");
	for (i = from; i < r->cands->n; i++) {
		describe_candidate(r, i);
		start_verifiers(r, i);
	}
}

static bool looks_like_refusal(const char *text)
{
	static const char *const phrases[] = {"i can't help", "i cannot help", "i can't assist", "i cannot assist",
		"i won't", "i will not", "i'm not able to help", "i am not able to help", "i must decline",
		"i'm unable to", "i am unable to"};
	char low[400];
	size_t i, n;

	for (n = 0; text[n] && n < sizeof(low) - 1; n++)
		low[n] = (char)tolower((unsigned char)text[n]);
	low[n] = '\0';
	for (i = 0; i < sizeof(phrases) / sizeof(phrases[0]); i++)
		if (strstr(low, phrases[i]))
			return true;
	return false;
}

/* A valid report, fresh or from the cache: the conversation's outcome. */
static void finish(struct run *r, enum conv_kind kind, size_t unit, size_t cand, struct report *rep)
{
	struct finding *f;

	switch (kind) {
	case CONV_FINDER:
		accept_findings(r, unit, rep);
		break;
	case CONV_VERIFIER:
		vote(r, cand, &rep->verdict);
		break;
	case CONV_PATCHER: {
		const cJSON *p = cJSON_GetObjectItemCaseSensitive(rep->args, "patch");
		const cJSON *e = cJSON_GetObjectItemCaseSensitive(rep->args, "explanation");
		char why[ERRLEN];
		f = &r->cands->v[cand];
		if (cJSON_IsString(e) && dup_str(&f->patch.explanation, e->valuestring) < 0)
			fail_oom(r);
		if (!cJSON_IsString(p) || !p->valuestring || !*p->valuestring) {
			drop_patch(r, cand, "the patcher proposed no patch");
			break;
		}
		f->patch.present = true;
		if (dup_str(&f->patch.diff, p->valuestring) < 0) {
			fail_oom(r);
			break;
		}
		free(r->cs[cand].patched);
		r->cs[cand].patched = NULL;
		/* also for a cached patch: the cache never skips applying it and re-verifying */
		if (agents_patch_apply(&r->cs[cand].patched, &r->cs[cand].patched_len, &r->tools, f->patch.diff, f->path,
				       why, sizeof(why)) < 0) {
			f->patch.applies = false;
			drop_patch(r, cand, why);
			break;
		}
		f->patch.applies = true;
		if (r->o->policy->agents[CONFIG_AGENT_PATCHER].reverify && r->o->policy->agents[CONFIG_AGENT_VERIFIER].enabled)
			start_reverify(r, cand);
		break;
	}
	case CONV_REVERIFY: {
		char msg[ERRLEN];
		f = &r->cands->v[cand];
		if (rep->verdict.verdict == 1) {
			f->patch.reverified = true;
		} else {
			snprintf(msg, sizeof(msg), "the verifier says the patched code %s: %.150s",
				 rep->verdict.verdict == 0 ? "still has the flaw" : "may still have the flaw",
				 rep->verdict.reason ? rep->verdict.reason : "");
			drop_patch(r, cand, msg);
		}
		break;
	}
	}
}

static void on_reply(const struct llm_response *resp, void *payload)
{
	struct conv *c = payload;
	struct run *r = c->r;
	const struct config_agent *ag = &r->o->policy->agents[c->agent];
	const char *report = report_tools[c->kind];
	const cJSON *report_args = NULL;
	bool acted = false, bad_report = false;
	char err[ERRLEN] = "";
	size_t i;

	if (r->error) {
		conv_free(c);
		return;
	}
	if (resp->outcome != LLM_OK) {
		conv_failed(c, llm_outcome_reason(resp->outcome), resp->error);
		return;
	}
	if (resp->stop == LLM_STOP_REFUSAL) {
		conv_failed(c, "model refused", NULL);
		return;
	}
	{
		int error = llm_request_add_reply(&c->req, resp);
		if (error == TRB_ENOMEM) {
			fail_oom(r);
			conv_free(c);
			return;
		}
		if (error < 0) {
			conv_failed(c, "malformed report", "the reply is too large to continue the conversation");
			return;
		}
	}
	c->turns++;
	/* each turn resends the conversation, so its usage grows with every tool round trip: past
	 * max_conversation_tokens the turn limit is brought forward to now, and the agent is asked
	 * to report exactly as when it runs out of turns */
	c->tokens += resp->usage.input + resp->usage.output + resp->usage.cache_read + resp->usage.cache_write;
	if (!c->nudged && c->tokens >= ag->max_conversation_tokens && c->turns + 1 < c->turn_limit) {
		c->turn_limit = c->turns + 1;
		progress(r, "unit %d: the %s used %llu tokens (agents.%s.max_conversation_tokens: %u): asked to report",
			 c->req.unit, config_agent_name(c->agent), (unsigned long long)c->tokens, config_agent_name(c->agent),
			 ag->max_conversation_tokens);
	}
	for (i = 0; i < resp->n_calls; i++) {
		const struct llm_tool_call *call = &resp->calls[i];
		if (strcmp(call->name, report) == 0) {
			if (!cJSON_IsObject(call->args)) {
				bad_report = true;
				snprintf(err, sizeof(err), "the arguments of %s are not a JSON object", report);
			} else if (!report_args) {
				report_args = call->args;
			}
			if (llm_request_add_tool_result(&c->req, call->id, "received", 8, false) < 0)
				fail_oom(r);
			continue;
		}
		acted = true;
		{
			struct trb_buf out = TRB_BUF_INIT(TRB_LIMIT_PROMPT);
			bool is_error = false;
			if (c->nudged)
				trb_buf_printf(&out, "error: no tool turns are left: call %s now", report);
			else if (agents_tool_call(&out, &is_error, &r->tools, call->name, call->args) < 0 &&
				 trb_buf_error(&out) == TRB_ENOMEM)
				fail_oom(r);
			if (trb_buf_error(&out) < 0) {
				trb_buf_clear(&out);
				trb_buf_puts(&out, "error: the tool output was too large");
				is_error = true;
			}
			{
				/* tool output is repository content: inside the run's delimiters */
				struct trb_buf wrapped = TRB_BUF_INIT(TRB_LIMIT_PROMPT);
				render_open(&wrapped, r->o->nonce);
				render_untrusted(&wrapped, trb_buf_cstr(&out), out.len, r->o->nonce);
				render_close(&wrapped, r->o->nonce);
				if (trb_buf_error(&wrapped) < 0 ||
				    llm_request_add_tool_result(&c->req, call->id, trb_buf_cstr(&wrapped), wrapped.len,
								is_error || c->nudged) < 0)
					fail_oom(r);
				trb_buf_dispose(&wrapped);
			}
			trb_buf_dispose(&out);
		}
	}
	if (report_args) {
		/* validated once, here: a malformed report gets one chance to be corrected */
		struct report rep;
		int error = report_validate(&rep, r, c->kind, c->unit, report_args, err, sizeof(err));
		if (error == TRB_ENOMEM) {
			fail_oom(r);
			conv_free(c);
			return;
		}
		if (error == 0) {
			/* fresh model output is the only thing the cache stores */
			if (r->o->cache_dir)
				agents_cache_put(r->o->cache_dir, cache_kinds[c->kind], c->cache_key, (cJSON *)report_args);
			finish(r, c->kind, c->unit, c->cand, &rep);
			report_dispose(&rep);
			conv_free(c);
			return;
		}
		bad_report = true;
	}
	if (bad_report) {
		if (c->told_bad) {
			conv_failed(c, "malformed report", err);
			return;
		}
		c->told_bad = true;
		{
			char msg[ERRLEN + 64];
			snprintf(msg, sizeof(msg), "Your %s call was malformed: %s. Call %s again with valid arguments.",
				 report, err, report);
			if (llm_request_add_text(&c->req, LLM_ROLE_USER, msg, strlen(msg), false) < 0)
				fail_oom(r);
		}
		conv_submit(c);
		return;
	}
	if (!acted) {
		/* text only: a refusal, or the model forgot to report */
		if (looks_like_refusal(resp->text)) {
			conv_failed(c, "model refused", NULL);
			return;
		}
		if (c->nudged || c->turns >= c->turn_limit + 1) {
			conv_failed(c, "malformed report", "the model did not call its report tool");
			return;
		}
	}
	if (!c->nudged && (!acted || c->turns + 1 >= c->turn_limit)) {
		char msg[160];
		c->nudged = true;
		snprintf(msg, sizeof(msg), !acted ? "Call %s now with your result." :
			 c->turn_limit < ag->max_turns ? "You have used this conversation's token budget. Call %s now "
			 "with what you have." : "You have used your tool turns. Call %s now with what you have.", report);
		if (llm_request_add_text(&c->req, LLM_ROLE_USER, msg, strlen(msg), false) < 0)
			fail_oom(r);
	} else if (c->nudged && c->turns >= c->turn_limit + 2) {
		conv_failed(c, "malformed report", "the model kept calling tools after its last turn");
		return;
	}
	conv_submit(c);
}

/* ---- the cache ------------------------------------------------------------------------------ */

/* An entry from the review cache, unless the merge request itself put it there: with the cache
 * directory inside the checkout, a committed file could forge "no findings" for a unit. */
static cJSON *cache_get(struct run *r, const char *kind, const char *key)
{
	if (!r->o->cache_dir)
		return NULL;
	if (r->o->cache_repo_path) {
		struct trb_buf rel = TRB_BUF_INIT(4096);
		git_tree_entry *e = NULL;
		bool tracked;
		trb_buf_printf(&rel, "%s%s%s-%s.json", r->o->cache_repo_path, *r->o->cache_repo_path ? "/" : "", kind, key);
		tracked = trb_buf_error(&rel) < 0 || git_tree_entry_bypath(&e, r->tools.head, trb_buf_cstr(&rel)) == 0;
		git_tree_entry_free(e);
		trb_buf_dispose(&rel);
		if (tracked) {
			progress(r, "warning: a %s cache entry is committed in the repository under review: ignored", kind);
			return NULL;
		}
	}
	return agents_cache_get(r->o->cache_dir, kind, key);
}

/* Acts on the cached report for key, validated as if fresh. True when the entry was used (or
 * the run ran out of memory); an entry that does not validate is a miss. */
static bool finish_from_cache(struct run *r, enum conv_kind kind, size_t unit, size_t cand, const char *key)
{
	struct report rep;
	char err[ERRLEN];
	cJSON *cached;
	int error;

	if (!(cached = cache_get(r, cache_kinds[kind], key)))
		return false;
	if ((error = report_validate(&rep, r, kind, unit, cached, err, sizeof(err))) == 0) {
		if (kind == CONV_FINDER)
			progress(r, "unit %zu: finder result from the cache", r->units[unit].u->id);
		finish(r, kind, unit, cand, &rep);
		report_dispose(&rep);
	} else if (error == TRB_ENOMEM) {
		fail_oom(r);
	}
	cJSON_Delete(cached);
	return error != TRB_EINVAL;
}

/* ---- starting conversations ----------------------------------------------------------------- */

static bool agent_on(struct run *r, config_agent_t a)
{
	return r->o->policy->agents[a].enabled && r->o->llm && llm_client_has_credentials(r->o->llm, a);
}

static void start_finder(struct run *r, size_t unit)
{
	struct unit_state *us = &r->units[unit];
	const struct config_agent *ag = &r->o->policy->agents[CONFIG_AGENT_FINDER];
	const char *parts[4];
	char key[65];
	struct conv *c;

	parts[0] = "finder";
	parts[1] = r->hash[CONFIG_AGENT_FINDER];
	parts[2] = ag->model;
	parts[3] = us->hash;
	agents_cache_key(key, parts, 4);
	if (finish_from_cache(r, CONV_FINDER, unit, 0, key) || !(c = conv_new(r, CONV_FINDER, unit, 0, key)))
		return;
	if (llm_request_add_text(&c->req, LLM_ROLE_USER, r->mr_files, strlen(r->mr_files), true) < 0 ||
	    llm_request_add_text(&c->req, LLM_ROLE_USER, us->text, strlen(us->text), false) < 0) {
		fail_oom(r);
		conv_free(c);
		return;
	}
	conv_submit(c);
}

static int candidate_message(struct trb_buf *b, struct run *r, size_t cand, const char *reason, bool patched)
{
	struct finding *f = &r->cands->v[cand];
	struct render_file rf = {0};
	const struct diff_file *df = NULL;
	size_t i;
	int error = 0;

	for (i = 0; i < r->o->diff->n_files; i++)
		if (strcmp(r->o->diff->files[i].path, f->path) == 0)
			df = &r->o->diff->files[i];
	/* every file is redacted like the rest: the patched one is repository code too, and a claim
	 * whose code cannot be redacted is not sent at all (not sent without its code) */
	if (patched) {
		error = render_file_from_text(&rf, r->cs[cand].patched, r->cs[cand].patched_len, r->o->rules);
	} else if (df && !df->skip) {
		error = render_file_text(&rf, r->tools.repo, df, r->o->rules);
	} else {
		/* a file outside the diff (the finder followed a flow there): read it from the tree */
		git_blob *blob = NULL;
		if (!agents_head_file(&blob, &r->tools, f->path))
			error = render_file_from_text(&rf, git_blob_rawcontent(blob), (size_t)git_blob_rawsize(blob),
						      r->o->rules);
		git_blob_free(blob);
	}
	if (error < 0)
		return error;
	if (patched)
		trb_buf_puts(b, "A fix was proposed for the claim below. The code shown is the file AFTER the fix. "
				"Judge whether the vulnerability is still present in the patched code: answer "
				"'rejected' when the fix removes it, 'confirmed' when it remains.\n\n");
	error = render_candidate(b, f, rf.n_lines ? &rf : NULL, r->o->nonce, reason);
	render_file_dispose(&rf);
	trb_buf_printf(b, "\nFinish by calling %s.\n", patched ? "report_verdict" : reason ? "propose_patch" : "report_verdict");
	return error ? error : trb_buf_error(b);
}

static void start_verifiers(struct run *r, size_t cand)
{
	const struct config_agent *ag = &r->o->policy->agents[CONFIG_AGENT_VERIFIER];
	struct finding *f = &r->cands->v[cand];
	struct trb_buf msg = TRB_BUF_INIT(TRB_LIMIT_PROMPT);
	bool have_msg = false;
	unsigned v;
	int error;

	if (!agent_on(r, CONFIG_AGENT_VERIFIER)) {
		/* the candidate stays unverified and says why */
		if (dup_str(&f->verification.reason, ag->enabled ? "not verified: no credentials for the verifier" :
			    "not verified: the verifier is disabled by the policy") < 0)
			fail_oom(r);
		return;
	}
	r->cs[cand].votes_wanted = ag->votes ? ag->votes : 1;
	for (v = 0; v < r->cs[cand].votes_wanted && !r->error; v++) {
		struct conv *c;
		char vote_s[16], key[65];
		const char *parts[6];
		snprintf(vote_s, sizeof(vote_s), "%u", v);
		parts[0] = "verdict";
		parts[1] = r->hash[CONFIG_AGENT_VERIFIER];
		parts[2] = ag->model;
		parts[3] = f->fingerprint;
		parts[4] = r->cs[cand].code_hash;
		parts[5] = vote_s;
		agents_cache_key(key, parts, 6);
		if (finish_from_cache(r, CONV_VERIFIER, 0, cand, key))
			continue;
		/* the message is rendered once, for the first vote the cache does not hold */
		if (!have_msg) {
			if ((error = candidate_message(&msg, r, cand, NULL, false)) < 0) {
				if (error == TRB_ENOMEM) {
					fail_oom(r);
					break;
				}
				/* the votes not cached cannot be asked for: they fail, and say why */
				if (!r->cs[cand].fail_reason &&
				    !(r->cs[cand].fail_reason = strdup("not verified: the code could not be redacted for sending"))) {
					fail_oom(r);
					break;
				}
				for (; v < r->cs[cand].votes_wanted; v++)
					vote(r, cand, NULL);
				break;
			}
			have_msg = true;
		}
		if (!(c = conv_new(r, CONV_VERIFIER, 0, cand, key)))
			break;
		/* an independent conversation: the candidate and the code, never the finder's reasoning */
		if (llm_request_add_text(&c->req, LLM_ROLE_USER, trb_buf_cstr(&msg), msg.len, false) < 0) {
			fail_oom(r);
			conv_free(c);
			break;
		}
		conv_submit(c);
	}
	trb_buf_dispose(&msg);
}

static void start_patcher(struct run *r, size_t cand)
{
	const struct config_agent *ag = &r->o->policy->agents[CONFIG_AGENT_PATCHER];
	struct finding *f = &r->cands->v[cand];
	struct trb_buf msg = TRB_BUF_INIT(TRB_LIMIT_PROMPT);
	const char *parts[5];
	char key[65];
	struct conv *c;
	int error;

	if (!ag->enabled || f->severity < ag->min_severity)
		return;
	if (!agent_on(r, CONFIG_AGENT_PATCHER)) {
		drop_patch(r, cand, "no patch: no credentials for the patcher");
		return;
	}
	parts[0] = "patch";
	parts[1] = r->hash[CONFIG_AGENT_PATCHER];
	parts[2] = ag->model;
	parts[3] = f->fingerprint;
	parts[4] = r->cs[cand].code_hash;
	agents_cache_key(key, parts, 5);
	if (finish_from_cache(r, CONV_PATCHER, 0, cand, key) || !(c = conv_new(r, CONV_PATCHER, 0, cand, key)))
		return;
	if ((error = candidate_message(&msg, r, cand, f->verification.reason ? f->verification.reason : "", false)) < 0 ||
	    (error = llm_request_add_text(&c->req, LLM_ROLE_USER, trb_buf_cstr(&msg), msg.len, false)) < 0) {
		if (error == TRB_ENOMEM)
			fail_oom(r);
		else
			drop_patch(r, cand, "no patch: the code could not be prepared for sending");
		conv_free(c);
	} else {
		conv_submit(c);
	}
	trb_buf_dispose(&msg);
}

static void start_reverify(struct run *r, size_t cand)
{
	const struct config_agent *ag = &r->o->policy->agents[CONFIG_AGENT_VERIFIER];
	struct finding *f = &r->cands->v[cand];
	struct trb_buf msg = TRB_BUF_INIT(TRB_LIMIT_PROMPT);
	char patched_hash[65], key[65];
	const char *parts[5];
	struct conv *c;
	int error;

	if (!agent_on(r, CONFIG_AGENT_VERIFIER) || !r->cs[cand].patched) {
		drop_patch(r, cand, "the patched code could not be re-verified: no verifier");
		return;
	}
	trb_sha256_hex(patched_hash, r->cs[cand].patched, r->cs[cand].patched_len);
	parts[0] = "reverify";
	parts[1] = r->hash[CONFIG_AGENT_VERIFIER];
	parts[2] = ag->model;
	parts[3] = f->fingerprint;
	parts[4] = patched_hash;
	agents_cache_key(key, parts, 5);
	if (finish_from_cache(r, CONV_REVERIFY, 0, cand, key) || !(c = conv_new(r, CONV_REVERIFY, 0, cand, key)))
		return;
	if ((error = candidate_message(&msg, r, cand, NULL, true)) < 0 ||
	    (error = llm_request_add_text(&c->req, LLM_ROLE_USER, trb_buf_cstr(&msg), msg.len, false)) < 0) {
		if (error == TRB_ENOMEM)
			fail_oom(r);
		else
			drop_patch(r, cand, "the patched code could not be prepared for re-verification");
		conv_free(c);
	} else {
		conv_submit(c);
	}
	trb_buf_dispose(&msg);
}

/* ---- the whole run -------------------------------------------------------------------------- */

static int add_unreviewed(struct findings *fs, const struct diff *d, const struct diff_unit *u, const char *reason,
			  const char *detail)
{
	struct findings_unreviewed *v, *x;
	size_t i;

	if (!(v = realloc(fs->unreviewed, (fs->n_unreviewed + 1) * sizeof(*v))))
		return TRB_ENOMEM;
	fs->unreviewed = v;
	x = &v[fs->n_unreviewed++];
	memset(x, 0, sizeof(*x));
	x->unit = u->id;
	if (detail) {
		struct trb_buf b = TRB_BUF_INIT(1024);
		trb_buf_printf(&b, "%s: %.300s", reason, detail);
		x->reason = trb_buf_detach(&b);
	} else {
		x->reason = strdup(reason);
	}
	if (!x->reason || !(x->paths = calloc(u->n_parts, sizeof(char *))))
		return TRB_ENOMEM;
	for (i = 0; i < u->n_parts; i++) {
		const char *p = d->files[u->parts[i].file].path;
		if (x->n_paths && strcmp(x->paths[x->n_paths - 1], p) == 0)
			continue;
		if (!(x->paths[x->n_paths++] = strdup(p)))
			return TRB_ENOMEM;
	}
	return 0;
}

int agents_run(struct findings *fs, const struct agents_options *o)
{
	static const char *const names[CONFIG_AGENT_COUNT] = {"finder", "verifier", "patcher"};
	struct run r;
	struct trb_buf b = TRB_BUF_INIT(TRB_LIMIT_PROMPT);
	size_t i, n = 0;
	int a, error = 0;

	memset(&r, 0, sizeof(r));
	r.o = o;
	r.fs = fs;
	for (i = 0; i < o->diff->n_units; i++)
		n += o->diff->units[i].shard == o->shard;
	if (!(r.units = calloc(n + 1, sizeof(*r.units))))
		return trb_err_oom();
	for (i = 0; i < o->diff->n_units; i++)
		if (o->diff->units[i].shard == o->shard)
			r.units[r.n_units++].u = &o->diff->units[i];
	for (a = 0; a < CONFIG_AGENT_COUNT; a++) {
		if ((error = agents_prompt_load(&r.prompt[a], r.hash[a], names[a], o->prompts_dir, o->nonce)) < 0)
			goto done;
		free(fs->run.prompts[a]);
		free(fs->run.models[a]);
		fs->run.prompts[a] = fs->run.models[a] = NULL;
		/* only the agents that can run are named: a disabled one never called its model */
		if (!o->policy->agents[a].enabled)
			continue;
		if (!(fs->run.prompts[a] = strdup(r.hash[a])) || !(fs->run.models[a] = strdup(o->policy->agents[a].model))) {
			error = trb_err_oom();
			goto done;
		}
	}
	if (!o->llm || !agent_on(&r, CONFIG_AGENT_FINDER)) {
		const char *why = o->no_agent_reason ? o->no_agent_reason :
				  !o->policy->agents[CONFIG_AGENT_FINDER].enabled ? "finder disabled by the policy" :
				  "no credentials";
		/* no model was called: none is named */
		for (a = 0; a < CONFIG_AGENT_COUNT; a++) {
			free(fs->run.models[a]);
			fs->run.models[a] = NULL;
		}
		for (i = 0; i < r.n_units; i++)
			if ((error = add_unreviewed(fs, o->diff, r.units[i].u, why, NULL)) < 0)
				goto done;
		fs->run.units_total = r.n_units;
		fs->run.units_not_reviewed = r.n_units;
		goto done;
	}
	if ((error = agents_tools_init(&r.tools, o->diff->repo, &o->diff->head, o->policy, o->rules)) < 0 ||
	    (error = findings_new(&r.cands)) < 0)
		goto done;
	if ((error = render_mr_files(&b, o->diff, o->nonce)) < 0)
		goto done;
	if (!(r.mr_files = trb_buf_detach(&b))) {
		error = trb_err_oom();
		goto done;
	}
	for (i = 0; i < r.n_units; i++) {
		struct trb_buf t = TRB_BUF_INIT(TRB_LIMIT_PROMPT);
		if ((error = render_unit(&t, r.units[i].hash, o->diff->repo, o->diff, r.units[i].u, o->diff->n_units, o->policy,
					 o->rules, o->hints, o->nonce)) < 0) {
			trb_buf_dispose(&t);
			if (error != TRB_ELIMIT)
				goto done;
			/* too many secrets to redact, or too large to send: the unit stays here */
			error = 0;
			unit_failed(&r, i, "not sent", "the code holds more secrets than can be redacted, or is too large");
			if (!(r.units[i].text = strdup("")))
				error = trb_err_oom();
			if (error < 0)
				goto done;
			continue;
		}
		r.units[i].text = trb_buf_detach(&t);
		if (!r.units[i].text) {
			error = trb_err_oom();
			goto done;
		}
	}
	for (i = 0; i < r.n_units; i++)
		if (!r.units[i].fail)
			start_finder(&r, i);
	/* after TRB_ERROR (libcurl) every call has ended with LLM_NETWORK, so its units are listed as
	 * not reviewed and the findings already made are kept; TRB_EIO (the audit file) becomes a
	 * notice, since the calls themselves finished */
	if ((error = llm_run(o->llm)) == TRB_EIO &&
	    (error = findings_add_notice(fs, "audit.jsonl could not be written completely (disk full?): some "
					 "model calls are missing from it")) < 0)
		goto done;
	if (error < 0 && error != TRB_ERROR)
		goto done;
	error = 0;
	if ((error = r.error) < 0) {
		trb_err_set(error, "out of memory during the review");
		goto done;
	}
	/* units that failed, candidates into the findings */
	fs->run.units_total = r.n_units;
	for (i = 0; i < r.n_units; i++) {
		if (!r.units[i].fail) {
			fs->run.units_reviewed++;
			continue;
		}
		fs->run.units_not_reviewed++;
		if ((error = add_unreviewed(fs, o->diff, r.units[i].u, r.units[i].fail, r.units[i].fail_detail)) < 0)
			goto done;
	}
	fs->run.agents_ran = true;
	for (i = 0; i < r.cands->n; i++) {
		struct finding *f;
		/* findings already made are kept even when their unit failed afterwards */
		if ((error = findings_add(&f, fs)) < 0)
			goto done;
		*f = r.cands->v[i];
		memset(&r.cands->v[i], 0, sizeof(r.cands->v[i]));
	}
done:
	trb_buf_dispose(&b);
	if (r.cands) {
		for (i = 0; i < r.cands->n && i < r.cs_cap; i++) {
			free(r.cs[i].patched);
			free(r.cs[i].fail_reason);
			for (a = 0; a < 3; a++)
				free(r.cs[i].reason[a]);
		}
	}
	free(r.cs);
	findings_free(r.cands);
	agents_tools_dispose(&r.tools);
	for (a = 0; a < CONFIG_AGENT_COUNT; a++)
		free(r.prompt[a]);
	for (i = 0; i < r.n_units; i++) {
		free(r.units[i].text);
		free(r.units[i].fail_detail);
	}
	free(r.units);
	free(r.mr_files);
	return error;
}
