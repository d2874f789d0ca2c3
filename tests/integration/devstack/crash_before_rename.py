"""`python -m tests.integration.devstack.crash_before_rename ARGS…`: the local DynamoDB, killed
(os._exit, no cleanup) the moment a compaction is about to rename its new journal into place."""

import os
import runpy
import sys
from pathlib import Path

CRASH_EXIT_CODE = 97
_real_replace = os.replace


def _crash_before_journal_rename(source: object, destination: object, **kwargs: object) -> None:
    if Path(str(destination)).name == "requests.jsonl":
        os._exit(CRASH_EXIT_CODE)
    _real_replace(source, destination, **kwargs)  # type: ignore[arg-type]


if __name__ == "__main__":
    os.replace = _crash_before_journal_rename
    sys.argv[0] = "devstack.local_dynamodb"
    runpy.run_module("devstack.local_dynamodb", run_name="__main__", alter_sys=True)
