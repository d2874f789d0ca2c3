"""`python -m devstack.metric URL NAME`: one metric of a running service, for the stack scripts'
`status` (the largest of its samples: the lag of the updater's most lagging shard)."""

import argparse
import sys
import urllib.error
import urllib.request

from prometheus_client.parser import text_string_to_metric_families


def largest(text: str, name: str) -> float | None:
    values = [
        sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
        if sample.name == name
    ]
    return max(values) if values else None


def main(argv: list[str] | None = None) -> int:
    """Print the largest sample named NAME at URL (three decimals; nothing when it has none);
    exit 1 when the service does not answer."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("url")
    parser.add_argument("name")
    args = parser.parse_args(argv)
    try:
        with urllib.request.urlopen(args.url, timeout=2) as response:
            text = response.read().decode("utf-8")
    except (OSError, urllib.error.URLError):
        return 1
    value = largest(text, args.name)
    if value is not None:
        print(f"{value:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
