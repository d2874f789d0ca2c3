"""`python -m devstack.local_keys FILE`: makes the local stack's key-encryption key once."""

import stat
from pathlib import Path

import pytest

from devstack.local_keys import main

pytestmark = pytest.mark.unit


def test_it_makes_the_file_once_and_keeps_it(tmp_path: Path) -> None:
    kek_file = tmp_path / "run" / "keys" / "key-encryption-key"

    assert main([str(kek_file)]) == 0
    kek = kek_file.read_bytes()
    assert main([str(kek_file)]) == 0

    assert kek_file.read_bytes() == kek
    assert len(kek) == 32
    assert stat.S_IMODE(kek_file.stat().st_mode) == 0o600


def test_an_unusable_file_fails_saying_why(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    kek_file = tmp_path / "key-encryption-key"
    kek_file.write_bytes(b"\x00" * 32)
    kek_file.chmod(0o644)

    assert main([str(kek_file)]) == 1
    assert "chmod 600" in capsys.readouterr().err
