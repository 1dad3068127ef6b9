#!/usr/bin/python3
"""A fence_xvm requester for the tests, written from ../shared/docs/fence_xvm-protocol.md:
it can send requests no real agent sends (truncated, badly signed, garbage, replayed,
with a callback address that never answers) and says whether a daemon called back.

usage: xvm-client.py --key FILE --via ADDR [--group G] [--port P] [--op N] [--domain D]
                     [--hash sha256] [--auth sha256] [--mangle none|truncate|badsig|garbage]
                     [--callback ADDR] [--times N] [--wait S]
Prints one line per request sent: "callback: RESULT" (the daemon's result byte after the
challenge), or "no callback". Exits 0.
"""
import argparse
import hashlib
import os
import select
import socket
import struct

HASHES = {"none": 0, "sha1": 1, "sha256": 2, "sha512": 3}


def digest(name, key, data):
    if name == "none":
        return b"\0" * 64
    h = hashlib.new(name)
    h.update(key + data)
    return h.digest().ljust(64, b"\0")


def request(a, key, cb_addr, cb_port, seqno):
    addr = socket.inet_aton(cb_addr)
    body = struct.pack("<BBBB64s28sH6sII", a.op, HASHES[a.hash], 4, 0, a.domain.encode(),
                       addr.ljust(28, b"\0"), cb_port, os.urandom(6), seqno, 2)
    mac = digest(a.hash, key, body + b"\0" * 64) if a.hash != "none" else b"\0" * 64
    return body + mac


def mangle(pkt, how):
    if how == "truncate":
        return pkt[:100]
    if how == "badsig":
        return pkt[:-64] + bytes(b ^ 0x55 for b in pkt[-64:])
    if how == "garbage":
        return os.urandom(len(pkt))
    return pkt


def serve_callback(a, key, lsock):
    ready, _, _ = select.select([lsock], [], [], a.wait)
    if not ready:
        return "no callback"
    conn, _ = lsock.accept()
    conn.settimeout(a.wait)
    try:
        if a.auth != "none":
            mine = os.urandom(64)
            conn.sendall(mine)
            answer = conn.recv(64, socket.MSG_WAITALL)
            if answer != digest(a.auth, key, mine):
                return "callback: daemon failed the challenge"
            theirs = conn.recv(64, socket.MSG_WAITALL)
            conn.sendall(digest(a.auth, key, theirs))
        byte = conn.recv(1)
        return "callback: %d" % byte[0] if byte else "callback: closed"
    finally:
        conn.close()


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--key", required=True)
    p.add_argument("--via", required=True, help="local address to send from (and listen on)")
    p.add_argument("--group", default="225.0.0.12")
    p.add_argument("--port", type=int, default=1229)
    p.add_argument("--op", type=int, default=4)
    p.add_argument("--domain", default="node1")
    p.add_argument("--hash", default="sha256")
    p.add_argument("--auth", default="sha256")
    p.add_argument("--mangle", default="none")
    p.add_argument("--callback", help="callback address in the request (default: --via)")
    p.add_argument("--times", type=int, default=1, help="send the same request N times")
    p.add_argument("--wait", type=float, default=3.0)
    a = p.parse_args()
    key = open(a.key, "rb").read()[:4096]
    lsock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    lsock.bind((a.via, 0))
    lsock.listen(4)
    seqno = struct.unpack("<I", os.urandom(4))[0]
    pkt = mangle(request(a, key, a.callback or a.via, lsock.getsockname()[1], seqno), a.mangle)
    out = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    out.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, 2)
    out.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton(a.via))
    for _ in range(a.times):
        out.sendto(pkt, (a.group, a.port))
        print(serve_callback(a, key, lsock), flush=True)


if __name__ == "__main__":
    main()
