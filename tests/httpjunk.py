#!/usr/bin/python3
# SPDX-License-Identifier: ISC
# Copyright (c) 2026 The ipcmon authors
# httpjunk.py HOST:PORT CASE - send what no HTTP client sends, print what
# came back (the status line, or "closed" when the server hung up first).
#
#   garbage   bytes that are no request
#   header    a GET with 100 KiB of headers
#   url       a GET of a 64 KiB path
#   body      a GET with a 1 MiB body
#   slow N S  N connections that send half a request line, then nothing;
#             prints "closed N" once the server dropped them all, or
#             "open K" after S seconds with K still open
import socket
import sys
import time

host, port = sys.argv[1].rsplit(":", 1)
addr = (host, int(port))


def exchange(data):
    s = socket.create_connection(addr, timeout=10)
    try:
        s.sendall(data)
    except OSError:
        pass  # the server may hang up before it read everything
    try:
        reply = s.recv(4096)
    except OSError:
        reply = b""
    s.close()
    return reply.split(b"\r\n", 1)[0].decode("latin-1") if reply else "closed"


case = sys.argv[2]
if case == "garbage":
    print(exchange(b"\x00\x01\xffGARBAGE \x7f\r\n\r\n"))
elif case == "header":
    print(exchange(b"GET /metrics HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 102400 + b"\r\n\r\n"))
elif case == "url":
    print(exchange(b"GET /" + b"m" * 65536 + b" HTTP/1.1\r\nHost: x\r\n\r\n"))
elif case == "body":
    print(exchange(b"GET /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 1048576\r\n\r\n" + b"b" * 1048576))
elif case == "slow":
    n, secs = int(sys.argv[3]), float(sys.argv[4])
    conns = []
    for _ in range(n):
        s = socket.create_connection(addr, timeout=5)
        s.sendall(b"GET /metr")
        s.setblocking(False)
        conns.append(s)
    print("holding %d" % n, flush=True)
    deadline = time.monotonic() + secs
    while conns and time.monotonic() < deadline:
        still = []
        for s in conns:
            try:
                if s.recv(4096) == b"":
                    s.close()
                    continue
            except BlockingIOError:
                pass
            except OSError:
                s.close()
                continue
            still.append(s)
        conns = still
        time.sleep(0.1)
    print("closed %d" % n if not conns else "open %d" % len(conns))
else:
    sys.exit("unknown case " + case)
