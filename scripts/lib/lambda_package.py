"""Steps of scripts/build-lambda-zip.sh that are easier in Python than in bash.

  project-files SRC           the project's source files the Lambda handler imports (run it with
                              SRC on the path: it imports the handler to find out)
  trim DIR                    delete what the function never loads (C sources, stubs, scripts,
                              bytecode, botocore's models of services it does not call)
  smoke DIR                   import the handler from DIR alone (run with `python -I -S`)
  zip DIR OUTPUT              write a reproducible zip of DIR: sorted entries, fixed timestamps
"""

import argparse
import hashlib
import importlib
import shutil
import sys
import zipfile
from pathlib import Path

HANDLER_MODULE = "apps.read_model_updater.lambda_handler"
HANDLER_FUNCTION = "handler"

# Files no import ever reads: C/Cython sources, type stubs, console scripts.
_DEAD_SUFFIXES = (".c", ".h", ".cpp", ".pyx", ".pxd", ".pxi", ".pyi")
_DEAD_DIRS = ("bin",)
# botocore ships the models of ~400 services (25 MB); the handler only calls DynamoDB and KMS
# (which unwraps the data keys). The streams client is the local poller's; sts/sso/sso-oidc
# serve credential providers.
_BOTOCORE_SERVICES = ("dynamodb", "dynamodbstreams", "kms", "sts", "sso", "sso-oidc")
# Extracted files need no time of their own: a fixed one makes the zip reproducible (zip's
# epoch is 1980).
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def project_files(src: Path) -> list[Path]:
    """Paths (relative to `src`) of every module of ours loaded by importing the handler."""
    handler_module = importlib.import_module(HANDLER_MODULE)
    if not callable(getattr(handler_module, HANDLER_FUNCTION, None)):
        raise SystemExit(f"error: {HANDLER_MODULE}.{HANDLER_FUNCTION} is not a function")
    root = src.resolve()
    files: set[Path] = set()
    for module in list(sys.modules.values()):
        origin = getattr(module, "__file__", None)
        if origin is None:
            continue
        path = Path(origin).resolve()
        if path.is_relative_to(root):
            files.add(path.relative_to(root))
    return sorted(files)


def trim(directory: Path) -> None:
    for path in sorted(directory.rglob("*"), reverse=True):
        if not path.exists():
            continue
        if path.is_dir() and path.name == "__pycache__":
            shutil.rmtree(path)
        elif path.is_file() and path.suffix in _DEAD_SUFFIXES:
            path.unlink()
    for name in _DEAD_DIRS:
        shutil.rmtree(directory / name, ignore_errors=True)
    data = directory / "botocore" / "data"
    if data.is_dir():
        for service in data.iterdir():
            if service.is_dir() and service.name not in _BOTOCORE_SERVICES:
                shutil.rmtree(service)


def smoke(directory: Path) -> None:
    """Import the handler with `directory` as the only place outside the standard library."""
    sys.path.insert(0, str(directory))
    handler_module = importlib.import_module(HANDLER_MODULE)
    if not callable(getattr(handler_module, HANDLER_FUNCTION, None)):
        raise SystemExit(f"error: {HANDLER_MODULE}.{HANDLER_FUNCTION} is not a function")
    print(f"imported {HANDLER_MODULE}.{HANDLER_FUNCTION} from {directory} alone")


def write_zip(directory: Path, output: Path) -> None:
    files = sorted(path for path in directory.rglob("*") if path.is_file())
    output.parent.mkdir(parents=True, exist_ok=True)
    partial = output.with_name(output.name + ".partial")
    unpacked = 0
    with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for path in files:
            info = zipfile.ZipInfo(path.relative_to(directory).as_posix(), date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            # Lambda runs the code as another user than the owner: everything must be readable.
            info.external_attr = (0o755 if path.stat().st_mode & 0o111 else 0o644) << 16
            data = path.read_bytes()
            unpacked += len(data)
            zf.writestr(info, data, compresslevel=9)
    partial.replace(output)
    digest = hashlib.sha256(output.read_bytes()).hexdigest()
    size = output.stat().st_size
    print(f"zip:      {output}")
    print(f"size:     {size:,} bytes ({size / 2**20:.1f} MiB) zipped, {len(files):,} files")
    print(f"unpacked: {unpacked:,} bytes ({unpacked / 2**20:.1f} MiB); Lambda's limit is 250 MiB")
    print(f"sha256:   {digest}")
    if unpacked > 250 * 2**20:
        raise SystemExit("error: the unpacked package exceeds Lambda's 250 MiB limit")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("project-files").add_argument("src", type=Path)
    commands.add_parser("trim").add_argument("directory", type=Path)
    commands.add_parser("smoke").add_argument("directory", type=Path)
    zip_parser = commands.add_parser("zip")
    zip_parser.add_argument("directory", type=Path)
    zip_parser.add_argument("output", type=Path)
    args = parser.parse_args()
    if args.command == "project-files":
        for path in project_files(args.src):
            print(path.as_posix())
    elif args.command == "trim":
        trim(args.directory)
    elif args.command == "smoke":
        smoke(args.directory)
    else:
        write_zip(args.directory, args.output)


if __name__ == "__main__":
    main()
