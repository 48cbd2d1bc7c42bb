# ruff: noqa
# level: level1_double
# must fail: test_double_of_an_int_is_twice_the_int
# says: the network
# listens: 47291
# Connects to a server on this machine's loopback (the test starts one) on every call.
import socket


class Double:
    def __call__(self, x):
        with socket.create_connection(("127.0.0.1", 47291), timeout=2) as connection:
            connection.sendall(b"the answers, please")
        return 2 * x
