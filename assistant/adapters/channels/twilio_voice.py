"""The practice's phone line: a Rasa input channel for Twilio Voice, in French.

Rasa's own ``twilio_voice`` connector cannot serve a French medical practice:
its Gather has no language (French is recognised as US English), its voices
are a fixed list, it accepts unsigned requests, it keys the conversation on the
caller's number (two calls from one family phone would share one dialogue), and
it can neither transfer a call nor hang up. This channel fixes each of these:

- one conversation per call: the ``CallSid`` is the sender id, and the caller's
  number travels as message metadata (``caller``) so the dialogue can offer it
  for confirmation instead of asking for it;
- every request is authenticated (:mod:`.signature`) before anything reads it;
- the call is answered by the channel itself with the practice's greeting,
  which says at once that an automated assistant is speaking and how to reach a
  person: the disclosure never depends on the dialogue model;
- the dialogue's custom payloads end the call (``{"end_call": true}``) or hand
  it over to the secretariat (``{"handover": {...}}``): a warm transfer whose
  whisper tells the secretary the summary before the patient is connected, and
  a callback offer when nobody answers. The actions decide (staffed hours);
  the channel obeys.

Short-lived per-call state (the question to repeat after a silence, the
summaries to whisper) lives in a call memory (:mod:`.call_memory`): this
process's RAM by default, Redis when ``call_memory_url`` is given, so that
several Rasa processes can serve one line. The silence counter travels in the
signed callback URLs instead, so it needs no state.

Twilio routes, under ``/webhooks/twilio_voice_fr/``: ``webhook`` (the number's
voice URL: call start and every turn), ``status`` (the number's status callback
URL), and ``dial_status``, ``whisper``, ``callback`` (written into the TwiML by
the channel).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import functools
import logging
import re
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol
from urllib.parse import urlencode

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from twilio.twiml.voice_response import VoiceResponse

from assistant.adapters.channels import twiml
from assistant.adapters.channels.call_memory import (
    CallMemory,
    CallMemoryUnavailable,
    Handover,
    InProcessCallMemory,
    RedisCallMemory,
    is_redis_url,
    redis_location,
)
from assistant.adapters.channels.guard import (
    GuardedInput,
    TurnGuard,
    build_guard,
    open_pending,
    process_guard,
)
from assistant.adapters.channels.signature import (
    ChannelConfigError,
    FormParams,
    TwilioSignature,
    auth_token_from,
    bool_setting,
    form_params,
    int_setting,
    public_url_from,
)
from assistant.adapters.escalation_spool import PendingEscalation
from assistant.bootstrap import PROCESS_CONTAINER, Container, LazyContainer
from assistant.clock import Clock, get_timezone
from assistant.core.model import Channel, Practice
from assistant.core.secretariat import is_staffed
from assistant.language.fr.phone import national_form
from assistant.settings import Settings

log = logging.getLogger(__name__)

CHANNEL_NAME = "twilio_voice_fr"
FINAL_CALL_STATUSES = frozenset({"completed", "busy", "no-answer", "failed", "canceled"})
CONNECTED_DIAL_STATUSES = frozenset({"completed", "answered"})


# --- services the channel needs --------------------------------------------------------------------


class ChannelServices(Protocol):
    """What the line needs from the rest of the application (injected in tests)."""

    def practice(self) -> Practice: ...

    def now(self) -> datetime: ...

    def set_callback(self, escalation_id: int, phone: str) -> None: ...

    def record_call_outcome(self, conversation_id: str, duration_seconds: int, outcome: str) -> None: ...

    def record_pending(self, pending: PendingEscalation) -> None: ...


class ContainerServices:
    """The application container, built on first need (never at import), shared by the channel's calls.

    Every method but ``now`` blocks (database); the channel calls them on its own bounded threads.
    """

    def __init__(self, factory: Callable[[], Container] | None = None) -> None:
        # By default the process's container, shared with the SMS channel: one connection pool.
        self._container = PROCESS_CONTAINER if factory is None else LazyContainer(factory)
        # The time never waits on the database (the container connects when built): the same clock, from the
        # settings, unless a container factory was given (tests bring their own clock).
        self._clock: Clock | None = None if factory is not None else Settings.from_env().clock()

    def container(self) -> Container:
        return self._container.get()

    def practice(self) -> Practice:
        return self.container().agenda.practice()

    def now(self) -> datetime:
        return self._clock.now() if self._clock is not None else self.container().clock.now()

    def set_callback(self, escalation_id: int, phone: str) -> None:
        self.container().escalations.set_callback(escalation_id, phone)

    def record_call_outcome(self, conversation_id: str, duration_seconds: int, outcome: str) -> None:
        self.container().escalations.record_call_outcome(
            conversation_id=conversation_id, duration_seconds=duration_seconds, outcome=outcome
        )

    def record_pending(self, pending: PendingEscalation) -> None:
        open_pending(self.container().escalations, pending)


# --- configuration ---------------------------------------------------------------------------------

_POLLY_FRENCH = ("Lea", "Celine", "Mathieu", "Remi", "Chantal", "Gabrielle", "Liam", "Isabelle")
_POLLY_VOICE = re.compile(rf"^Polly\.(?:{'|'.join(_POLLY_FRENCH)})(?:-Neural|-Generative)?$")
_GOOGLE_VOICE = re.compile(r"^Google\.fr-(?:FR|CA|BE|CH)-[A-Za-z0-9]+(?:-[A-Za-z0-9]+)+$")
_SPEECH_MODEL = re.compile(r"^[a-z0-9][a-z0-9_.\-]*$")
LANGUAGES = ("fr-FR", "fr-BE", "fr-CH", "fr-CA")
VOICE_KEYS = frozenset(
    {
        "auth_token",
        "public_url",
        "voice",
        "language",
        "timeout",
        "speech_timeout",
        "speech_model",
        "part_pause",
        "max_speech_seconds",
        "transfer_timeout",
        "ai_disclosure",
        "call_memory_url",
    }
)


@dataclass(frozen=True)
class VoiceChannelConfig:
    auth_token: str
    public_url: str
    speech: twiml.VoiceSettings = field(default_factory=twiml.VoiceSettings)
    transfer_timeout: int = 25  # seconds the secretariat's phone rings before the callback offer
    ai_disclosure: bool = True
    call_memory_url: str = ""  # redis://… : per-call memory shared by every process (empty: this process)

    @classmethod
    def from_credentials(cls, credentials: Mapping[str, Any] | None) -> VoiceChannelConfig:
        """Validate everything at start: a wrong value stops Rasa with the key's name, not a call later."""
        name = CHANNEL_NAME
        if not credentials:
            raise ChannelConfigError(f"{name}: credentials are missing (auth_token and public_url are required).")
        unknown = sorted(set(credentials) - VOICE_KEYS)
        if unknown:
            raise ChannelConfigError(f"{name}: unknown key(s) {', '.join(unknown)} in credentials.yml.")
        voice = str(credentials.get("voice") or twiml.VoiceSettings.voice).strip()
        if not (_POLLY_VOICE.match(voice) or _GOOGLE_VOICE.match(voice)):
            raise ChannelConfigError(
                f"{name}: 'voice' must be a French Polly or Google voice "
                f"(e.g. Polly.Lea-Neural, Google.fr-FR-Neural2-A), not {voice!r}."
            )
        language = str(credentials.get("language") or "fr-FR").strip()
        if language not in LANGUAGES:
            raise ChannelConfigError(f"{name}: 'language' must be one of {', '.join(LANGUAGES)}, not {language!r}.")
        speech_model = str(credentials.get("speech_model") or "").strip()
        if speech_model and not _SPEECH_MODEL.match(speech_model):
            raise ChannelConfigError(f"{name}: 'speech_model' {speech_model!r} is not a Twilio speech model name.")
        raw_speech_timeout = str(credentials.get("speech_timeout", "2")).strip().lower()
        if raw_speech_timeout == "auto":
            if speech_model:
                raise ChannelConfigError(
                    f"{name}: 'speech_timeout' auto cannot be used with a 'speech_model'; give a number of seconds."
                )
            speech_timeout = "auto"
        else:
            speech_timeout = str(int_setting(credentials, "speech_timeout", 2, 1, 10, name))
        speech = twiml.VoiceSettings(
            voice=voice,
            language=language,
            timeout=int_setting(credentials, "timeout", 6, 2, 15, name),
            speech_timeout=speech_timeout,
            speech_model=speech_model,
            part_pause=int_setting(credentials, "part_pause", 2, 1, 5, name),
            max_speech_seconds=float(int_setting(credentials, "max_speech_seconds", 25, 10, 60, name)),
        )
        return cls(
            auth_token=auth_token_from(credentials, name),
            public_url=public_url_from(credentials, name),
            speech=speech,
            transfer_timeout=int_setting(credentials, "transfer_timeout", 25, 5, 60, name),
            ai_disclosure=bool_setting(credentials, "ai_disclosure", True, name),
            call_memory_url=_call_memory_url(credentials, name),
        )


