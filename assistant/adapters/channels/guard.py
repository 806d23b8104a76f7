"""The turn guard: every message gets an answer in bounded time, and an emergency its number, whatever fails.

Rasa swallows the failure of a custom action (it logs it and goes on with no events), so
a patient whose action server, agenda database or network was down got an empty reply in
the chat and « Je vous écoute. » on the phone, emergencies included. Every channel of the
project (REST, phone, SMS) now hands each message to :meth:`TurnGuard.handle`, which:

1. cleans the text (control characters, invisible marks) and refuses a message over the size
   limit with a polite answer, without running the NLU (its length alone is logged);
2. reads the message with the triage rules itself, in this process (pure code, no database,
   no action server), so that the emergency numbers are known before the dialogue runs;
3. runs the dialogue with a deadline; the dialogue goes on in the background past it (its
   conversation lock and tracker stay consistent), the patient is answered at the deadline;
4. sees a failure: the dialogue raised, a custom action failed (:func:`watch_remote_actions`)
   or said it failed (:data:`TECHNICAL_FAILURE_MARK`), the deadline passed, or nothing was said;
5. then answers from what this process knows: the emergency sentence when the message needed
   one and the reply does not already give the number, otherwise an apology with what to do;
   and keeps the request for the secretariat in a durable spool that is moved into the agenda
   database as soon as it answers (:mod:`assistant.adapters.escalation_spool`).

The practice's facts (numbers, phone, hours) come from a cache refreshed in the background
(a ``practice load`` reaches it within :data:`PRACTICE_REFRESH_SECONDS`); before the database
ever answered, from the practice file; without either, the national numbers.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextvars
import functools
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage

from assistant.adapters import privacy_logs
from assistant.adapters.channels.naming import NamedChannel
from assistant.adapters.escalation_spool import EscalationSpool, PendingEscalation
from assistant.conversation.replies import say
from assistant.core.model import Channel, Practice
from assistant.core.practice_config import load_practice_file
from assistant.core.text import clean_input
from assistant.core.triage import TriageResult, TriageRules, load_triage_rules, triage
from assistant.dialogue.safety_net import (
    TECHNICAL_APOLOGY,
    TECHNICAL_FAILURE_MARK,
    emergency_reply,
    says_emergency_number,
    technical_failure_reply,
    too_long_reply,
)
from assistant.services.escalations import EscalationService
from assistant.settings import Settings, SettingsError

log = logging.getLogger(__name__)

PRACTICE_REFRESH_SECONDS = 30.0
#: How long a message with signs of an emergency waits for the dialogue before the guard gives the numbers
#: itself (QA: with a stuck action server, « la bouche de travers » waited 7 s for the 15).
EMERGENCY_REPLY_SECONDS = 2.5
SPOOL_DRAIN_SECONDS = 20.0
#: How long a look-up of the practice may take before the cached facts are used.
PRACTICE_READ_SECONDS = 4.0

OnNewMessage = Callable[[UserMessage], Awaitable[Any]]

#: The guards' blocking work (practice look-ups, spool drains) runs here, never in the event loop's default
#: executor: a database that hangs keeps such a thread for as long as it hangs, and a few of them used to
#: fill the default executor (6 threads on 2 cores), which the channels need to answer (the phone channel's
#: clock): the call then waited for the channel's 10-second fallback. At most one look-up and one drain
#: per guard are in flight at a time, so stuck threads never pile up.
_BLOCKING = concurrent.futures.ThreadPoolExecutor(max_workers=8, thread_name_prefix="turn-guard")

#: Names of the custom actions that failed during the current turn (set by the guard, filled by the watch).
_FAILED_ACTIONS: contextvars.ContextVar[list[str] | None] = contextvars.ContextVar("failed_actions", default=None)


def watch_remote_actions(timeout_seconds: float) -> None:
    """Make Rasa's custom-action calls report their failures to the guard, and wait at most ``timeout_seconds``.

    Rasa 3.6 logs a failed action and continues without its events, and waits 5 minutes for an
    action by default (``DEFAULT_REQUEST_TIMEOUT``); neither can be configured. Idempotent.
    """
    from rasa.core.actions import action as rasa_action

    rasa_action.DEFAULT_REQUEST_TIMEOUT = timeout_seconds  # type: ignore[attr-defined]
    remote = rasa_action.RemoteAction
    if getattr(remote.run, "_guard_watched", False):
        return
    remote._validate_action_result = _validate_with_one_validator  # type: ignore[method-assign]
    original = remote.run

    async def run(self: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return await original(self, *args, **kwargs)
        except rasa_action.ActionExecutionRejection:
            raise  # a form rejecting an answer is the dialogue working, not failing
        except BaseException:
            failures = _FAILED_ACTIONS.get()
            if failures is not None:
                failures.append(self.name())
            raise

    run._guard_watched = True  # type: ignore[attr-defined]
    remote.run = run  # type: ignore[method-assign]


@functools.lru_cache(maxsize=1)
def _action_response_validator() -> Any:
    """Rasa's schema of an action server's reply, checked once (``jsonschema.validate`` checks the schema itself
    at every call: about 20 ms of every action call, a quarter of a chat turn in the profile of 2026-12-07)."""
    from jsonschema import validators
    from rasa.core.actions.action import RemoteAction

    schema = RemoteAction.action_response_format_spec()
    validator_class = validators.validator_for(schema)
    validator_class.check_schema(schema)
    return validator_class(schema)


def _validate_with_one_validator(self: Any, result: dict[str, Any]) -> bool:
    """Rasa's ``RemoteAction._validate_action_result``, same errors, with the validator built once."""
    from jsonschema import ValidationError

    try:
        _action_response_validator().validate(result)
    except ValidationError as error:
        error.message += (
            ". Failed to validate Action server response from API, "
            "make sure your response from the Action endpoint is valid."
        )
        raise
    return True


