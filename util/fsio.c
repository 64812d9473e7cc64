#include "util/fsio.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/err.h"

FILE *trb_fopen_new(const char *path)
{
	FILE *f;
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);

	if (fd < 0 && errno == EEXIST) {
		/* unlink removes a link itself, never what it points to */
		if (unlink(path) < 0)
			return NULL;
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	}
	if (fd < 0)
		return NULL;
	if (!(f = fdopen(fd, "wb"))) {
		close(fd);
		return NULL;
	}
	return f;
}

FILE *trb_fopen_append(const char *path)
{
	FILE *f;
	int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW | O_CLOEXEC, 0644);

	if (fd < 0)
		return NULL;
	if (!(f = fdopen(fd, "ab"))) {
		close(fd);
		return NULL;
	}
	return f;
}

int trb_dir_check(const char *dir)
{
	struct stat st;

	if (lstat(dir, &st) < 0)
		return trb_err_set(TRB_EIO, "cannot use the directory %s: %s", dir, strerror(errno));
	if (S_ISLNK(st.st_mode))
		return trb_err_set(TRB_EIO, "%s is a symbolic link: refused (a repository could plant one); pass "
				   "the real directory", dir);
	if (!S_ISDIR(st.st_mode))
		return trb_err_set(TRB_EIO, "%s is not a directory", dir);
	return 0;
}
