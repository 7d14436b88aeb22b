/*
 * callbacks.h - the libmilter filter description.
 */
#ifndef ESC_CALLBACKS_H
#define ESC_CALLBACKS_H

#include <libmilter/mfapi.h>

extern struct smfiDesc esc_filter;

#endif
