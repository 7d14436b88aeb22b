/*
 * signals.h - SIGHUP/SIGUSR1 reload, SIGUSR2 statistics, SIGTERM/SIGINT stop.
 *
 * libmilter's own signal thread sigwait()s for SIGHUP, SIGTERM and SIGINT
 * and stops the milter on SIGHUP.  Operators, systemd's ExecReload and
 * logrotate send SIGHUP to reload, and two threads waiting for the same
 * signal get it in no defined order.  So this module defines sigwait():
 * the call libmilter's thread makes (its set holds HUP, TERM and INT)
 * waits for none of them, and our own thread is the only one that gets
 * them.  On SIGTERM or SIGINT it calls the stop function given to
 * signals_start() (smfi_stop() and a wake-up of libmilter's listener); a
 * second one sets signals_cut, which ends the wait for the sessions in
 * flight.  If a libmilter build ever bypasses this (signals_interposed()
 * stays false), a warning says that SIGHUP will stop the milter and
 * SIGUSR1 reloads; SIGTERM then still stops it, through libmilter.
 */
#ifndef ESC_SIGNALS_H
#define ESC_SIGNALS_H

#include <stdatomic.h>
#include <stdbool.h>

/* signals_block - block the signals in the calling (main) thread, before
   any thread starts, so every thread inherits the mask */
void	signals_block(void);

/* signals_start - start the signal thread; stop is called on the first
   SIGTERM or SIGINT; -1 on failure */
int	signals_start(void (*stop)(void));

/* signals_cut - set by a second SIGTERM or SIGINT: stop waiting */
extern atomic_bool signals_cut;

/* signals_stop - stop and join it */
void	signals_stop(void);

/* signals_interposed - libmilter's sigwait() went through ours */
bool	signals_interposed(void);

#endif
