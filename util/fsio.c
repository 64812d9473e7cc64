#include "util/fsio.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/buf.h"
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

static bool is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

int trb_mkdirs(const char *dir)
{
	struct trb_buf p = TRB_BUF_INIT(TRB_LIMIT_SMALL);
	const char *s;
	int error = 0;

	if (!*dir)
		return trb_err_set(TRB_EIO, "cannot create a directory with an empty name");
	for (s = dir; ; s++) {
		if ((*s == '/' || *s == '\0') && p.len > 0 && (error = trb_buf_error(&p)) == 0 &&
		    mkdir(p.ptr, 0755) < 0 && errno != EEXIST && !is_dir(p.ptr)) {
			/* an existing directory may still answer EACCES or EROFS, hence is_dir */
			error = trb_err_set(TRB_EIO, "cannot create the directory %s: %s", p.ptr, strerror(errno));
		}
		if (error < 0 || *s == '\0')
			break;
		trb_buf_putc(&p, *s);
	}
	trb_buf_dispose(&p);
	return error < 0 ? error : trb_dir_check(dir);
}

int trb_read_file(char **out, size_t *len, const char *path, size_t limit)
{
	struct trb_buf b = TRB_BUF_INIT(limit);
	char chunk[65536];
	size_t n;
	FILE *f;
	int error = 0;

	*out = NULL;
	*len = 0;
	if (!(f = fopen(path, "rb")))
		return trb_err_set(TRB_EIO, "cannot open %s: %s", path, strerror(errno));
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		if (trb_buf_put(&b, chunk, n) < 0)
			break;
	if (b.error == TRB_ELIMIT)
		error = trb_err_set(TRB_ELIMIT, "%s is larger than %zu bytes", path, limit);
	else if (b.error < 0)
		error = trb_err_oom();
	else if (ferror(f))
		error = trb_err_set(TRB_EIO, "cannot read %s", path);
	fclose(f);
	if (error == 0) {
		*len = b.len;
		/* an empty file detaches as an allocated "" */
		if (!(*out = trb_buf_detach(&b)))
			error = trb_err_oom();
	}
	if (error < 0)
		*len = 0;
	trb_buf_dispose(&b);
	return error;
}
