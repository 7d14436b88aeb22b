/*
 * file.c - read a whole regular file (see file.h).
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "file.h"

char *
file_read(const char *path, size_t max, size_t *len)
{
	struct stat st;
	FILE *fp;
	char *buf;
	int saved;

	if ((fp = fopen(path, "r")) == NULL)
		return NULL;
	if (fstat(fileno(fp), &st) < 0 || !S_ISREG(st.st_mode) ||
	    (size_t)st.st_size > max) {
		fclose(fp);
		errno = EFBIG;
		return NULL;
	}
	if ((buf = malloc((size_t)st.st_size + 1)) == NULL) {
		fclose(fp);
		return NULL;
	}
	*len = fread(buf, 1, (size_t)st.st_size, fp);
	saved = errno;
	if (ferror(fp)) {
		fclose(fp);
		free(buf);
		errno = saved ? saved : EIO;
		return NULL;
	}
	buf[*len] = '\0';
	fclose(fp);
	return buf;
}

char *
file_read_diag(const char *path, size_t max, size_t *len,
    struct diag_list *diags, const char *id, const char *what)
{
	char *buf = file_read(path, max, len);

	if (buf == NULL)
		diag_add(diags, path, 0, 0, SEV_ERROR, id, "cannot read the %s: %s",
		    what, errno == EFBIG ? "not a regular file, or too large" :
		    strerror(errno));
	return buf;
}
