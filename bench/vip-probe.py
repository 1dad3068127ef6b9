#!/usr/bin/python3
"""Watch a floating IP answer, for bench/failover: run inside the client's network namespace.

Sends an ICMP echo request to ADDRESS every INTERVAL_MS milliseconds (raw socket) and,
on an AF_PACKET socket bound to IFACE, sees every echo reply from ADDRESS with the
Ethernet address that sent it. Prints one line per reply, flushed at once:
    <seconds since the epoch, 6 decimals> <sender's MAC> <when its request was sent>
until it is killed (the third field lets a reader ignore replies to requests sent before
some moment: a reply in flight when the address went away does not count as its return). Needs root (CAP_NET_RAW) in the namespace.

usage: vip-probe.py ADDRESS IFACE [INTERVAL_MS]
"""
import os
import select
import socket
import struct
import sys
import time


def checksum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    s = (s >> 16) + (s & 0xFFFF)
    s += s >> 16
    return ~s & 0xFFFF


def echo_request(ident, seq):
    header = struct.pack("!BBHHH", 8, 0, 0, ident, seq)
    payload = b"vigil-bench"
    return struct.pack("!BBHHH", 8, 0, checksum(header + payload), ident, seq) + payload


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__.strip().splitlines()[-1])
    addr, iface = sys.argv[1], sys.argv[2]
    interval = (float(sys.argv[3]) if len(sys.argv) > 3 else 5.0) / 1000.0
    target = socket.inet_aton(addr)
    ident = os.getpid() & 0xFFFF
    send = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
    recv = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0800))
    recv.bind((iface, 0))
    seq = 0
    sent = {}
    next_send = time.monotonic()
    out = sys.stdout
    while True:
        now = time.monotonic()
        if now >= next_send:
            seq = (seq + 1) & 0xFFFF
            sent[seq] = time.time()
            try:
                send.sendto(echo_request(ident, seq), (addr, 0))
            except OSError:
                pass  # no route or no neighbour yet: try again next time
            next_send = now + interval
        ready, _, _ = select.select([recv], [], [], max(0.0, next_send - time.monotonic()))
        if not ready:
            continue
        frame = recv.recv(2048)
        if len(frame) < 14 + 20 + 8:
            continue
        ip = frame[14:]
        ihl = (ip[0] & 0x0F) * 4
        if ip[9] != 1 or ip[12:16] != target:
            continue
        icmp = ip[ihl:]
        kind, _, _, rid, rseq = struct.unpack("!BBHHH", icmp[:8])
        if kind != 0 or rid != ident:
            continue
        mac = ":".join("%02x" % b for b in frame[6:12])
        out.write("%.6f %s %.6f\n" % (time.time(), mac, sent.pop(rseq, 0.0)))
        out.flush()


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        pass