@dataclass
class GuardedTurn:
    """What the channel sends back: the bot's messages, corrected; and what happened."""

    messages: list[dict[str, Any]] = field(default_factory=list)
    failed: bool = False  # the dialogue could not do its work this turn
    emergency: TriageResult | None = None  # the triage rules found an emergency in the message
    too_long: bool = False

    @property
    def texts(self) -> list[str]:
        return [str(message["text"]) for message in self.messages if message.get("text")]


class PracticeCache:
    """The practice's facts for the guard, never waiting on the database while a patient waits."""

    def __init__(self, load: Callable[[], Practice], practice_file: Any = None) -> None:
        self._load = load
        self._practice_file = practice_file
        self._practice: Practice | None = None
        self._loaded_at = float("-inf")
        self._refreshing: asyncio.Future[None] | None = None
        self._loading: concurrent.futures.Future[Practice] | None = None

    @property
    def practice(self) -> Practice | None:
        return self._practice

    async def refresh(self) -> None:
        try:
            if self._loading is None or self._loading.done():  # a look-up still hanging is waited for again
                self._loading = _BLOCKING.submit(self._load)
            practice = await asyncio.wait_for(asyncio.shield(asyncio.wrap_future(self._loading)), PRACTICE_READ_SECONDS)
        except Exception as error:
            log.warning("turn guard: practice unavailable from the database (%s)", type(error).__name__)
            if self._practice is None and self._practice_file is not None:
                try:
                    self._practice = await asyncio.to_thread(load_practice_file, self._practice_file)
                except Exception as file_error:
                    log.error("turn guard: practice file unreadable (%s)", type(file_error).__name__)
            self._loaded_at = time.monotonic() - PRACTICE_REFRESH_SECONDS / 2  # try again soon
            return
        self._practice = practice
        self._loaded_at = time.monotonic()

    def refresh_if_stale(self) -> None:
        """Start a refresh in the background when the facts are old; never waits."""
        stale = time.monotonic() - self._loaded_at >= PRACTICE_REFRESH_SECONDS
        if stale and (self._refreshing is None or self._refreshing.done()):
            self._refreshing = asyncio.ensure_future(self.refresh())

    async def current(self) -> Practice | None:
        """The practice, for a channel that needs it before the turn (the phone's greeting, hints, transfer
        number): the last known one at once, a refresh started in the background when it is old; waited for
        (at most :data:`PRACTICE_READ_SECONDS`) only when none was ever read."""
        self.refresh_if_stale()
        if self._practice is None and self._refreshing is not None and not self._refreshing.done():
            await asyncio.shield(self._refreshing)  # refresh() never raises
        return self._practice