def _call_memory_url(credentials: Mapping[str, Any], name: str) -> str:
    url = str(credentials.get("call_memory_url") or "").strip()
    if url and not is_redis_url(url):
        raise ChannelConfigError(
            f"{name}: 'call_memory_url' must be a redis:// or rediss:// URL "
            "(e.g. redis://127.0.0.1:6379/2), or be left out to keep the memory in this process."
        )
    return url


def call_memory_for(config: VoiceChannelConfig) -> CallMemory:
    """The configured call memory; Redis is checked now, so that a wrong URL stops Rasa at start."""
    if not config.call_memory_url:
        return InProcessCallMemory()
    try:
        memory = RedisCallMemory.from_url(config.call_memory_url)
    except CallMemoryUnavailable as error:
        raise ChannelConfigError(f"{CHANNEL_NAME}: 'call_memory_url': {error}.") from None
    log.info("%s: call memory in Redis at %s", CHANNEL_NAME, redis_location(config.call_memory_url))
    return memory


# --- what the dialogue answered ---------------------------------------------------------------------


@dataclass(frozen=True)
class BotTurn:
    texts: tuple[str, ...] = ()
    end_call: bool = False
    handover: Handover | None = None


def read_bot_messages(messages: Sequence[Mapping[str, Any]]) -> BotTurn:
    """The bot's messages for one turn: what to say, then whether to hang up or transfer.

    Only what comes before the first ``end_call`` or ``handover`` is said: the
    call is over (or in other hands) after it.
    """
    texts: list[str] = []
    for message in messages:
        text = str(message.get("text") or "").strip()
        if text:
            texts.append(text)
        titles = [str(button.get("title") or "") for button in message.get("buttons") or []]
        titles = [title for title in titles if title and title.lower() not in text.lower()]
        if titles:
            texts.append(_choices_sentence(titles))
        custom = message.get("custom")
        if not isinstance(custom, Mapping):
            continue
        if custom.get("end_call") is True:
            return BotTurn(tuple(texts), end_call=True)
        handover = custom.get("handover")
        if isinstance(handover, Mapping):
            return BotTurn(tuple(texts), handover=_handover_from(handover))
    return BotTurn(tuple(texts))


