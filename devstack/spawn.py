"""Start a command detached in its own session: `python -m devstack.spawn LOG PID -- CMD`."""

import subprocess
import sys
from pathlib import Path


def main(argv: list[str]) -> int:
    """Start CMD with its output appended to LOG and its pid written to PID; the exit status.

    The stack scripts use it so that the pid they record is the service's own pid (bash's `setsid`
    may fork and hide it) and so that a Ctrl-C in the terminal does not reach the services.
    """
    if len(argv) < 4 or argv[2] != "--":
        print("usage: python -m devstack.spawn LOG PIDFILE -- COMMAND [ARG…]", file=sys.stderr)
        return 2
    log_path, pid_path, command = Path(argv[0]), Path(argv[1]), argv[3:]
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("ab") as log:
        process = subprocess.Popen(
            command, stdin=subprocess.DEVNULL, stdout=log, stderr=log, start_new_session=True
        )
    pid_path.write_text(f"{process.pid}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
