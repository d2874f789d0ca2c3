"""Invoke the Lambda handler from an unpacked deployment zip, as the Lambda runtime would.

Run with `python -I -S -B lambda_zip_invoke.py UNPACKED_DIR EVENT_JSON`: no site-packages, no
PYTHONPATH, so only the standard library and the unpacked zip can be imported. Prints one JSON
object: the handler's answer, the search path, and where every loaded module came from. Standard
library only: nothing of the project or the tests is importable here.
"""

import importlib
import json
import sys


def main(unpacked_dir: str, event_path: str) -> None:
    stdlib_paths = list(sys.path)
    sys.path.insert(0, unpacked_dir)
    handler_module = importlib.import_module("apps.read_model_updater.lambda_handler")
    with open(event_path, encoding="utf-8") as event_file:
        event = json.load(event_file)
    try:
        answer = handler_module.handler(event, None)
    finally:
        handler_module.close_runtime()
    # Every module but this script itself.
    module_files = sorted(
        {
            origin
            for name, module in list(sys.modules.items())
            if name != "__main__" and (origin := _origin(module))
        }
    )
    json.dump(
        {"answer": answer, "stdlib_paths": stdlib_paths, "module_files": module_files},
        sys.stdout,
    )


def _origin(module: object) -> str | None:
    origin = getattr(module, "__file__", None)
    return origin if isinstance(origin, str) else None


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
