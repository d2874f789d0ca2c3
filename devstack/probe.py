"""Wait until a local service answers: `python -m devstack.probe http|dynamodb|tcp TARGET`.

Used by the stack scripts; exits 0 once the service answers, 1 after `--timeout` seconds.
"""

import argparse
import os
import socket
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from urllib.parse import urlsplit


def http_ok(url: str) -> bool:
    """A GET of `url` answers 2xx."""
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return 200 <= int(response.status) < 300
    except (OSError, urllib.error.URLError):
        return False


def _local_authorization() -> str:
    # moto reads the region from the credential scope and accepts any key.
    region = os.environ.get("AWS_REGION", "ap-northeast-1")
    return f"AWS4-HMAC-SHA256 Credential=test/20260101/{region}/dynamodb/aws4_request"


def dynamodb_ok(endpoint_url: str) -> bool:
    """The DynamoDB endpoint answers a ListTables call."""
    request = urllib.request.Request(
        endpoint_url,
        data=b"{}",
        headers={
            "X-Amz-Target": "DynamoDB_20120810.ListTables",
            "Content-Type": "application/x-amz-json-1.0",
            "Authorization": _local_authorization(),
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=2) as response:
            return int(response.status) == 200
    except (OSError, urllib.error.URLError):
        return False


def tcp_ok(address: str) -> bool:
    """Something accepts TCP connections at `host:port` (or the host and port of a URL)."""
    parts = urlsplit(address if "//" in address else f"//{address}")
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 0), timeout=2):
            return True
    except OSError:
        return False


CHECKS: dict[str, Callable[[str], bool]] = {"http": http_ok, "dynamodb": dynamodb_ok, "tcp": tcp_ok}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("kind", choices=sorted(CHECKS))
    parser.add_argument("target")
    parser.add_argument("--timeout", type=float, default=0.0, help="seconds to keep trying")
    args = parser.parse_args(argv)
    deadline = time.monotonic() + args.timeout
    while True:
        if CHECKS[args.kind](args.target):
            return 0
        if time.monotonic() >= deadline:
            return 1
        time.sleep(0.2)


if __name__ == "__main__":
    sys.exit(main())
