"""run-cluster.sh: several API processes per port and two updaters, as a user runs them; and
concurrent conflicting commands through different processes keep the journal exact."""

import asyncio
import time
from collections.abc import Iterator
from typing import Any

import aiohttp
import pytest

from domain.user_account import UserAccountCreated, UserAccountEvent, UserAccountRenamed
from infrastructure.dynamodb import dynamodb_client
from infrastructure.settings import Settings
from tests.e2e.newcomer_path.stack_runner import Stack, alive
from tests.support.data_keys import stack_data_keys
from tests.support.journal_check import decrypted_events
from tests.support.metrics import Metrics, delta, scrape

pytestmark = pytest.mark.e2e

NODES = 3
CREATE = "mutation($i: CreateUserAccountInput!) { createUserAccount(input: $i) { id version } }"
RENAME = "mutation($i: RenameUserAccountInput!) { renameUserAccount(input: $i) { id version } }"
GET = "query($id: String!) { getUserAccount(userAccountId: $id) { firstName version } }"


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    stack = Stack.on_free_ports(tmp_path_factory.mktemp("cluster") / "run")
    try:
        yield stack
    finally:
        stack.run("run-cluster.sh", "down", "--volumes")


def status_lines(cluster: Stack) -> dict[str, str]:
    result = cluster.run("run-cluster.sh", "status")
    assert result.returncode == 0, result.stdout + result.stderr
    return {line.split()[0]: line for line in result.stdout.splitlines()}


def node_pids(cluster: Stack, api: str) -> set[int]:
    return {
        int((cluster.run_dir / "pids" / f"{api}-{n}.pid").read_text()) for n in range(1, NODES + 1)
    }


