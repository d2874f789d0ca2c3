"""`dead-letters list|show ID|retry ID|--all|purge ID|--all [--yes]`: the records the updater
parked, inspected, applied again through the updater's handler, or dropped."""

import argparse

from apps.admin import dead_letter_views as views
from apps.admin.terminal import FAILED, OK, Terminal
from apps.admin.updater_parts import updater_container
from infrastructure.settings import Settings
from infrastructure.stream_consumer import CheckpointStore, DeadLetterRetry, StoredDeadLetter

# Letters read (and retried) at a time.
PAGE_SIZE = 100
# Failures of `retry --all` printed one by one; the rest are counted.
FAILURES_SHOWN = 20


def register(subparsers: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    parser = subparsers.add_parser(
        "dead-letters",
        help="list, show, retry or purge the records the updater parked",
        description="The stream records the read-model updater could not apply and parked in "
        "the dead_letters table. Their metadata only: a record's payload holds personal data.",
    )
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")

    listing = actions.add_parser("list", help="the parked records, oldest first")
    listing.add_argument(
        "--limit", type=_count, default=100, help="at most this many (0: all; default 100)"
    )
    _json_option(listing)
    listing.set_defaults(run=_run_list)

    show = actions.add_parser("show", help="one parked record's details")
    show.add_argument("id", type=int, help="the letter's id (dead-letters list)")
    show.add_argument(
        "--raw", action="store_true", help="print the record as stored, payload included"
    )
    _json_option(show)
    show.set_defaults(run=_run_show)

    retry = actions.add_parser(
        "retry",
        help="apply parked records again; applied ones are removed",
        description="Hand parked records to the updater's own handler again. A record applied "
        "is removed; one that fails again stays, with one more attempt and its new error.",
    )
    _one_or_all(retry)
    _json_option(retry)
    retry.set_defaults(run=_run_retry)

    purge = actions.add_parser(
        "purge",
        help="drop parked records without applying them",
        description="Delete parked records: their events stay in the journal, and reach the "
        "read model only through a later event of the same account or a rebuild.",
    )
    _one_or_all(purge)
    purge.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    purge.set_defaults(run=_run_purge)


async def list_letters(
    store: CheckpointStore, terminal: Terminal, *, limit: int, as_json: bool
) -> int:
    summary = await store.summarize_dead_letters()
    letters = await _read(store, limit or summary.count)
    if as_json:
        terminal.json([views.as_json(stored) for stored in letters])
        return OK
    if not letters:
        terminal.say("no dead letters")
        return OK
    terminal.out.print(views.letters_table(letters, terminal.out.width))
    shown = f"{len(letters)} of {summary.count}" if len(letters) < summary.count else "all"
    terminal.say(f"{summary.count} dead letter(s), {shown} shown")
    if len(letters) < summary.count:
        terminal.note("--limit 0 lists them all")
    return OK


async def show_letter(
    store: CheckpointStore, terminal: Terminal, letter_id: int, *, raw: bool, as_json: bool
) -> int:
    stored = await store.get_dead_letter(letter_id)
    if stored is None:
        return terminal.fail(f"no dead letter {letter_id}")
    if raw:
        terminal.note(f"warning: {views.RAW_WARNING}")
        terminal.json(dict(stored.letter.record))
    elif as_json:
        terminal.json(views.as_json(stored))
    else:
        terminal.out.print(views.letter_details(stored))
    return OK


async def retry_letters(
    store: CheckpointStore,
    retry: DeadLetterRetry,
    terminal: Terminal,
    letter_id: int | None,
    *,
    as_json: bool,
) -> int:
    """One letter, or (`letter_id` None) every letter parked when the retry starts."""
    applied: list[int] = []
    failed: dict[int, str] = {}
    if letter_id is not None:
        stored = await store.get_dead_letter(letter_id)
        if stored is None:
            return terminal.fail(f"no dead letter {letter_id}")
        result = await retry([stored])
        applied, failed = result.applied, result.failed
    else:
        summary = await store.summarize_dead_letters()
        after = 0
        with terminal.progress("retrying dead letters", summary.count) as advance:
            # Up to the last letter parked before the start: no chasing newly parked ones.
            while summary.last_id is not None and after < summary.last_id:
                page = [
                    stored
                    for stored in await store.list_dead_letters(after, PAGE_SIZE)
                    if stored.letter_id <= summary.last_id
                ]
                if not page:
                    break
                result = await retry(page)
                applied += result.applied
                failed |= result.failed
                after = page[-1].letter_id
                advance(len(page))
    if as_json:
        terminal.json({"applied": applied, "failed": {str(k): v for k, v in failed.items()}})
    elif letter_id is not None and applied:
        terminal.say(f"✓ {letter_id} applied and removed", style="green")
    else:
        _report_retry(terminal, applied, failed)
    return FAILED if failed else OK


async def purge_letters(
    store: CheckpointStore, terminal: Terminal, letter_id: int | None, *, yes: bool
) -> int:
    if letter_id is not None:
        stored = await store.get_dead_letter(letter_id)
        if stored is None:
            return terminal.fail(f"no dead letter {letter_id}")
        terminal.out.print(views.letters_table([stored], terminal.out.width))
        if not terminal.confirm(f"Purge dead letter {letter_id}?", assume_yes=yes):
            return terminal.fail("nothing purged")
        purged = await store.delete_dead_letters([letter_id])
    else:
        summary = await store.summarize_dead_letters()
        if summary.last_id is None:
            terminal.say("no dead letters")
            return OK
        question = f"Purge all {summary.count} dead letter(s) (ids up to {summary.last_id})?"
        if not terminal.confirm(question, assume_yes=yes):
            return terminal.fail("nothing purged")
        # Those parked after the question was asked are not purged: the operator never saw them.
        purged = await store.delete_dead_letters_through(summary.last_id)
    terminal.say(f"purged {purged} dead letter(s)")
    return OK


def _report_retry(terminal: Terminal, applied: list[int], failed: dict[int, str]) -> None:
    if not applied and not failed:
        terminal.say("no dead letters")
        return
    for letter_id, error in list(failed.items())[:FAILURES_SHOWN]:
        terminal.say(f"✗ {letter_id} failed again: {error}", style="red")
    if len(failed) > FAILURES_SHOWN:
        terminal.say(f"… and {len(failed) - FAILURES_SHOWN} more (dead-letters list)")
    terminal.say(
        f"{len(applied)} applied and removed, {len(failed)} failed again (still parked)",
        style="green" if not failed else None,
    )


async def _read(store: CheckpointStore, limit: int) -> list[StoredDeadLetter]:
    letters: list[StoredDeadLetter] = []
    while len(letters) < limit:
        after = letters[-1].letter_id if letters else 0
        page = await store.list_dead_letters(after, min(PAGE_SIZE, limit - len(letters)))
        if not page:
            break
        letters += page
    return letters


async def _run_list(settings: Settings, args: argparse.Namespace) -> int:
    async with updater_container(settings) as container:
        store = container.checkpoint_store()
        return await list_letters(store, Terminal.standard(), limit=args.limit, as_json=args.json)


async def _run_show(settings: Settings, args: argparse.Namespace) -> int:
    async with updater_container(settings) as container:
        return await show_letter(
            container.checkpoint_store(),
            Terminal.standard(),
            args.id,
            raw=args.raw,
            as_json=args.json,
        )


async def _run_retry(settings: Settings, args: argparse.Namespace) -> int:
    async with updater_container(settings) as container:
        store = container.checkpoint_store()
        retry = DeadLetterRetry(container.record_handler(), store)
        return await retry_letters(store, retry, Terminal.standard(), args.id, as_json=args.json)


async def _run_purge(settings: Settings, args: argparse.Namespace) -> int:
    async with updater_container(settings) as container:
        return await purge_letters(
            container.checkpoint_store(), Terminal.standard(), args.id, yes=args.yes
        )


def _one_or_all(parser: argparse.ArgumentParser) -> None:
    which = parser.add_mutually_exclusive_group(required=True)
    which.add_argument("id", nargs="?", type=int, help="the letter's id (dead-letters list)")
    which.add_argument("--all", action="store_true", help="every parked record")


def _json_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="JSON on stdout, for a script")


def _count(text: str) -> int:
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more, not {value}")
    return value
