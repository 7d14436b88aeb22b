/*
 * file.h - read a whole regular file into memory.
 */
#ifndef ESC_FILE_H
#define ESC_FILE_H

#include <stddef.h>

#include "diag.h"

/*
 * file_read - the contents of path, NUL-terminated, in a new buffer the
 * caller frees; *len is the length without the NUL.  NULL with errno set
 * (EFBIG when the file is not a regular file or is larger than max).
 */
char	*file_read(const char *path, size_t max, size_t *len);

/*
 * file_read_diag - the same, what went wrong added to diags as an error
 * (id, "cannot read the WHAT: why") for a table named in a configuration
 */
char	*file_read_diag(const char *path, size_t max, size_t *len,
	    struct diag_list *diags, const char *id, const char *what);

#endif
