"""Scenario 8: use-case throughput in process, in memory: per account one create and 3 renames,
through the project's command use cases as the Command API wires them in in-memory mode, against
the same workload written with the `eventsourcing` library on its in-memory (POPO) store. Ours
runs on the services' event loop (the benchmark runner's, `infrastructure.event_loop`).

Both sides run in this process, one after the other, on the same inputs and the same number of
accounts, each round on a fresh store; after a warm-up the best round of each side counts. The
work is all CPU in one thread, so a round is timed in this process's CPU time, which other
processes disturb less than wall-clock time: with other benchmarks running on the 2 cores, rounds
of the same work spread much further apart in wall-clock time than in CPU time (the wall-clock
rates are kept in the JSON details).
"""

import gc
import time
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass
from importlib.metadata import version
from uuid import UUID

from apps.command_api.container import CommandApiContainer, use_in_memory_adapters
from benchmarks.context import BenchContext
from benchmarks.peers.eventsourcing_user_account import UserAccounts
from benchmarks.report import Row, ratio_at_least
from use_case.caller import Caller
from use_case.user_account.create_user_account import CreateUserAccount, CreateUserAccountUseCase
from use_case.user_account.rename_user_account import RenameUserAccount, RenameUserAccountUseCase

ID = "8"
TITLE = "use-case throughput, create + 3 renames per account, in-memory, vs eventsourcing"
FIGURE = "accounts per CPU second (create + 3 renames), in-process"
TARGET = ratio_at_least(1.5)
EXPECTED = [(FIGURE, TARGET)]

COMMANDS_PER_ACCOUNT = 4
FIRST_NAME, LAST_NAME, EMAIL = "Ada", "Lovelace", "ada@example.com"
# Each differs from the one before, so no rename is refused as SAME_NAME.
RENAMES = [("Grace", "Hopper"), ("Alan", "Turing"), ("Ada", "King")]
PROGRESS_EVERY = 500  # accounts
# Every command as with AUTH_MODE=off, as the eventsourcing peer has no callers either.
NO_AUTH = Caller.admin_without_identity()


Workload = Callable[[int, Callable[[int], None]], Awaitable[None]]


def our_workload() -> Workload:
    """`accounts` × (create + 3 renames) through the use cases, on a fresh in-memory store."""
    container = CommandApiContainer()
    use_in_memory_adapters(container)
    create: CreateUserAccountUseCase = container.create_user_account()
    rename: RenameUserAccountUseCase = container.rename_user_account()

    async def run(accounts: int, progress: Callable[[int], None]) -> None:
        for done in range(accounts):
            created = await create(NO_AUTH, CreateUserAccount(FIRST_NAME, LAST_NAME, EMAIL))
            account_id = created.unwrap().id
            for first, last in RENAMES:
                (await rename(NO_AUTH, RenameUserAccount(account_id, first, last))).unwrap()
            if done % PROGRESS_EVERY == 0:
                progress(done)

    return run


def peer_workload() -> Workload:
    """The same with `eventsourcing`: create + save, then 3 × (get + rename + save)."""
    app = UserAccounts()

    async def run(accounts: int, progress: Callable[[int], None]) -> None:
        for done in range(accounts):
            account_id: UUID = app.create_user_account(FIRST_NAME, LAST_NAME, EMAIL)
            for first, last in RENAMES:
                app.rename_user_account(account_id, first, last)
            if done % PROGRESS_EVERY == 0:
                progress(done)
        if app.repository.get(account_id).version != COMMANDS_PER_ACCOUNT:
            raise RuntimeError("the eventsourcing workload lost events")

    return run


@dataclass(frozen=True, slots=True)
class Round:
    cpu_rate: float  # accounts per second of this process's CPU time
    wall_rate: float  # accounts per second of wall-clock time


async def timed(
    ctx: BenchContext, label: str, make: Callable[[], Workload], accounts: int
) -> Round:
    """One round of `accounts` on a fresh store."""
    workload = make()
    gc.collect()  # neither side pays for the garbage of the round before

    def progress(done: int) -> None:
        ctx.progress.count(label, done, accounts)

    cpu_started, wall_started = time.process_time(), time.perf_counter()
    await workload(accounts, progress)
    cpu_seconds = time.process_time() - cpu_started
    wall_seconds = time.perf_counter() - wall_started
    ctx.progress.count(label, accounts, accounts)
    return Round(accounts / cpu_seconds, accounts / wall_seconds)


async def run(ctx: BenchContext) -> list[Row]:
    accounts = ctx.size(3_000, 10_000)
    rounds = ctx.size(3, 5)
    warm_up = ctx.size(500, 1_000)
    ctx.progress.phase(f"warming up: {warm_up:,} accounts each side")
    await timed(ctx, "warm-up, ours", our_workload, warm_up)
    await timed(ctx, "warm-up, eventsourcing", peer_workload, warm_up)

    ours: list[Round] = []
    peer: list[Round] = []
    for number in range(1, rounds + 1):
        ctx.progress.phase(f"round {number}/{rounds}: {accounts:,} accounts each side")
        ours.append(await timed(ctx, "ours", our_workload, accounts))
        peer.append(await timed(ctx, "eventsourcing", peer_workload, accounts))
        ctx.progress.phase(
            f"round {number}: accounts per CPU second: ours {ours[-1].cpu_rate:,.0f}, "
            f"eventsourcing {peer[-1].cpu_rate:,.0f}"
        )

    best_ours = max(result.cpu_rate for result in ours)
    return [
        Row(
            ID,
            FIGURE,
            best_ours,
            "accounts/s",
            TARGET,
            baseline=max(result.cpu_rate for result in peer),
            baseline_label=f"eventsourcing {version('eventsourcing')}, POPO",
            details={
                "accounts_per_round": accounts,
                "commands_per_account": COMMANDS_PER_ACCOUNT,
                "commands_per_cpu_second": round(best_ours * COMMANDS_PER_ACCOUNT),
                "rounds_ours": [asdict(result) for result in ours],
                "rounds_eventsourcing": [asdict(result) for result in peer],
            },
        )
    ]
