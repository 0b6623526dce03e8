#!/usr/bin/env python3
"""journal_forward.py LOGFILE CGROUP_DIR: hand each new Postfix line of LOGFILE to journald's
syslog socket as Postfix's own syslog() call would ("<22>postfix/smtpd[PID]: text", facility
mail), from the cgroup CGROUP_DIR (…/system.slice/postfix@-.service), so that journald records
_SYSTEMD_UNIT=postfix@-.service. Not a fake server: the lab's Postfix writes the lines, a real
journald stores them and the real journalctl reads them; this only carries them across, because
the lab's Postfix logs to its file (maillog_file), not to syslog. One long-lived process: journald
reads the sender's cgroup from /proc when a datagram arrives, which a short-lived `logger` may
have left already."""
import os
import re
import socket
import sys
import time

logfile, cgroup = sys.argv[1], sys.argv[2]
os.makedirs(cgroup, exist_ok=True)
with open(os.path.join(cgroup, "cgroup.procs"), "w") as f:
    f.write(str(os.getpid()))
sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
sock.connect("/run/systemd/journal/dev-log")
line_re = re.compile(r" (postfix[^\[ ]*)\[(\d+)\]: (.*)$")
log = open(logfile, errors="surrogateescape")
log.seek(0, os.SEEK_END)
print("ready", flush=True)
while True:
    line = log.readline()
    if not line:
        time.sleep(0.05)
        continue
    m = line_re.search(line.rstrip("\n"))
    if m:
        sock.send(f"<22>{m[1]}[{m[2]}]: {m[3]}".encode(errors="surrogateescape"))