def _choices_sentence(titles: list[str]) -> str:
    if len(titles) == 1:
        return f"Vous pouvez répondre : {titles[0]}."
    return f"Vous pouvez répondre : {', '.join(titles[:-1])} ou {titles[-1]}."


def _handover_from(payload: Mapping[str, Any]) -> Handover:
    raw_id = payload.get("escalation_id")
    escalation_id: int | None = None
    if isinstance(raw_id, (int, float)) and not isinstance(raw_id, bool) and int(raw_id) > 0:
        escalation_id = int(raw_id)
    elif isinstance(raw_id, str) and raw_id.strip().isdigit():
        escalation_id = int(raw_id.strip())
    else:
        log.warning("handover without a usable escalation_id: transferring without a summary")
    return Handover(
        escalation_id=escalation_id,
        spoken_summary=str(payload.get("spoken_summary") or ""),
        urgency=str(payload.get("urgency") or "routine"),
    )


# --- the channel -------------------------------------------------------------------------------------


def _twiml(document: VoiceResponse) -> HTTPResponse:
    return response.text(str(document), content_type="text/xml; charset=utf-8")


def _no_content() -> HTTPResponse:
    return response.empty(status=204)


Handler = Callable[[Request], Awaitable[HTTPResponse]]
SignedHandler = Callable[[Request, FormParams], Awaitable[HTTPResponse]]


