"""The in-memory read model passes the read-model contract, and folds case as PostgreSQL does."""

import pytest

from interface_adapter.read_model.in_memory_read_model import (
    InMemoryUserAccountReadModel,
    fold_case,
)
from tests.support.read_model_contract import ReadModelContract
from use_case.ports import UserAccountReadModel

pytestmark = pytest.mark.unit


class TestInMemoryReadModel(ReadModelContract):
    @pytest.fixture
    def read_model(self) -> UserAccountReadModel:
        return InMemoryUserAccountReadModel()


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Taro YAMADA", "taro yamada"),
        ("ΟΔΟΣ", "οδοσ"),  # no final sigma
        ("İ", "i"),  # one code point, not two
        ("ẞ", "ß"),
        ("Straße", "straße"),  # no full folding to "ss"
        ("ǅ", "ǆ"),
        ("山田", "山田"),
    ],
)
def test_fold_case_lowers_one_code_point_at_a_time(text: str, folded: str) -> None:
    assert fold_case(text) == folded
