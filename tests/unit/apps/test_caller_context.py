"""The apps' GraphQL context: the guard's Principal as the Caller; none with AUTH_MODE=off."""

import pytest
from aiohttp import web
from aiohttp.test_utils import make_mocked_request

from apps.caller_context import MissingPrincipalError, caller_context_factory
from infrastructure.auth.principal import PRINCIPAL, Principal
from interface_adapter.graphql.caller_context import CALLER, caller_of
from use_case.caller import Caller

pytestmark = pytest.mark.unit


def request_with(principal: Principal | None) -> web.Request:
    request = make_mocked_request("POST", "/api/graphql")
    if principal is not None:
        request[PRINCIPAL] = principal
    return request


@pytest.mark.parametrize("mode", ["off", "jwt"])
@pytest.mark.parametrize("admin", [False, True])
def test_a_principal_becomes_the_caller(mode: str, admin: bool) -> None:
    context = caller_context_factory(mode)(request_with(Principal("auth0|taro", admin)))

    assert caller_of(context) == Caller("auth0|taro", admin)


def test_without_a_principal_with_auth_off_every_caller_is_the_admin_without_identity() -> None:
    context = caller_context_factory("off")(request_with(None))

    assert context == {CALLER: Caller.admin_without_identity()}


def test_without_a_principal_in_jwt_mode_nothing_is_guessed() -> None:
    # The guard did not run: a wiring bug, answered INTERNAL_ERROR rather than with an admin.
    with pytest.raises(MissingPrincipalError):
        caller_context_factory("jwt")(request_with(None))