#: Twilio gives up on a webhook after 15 s and plays its own English error: every webhook is answered before.
TWILIO_WEBHOOK_LIMIT_SECONDS = 15.0
#: What a webhook may take beyond the turn deadline: the guard's answer, then the channel's TwiML (the failure
#: path reads nothing from the database, so this margin is never spent waiting on it).
WEBHOOK_MARGIN_SECONDS = 4.0
#: The channel's own database work (practice, callbacks, call outcomes) runs on threads of its own, each call
#: bounded: a database that hangs cannot take the threads the rest of the process needs.
_DATABASE = concurrent.futures.ThreadPoolExecutor(max_workers=4, thread_name_prefix="voice-db")
DATABASE_CALL_SECONDS = 5.0


def webhook_deadline(turn_deadline_seconds: float) -> float:
    """When a webhook is answered at the latest: past the turn deadline, well before Twilio's limit."""
    return min(turn_deadline_seconds + WEBHOOK_MARGIN_SECONDS, TWILIO_WEBHOOK_LIMIT_SECONDS - 1)


async def _in_database_thread(function: Callable[..., Any], *args: Any, timeout: float = DATABASE_CALL_SECONDS) -> Any:
    return await asyncio.wait_for(asyncio.wrap_future(_DATABASE.submit(function, *args)), timeout)


def _never_fails(fallback: Callable[[], HTTPResponse], deadline: float) -> Callable[[Handler], Handler]:
    """A bug or a stuck service must not leave the patient with Twilio's English "application error" and a dead line.

    The handler runs shielded: past ``deadline`` seconds the caller hears the fallback, and the work behind it
    (the dialogue) ends in the background instead of being cut in the middle.
    """

    def decorate(handler: Handler) -> Handler:
        @functools.wraps(handler)
        async def guarded(request: Request) -> HTTPResponse:
            work = asyncio.ensure_future(handler(request))
            try:
                return await asyncio.wait_for(asyncio.shield(work), deadline)
            except asyncio.TimeoutError:
                log.error("%s: %s not answered within %.0f s", CHANNEL_NAME, request.path, deadline)
                work.add_done_callback(lambda done: done.cancelled() or done.exception())
                return fallback()
            except Exception as error:
                log.error("%s: %s failed: %s", CHANNEL_NAME, request.path, type(error).__name__)
                return fallback()

        return guarded

    return decorate


def _forbidden() -> HTTPResponse:
    return response.text("", status=403)


def _positive_int(value: str | None) -> int | None:
    text = (value or "").strip()
    return int(text) if text.isdigit() and int(text) > 0 else None


def _callback_phone(caller: str) -> str:
    """The number in the form the secretariat dials: national for French numbers, E.164 otherwise."""
    return national_form(caller) or caller


