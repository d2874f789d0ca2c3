"""Why a query was refused → the GraphQL error the client sees (codes of SPEC §5 and §8.2)."""

from domain.user_account import ValidationFailed
from infrastructure.graphql_engine import CodedError
from interface_adapter.graphql.api_errors import ApiErrorCode, validation_error
from use_case.user_account_access import Forbidden

FORBIDDEN_MESSAGE = "Only administrators may list or search user accounts"


def refusal_error(refusal: ValidationFailed | Forbidden) -> CodedError:
    """The exception a resolver raises for `refusal`."""
    match refusal:
        case ValidationFailed(messages=messages):
            return validation_error(messages)
        case Forbidden():
            return CodedError(FORBIDDEN_MESSAGE, ApiErrorCode.FORBIDDEN)
