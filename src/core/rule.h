/*
 * rule.h - compiled rules and their conditions (SPEC section 3).
 *
 * Rules are built by the configuration loader and never change afterwards;
 * all threads read them.  rule_eval() is pure: it is given what is known
 * about the session (struct facts) and per-thread scratch space.
 */
#ifndef ESC_RULE_H
#define ESC_RULE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cidr.h"
#include "diag.h"
#include "match.h"
#include "reason.h"
#include "stage.h"
#include "template.h"

enum cond_type {
	C_CLIENT_IP,
	C_CLIENT_NAME,
	C_HELO,
	C_SENDER,
	C_SENDER_DOMAIN,
	C_SENDER_NULLMX,
	C_RECIPIENT,
	C_RECIPIENT_DOMAIN,
	C_RECIPIENT_NULLMX,
	C_HEADER,
	C_BODY,
	C_SIZE,
	C_RECIPIENTS,
	C_AUTH,
};

enum cmp_op { OP_LT, OP_LE, OP_GT, OP_GE, OP_EQ, OP_NE };

struct cond {
	enum cond_type		 type;
	bool			 negate;
	struct matcher		 m;		/* MATCH conditions */
	struct cidr_list	 nets;		/* client-ip */
	char			*header;	/* C_HEADER: the header name */
	unsigned		 hdr_bit;	/* C_HEADER: bit in facts.hdr_bits */
	enum cmp_op		 op;		/* size, recipients */
	unsigned long long	 num;
	int			 line;
};

enum action { ACT_REPLY, ACT_ACCEPT, ACT_DISCARD };
enum mode { MODE_ENFORCE, MODE_MONITOR };

struct rule {
	char		*name;
	char		*file;		/* where it was defined */
	int		 line;
	unsigned	 index;		/* position in the configuration */
	struct cond	*cond;
	unsigned	 ncond;
	enum action	 action;
	enum mode	 mode;		/* effective (global monitor applied) */
	bool		 mode_set;	/* "mode =" given in the rule */
	enum stage	 stage;		/* where it is evaluated */
	enum stage	 earliest;	/* where its conditions are first known */
	bool		 stage_set;
	bool		 per_recipient;	/* has recipient conditions */
	bool		 allow_unregistered;
	bool		 reason_set;	/* "reason =" given */
	enum reason	 reason;
	struct template	 reply;		/* action reply */
	int		 reply_line;
	unsigned	 stat_slot;	/* set by the daemon's statistics */
};

/* What is known when a rule is evaluated.  Strings may be NULL (unknown). */
struct facts {
	enum stage		 stage;
	const struct ipaddr	*ip;
	const char		*client_name;
	const char		*helo;
	const char		*sender;
	const char		*sender_domain;
	const char		*recipient;
	const char		*recipient_domain;
	bool			 authenticated;
	unsigned		 nrcpt;		/* recipients accepted so far */
	unsigned long long	 size;		/* bytes (at eom) */
	const uint8_t		*hdr_bits;	/* header conditions that matched */
	const char		*body;
	size_t			 bodylen;
};

/* Null-MX lookups are the caller's: 1 null MX, 0 not (or DNS failure). */
typedef int (*nullmx_fn)(void *ctx, const char *domain);

struct eval_ctx {
	struct match_scratch	*scratch;
	nullmx_fn		 nullmx;
	void			*nullmx_ctx;
};

/* cond_stage - the earliest stage where a condition of this type is known */
enum stage cond_stage(enum cond_type);

/* cond_type_name - "sender-domain" ... */
const char *cond_type_name(enum cond_type);

/*
 * cond_parse - parse the value of an "if =" line into c.  Relative list
 * files are taken from basedir.  0, or -1 with err.
 */
int	cond_parse(struct cond *c, const char *text, const char *basedir,
	    struct esc_err *err);

/* cond_free - release */
void	cond_free(struct cond *);

/* rule_eval - 1 fires, 0 does not, -1 unknown (regex limit, ENOMEM) */
int	rule_eval(const struct rule *, const struct facts *, struct eval_ctx *);

/* rule_free - release what the rule owns (not the struct itself) */
void	rule_free(struct rule *);

/* mode_name, action_name - printable */
const char *mode_name(enum mode);
const char *action_name(enum action);

#endif
