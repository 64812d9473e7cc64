/* agents/patch.c: a proposed patch is applied with libgit2 to the head tree in memory (the
 * repository's object store is shadowed by an in-memory one, see diff_open), never to a working
 * tree. A patch that does not parse, touches anything but existing regular files, or does not
 * apply cleanly is refused with the reason. */
#include "agents/agents_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/err.h"
#include "util/escape.h"
#include "util/path.h"

#define PATCH_MAX_BYTES (64 * 1024)
#define PATCH_MAX_FILES 10

static int refuse(char *why, size_t whylen, const char *msg)
{
	snprintf(why, whylen, "%s", msg);
	return TRB_EINVAL;
}

int agents_patch_apply(char **patched, size_t *patched_len, struct agents_tools *t, const char *patch,
		       const char *path, char *why, size_t whylen)
{
	git_diff *diff = NULL;
	git_index *index = NULL;
	const git_index_entry *entry;
	git_blob *blob = NULL;
	size_t i, n, len = strlen(patch);
	int error = 0;

	if (patched) {
		*patched = NULL;
		*patched_len = 0;
	}
	if (len == 0)
		return refuse(why, whylen, "the patch is empty");
	if (len > PATCH_MAX_BYTES)
		return refuse(why, whylen, "the patch is larger than 64 KiB");
	if (!trb_utf8_valid(patch, len))
		return refuse(why, whylen, "the patch is not UTF-8 text");
	if (git_diff_from_buffer(&diff, patch, len) < 0)
		return refuse(why, whylen, "the patch is not a unified diff");
	n = git_diff_num_deltas(diff);
	if (n == 0 || n > PATCH_MAX_FILES) {
		error = refuse(why, whylen, n ? "the patch touches too many files" : "the patch changes nothing");
		goto done;
	}
	for (i = 0; i < n; i++) {
		const git_diff_delta *d = git_diff_get_delta(diff, i);
		git_blob *head = NULL;
		if (d->status != GIT_DELTA_MODIFIED) {
			error = refuse(why, whylen, "the patch may only modify existing files (no new, deleted or renamed files)");
			goto done;
		}
		if (!d->new_file.path || strcmp(d->old_file.path, d->new_file.path) != 0 ||
		    trb_path_check(d->new_file.path, strlen(d->new_file.path)) ||
		    (t->policy && config_path_never_send(t->policy, d->new_file.path))) {
			error = refuse(why, whylen, "the patch names a path outside the reviewable tree");
			goto done;
		}
		if (agents_head_file(&head, t, d->new_file.path)) {
			error = refuse(why, whylen, "the patch changes a file that is not a text file of the head commit");
			goto done;
		}
		git_blob_free(head);
	}
	if (git_apply_to_tree(&index, t->repo, t->head, diff, NULL) < 0) {
		const git_error *ge = git_error_last();
		snprintf(why, whylen, "the patch does not apply cleanly to the head commit%s%.150s",
			 ge && ge->message ? ": " : "", ge && ge->message ? ge->message : "");
		error = TRB_EINVAL;
		goto done;
	}
	if (patched && path && (entry = git_index_get_bypath(index, path, 0)) != NULL &&
	    git_blob_lookup(&blob, t->repo, &entry->id) == 0) {
		*patched_len = (size_t)git_blob_rawsize(blob);
		if (!(*patched = malloc(*patched_len + 1))) {
			error = trb_err_oom();
			goto done;
		}
		memcpy(*patched, git_blob_rawcontent(blob), *patched_len);
		(*patched)[*patched_len] = '\0';
	}
done:
	git_blob_free(blob);
	git_index_free(index);
	git_diff_free(diff);
	return error;
}
