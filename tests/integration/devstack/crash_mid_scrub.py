"""`python -m tests.integration.devstack.crash_mid_scrub ARGS…`: the local DynamoDB, killed
(os._exit, no cleanup) between the two phases of a scrub: the lines marked, not yet blanked."""

import os
import runpy
import sys

CRASH_EXIT_CODE = 98
_real_pwrite = os.pwrite


def _crash_before_blanking(descriptor: int, data: object, offset: int) -> int:
    if bytes(data).startswith(b" "):  # type: ignore[call-overload]
        os._exit(CRASH_EXIT_CODE)
    return _real_pwrite(descriptor, data, offset)  # type: ignore[arg-type]


if __name__ == "__main__":
    os.pwrite = _crash_before_blanking
    sys.argv[0] = "devstack.local_dynamodb"
    runpy.run_module("devstack.local_dynamodb", run_name="__main__", alter_sys=True)
