"""One server process of the benchmark: daphne adopting the listening socket its parent handed it as fd 3.

The runner opens one socket per process and puts nginx in front, which hands the requests to the processes in
turn (daphne has no worker processes of its own). Twisted adopts an inherited socket through its
"systemd" endpoint, which reads LISTEN_FDS/LISTEN_PID like systemd socket activation; LISTEN_PID must be this
process's own id, so it is set here rather than by the parent.
"""

import os
import sys

os.environ["LISTEN_FDS"] = "1"
os.environ["LISTEN_FDNAMES"] = "bench"  # Twisted wants as many names as descriptors
os.environ["LISTEN_PID"] = str(os.getpid())

from daphne.cli import CommandLineInterface  # noqa: E402

if __name__ == "__main__":
    sys.argv = ["daphne", "-e", "systemd:domain=INET:index=0", *sys.argv[1:]]
    CommandLineInterface.entrypoint()
