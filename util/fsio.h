/* util/fsio.h: creating files where a repository could have planted a symbolic link.
 * Reports, the audit log and the review cache are often written inside the checkout of the
 * merge request under review; a link committed there (tribunal-out/.summary.md.tmp -> ~/.bashrc)
 * must not redirect a write. These never follow a link in the last path component. */
#ifndef TRB_UTIL_FSIO_H
#define TRB_UTIL_FSIO_H

#include <stddef.h>
#include <stdio.h>

/* A new file for writing (O_CREAT|O_EXCL|O_NOFOLLOW, mode 0644). A leftover at that name (a
 * stale temporary, or a planted link) is removed first. NULL with errno set on failure. */
FILE *trb_fopen_new(const char *path);

/* A file opened for appending, created if missing, refusing a symbolic link. */
FILE *trb_fopen_append(const char *path);

/* 0 when dir is a real directory, not a symbolic link; else TRB_EIO with a message. */
int trb_dir_check(const char *dir);

/* mkdir -p dir (mode 0755 before the umask), then trb_dir_check(dir): the last component must be a
 * real directory, not a link to one. 0, TRB_EIO (naming the component that failed) or TRB_ENOMEM. */
int trb_mkdirs(const char *dir);

/* Reads the whole file at path into *out (NUL-terminated, caller frees; the file may hold NULs, *len
 * counts them). A file longer than limit bytes fails with TRB_ELIMIT without being read to its end;
 * TRB_EIO when it cannot be opened or read, TRB_ENOMEM. On failure *out is NULL and *len 0. */
int trb_read_file(char **out, size_t *len, const char *path, size_t limit);

#endif
