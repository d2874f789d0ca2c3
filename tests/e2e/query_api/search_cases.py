"""Search cases that every read model must answer alike over the Query API."""

from dataclasses import dataclass

from tests.e2e.query_api.accounts import account_row
from use_case.ports import UserAccountRow


@dataclass(frozen=True, slots=True)
class SearchCase:
    term: str
    # Numbers of the accounts found, in id order.
    expected: tuple[int, ...]
    why: str


def search_rows() -> list[UserAccountRow]:
    """The accounts every case searches; number 9 is deleted and never found."""
    return [
        account_row(1, "Taro", "Yamada"),
        account_row(2, "山田", "太郎"),
        account_row(3, "Élodie", "Ångström"),
        account_row(4, "100%", "Pure"),
        account_row(5, "snake_case", "Name"),
        account_row(6, "Back\\slash", "Name"),
        account_row(7, "Hanako", "Yamamoto"),
        account_row(8, "Иван", "Петров"),
        account_row(9, "Taro", "Deleted", deleted=True),
        account_row(10, "TARO", "ONO"),
    ]


SEARCH_CASES = [
    SearchCase("taro", (1, 10), "case-insensitive, ASCII"),
    SearchCase("yama", (1, 7), "substring of last names"),
    SearchCase("Taro Yamada", (1,), "full name, with its space"),
    SearchCase("o Y", (1, 7), "across the space of the full name"),
    SearchCase("  Taro Yamada  ", (1,), "the term is trimmed"),
    SearchCase("山田", (2,), "CJK first name"),
    SearchCase("山田 太郎", (2,), "CJK full name"),
    SearchCase("ÉLODIE", (3,), "non-ASCII upper case finds lower case"),
    SearchCase("ångSTRÖM", (3,), "non-ASCII lower case finds upper case"),
    SearchCase("иВАН", (8,), "Cyrillic, case-insensitive"),
    SearchCase("0%", (4,), "% is literal"),
    SearchCase("%%", (), "% is not a wildcard"),
    SearchCase("e_c", (5,), "_ is literal"),
    SearchCase("a_e", (), "_ does not match one character"),
    SearchCase("k\\s", (6,), "backslash is literal"),
    SearchCase("\\\\", (), "two backslashes are two characters"),
    SearchCase("Deleted", (), "deleted accounts are never found"),
    SearchCase("zz", (), "no match"),
]