class TurnGuard:
    """See the module docstring. One per process (:func:`process_guard`), shared by its channels."""

    def __init__(
        self,
        settings: Settings,
        practices: PracticeCache,
        spool: EscalationSpool,
        record: Callable[[PendingEscalation], None],
        now: Callable[[], datetime],
        rules: TriageRules | None = None,
        is_paused: Callable[[str], bool] | None = None,
    ) -> None:
        """``is_paused(conversation_id)`` (blocking, run off the loop): whether a person answers the conversation
        now, so that the assistant's silence there is no failure (see :meth:`_silent_because_paused`)."""
        self.settings = settings
        self.practices = practices
        self.spool = spool
        self._record = record
        self._now = now
        self.rules = rules or load_triage_rules()
        self._is_paused = is_paused
        self._drainer: asyncio.Future[None] | None = None
        self._draining: asyncio.Future[int] | None = None
        self._drain_again = False
        self._background: set[asyncio.Future[Any]] = set()

    # -- the turn --

    async def handle(self, on_new_message: OnNewMessage, message: UserMessage, channel: Channel) -> GuardedTurn:
        """Run one patient message through the dialogue, safely (see the module docstring)."""
        self.start()
        collector = message.output_channel
        assert isinstance(collector, CollectingOutputChannel), "the guard needs a collecting output channel"
        text = clean_input(message.text or "")
        limit = self.settings.max_message_chars
        message.text = text  # every later use (dialogue, spool) reads the cleaned text
        if len(text) > limit:
            log.info("turn guard: message of %d characters refused (limit %d)", len(text), limit)
            signs = triage(text[: 4 * limit], self.rules)
            if signs.is_emergency:
                self._keep_for_secretariat(message, channel, signs, say("reason.too_long_emergency"))
                reply = emergency_reply(self.practices.practice, signs, channel)
                return GuardedTurn(self._texts(message, [reply]), emergency=signs, too_long=True)
            return GuardedTurn(self._texts(message, [too_long_reply(limit, channel)]), too_long=True)
        found = triage(text, self.rules) if text else None
        emergency = found if found is not None and found.is_emergency else None
        # An emergency does not wait out the whole deadline for a stuck dialogue: its numbers are known here.
        deadline = self.settings.turn_deadline_seconds
        if emergency is not None:
            deadline = min(deadline, EMERGENCY_REPLY_SECONDS)
        failed = not text or await self._run(on_new_message, message, deadline)
        messages, marked = self._without_failure_marks(list(collector.messages))
        silent = not any(m.get("text") or m.get("custom") for m in messages)
        # A person holds the conversation: the assistant's silence is expected. Not asked for an emergency, whose
        # path never waits on the database: its silence is answered with the numbers and kept, held or not.
        if silent and not failed and not marked and emergency is None and await self._silent_because_paused(message):
            return GuardedTurn(messages)  # a person answers: the message reached her
        failed = failed or marked or silent
        practice = self.practices.practice
        turn = GuardedTurn(messages, failed=failed and bool(text), emergency=emergency)
        if emergency is not None and not says_emergency_number(turn.texts, practice, emergency):
            turn.messages.insert(0, self._text(message, emergency_reply(practice, emergency, channel)))
        if not text:
            turn.messages = self._texts(message, [say("safety.nothing_received", channel)])
        elif turn.failed:
            reason = "; ".join(emergency.reasons) if emergency is not None else say("reason.technical_failure")
            kept = self._keep_for_secretariat(message, channel, emergency, reason)
            if emergency is None:
                callback = _calls_back(message, channel)
                reply = technical_failure_reply(practice, channel, self.now(), recorded=kept, callback=callback)
                turn.messages.append(self._text(message, reply))
        return turn

    async def _run(self, on_new_message: OnNewMessage, message: UserMessage, deadline: float) -> bool:
        """Whether the dialogue failed; it is given ``deadline`` seconds and keeps running past it."""
        failures: list[str] = []
        token = _FAILED_ACTIONS.set(failures)
        try:
            # The task copies the context: it sees ``failures``, and its log lines have the message redacted.
            with privacy_logs.sensitive(message.text or ""):
                task = asyncio.ensure_future(on_new_message(message))
        finally:
            _FAILED_ACTIONS.reset(token)
        done, _ = await asyncio.wait({task}, timeout=deadline)
        if not done:
            log.error("turn guard: no reply within %.1f s on conversation %s", deadline, message.sender_id)
            self._keep(task)
            return True
        error = asyncio.CancelledError() if task.cancelled() else task.exception()
        if error is not None:
            log.error("turn guard: the dialogue failed on conversation %s: %s", message.sender_id, type(error).__name__)
            return True
        if failures:
            log.error("turn guard: action(s) %s failed on conversation %s", ", ".join(failures), message.sender_id)
            return True
        return False

    async def _silent_because_paused(self, message: UserMessage) -> bool:
        """Whether the conversation is taken over by a person (the assistant is paused in it): its silence is then
        expected, and the guard neither apologises nor spools a request. Unknown (no hook, error, too slow): False,
        so the patient gets the usual apology rather than nothing."""
        if self._is_paused is None:
            return False
        try:
            future: concurrent.futures.Future[Any] = _BLOCKING.submit(self._is_paused, str(message.sender_id))
            return bool(await asyncio.wait_for(asyncio.wrap_future(future), PRACTICE_READ_SECONDS / 2))
        except Exception as error:
            log.warning("turn guard: takeover state unknown (%s)", type(error).__name__)
            return False

    # -- the request kept for the secretariat --

    def _keep_for_secretariat(
        self, message: UserMessage, channel: Channel, emergency: TriageResult | None, reason: str
    ) -> bool:
        """Spool the request, then try to record it at once in the background. False if even the spool failed."""
        metadata = message.metadata or {}
        pending = PendingEscalation(
            channel=channel.value,
            conversation_id=str(message.sender_id),
            reason=reason,
            category=(emergency.category if emergency is not None else "human"),
            urgency="immediate" if emergency is not None else "routine",
            transcript=((("patient", (message.text or "")[:1000]),)),
            callback_number=str(metadata.get("caller") or "") or None,
            callback_requested=_calls_back(message, channel),
        )
        try:
            self.spool.put(pending)
        except OSError as error:
            log.error("turn guard: request not spooled (%s)", type(error).__name__)
            return False
        self._drain_soon()
        return True

    # -- background work --

    def start(self) -> None:
        """Refresh the practice's facts and drain the spool in the background (idempotent)."""
        self.practices.refresh_if_stale()
        if self._drainer is None or self._drainer.done():
            self._drainer = asyncio.ensure_future(self._drain_forever())

    async def _drain_forever(self) -> None:
        while True:
            try:
                self._drain_soon()
            except Exception as error:  # never let the loop die
                log.error("turn guard: spool drain failed (%s)", type(error).__name__)
            await asyncio.sleep(SPOOL_DRAIN_SECONDS)
            self.practices.refresh_if_stale()

    def _drain_soon(self) -> None:
        """Move the spool into the database in the background; while a drain runs (it may hang), one more follows it."""
        if self._draining is not None and not self._draining.done():
            self._drain_again = True
            return
        self._drain_again = False
        self._draining = asyncio.wrap_future(_BLOCKING.submit(self.spool.drain, self._record))
        self._keep(self._draining)

        def again(_: asyncio.Future[int]) -> None:
            if self._drain_again:
                self._drain_soon()

        self._draining.add_done_callback(again)

    def _keep(self, future: asyncio.Future[Any]) -> None:
        """Hold a background task until it ends, and read its outcome so nothing is reported as lost."""
        self._background.add(future)

        def forget(done: asyncio.Future[Any]) -> None:
            self._background.discard(done)
            if not done.cancelled() and done.exception() is not None:
                log.error("turn guard: background work failed (%s)", type(done.exception()).__name__)

        future.add_done_callback(forget)

    # -- helpers --

    def now(self) -> datetime | None:
        """The time from the settings' clock (no database, no thread); None if it cannot be read."""
        try:
            return self._now()
        except Exception:
            return None

    @staticmethod
    def _without_failure_marks(messages: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], bool]:
        def is_mark(message: dict[str, Any]) -> bool:
            custom = message.get("custom")
            return isinstance(custom, dict) and bool(custom.get(TECHNICAL_FAILURE_MARK))

        marked = any(is_mark(message) for message in messages)
        if not marked:
            return messages, False
        kept = [m for m in messages if not is_mark(m) and m.get("text") != TECHNICAL_APOLOGY]
        return kept, True

    @staticmethod
    def _text(message: UserMessage, text: str) -> dict[str, Any]:
        return {"recipient_id": message.sender_id, "text": text}

    def _texts(self, message: UserMessage, texts: list[str]) -> list[dict[str, Any]]:
        return [self._text(message, text) for text in texts]


