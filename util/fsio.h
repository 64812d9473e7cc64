/* util/fsio.h: creating files where a repository could have planted a symbolic link.
 * Reports, the audit log and the review cache are often written inside the checkout of the
 * merge request under review; a link committed there (tribunal-out/.summary.md.tmp -> ~/.bashrc)
 * must not redirect a write. These never follow a link in the last path component. */
#ifndef TRB_UTIL_FSIO_H
#define TRB_UTIL_FSIO_H

#include <stdio.h>

/* A new file for writing (O_CREAT|O_EXCL|O_NOFOLLOW, mode 0644). A leftover at that name (a
 * stale temporary, or a planted link) is removed first. NULL with errno set on failure. */
FILE *trb_fopen_new(const char *path);

/* A file opened for appending, created if missing, refusing a symbolic link. */
FILE *trb_fopen_append(const char *path);

/* 0 when dir is a real directory, not a symbolic link; else TRB_EIO with a message. */
int trb_dir_check(const char *dir);

#endif
