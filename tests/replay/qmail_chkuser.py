#!/usr/bin/python3
"""A REPLAY of sagredo's qmail-smtpd + chkuser + qmail-spf. THIS IS NOT QMAIL.

qmail is not packaged for Debian, so suites/qmail-chkuser.yaml and its integration test run
against this hand-written server. It follows qmail's source (qmail-smtpd.c, chkuser.c, spf.c,
dns.c ... of sagredo-dev/qmail) in replies and order, not an article's summary of them: see
tests/replay/qmailreplay/__init__.py for which function each behaviour follows and what is
not replayed.

  qmail_chkuser.py --mx 127.0.0.40:25 --submission 127.0.0.40:587 --smtps 127.0.0.40:465 \\
      --cert server.pem --key server.key --password alice@qmail.replay.test=alice.pw \\
      --dns 127.0.0.10:53 --notipme 127.0.0.30 --count completed.txt

Stops on SIGTERM. With --count, one line per completed message (tests prove no check completes
one); with --log, a transcript of every connection.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from qmailreplay.server import main  # noqa: E402

if __name__ == "__main__":
    main()