def _calls_back(message: UserMessage, channel: Channel) -> bool:
    """A caller whose call failed is called back on the number of the call (when the line gave one)."""
    return channel == Channel.PHONE and bool((message.metadata or {}).get("caller"))


def record_in_container(pending: PendingEscalation) -> None:
    """Record a spooled hand-over with the process's escalation service (blocking: call it in a thread)."""
    from assistant.bootstrap import PROCESS_CONTAINER

    open_pending(PROCESS_CONTAINER.get().escalations, pending)


def open_pending(escalations: EscalationService, pending: PendingEscalation) -> None:
    """Open (or merge into the conversation's) the hand-over a spooled request describes, with its callback."""
    escalation = escalations.open(pending.request())
    if pending.callback_requested and pending.callback_number and escalation.id is not None:
        escalations.set_callback(escalation.id, pending.callback_number)


def practice_in_container() -> Practice:
    """The practice from the process's agenda service (blocking: call it in a thread)."""
    from assistant.bootstrap import PROCESS_CONTAINER

    return PROCESS_CONTAINER.get().agenda.practice()


#: One spool object per directory in this process: its lock keeps the guards of the channels (chat, phone,
#: SMS) from draining the same files at once. Two spool objects on one directory used to race: one drain
#: recorded and deleted a request while the other read it, took the vanished file for an unreadable one,
#: failed renaming it (FileNotFoundError) and stopped, leaving the rest of the spool for the next pass.
_SPOOLS: dict[Path, EscalationSpool] = {}


