#!/usr/bin/python3
"""A REPLAY of qmail-smtpd + chkuser reply texts. This is NOT qmail.

qmail is not packaged for Debian, so the qmail-chkuser suite and its integration test run
against this hand-written server, which answers with the reply texts qmail-smtpd and the
chkuser patch produce (taken from administrators' published telnet dialogues):

  553 5.7.1 sorry, that domain isn't in my list of allowed rcpthosts (chkuser)
  550 5.1.1 sorry, no mailbox here by that name (chkuser)
  550 5.1.8 sorry, can't find a valid MX for sender domain (chkuser)
  553 5.1.7 sorry, mailbox syntax not allowed (chkuser)
  252 send some mail, i'll try my best              (qmail's VRFY)

Usage: qmail_chkuser.py HOST PORT [--rcpthosts a,b] [--users u,v] [--no-mx d,e] [--count FILE]
It accepts DATA only for local mailboxes and, with --count, appends one line per completed
message to FILE (tests prove no check completes a message). Stops on SIGTERM.
"""
import argparse
import asyncio
import re
import signal

SYNTAX = re.compile(r"^[A-Za-z0-9.+=-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$")


def address(arg):
    """'FROM: <a@b>' / 'from:a@b' -> 'a@b' (qmail is lenient about brackets and spaces)."""
    arg = arg.split(":", 1)[1].strip() if ":" in arg else ""
    arg = arg.split(" ", 1)[0]
    return arg[1:-1] if arg.startswith("<") and arg.endswith(">") else arg


class Session:
    def __init__(self, opts):
        self.o = opts
        self.sender = None
        self.rcpts = []

    def mail(self, arg):
        addr = address(arg)
        if addr and not SYNTAX.match(addr):
            return "553 5.1.7 sorry, mailbox syntax not allowed (chkuser)"
        domain = addr.rsplit("@", 1)[-1].lower() if addr else ""
        if domain and domain in self.o.no_mx:
            return "550 5.1.8 sorry, can't find a valid MX for sender domain (chkuser)"
        self.sender, self.rcpts = addr, []
        return "250 ok"

    def rcpt(self, arg):
        if self.sender is None:
            return "503 MAIL first (#5.5.1)"
        addr = address(arg)
        local, _, domain = addr.rpartition("@")
        if domain.lower() not in self.o.rcpthosts:
            return "553 5.7.1 sorry, that domain isn't in my list of allowed rcpthosts (chkuser)"
        if local.lower() not in self.o.users:
            return "550 5.1.1 sorry, no mailbox here by that name (chkuser)"
        self.rcpts.append(addr)
        return "250 ok"


async def handle(reader, writer, opts):
    s = Session(opts)
    name = opts.name

    async def say(line):
        writer.write(line.encode() + b"\r\n")
        await writer.drain()

    await say(f"220 {name} ESMTP")
    try:
        while True:
            raw = await asyncio.wait_for(reader.readline(), 60)
            if not raw:
                break
            line = raw.decode("latin-1").rstrip("\r\n")
            verb = line.split(" ", 1)[0].upper()
            if verb == "EHLO":
                await say(f"250-{name}\r\n250-PIPELINING\r\n250-8BITMIME\r\n250 SIZE 3000000")
            elif verb == "HELO":
                await say(f"250 {name}")
            elif verb == "MAIL":
                await say(s.mail(line[4:]))
            elif verb == "RCPT":
                await say(s.rcpt(line[4:]))
            elif verb == "DATA":
                if not s.rcpts:
                    await say("503 RCPT first (#5.5.1)")
                    continue
                await say("354 go ahead")
                while True:
                    body = await asyncio.wait_for(reader.readline(), 60)
                    if not body:
                        return
                    if body.rstrip(b"\r\n") == b".":
                        break
                if opts.count:
                    with open(opts.count, "a") as f:
                        f.write(f"{s.sender} -> {','.join(s.rcpts)}\n")
                s.sender, s.rcpts = None, []
                await say("250 ok 1700000000 qp 4242")
            elif verb == "RSET":
                s.sender, s.rcpts = None, []
                await say("250 flushed")
            elif verb == "NOOP":
                await say("250 ok")
            elif verb == "VRFY":
                await say("252 send some mail, i'll try my best")
            elif verb == "QUIT":
                await say(f"221 {name}")
                break
            else:
                await say("502 unimplemented (#5.5.1)")
    except (asyncio.TimeoutError, ConnectionError):
        pass
    finally:
        writer.close()


async def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("host")
    ap.add_argument("port", type=int)
    ap.add_argument("--name", default="qmail.replay.test")
    ap.add_argument("--rcpthosts", default="qmail.replay.test")
    ap.add_argument("--users", default="alice,bob,postmaster")
    ap.add_argument("--no-mx", default="no-mx.lab.test,fakedomain.xxx")
    ap.add_argument("--count")
    o = ap.parse_args()
    o.rcpthosts = {d.lower() for d in o.rcpthosts.split(",")}
    o.users = {u.lower() for u in o.users.split(",")}
    o.no_mx = {d.lower() for d in o.no_mx.split(",")}
    server = await asyncio.start_server(lambda r, w: handle(r, w, o), o.host, o.port)
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    async with server:
        await stop.wait()


if __name__ == "__main__":
    asyncio.run(main())
