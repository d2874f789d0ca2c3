"""The committed Lambda event fixtures are what their generator writes (regenerate: README)."""

import pytest

from tests.support.stream_events import FIXTURES, FIXTURES_DIR, render

pytestmark = pytest.mark.unit


@pytest.mark.parametrize("name", sorted(FIXTURES))
async def test_the_committed_fixture_matches_its_generator(name: str) -> None:
    committed = (FIXTURES_DIR / name).read_text(encoding="utf-8")
    assert committed == render(await FIXTURES[name]()), (
        "run `PYTHONPATH=src:. python -m tests.support.stream_events` and commit the result"
    )
