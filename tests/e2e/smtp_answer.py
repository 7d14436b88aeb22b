#!/usr/bin/env python3
"""smtp_answer.py PORT - an SMTP server that answers as a remote server
would answer our mail: 250 to everything, except at the end of DATA

    a recipient starting "auth-fail"   550-5.7.26 ... (three lines), as
                                       Gmail refuses unauthenticated mail
    a recipient starting "rate"        421-4.7.28 ... (two lines), then it
                                       closes the connection
    a recipient starting "nouser"      550 5.1.1 at RCPT
    a recipient starting "full"        452-4.2.2 at RCPT, as Gmail defers
                                       for a full mailbox
    a recipient starting "s3150"       550 5.7.1 at RCPT, as Outlook.com
                                       refuses a listed network (S3150)
    a recipient starting "tss04"       421 4.7.0 [TSS04] at RCPT, as
                                       Yahoo defers for volume or
                                       complaints
    a message containing "proxy-spam"  554 5.7.0 at the end of DATA, as
                                       amavis answers a before-queue
                                       content filter's client (smtpd)

It prints "ready" when listening and serves until killed.
"""
import socket
import sys
import threading


def serve(c):
    f = c.makefile("rb")
    rcpts = []

    def say(s):
        c.sendall(s.encode() + b"\r\n")

    say("220 remote.test.example ESMTP")
    while True:
        line = f.readline()
        if not line:
            break
        cmd = line.decode("latin-1").strip()
        verb = cmd[:4].upper()
        if verb in ("EHLO", "HELO"):
            say("250-remote.test.example")
            say("250 8BITMIME")
        elif verb == "MAIL":
            rcpts = []
            say("250 2.1.0 Ok")
        elif verb == "RCPT":
            addr = cmd.split(":", 1)[1].strip(" <>").lower()
            if addr.startswith("nouser"):
                say("550 5.1.1 <%s>: Recipient address rejected: User unknown" % addr)
            elif addr.startswith("full"):
                say("452-4.2.2 The recipient's inbox is out of storage space. Please direct")
                say("452 4.2.2 the recipient to https://support.google.com/mail/?p=OverQuotaTemp - gsmtp")
            elif addr.startswith("s3150"):
                say("550 5.7.1 Unfortunately, messages from [192.0.2.25] weren't sent. Please contact"
                    " your Internet service provider since part of their network is on our block"
                    " list (S3150). You can also refer your provider to http://mail.live.com/mail/"
                    "troubleshooting.aspx#errors.")
            elif addr.startswith("tss04"):
                say("421 4.7.0 [TSS04] Messages from 192.0.2.25 temporarily deferred due to unexpected"
                    " volume or user complaints - 4.16.55.1; see https://postmaster.yahooinc.com/error-codes")
            else:
                rcpts.append(addr)
                say("250 2.1.5 Ok")
        elif verb == "DATA":
            say("354 End data with <CR><LF>.<CR><LF>")
            spam = False
            while True:
                d = f.readline()
                if not d or d in (b".\r\n", b".\n"):
                    break
                spam = spam or b"proxy-spam" in d
            if spam:
                say("554 5.7.0 Reject, id=00001-01 - spam")
            elif any(r.startswith("auth-fail") for r in rcpts):
                say("550-5.7.26 This mail has been blocked because the sender is")
                say("550-5.7.26 unauthenticated. Gmail requires all senders to")
                say("550 5.7.26 authenticate with either SPF or DKIM. - gsmtp")
            elif any(r.startswith("rate") for r in rcpts):
                say("421-4.7.28 Our system has detected an unusual rate of")
                say("421 4.7.28 unsolicited mail originating from your IP address.")
                break
            else:
                say("250 2.0.0 Ok: queued")
        elif verb == "QUIT":
            say("221 2.0.0 Bye")
            break
        elif verb == "RSET" or verb == "NOOP":
            say("250 2.0.0 Ok")
        else:
            say("502 5.5.2 Error: command not recognized")
    c.close()


def main():
    ls = socket.socket()
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("127.0.0.1", int(sys.argv[1])))
    ls.listen(16)
    print("ready", flush=True)
    while True:
        c, _ = ls.accept()
        threading.Thread(target=serve, args=(c,), daemon=True).start()


if __name__ == "__main__":
    main()
