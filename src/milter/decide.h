/*
 * decide.h - running a stage's rules for a session.
 *
 * decide_stage() evaluates the stage's rules in file order with what the
 * session knows (session_facts); a monitor rule that fires is logged (a
 * reply event in monitor mode) and remembered for its header at end of
 * message; the first enforce rule that fires decides.  The null-MX
 * lookups a rule asks for are made here, through the active
 * configuration's resolver (with its timeout and cache).
 */
#ifndef ESC_DECIDE_H
#define ESC_DECIDE_H

#include "session.h"
#include "verdict.h"

/* decide_stage - the outcome of stage st's rules */
struct outcome decide_stage(struct session *, enum stage st);

#endif
