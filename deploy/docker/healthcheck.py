"""Docker HEALTHCHECK of the API image: healthy when the API in this container is ready.

The image runs either API, each on its own port (COMMAND_API_PORT, QUERY_API_PORT): the one that
answers `GET /api/health/ready` with 200 makes the container healthy. Standard library only: the
slim image has no curl.
"""

import os
import sys
import urllib.error
import urllib.request

TIMEOUT_SECONDS = 3.0
_PORTS = (("COMMAND_API_PORT", "50501"), ("QUERY_API_PORT", "50502"))


def ready(port: str) -> str | None:
    """None when the API on `port` is ready, else why not."""
    url = f"http://127.0.0.1:{port}/api/health/ready"
    try:
        with urllib.request.urlopen(url, timeout=TIMEOUT_SECONDS) as response:
            return None if response.status == 200 else f"{url}: HTTP {response.status}"
    except urllib.error.HTTPError as error:
        return f"{url}: HTTP {error.code} {error.read(500).decode(errors='replace')}"
    except (OSError, ValueError) as error:
        return f"{url}: {error}"


def main() -> int:
    problems = []
    for variable, default in _PORTS:
        problem = ready(os.environ.get(variable) or default)
        if problem is None:
            return 0
        problems.append(problem)
    print("; ".join(problems), file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