def spool_for(directory: Path) -> EscalationSpool:
    """The process's spool on ``directory`` (shared by every guard that uses it)."""
    key = Path(directory).absolute()
    if key not in _SPOOLS:
        _SPOOLS[key] = EscalationSpool(key)
    return _SPOOLS[key]


def paused_in_container(conversation_id: str) -> bool:
    """Whether a secretary holds the conversation (the console's takeovers; blocking: call it in a thread)."""
    from assistant.adapters.console.store import SqlSecretaryStore
    from assistant.bootstrap import PROCESS_CONTAINER

    return SqlSecretaryStore(PROCESS_CONTAINER.get().engine).active_takeover(conversation_id) is not None


def build_guard(
    settings: Settings,
    load_practice: Callable[[], Practice] = practice_in_container,
    record: Callable[[PendingEscalation], None] = record_in_container,
    now: Callable[[], datetime] | None = None,
    is_paused: Callable[[str], bool] | None = paused_in_container,
) -> TurnGuard:
    """The guard of a channel in the Rasa process; by default on the process's container (built lazily, off the loop).

    The clock is read from the settings, not from the container, so that it never waits on the database.
    """
    clock = settings.clock()
    return TurnGuard(
        settings,
        PracticeCache(load_practice, settings.practice_file),
        spool_for(settings.spool_dir),
        record,
        now or clock.now,
        is_paused=is_paused,
    )


@functools.lru_cache(maxsize=1)
def process_guard() -> TurnGuard:
    """The one turn guard of this process, shared by its channels (chat, phone, SMS): one practice cache, one
    practice refresh and one spool drain loop, whatever the number of channels Rasa starts (each channel
    built its own: three refresh loops, three drain loops and, on the phone, a second practice cache)."""
    return build_guard(Settings.from_env())


class GuardedInput(NamedChannel):
    """An input channel whose turns this guard runs (chat, SMS, phone); put it first among the bases.

    What every such channel needs is written once here: when Rasa builds it (``from_credentials``), the
    settings are read (a bad one names the channel) and Rasa's custom-action calls are watched
    (:func:`watch_remote_actions`: without the watch, a failed action would look like a quiet dialogue);
    then :meth:`configured` builds the channel itself. Each turn is collected by :meth:`collector`.
    """

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        try:
            settings = Settings.from_env()
        except SettingsError as error:
            raise SettingsError(f"{cls.channel_name}: {error}") from None
        watch_remote_actions(settings.action_timeout_seconds)
        return cls.configured(credentials)

    @classmethod
    def configured(cls, credentials: dict[str, Any] | None) -> InputChannel:
        """The channel from its entry in ``credentials.yml``, checked (settings and watch already done)."""
        raise NotImplementedError

    @classmethod
    def collector(cls) -> CollectingOutputChannel:
        """A collector for one turn, which :meth:`TurnGuard.handle` needs; named like the channel, so that the
        domain's responses give this channel's variants."""
        return _collector_class(cls.channel_name)()


@functools.cache
def _collector_class(name: str) -> type[CollectingOutputChannel]:
    """The collector class of channel ``name``, made once: Rasa's ``name()`` is a class method, so each
    channel's collector needs a class of its own."""

    class TurnCollector(NamedChannel, CollectingOutputChannel):
        """Collects one turn's replies for the guard."""

        channel_name = name

    return TurnCollector
