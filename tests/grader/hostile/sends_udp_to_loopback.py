# ruff: noqa
# level: level1_double
# must fail: test_double_of_an_int_is_twice_the_int
# says: the network
# listens: 47292
# Sends a UDP datagram to this machine's loopback on every call (Landlock's rules are for TCP only).
import socket


class Double:
    def __call__(self, x):
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.sendto(b"hello", ("127.0.0.1", 47292))
        return 2 * x
