/*
 * address.h - envelope addresses as the MTA passes them to a milter
 * ("<user@example.org>", " <>", "user@Example.ORG.").
 *
 * Both functions return a new string the caller frees, or NULL on
 * ENOMEM.  Pure, thread-safe.
 */
#ifndef ESC_ADDRESS_H
#define ESC_ADDRESS_H

/* address_strip - without surrounding blanks and one pair of angle
   brackets: "<a@b>" -> "a@b", "<>" -> "" (NULL gives "") */
char	*address_strip(const char *);

/* address_domain - after the last '@', lower-cased, without trailing
   dots; "" when there is no '@' */
char	*address_domain(const char *);

#endif
