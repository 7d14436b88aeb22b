/*
 * file.h - read a whole regular file into memory.
 */
#ifndef ESC_FILE_H
#define ESC_FILE_H

#include <stddef.h>

/*
 * file_read - the contents of path, NUL-terminated, in a new buffer the
 * caller frees; *len is the length without the NUL.  NULL with errno set
 * (EFBIG when the file is not a regular file or is larger than max).
 */
char	*file_read(const char *path, size_t max, size_t *len);

#endif
