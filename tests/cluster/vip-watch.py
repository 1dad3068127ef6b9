#!/usr/bin/env python3
"""Who answers for an IPv4 address on a LAN, watched the whole time.

Usage: vip-watch.py IFACE OWN_ADDR WATCHED_ADDR OUTFILE [PERIOD_MS]

Every PERIOD_MS (default 50) it broadcasts one ARP request for WATCHED_ADDR from IFACE and
collects the MAC addresses that answer before the next one. It writes a line to OUTFILE
whenever the set of answering MACs changes: "<ms since start> <mac>[,<mac>...]", "-" when
nobody answers; a period in which two different MACs answered is a line starting with
"TWO ", the very thing a cluster that fences properly never shows. Runs until SIGTERM.
"""
import os
import select
import signal
import socket
import struct
import sys
import time

ETH_P_ARP = 0x0806


def mac_bytes(text):
    return bytes(int(x, 16) for x in text.split(':'))


def mac_text(raw):
    return ':'.join('%02x' % b for b in raw)


def main():
    iface, own, watched, out = sys.argv[1:5]
    period = (int(sys.argv[5]) if len(sys.argv) > 5 else 50) / 1000.0
    with open('/sys/class/net/%s/address' % iface) as f:
        own_mac = mac_bytes(f.read().strip())
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ARP))
    s.bind((iface, ETH_P_ARP))
    request = (b'\xff' * 6 + own_mac + struct.pack('!H', ETH_P_ARP) +
               struct.pack('!HHBBH', 1, 0x0800, 6, 4, 1) + own_mac +
               socket.inet_aton(own) + b'\x00' * 6 + socket.inet_aton(watched))
    target = socket.inet_aton(watched)
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    start = time.monotonic()
    last = None
    with open(out, 'a', buffering=1) as log:
        while not stop:
            s.send(request)
            answered = set()
            until = time.monotonic() + period
            while True:
                left = until - time.monotonic()
                if left <= 0 or stop:
                    break
                ready, _, _ = select.select([s], [], [], left)
                if not ready:
                    continue
                frame = s.recv(128)
                if len(frame) < 42 or struct.unpack('!H', frame[12:14])[0] != ETH_P_ARP:
                    continue
                op = struct.unpack('!H', frame[20:22])[0]
                if op == 2 and frame[28:32] == target:
                    answered.add(mac_text(frame[22:28]))
            now = int((time.monotonic() - start) * 1000)
            state = ','.join(sorted(answered)) if answered else '-'
            if len(answered) > 1:
                log.write('TWO %d %s\n' % (now, state))
            if state != last:
                log.write('%d %s\n' % (now, state))
                last = state
    return 0


if __name__ == '__main__':
    sys.exit(main())
