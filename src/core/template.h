/*
 * template.h - a rule's reply, from the configuration to the wire.
 *
 * template_compile() reads "CODE [XCODE] [TEXT]" once, when the
 * configuration loads: the codes, the text split at "\n" into lines (a
 * multi-line reply), every lone '%' escaped as "%%", the registry's sample
 * text when no text is given.  template_render() fills in the ${...}
 * variables for one session (values made safe by expand()) and gives the
 * lines in wire form; rendered_wire() composes them into the one string
 * the validator reads ("550-5.7.1 a\n550 5.7.1 b"), both at load time
 * (with placeholder values) and right before a reply is sent.
 *
 * One limit: TEMPLATE_MAX_LINES, libmilter's smfi_setmlreply() maximum.
 * A struct template owns its line strings (template_free); a struct
 * rendered owns nothing and holds no pointer.  Pure, thread-safe.
 */
#ifndef ESC_TEMPLATE_H
#define ESC_TEMPLATE_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"
#include "expand.h"
#include "registry.h"
#include "reply.h"
#include "xcode.h"

#define TEMPLATE_MAX_LINES	REPLY_LIBMILTER_LINES	/* 32 */
#define TEMPLATE_TEXT_MAX	1024	/* a reply text as written, bytes */
/* a rendered line: longer than any valid reply line, so that an
   expansion that is too long is seen by the validator, not cut to fit */
#define RENDERED_LINE_MAX	(REPLY_LINE_MAX + 64)
#define RENDERED_WIRE_MAX	(TEMPLATE_MAX_LINES * (RENDERED_LINE_MAX + 16))

struct template {
	char		 code[4];		/* "550" */
	char		 xcode[XCODE_STRLEN];	/* as written; "" when none */
	bool		 has_xcode;		/* xcode parsed (x is valid) */
	struct xcode	 x;
	char		*line[TEMPLATE_MAX_LINES];	/* '%' escaped */
	unsigned	 nlines;
	bool		 text_default;		/* from the registry */
	unsigned	 lone_percent;		/* lone '%' that were escaped */
};

/* A reply ready for the MTA: lines in wire form ('%' escaped). */
struct rendered {
	char		 code[4];
	char		 xcode[XCODE_STRLEN];	/* "" when none */
	unsigned	 nlines;
	char		 line[TEMPLATE_MAX_LINES][RENDERED_LINE_MAX];
};

/*
 * template_compile - parse a reply specification into t (zeroed first).
 * -1 on failure: *id is the finding id ("reply-syntax", "xcode-syntax",
 * "text-too-long", "too-many-lines", "memory") and err says why.
 */
int	template_compile(struct template *t, const char *spec,
	    const struct registry *, const char **id, struct esc_err *err);

/* template_free - the lines (the struct itself is the caller's) */
void	template_free(struct template *);

/* template_default_text - the text a reply without one gets */
const char *template_default_text(const struct registry *, const char *code,
	    const struct xcode *x);

/* template_render - the reply for these values (vals[i] may be NULL) */
void	template_render(const struct template *,
	    const char *const vals[VAR_COUNT], struct rendered *);

/* template_placeholders - the values used to validate at load time */
extern const char *const template_placeholders[VAR_COUNT];

/*
 * rendered_safe - the fallback when a rendered reply fails validation:
 * the same codes and the default text (temp: whether the original was a
 * 4xx), or with generic = true the generic 451 4.3.0 / 550 5.7.1.
 */
void	rendered_safe(const struct template *, const struct registry *,
	    bool generic, struct rendered *);

/* rendered_wire - "550-5.7.1 a\n550 5.7.1 b" into buf; the length */
size_t	rendered_wire(const struct rendered *, char *buf, size_t size);

/* rendered_client_text - what the client reads: "%%" as "%", lines
   joined by "\n" */
void	rendered_client_text(const struct rendered *, char *out, size_t size);

/* rendered_is_temp - a 4xx reply */
bool	rendered_is_temp(const struct rendered *);

#endif
