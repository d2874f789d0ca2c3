"""`python -m apps.admin`'s command line: misuse exits 2 before anything is opened."""

import pytest

from apps.admin.__main__ import build_parser, main

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    "argv",
    [
        ["dead-letters"],
        ["dead-letters", "retry"],
        ["dead-letters", "retry", "3", "--all"],
        ["dead-letters", "purge"],
        ["dead-letters", "show", "three"],
        ["dead-letters", "list", "--limit", "-1"],
        ["checkpoints", "reset", "shard-1"],
        ["checkpoints", "reset", "shard-1", "--to", "sideways"],
        ["checkpoints", "reset", "--to", "latest"],
        ["status", "--verbose"],
        ["no-such-command"],
    ],
)
def test_misuse_exits_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        build_parser().parse_args(argv)
    assert exit_info.value.code == 2
    assert "usage:" in capsys.readouterr().err


def test_the_usual_forms_parse() -> None:
    parser = build_parser()
    assert parser.parse_args(["dead-letters", "retry", "--all"]).all
    assert parser.parse_args(["dead-letters", "purge", "7", "--yes"]).id == 7
    reset = parser.parse_args(["checkpoints", "reset", "shard-1", "--to", "trim-horizon"])
    assert (reset.shard, reset.to, reset.yes) == ("shard-1", "trim-horizon", False)
    assert parser.parse_args(["status", "--no-journal", "--json"]).no_journal


def test_a_configuration_error_exits_2(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("LOG_FORMAT", "yaml")
    assert main(["dead-letters", "list"]) == 2
    assert "LOG_FORMAT" in capsys.readouterr().err


def test_a_bad_updater_setting_exits_2(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # Read with the updater's container, before any connection is opened.
    monkeypatch.setenv("UPDATER_LEASE_MS", "0")
    assert main(["checkpoints", "show"]) == 2
    assert "UPDATER_LEASE_MS" in capsys.readouterr().err