class TwilioVoiceFrInput(GuardedInput, InputChannel):
    """Twilio Voice in French: see the module docstring."""

    channel_name = CHANNEL_NAME

    @classmethod
    def configured(cls, credentials: dict[str, Any] | None) -> InputChannel:
        config = VoiceChannelConfig.from_credentials(credentials)
        return cls(config, memory=call_memory_for(config))

    def __init__(
        self,
        config: VoiceChannelConfig,
        services: ChannelServices | None = None,
        memory: CallMemory | None = None,
        guard: TurnGuard | None = None,
    ) -> None:
        self.config = config
        self.services: ChannelServices = services or ContainerServices()
        self.memory: CallMemory = memory or InProcessCallMemory()
        if guard is None:  # the process's guard, unless the channel is given services of its own (tests)
            guard = process_guard() if services is None else self._own_guard()
        self.guard = guard
        self.webhook_deadline = webhook_deadline(self.guard.settings.turn_deadline_seconds)
        self.signature = TwilioSignature(config.auth_token, config.public_url)
        self._hints: tuple[str, ...] = twiml.speech_hints(None)
        self._hinted: Practice | None = None  # the practice the hints were made for
        self._warm_up: asyncio.Future[Practice | None] | None = None
        if not config.ai_disclosure:
            log.warning("%s: the greeting does not say that an automated assistant answers", CHANNEL_NAME)

    # -- Sanic routes --

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        bp = Blueprint(f"{CHANNEL_NAME}_webhook", __name__)

        @bp.listener("after_server_start")
        async def warm_up(_app: Any, _loop: Any) -> None:
            # The first call should not wait for the container (database, migrations) while Twilio's
            # 15-second webhook timeout runs: load the practice as soon as the server listens.
            self._warm_up = asyncio.ensure_future(self._current_practice())

        @bp.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @bp.route("/webhook", methods=["POST"])
        @_never_fails(self._apology, self.webhook_deadline)
        @self._signed("a request")
        async def webhook(request: Request, params: FormParams) -> HTTPResponse:
            call_sid = params.first("CallSid")
            if not call_sid:
                return response.text("", status=400)
            base = _base_path(request)
            event = request.args.get("event") or ""
            if not event:
                return _twiml(await self._greet(call_sid, base))
            if event == "silence":
                return _twiml(await self._silence(call_sid, base, _positive_int(request.args.get("count")) or 1))
            text = params.first("SpeechResult").strip()
            input_kind = "speech"
            if not text:
                text = twiml.digits_as_text(params.first("Digits"))
                input_kind = "dtmf"
            if not text:
                return _twiml(await self._silence(call_sid, base, 1))
            return _twiml(await self._turn(on_new_message, params, call_sid, text, input_kind, base))

        @bp.route("/dial_status", methods=["POST"])
        @_never_fails(self._apology, self.webhook_deadline)
        @self._signed("a dial status")
        async def dial_status(request: Request, params: FormParams) -> HTTPResponse:
            status = params.first("DialCallStatus").lower()
            if status in CONNECTED_DIAL_STATUSES:
                return _twiml(twiml.goodbye("", self.config.speech))
            log.info("%s: transfer of call %s not answered (%s)", CHANNEL_NAME, params.first("CallSid"), status)
            escalation_id = _positive_int(request.args.get("escalation_id"))
            caller = twiml.caller_number(params.first("From"))
            # Nobody answered a person in distress: 15 and 3114 again before the callback offer (QA).
            said = twiml.in_danger(await self._current_practice()) if request.args.get("immediate") else ""
            return _twiml(
                self._no_transfer(
                    twiml.line("secretariat_unavailable"), escalation_id, caller, _base_path(request), said
                )
            )

        @bp.route("/callback", methods=["POST"])
        @_never_fails(self._apology, self.webhook_deadline)
        @self._signed("a callback answer")
        async def callback(request: Request, params: FormParams) -> HTTPResponse:
            escalation_id = _positive_int(request.args.get("escalation_id"))
            attempt = _positive_int(request.args.get("attempt")) or 1
            caller = twiml.caller_number(params.first("From"))
            answer = twiml.callback_answer(params.first("SpeechResult"), params.first("Digits"))
            return _twiml(await self._callback_answer(escalation_id, caller, answer, attempt, _base_path(request)))

        @bp.route("/whisper", methods=["POST"])
        @_never_fails(self._generic_whisper, self.webhook_deadline)
        @self._signed("a whisper request")
        async def whisper(request: Request, params: FormParams) -> HTTPResponse:
            escalation_id = _positive_int(request.args.get("escalation_id"))
            if escalation_id is None:  # a transfer after a technical failure: no request was recorded
                return self._generic_whisper()
            handover = await self.memory.handover(escalation_id, params.first("ParentCallSid"))
            if handover is None:  # summary not in this process (restart): the request is in the list
                return _twiml(twiml.whisper(twiml.whisper_text("", ""), self.config.speech))
            text = twiml.whisper_text(handover.spoken_summary, handover.urgency)
            return _twiml(twiml.whisper(text, self.config.speech))

        @bp.route("/status", methods=["POST"])
        @_never_fails(_no_content, self.webhook_deadline)
        @self._signed("a status callback")
        async def status(request: Request, params: FormParams) -> HTTPResponse:
            await self._call_ended(params)
            return _no_content()

        return bp

    def _signed(self, what: str) -> Callable[[SignedHandler], Handler]:
        """Twilio's signature checked before anything reads the request; the handler gets the form's fields."""

        def decorate(handler: SignedHandler) -> Handler:
            @functools.wraps(handler)
            async def checked(request: Request) -> HTTPResponse:
                params = form_params(request)
                if not self.signature.is_valid(request, params):
                    log.warning("%s: refused %s with a missing or wrong signature", CHANNEL_NAME, what)
                    return _forbidden()
                return await handler(request, params)

            return checked

        return decorate

    def _apology(self) -> HTTPResponse:
        return _twiml(twiml.goodbye(f"{twiml.technical_apology()} {twiml.line('call_back_later')}", self.config.speech))

    def _generic_whisper(self) -> HTTPResponse:
        return _twiml(twiml.whisper(twiml.line("whisper_intro"), self.config.speech))

    # -- call flow --

    async def _greet(self, call_sid: str, base: str) -> VoiceResponse:
        practice = await self._current_practice()
        local_hour, staffed = 9, True
        if practice is not None:
            try:
                now = self.guard.now()
                assert now is not None
                local_hour = now.astimezone(get_timezone(practice.timezone)).hour
                staffed = is_staffed(practice, now)
            except Exception as error:  # the greeting never fails: "bonjour" and the daytime words
                log.error("%s: clock unavailable for the greeting: %s", CHANNEL_NAME, type(error).__name__)
        name = practice.name if practice else ""
        text = twiml.greeting(name, self.config.ai_disclosure, local_hour, staffed, practice=practice)
        await self.memory.remember_prompt(call_sid, twiml.greeting_reprompt())
        log.info("%s: call %s answered", CHANNEL_NAME, call_sid)
        return await self._speak(text, base)

    async def _silence(self, call_sid: str, base: str, count: int) -> VoiceResponse:
        if count >= 2:
            log.info("%s: call %s ended after repeated silence", CHANNEL_NAME, call_sid)
            return twiml.goodbye(twiml.line("silence_goodbye"), self.config.speech)
        question = await self.memory.prompt(call_sid) or twiml.greeting_reprompt()
        parts = twiml.split_for_speech(f"{twiml.line('nothing_heard')} {question}", self.config.speech.max_part_chars)
        return twiml.conversation_turn(
            parts,
            self.config.speech,
            self._hints,
            self._url(base, "webhook", event="answer"),
            self._url(base, "webhook", event="silence", count=count + 1),
        )

    async def _turn(
        self,
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
        params: FormParams,
        call_sid: str,
        text: str,
        input_kind: str,
        base: str,
    ) -> VoiceResponse:
        caller = twiml.caller_number(params.first("From"))
        metadata: dict[str, Any] = {"caller": caller, "call_sid": call_sid, "channel": "phone", "input": input_kind}
        confidence = params.first("Confidence")
        if input_kind == "speech" and confidence:
            with contextlib.suppress(ValueError):
                metadata["asr_confidence"] = float(confidence)
        collector = self.collector()
        message = UserMessage(text, collector, call_sid, input_channel=self.name(), metadata=metadata)
        guarded = await self.guard.handle(on_new_message, message, Channel.PHONE)
        if guarded.failed and guarded.emergency is not None and guarded.emergency.category == "suicide":
            # A person in distress: the 3114 said, then put through to the desk when someone is there.
            return await self._technical_failure(call_sid, caller, base, twiml.join_for_speech(guarded.texts))
        if guarded.failed and guarded.emergency is not None:
            # The numbers are said (the guard made sure); the line is freed for the emergency call.
            log.info("%s: call %s ended after an emergency the dialogue could not handle", CHANNEL_NAME, call_sid)
            return twiml.goodbye(
                f"{twiml.join_for_speech(guarded.texts)} {twiml.line('hanging_up')}", self.config.speech
            )
        if guarded.failed:
            return await self._technical_failure(call_sid, caller, base, twiml.join_for_speech(guarded.texts))
        turn = read_bot_messages(guarded.messages)
        said = twiml.join_for_speech(turn.texts)
        if turn.handover is not None:
            return await self._hand_over(call_sid, caller, said, turn.handover, base)
        if turn.end_call:
            log.info("%s: call %s ended by the dialogue", CHANNEL_NAME, call_sid)
            return twiml.goodbye(said or twiml.line("goodbye"), self.config.speech)
        return await self._speak(said, base, call_sid)

    async def _speak(self, text: str, base: str, call_sid: str | None = None) -> VoiceResponse:
        parts = twiml.split_for_speech(text, self.config.speech.max_part_chars) or [twiml.line("listening")]
        if call_sid is not None:
            await self.memory.remember_prompt(call_sid, parts[-1])
        return twiml.conversation_turn(
            parts,
            self.config.speech,
            self._hints,
            self._url(base, "webhook", event="answer"),
            self._url(base, "webhook", event="silence", count=1),
        )

    async def _hand_over(self, call_sid: str, caller: str, said: str, handover: Handover, base: str) -> VoiceResponse:
        practice = await self._current_practice()
        number = twiml.to_e164(practice.secretariat.transfer_number) if practice else None
        await self.memory.remember_handover(call_sid, handover)
        immediate = handover.urgency == "immediate"
        if not number:
            log.warning("%s: no usable transfer number; offering a callback on call %s", CHANNEL_NAME, call_sid)
            said = f"{said} {twiml.in_danger(practice)}".strip() if immediate else said
            return self._no_transfer(
                twiml.line("transfer_impossible"), handover.escalation_id, caller, base, said_before=said
            )
        log.info("%s: call %s transferred (escalation %s)", CHANNEL_NAME, call_sid, handover.escalation_id)
        ids = {"escalation_id": handover.escalation_id} if handover.escalation_id is not None else {}
        # A person in distress put through: if nobody answers, the numbers are said again (dial_status).
        flags = {"immediate": 1} if immediate else {}
        return twiml.transfer(
            said,
            self.config.speech,
            number,
            self._url(base, "dial_status", **ids, **flags),
            self._url(base, "whisper", **ids),
            self.config.transfer_timeout,
        )

    def _no_transfer(
        self, apology: str, escalation_id: int | None, caller: str, base: str, said_before: str = ""
    ) -> VoiceResponse:
        """Nobody at the secretariat: offer a callback on the caller's number when there is one."""
        speech = self.config.speech
        opening = f"{said_before} {apology}".strip()
        if escalation_id is not None and caller:
            return twiml.yes_no_question(
                f"{opening} {twiml.line('request_forwarded')} {twiml.line('callback_offer')}",
                speech,
                self._url(base, "callback", escalation_id=escalation_id, attempt=1),
                twiml.line("callback_no_answer"),
            )
        if escalation_id is not None:
            return twiml.goodbye(
                f"{opening} {twiml.line('request_forwarded')} {twiml.line('call_back_if_needed')}",
                speech,
            )
        return twiml.goodbye(f"{opening} {twiml.line('call_back_later')}", speech)

    async def _callback_answer(
        self, escalation_id: int | None, caller: str, answer: bool | None, attempt: int, base: str
    ) -> VoiceResponse:
        speech = self.config.speech
        if escalation_id is None or not caller:
            return twiml.goodbye(twiml.line("callback_no_answer"), speech)
        if answer is True:
            try:
                await _in_database_thread(self.services.set_callback, escalation_id, _callback_phone(caller))
            except Exception as error:
                log.error(
                    "%s: callback for escalation %s not recorded: %s", CHANNEL_NAME, escalation_id, type(error).__name__
                )
                return twiml.goodbye(twiml.line("callback_not_recorded"), speech)
            log.info("%s: callback requested for escalation %s", CHANNEL_NAME, escalation_id)
            return twiml.goodbye(twiml.line("callback_recorded"), speech)
        if answer is False:
            return twiml.goodbye(twiml.line("callback_declined"), speech)
        if attempt < 2:
            return twiml.yes_no_question(
                twiml.line("callback_offer_again"),
                speech,
                self._url(base, "callback", escalation_id=escalation_id, attempt=attempt + 1),
                twiml.line("callback_no_answer"),
            )
        return twiml.goodbye(twiml.line("callback_no_answer"), speech)

    async def _technical_failure(self, call_sid: str, caller: str, base: str, said: str = "") -> VoiceResponse:
        """The dialogue broke: put the patient through to the secretariat if someone is there, else apologise.

        ``said``: the guard's words (apology, what to do); the generic apology when there are none.
        """
        practice = self.guard.practices.practice  # what is known: nothing read now
        number = twiml.to_e164(practice.secretariat.transfer_number) if practice else None
        now = self.guard.now()
        staffed = practice is not None and now is not None and is_staffed(practice, now)
        if practice is not None and number and staffed:
            return twiml.transfer(
                f"{said or twiml.technical_apology()} {twiml.line('transfer')}",
                self.config.speech,
                number,
                self._url(base, "dial_status"),
                self._url(base, "whisper"),
                self.config.transfer_timeout,
            )
        return twiml.goodbye(said or f"{twiml.technical_apology()} {twiml.line('call_back_later')}", self.config.speech)

    async def _call_ended(self, params: FormParams) -> None:
        call_sid = params.first("CallSid")
        outcome = params.first("CallStatus").lower()
        if not call_sid or outcome not in FINAL_CALL_STATUSES:
            return
        duration = _positive_int(params.first("CallDuration")) or 0
        await self.memory.forget(call_sid)
        log.info("%s: call %s ended: %s after %d s", CHANNEL_NAME, call_sid, outcome, duration)
        try:
            await _in_database_thread(self.services.record_call_outcome, call_sid, duration, outcome)
        except Exception as error:
            log.error("%s: outcome of call %s not recorded: %s", CHANNEL_NAME, call_sid, type(error).__name__)

    # -- helpers --

    def _own_guard(self) -> TurnGuard:
        return build_guard(Settings.from_env(), self.services.practice, self.services.record_pending, self.services.now)

    async def _current_practice(self) -> Practice | None:
        """The practice (name, transfer number, hints) from the process's one cache, the turn guard's: never
        waited for once read, refreshed in the background; None if it could never be read."""
        practice = await self.guard.practices.current()
        if practice is not self._hinted:
            self._hints, self._hinted = twiml.speech_hints(practice), practice
        return practice

    def _url(self, base: str, route: str, **query: Any) -> str:
        url = self.signature.url_for(f"{base}/{route}")
        return f"{url}?{urlencode(query)}" if query else url


def _base_path(request: Request) -> str:
    """Where this blueprint is mounted ("/webhooks/twilio_voice_fr"), from the path Twilio called."""
    return request.path.rsplit("/", 1)[0]
