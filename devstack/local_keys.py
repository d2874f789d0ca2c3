"""`python -m devstack.local_keys FILE`: the local stack's key-encryption key (SPEC §9.2), made on
first use (32 random bytes, 0600 in a 0700 directory) as the services would make it."""

import argparse
import sys
from collections.abc import Sequence

from infrastructure.crypto import KeyFileError, load_or_create_key_file


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m devstack.local_keys", description=__doc__)
    parser.add_argument("file", help="the key file (LOCAL_KEK_FILE)")
    args = parser.parse_args(argv)
    try:
        load_or_create_key_file(args.file)
    except (KeyFileError, OSError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
