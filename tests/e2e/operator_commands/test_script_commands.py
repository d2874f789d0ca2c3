"""`admin` and `stop` of run-single.sh and run-cluster.sh without a stack: misuse exits 2, an
operator command against a stack that is not running exits 1 and says so."""

import pytest

from tests.e2e.newcomer_path.stack_runner import Stack

pytestmark = pytest.mark.e2e


@pytest.fixture
def no_stack(tmp_path_factory: pytest.TempPathFactory) -> Stack:
    return Stack.on_free_ports(tmp_path_factory.mktemp("no-stack") / "run")


@pytest.mark.parametrize("script", ["run-single.sh", "run-cluster.sh"])
def test_admin_needs_the_stack_running(no_stack: Stack, script: str) -> None:
    result = no_stack.run(script, "admin", "status")
    assert result.returncode == 1
    assert "not running; start the stack first (up)" in result.stderr


@pytest.mark.parametrize(
    ("script", "names"),
    [
        ("run-single.sh", []),
        ("run-single.sh", ["postgres"]),
        ("run-cluster.sh", []),
        ("run-cluster.sh", ["read-model-updater"]),
    ],
)
def test_stop_takes_only_what_it_can_stop_alone(
    no_stack: Stack, script: str, names: list[str]
) -> None:
    result = no_stack.run(script, "stop", *names)
    assert result.returncode == 2
    assert "stop" in result.stderr


def test_stopping_what_is_not_running_is_no_error(no_stack: Stack) -> None:
    assert no_stack.run("run-single.sh", "stop", "read-model-updater").returncode == 0
    assert no_stack.run("run-cluster.sh", "stop", "read-model-updater-1").returncode == 0