class Client:
    """Each request on a connection of its own, so that the kernel may pick another process."""

    def __init__(self, cluster: Stack) -> None:
        self.urls = {
            api: f"http://127.0.0.1:{cluster.env[f'{api.upper()}_API_PORT']}/api/graphql"
            for api in ("command", "query")
        }
        self.served_by: dict[str, list[int]] = {"command": [], "query": []}

    async def graphql(
        self, api: str, query: str, variables: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        connector = aiohttp.TCPConnector(force_close=True)
        async with (
            aiohttp.ClientSession(connector=connector) as session,
            session.post(
                self.urls[api],
                json={"query": query, "variables": variables},
                timeout=aiohttp.ClientTimeout(total=60),
            ) as response,
        ):
            self.served_by[api].append(int(response.headers["X-Served-By"]))
            answer: dict[str, Any] = await response.json()
            return answer


async def journal_of(cluster: Stack, account_id: str) -> list[UserAccountEvent]:
    settings = Settings(dynamodb_endpoint_url=cluster.env["DYNAMODB_ENDPOINT_URL"])
    async with dynamodb_client(settings) as client:
        response = await client.query(
            TableName=settings.journal_table_name,
            KeyConditionExpression="pkey = :pkey",
            ExpressionAttributeValues={":pkey": {"S": f"UserAccount-{account_id}"}},
            ConsistentRead=True,
        )
        assert "LastEvaluatedKey" not in response
        keys = stack_data_keys(
            client, settings.key_table_name, cluster.run_dir / "keys" / "key-encryption-key"
        )
        return await decrypted_events(response["Items"], keys)


def test_up_starts_every_node_and_one_updater_reads_while_the_other_stands_by(
    cluster: Stack,
) -> None:
    started = time.monotonic()
    result = cluster.run("run-cluster.sh", "up", "--nodes", str(NODES))
    assert result.returncode == 0, result.stdout + result.stderr
    print(f"run-cluster.sh up: {time.monotonic() - started:.1f} s")
    assert f"http://127.0.0.1:{cluster.env['COMMAND_API_PORT']}/api/graphql" in result.stdout

    deadline = time.monotonic() + 20
    while True:
        lines = status_lines(cluster)
        updaters = [lines[f"read-model-updater-{n}"] for n in (1, 2)]
        if sorted("standing by" in line for line in updaters) == [False, True]:
            break
        assert time.monotonic() < deadline, "\n".join(lines.values())
        time.sleep(0.5)
    assert sum("reading: holds 1 shard lease" in line for line in updaters) == 1
    expected = {"dynamodb", "postgres", "read-model-updater-1", "read-model-updater-2"}
    expected |= {f"{api}-{n}" for api in ("command-api", "query-api") for n in range(1, 4)}
    assert set(lines) == expected
    assert all(line.split()[1] == "running" for line in lines.values()), lines
    for n in range(1, NODES + 1):
        assert lines[f"command-api-{n}"].split()[5] == cluster.env["COMMAND_API_PORT"]
        assert lines[f"query-api-{n}"].split()[5] == cluster.env["QUERY_API_PORT"]


def test_up_again_changes_nothing(cluster: Stack) -> None:
    pids_before = sorted(cluster.pids())
    result = cluster.run("run-cluster.sh", "up", "--nodes", str(NODES))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "==> starting" not in result.stdout
    assert sorted(cluster.pids()) == pids_before


def test_run_single_refuses_to_start_beside_the_cluster(cluster: Stack) -> None:
    result = cluster.run("run-single.sh", "up")
    assert result.returncode != 0
    assert "run-cluster.sh down" in result.stderr


def test_up_auth_is_refused_while_the_cluster_runs_without(cluster: Stack) -> None:
    pids_before = sorted(cluster.pids())
    result = cluster.run("run-cluster.sh", "up", "--nodes", str(NODES), "--auth")
    assert result.returncode == 1
    assert "without authentication" in result.stderr
    assert "run-cluster.sh down" in result.stderr
    assert sorted(cluster.pids()) == pids_before
    lines = status_lines(cluster)
    apis = [line for name, line in lines.items() if name.startswith(("command-api", "query-api"))]
    assert len(apis) == 2 * NODES
    assert all(line.endswith("auth: off") for line in apis), lines


def test_the_e2e_script_passes_against_the_cluster(cluster: Stack) -> None:
    result = cluster.run("test-e2e.sh")
    assert result.returncode == 0, result.stdout + result.stderr
    checks = [line for line in result.stdout.splitlines() if line[:1] in ("✓", "✗")]
    assert len(checks) >= 9
    assert all(line.startswith("✓") for line in checks), result.stdout


async def test_concurrent_conflicting_renames_through_several_nodes_keep_the_journal_exact(
    cluster: Stack,
) -> None:
    client = Client(cluster)
    created = await client.graphql(
        "command",
        CREATE,
        {"i": {"firstName": "Base", "lastName": "Race", "emailAddress": "race@example.com"}},
    )
    account_id = created["data"]["createUserAccount"]["id"]

    async def rename(n: int) -> dict[str, Any]:
        variables = {"i": {"userAccountId": account_id, "firstName": f"R{n}", "lastName": "Race"}}
        return await client.graphql("command", RENAME, variables)

    answers: list[dict[str, Any]] = []
    for wave in range(3):
        answers += await asyncio.gather(*(rename(wave * 100 + n) for n in range(16)))

    acknowledged: dict[int, str] = {}  # version -> the first name that command wrote
    for n, answer in zip([w * 100 + n for w in range(3) for n in range(16)], answers, strict=True):
        if answer.get("data") and answer["data"]["renameUserAccount"]:
            version = answer["data"]["renameUserAccount"]["version"]
            assert version not in acknowledged, f"version {version} acknowledged twice"
            acknowledged[version] = f"R{n}"
        else:
            codes = [error["extensions"]["code"] for error in answer["errors"]]
            assert codes == ["CONCURRENCY_CONFLICT"], answer
    served = set(client.served_by["command"])
    print(f"{len(acknowledged)} of {len(answers)} renames acknowledged; served by {served}")
    assert served <= node_pids(cluster, "command-api")
    assert len(served) >= 2, "every request went to one process"
    assert len(acknowledged) >= 3

    events = await journal_of(cluster, account_id)
    # Gap-free: 1..n, a creation first, and nothing but the acknowledged renames after it.
    assert [event.seq_nr for event in events] == list(range(1, len(events) + 1))
    assert isinstance(events[0], UserAccountCreated)
    renames = events[1:]
    assert all(isinstance(event, UserAccountRenamed) for event in renames)
    written = {
        event.seq_nr: event.new_name.first_name
        for event in renames
        if isinstance(event, UserAccountRenamed)
    }
    assert written == acknowledged  # each acknowledged command once, at its version

    # The read side follows: the Query API shows the last version, through its nodes too.
    last = max(written)
    deadline = time.monotonic() + 20
    while True:
        account = (await client.graphql("query", GET, {"id": account_id}))["data"]
        if account["getUserAccount"] and account["getUserAccount"]["version"] == last:
            break
        assert time.monotonic() < deadline, account
        await asyncio.sleep(0.1)
    assert account["getUserAccount"]["firstName"] == written[last]
    assert set(client.served_by["query"]) <= node_pids(cluster, "query-api")


async def test_every_query_node_serves(cluster: Stack) -> None:
    client = Client(cluster)
    for _ in range(60):
        await client.graphql("query", "{ __typename }")
        if set(client.served_by["query"]) == node_pids(cluster, "query-api"):
            return
    raise AssertionError(f"served by {set(client.served_by['query'])} only")


def own_port(cluster: Stack, name: str) -> int:
    """The port of a cluster process's own /metrics (an updater's health routes too)."""
    base = int(cluster.env["CLUSTER_METRICS_PORT_BASE"])
    offsets = {"command-api": 0, "query-api": 20, "read-model-updater": 40}
    kind, _, number = name.rpartition("-")
    return base + offsets[kind] + int(number)


async def test_each_process_serves_its_own_metrics_and_the_nodes_add_up_exactly(
    cluster: Stack,
) -> None:
    nodes = [f"command-api-{n}" for n in range(1, NODES + 1)]
    pid_of = {name: int((cluster.run_dir / "pids" / f"{name}.pid").read_text()) for name in nodes}
    client = Client(cluster)
    created = "commands_total"
    ok = {"command": "create_user_account", "outcome": "ok"}
    async with aiohttp.ClientSession() as session:

        async def scraped(name: str) -> Metrics:
            return await scrape(session, f"http://127.0.0.1:{own_port(cluster, name)}/metrics")

        before = {name: await scraped(name) for name in nodes}
        creates = 24
        for n in range(creates):
            variables = {"i": {"firstName": f"M{n}", "lastName": "Node", "emailAddress": "m@e.co"}}
            answer = await client.graphql("command", CREATE, variables)
            assert "errors" not in answer, answer
        after = {name: await scraped(name) for name in nodes}
        served = client.served_by["command"]
        for name in nodes:
            # Exactly the creates this process answered (its pid in X-Served-By).
            count = served.count(pid_of[name])
            assert delta(before[name], after[name], created, **ok) == count, name
        assert sum(delta(before[name], after[name], created, **ok) for name in nodes) == creates
        assert len(set(served)) >= 2, "every request went to one process"

        for n in range(1, NODES + 1):
            assert (await scraped(f"query-api-{n}")).has("process_cpu_seconds_total")
        updaters = {
            name: await scraped(name) for name in ("read-model-updater-1", "read-model-updater-2")
        }
        held = sorted(metrics.value("updater_shard_leases_held") for metrics in updaters.values())
        assert held == [0, 1]  # one reads the shard, the other stands by

    lines = status_lines(cluster)
    for name in nodes:
        assert f"metrics: {own_port(cluster, name)}" in lines[name], lines[name]
    for name in updaters:
        line = lines[name]
        assert line.split()[5] == str(own_port(cluster, name)), line
        assert "lag: " in line, line


def test_down_volumes_leaves_no_process_and_no_data(cluster: Stack) -> None:
    pids = cluster.pids()
    assert len(pids) == 2 + 2 + 2 * NODES  # dynamodb, postgres, updaters, nodes
    started = time.monotonic()
    result = cluster.run("run-cluster.sh", "down", "--volumes")
    assert result.returncode == 0, result.stdout + result.stderr
    print(f"run-cluster.sh down --volumes: {time.monotonic() - started:.1f} s")
    deadline = time.monotonic() + 10
    while any(alive(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert [pid for pid in pids if alive(pid)] == [], result.stdout + result.stderr
    assert not cluster.run_dir.exists()
