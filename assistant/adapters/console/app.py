"""The secretaries' web console: a Sanic app with Jinja2 pages and server-sent events, on 127.0.0.1.

Security (docs/console.md):

- every route but the log-in page (and its stylesheet, which holds no data) needs a live session:
  an anonymous page request is redirected to ``/login`` (303), anything else gets 401, *before* any
  handler runs (one ``on_request`` middleware, tested route by route against the app's own router);
- every change is a POST carrying the session's CSRF token (form field ``csrf`` or header
  ``X-CSRF-Token``), compared in constant time; the log-in form has its own (double-submit cookie);
- the session cookie is HttpOnly and SameSite=Strict (and Secure when ``ASSISTANT_CONSOLE_SECURE_COOKIE=1``,
  behind an https proxy); the server keeps only its hash;
- every answer says ``Cache-Control: no-store`` and carries a strict Content-Security-Policy (no inline script);
- logs carry ids only (escalation, takeover, secretary), never a name, a message or a number.

Live updates: ``/events`` pushes ``queue`` when a hand-over or a takeover changes (the database is
read every :data:`POLL_SECONDS`, once for all open pages), ``/conversations/<id>/events`` pushes the
new messages of a conversation (read from Rasa's tracker store). Streams end after :data:`STREAM_SECONDS`
and the browser reconnects (``EventSource``), resuming after the last message it got.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import logging
import re
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import tzinfo
from pathlib import Path
from typing import Any, TypeVar

from jinja2 import Environment, FileSystemLoader, select_autoescape
from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from assistant.adapters.console.presenters import escalation_view
from assistant.adapters.console.rasa_api import RasaApi, RasaUnavailable, is_paused, lines_from_events
from assistant.core.errors import AgendaError
from assistant.core.escalation import OUTCOME_LABELS, OUTCOMES, Escalation, EscalationError
from assistant.core.model import Channel, Patient
from assistant.services.agenda import AgendaService
from assistant.services.escalations import EscalationService
from assistant.services.secretaries import (
    CLOSED,
    HANDED_BACK,
    SESSION_MAX,
    Secretary,
    SecretaryError,
    SecretaryService,
    Session,
    Takeover,
    same_secret,
)

log = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent
SESSION_COOKIE = "console_session"
LOGIN_COOKIE = "console_login"
POLL_SECONDS = 0.4
#: How often takeovers whose secretary has no session any more are handed back to the assistant.
SWEEP_SECONDS = 20.0
STREAM_SECONDS = 50.0
CONVERSATION_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:@-]{0,99}$")
MAX_MESSAGE = 1000
PUBLIC = {("GET", "/login"), ("POST", "/login"), ("GET", "/static/console.css"), ("HEAD", "/static/console.css")}
STATIC_TYPES = {"console.css": "text/css; charset=utf-8", "console.js": "application/javascript; charset=utf-8"}
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)

UNAVAILABLE = "Le serveur de l'assistant ne répond pas : réessayez dans un instant."
ANNOUNCE_TAKEOVER = "{name}, du secrétariat, prend la suite de la conversation et vous répond."
ANNOUNCE_HANDBACK = "{name} vous remercie. L'assistant reprend la conversation : que puis-je faire pour vous ?"
ANNOUNCE_RELEASED = (
    "Le secrétariat a dû s'interrompre. L'assistant reprend la conversation : que puis-je faire pour vous ?"
)
ANNOUNCE_CLOSE = (
    "{name} a terminé la conversation. Merci, et bonne journée. Vous pouvez écrire à nouveau à tout moment."
)

SPEAKER_NAMES = {"patient": "Patient", "assistant": "Assistant", "secretariat": "Secrétariat"}

T = TypeVar("T")


class SmsNotSent(Exception):
    """An SMS of a takeover did not go; the message is the French sentence for the secretary."""


_names = itertools.count(1)


@dataclass
class ConsoleDeps:
    secretaries: SecretaryService
    escalations: EscalationService
    fingerprint: Callable[[], tuple[Any, ...]]
    rasa: RasaApi | None
    timezone: tzinfo
    practice_name: str = ""
    secure_cookies: bool = False
    agenda: AgendaService | None = None
    search_patients: Callable[[str], list[Patient]] | None = None
    #: Sends an SMS (``send(to, body)``, the SMS worker's sender): SMS conversations are answered through it.
    sms_sender: Any | None = None
    #: Wakes the patient's push stream after a secretary's message (Redis pub/sub); None: the stream polls.
    push_notify: Callable[[str], Awaitable[None]] | None = None


class QueueWatcher:
    """One reader of the queue's fingerprint for all open pages; each page waits for a change."""

    def __init__(self, fingerprint: Callable[[], tuple[Any, ...]]) -> None:
        self._fingerprint = fingerprint
        self.version = 0
        self._last: tuple[Any, ...] | None = None
        self._changed = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        if self._task is None or self._task.done():
            self._task = asyncio.ensure_future(self._run())

    async def _run(self) -> None:
        while True:
            try:
                current = await asyncio.to_thread(self._fingerprint)
                if current != self._last:
                    self._last = current
                    self.version += 1
                    changed, self._changed = self._changed, asyncio.Event()
                    changed.set()
            except Exception as error:  # the database may be down for a while: keep watching
                log.warning("console: queue unreadable (%s)", type(error).__name__)
            await asyncio.sleep(POLL_SECONDS)

    async def wait(self, seen: int, timeout: float) -> int:
        if self.version == seen:
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self._changed.wait(), timeout)
        return self.version


def create_app(deps: ConsoleDeps, name: str | None = None) -> Sanic:
    app = Sanic(name or f"console_{next(_names)}")
    app.config.REQUEST_MAX_SIZE = 64 * 1024
    app.config.RESPONSE_TIMEOUT = STREAM_SECONDS + 10
    templates = Environment(
        loader=FileSystemLoader(str(HERE / "templates")),
        autoescape=select_autoescape(("html",)),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    watcher = QueueWatcher(deps.fingerprint)

    async def blocking(function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        return await asyncio.to_thread(function, *args, **kwargs)

    def page(request: Request, template: str, status: int = 200, **context: Any) -> HTTPResponse:
        session: Session | None = getattr(request.ctx, "session", None)
        body = templates.get_template(template).render(
            secretary=getattr(request.ctx, "secretary", None),
            csrf=session.csrf_token if session else "",
            practice_name=deps.practice_name,
            **context,
        )
        return response.html(body, status=status)

    def wants_json(request: Request) -> bool:
        return "application/json" in request.headers.get("accept", "") or bool(request.headers.get("x-csrf-token"))

    def back(request: Request, default: str = "/") -> HTTPResponse:
        target = (request.form.get("next") or default) if request.form else default
        if not target.startswith("/") or target.startswith("//") or "\\" in target:
            target = default  # a path of this site only (browsers read a backslash as a slash: "/\\x" is "//x")
        return response.redirect(target, status=303)

    def refused(request: Request, message: str, status: int = 409) -> HTTPResponse:
        if wants_json(request):
            return response.json({"error": message}, status=status)
        return page(request, "error.html", status=status, message=message)

    def done(request: Request, payload: dict[str, Any], default: str = "/") -> HTTPResponse:
        return response.json(payload) if wants_json(request) else back(request, default)

    async def attempt(
        request: Request,
        work: Callable[..., Any],
        *args: Any,
        refusal: type[Exception] = AgendaError,
        status: int = 409,
    ) -> HTTPResponse:
        """``work(*args)`` off the loop, then back to the page; the service's refusal (its French message) shown."""
        try:
            await blocking(work, *args)
        except refusal as error:
            return refused(request, getattr(error, "message", ""), status=status)
        return done(request, {"ok": True})

    # -- the gate: sessions and CSRF, before any handler --

    @app.on_request
    async def gate(request: Request) -> HTTPResponse | None:
        request.ctx.session = None
        request.ctx.secretary = None
        if (request.method, request.path) in PUBLIC:
            return None
        found = await blocking(deps.secretaries.session, request.cookies.get(SESSION_COOKIE))
        if found is None:
            accepts_html = "text/html" in request.headers.get("accept", "")
            if request.method == "GET" and accepts_html and not request.path.startswith(("/api/", "/static/")):
                return response.redirect("/login", status=303)
            return response.json({"error": "Session requise : connectez-vous."}, status=401)
        request.ctx.session, request.ctx.secretary = found
        if request.method not in ("GET", "HEAD"):
            sent = request.headers.get("x-csrf-token") or (request.form.get("csrf") if request.form else None) or ""
            if not same_secret(sent, found[0].csrf_token):
                log.warning("console: %s %s refused without a valid CSRF token", request.method, request.path)
                return response.json({"error": "Jeton CSRF manquant ou invalide : rechargez la page."}, status=403)
        return None

    @app.on_response
    async def headers(request: Request, answer: HTTPResponse) -> None:
        answer.headers.setdefault("Cache-Control", "no-store")
        answer.headers["Content-Security-Policy"] = CSP
        answer.headers["X-Content-Type-Options"] = "nosniff"
        answer.headers["Referrer-Policy"] = "same-origin"
        answer.headers["X-Frame-Options"] = "DENY"

    @app.listener("after_server_start")
    async def start_watcher(_app: Any, _loop: Any) -> None:
        watcher.start()
        app.ctx.sweeper = asyncio.ensure_future(sweep_forever())

    async def sweep_once() -> None:
        """Hand back to the assistant the conversations nobody reads any more (log-out, expired session)."""
        if deps.rasa is None:
            return
        for takeover in await blocking(deps.secretaries.orphaned_takeovers):
            announce = ANNOUNCE_RELEASED
            try:
                await deps.rasa.resume(takeover.conversation_id, announce, takeover.secretary_name)
            except RasaUnavailable:
                continue  # the next sweep tries again; the guard keeps the assistant's silence polite meanwhile
            await notify_push(takeover.conversation_id)
            with contextlib.suppress(SmsNotSent):
                await send_sms_if_needed(takeover, announce)
            await blocking(deps.secretaries.release, takeover)

    async def sweep_forever() -> None:
        while True:
            try:
                await sweep_once()
            except Exception as error:  # never let the sweeper die
                log.warning("console: takeover sweep failed (%s)", type(error).__name__)
            await asyncio.sleep(SWEEP_SECONDS)

    # -- log-in, log-out --

    def set_cookie(answer: HTTPResponse, name: str, value: str, path: str, max_age: int) -> None:
        answer.cookies[name] = value
        cookie = answer.cookies[name]
        cookie["httponly"] = True
        cookie["samesite"] = "Strict"
        cookie["path"] = path
        cookie["max-age"] = max_age
        if deps.secure_cookies:
            cookie["secure"] = True

    def login_page(request: Request, error: str = "", login: str = "", status: int = 200) -> HTTPResponse:
        token = secrets.token_urlsafe(24)
        answer = page(request, "login.html", status=status, error=error, login=login, login_csrf=token)
        set_cookie(answer, LOGIN_COOKIE, token, "/login", 3600)
        return answer

    @app.get("/login")
    async def login_form(request: Request) -> HTTPResponse:
        return login_page(request)

    @app.post("/login")
    async def login(request: Request) -> HTTPResponse:
        form = request.form or {}
        sent, expected = form.get("csrf") or "", request.cookies.get(LOGIN_COOKIE) or ""
        if not same_secret(sent, expected):
            return login_page(request, "La page de connexion a expiré : réessayez.", status=403)
        login_name, password = (form.get("login") or "")[:100], form.get("password") or ""
        try:
            opened = await blocking(deps.secretaries.log_in, login_name, password)
        except SecretaryError as error:
            return login_page(request, error.message, login=login_name, status=401)
        answer = response.redirect("/", status=303)
        set_cookie(answer, SESSION_COOKIE, opened.token, "/", int(SESSION_MAX.total_seconds()))
        del answer.cookies[LOGIN_COOKIE]
        return answer

    @app.post("/logout")
    async def logout(request: Request) -> HTTPResponse:
        await blocking(deps.secretaries.log_out, request.cookies.get(SESSION_COOKIE))
        with contextlib.suppress(Exception):  # her conversations go back to the assistant now, not at the next sweep
            await sweep_once()
        answer = response.redirect("/login", status=303)
        del answer.cookies[SESSION_COOKIE]
        return answer

    @app.get("/static/<name:str>")
    async def static(request: Request, name: str) -> HTTPResponse:
        if name not in STATIC_TYPES:
            return response.json({"error": "Introuvable."}, status=404)
        body = (HERE / "static" / name).read_text(encoding="utf-8")
        answer = response.text(body, content_type=STATIC_TYPES[name])
        answer.headers["Cache-Control"] = "private, max-age=300"
        return answer

    # -- the queue --

    def queue_views(me: Secretary) -> list[dict[str, Any]]:
        now = deps.escalations.clock.now()  # the agenda's clock (frozen in a demo), as the hand-overs'
        takeovers = {k.conversation_id: k for k in deps.secretaries.active_takeovers()}
        views = []
        for escalation in deps.escalations.list_open():
            assert escalation.id is not None
            views.append(
                escalation_view(
                    escalation,
                    deps.escalations.patient(escalation),
                    deps.secretaries.notes(escalation.id),
                    takeovers.get(escalation.conversation_id),
                    now,
                    deps.timezone,
                )
            )
        return views

    @app.get("/")
    async def queue(request: Request) -> HTTPResponse:
        views = await blocking(queue_views, request.ctx.secretary)
        return page(request, "queue.html", items=views, outcomes=OUTCOME_CHOICES)

    @app.get("/api/queue")
    async def queue_json(request: Request) -> HTTPResponse:
        views = await blocking(queue_views, request.ctx.secretary)
        card = templates.get_template("_card.html")
        me = request.ctx.secretary
        items = [
            {
                "id": view["id"],
                "version": view["version"],
                "urgency": view["urgency"],
                "html": card.render(
                    item=view, csrf=request.ctx.session.csrf_token, secretary=me, outcomes=OUTCOME_CHOICES
                ),
            }
            for view in views
        ]
        return response.json({"version": watcher.version, "items": items})

    @app.get("/events")
    async def queue_events(request: Request) -> HTTPResponse:
        watcher.start()
        stream = await request.respond(content_type="text/event-stream; charset=utf-8")
        await stream.send("retry: 1000\n\n")
        seen = -1
        loop = asyncio.get_running_loop()
        end = loop.time() + STREAM_SECONDS
        while loop.time() < end:
            version = await watcher.wait(seen, min(15.0, max(0.1, end - loop.time())))
            if version != seen:
                seen = version
                await stream.send(f"event: queue\ndata: {json.dumps({'version': version})}\n\n")
            else:
                await stream.send(": keep-alive\n\n")
        await stream.eof()
        return stream  # type: ignore[return-value]

    async def escalation_or_404(request: Request, escalation_id: int) -> Escalation | HTTPResponse:
        try:
            return await blocking(deps.escalations.get, escalation_id)
        except EscalationError as error:
            return refused(request, error.message, status=404)

    @app.get("/api/escalations/<escalation_id:int>/transcript")
    async def transcript(request: Request, escalation_id: int) -> HTTPResponse:
        found = await escalation_or_404(request, escalation_id)
        if isinstance(found, HTTPResponse):
            return found
        lines, source = await conversation_lines(found.conversation_id)
        if lines is None:
            stored = [{"speaker": s, "name": SPEAKER_NAMES.get(s, s), "text": text} for s, text in found.transcript]
            return response.json({"source": "escalation", "lines": stored})
        return response.json({"source": source, "lines": lines})

    @app.post("/escalations/<escalation_id:int>/take")
    async def take(request: Request, escalation_id: int) -> HTTPResponse:
        me: Secretary = request.ctx.secretary
        return await attempt(request, deps.escalations.take, escalation_id, me.display_name)

    @app.post("/escalations/<escalation_id:int>/note")
    async def note(request: Request, escalation_id: int) -> HTTPResponse:
        return await add_note(request, escalation_id, (request.form.get("text") if request.form else None) or "")

    @app.post("/escalations/<escalation_id:int>/close")
    async def close(request: Request, escalation_id: int) -> HTTPResponse:
        me: Secretary = request.ctx.secretary
        outcome = (request.form.get("outcome") if request.form else None) or ""
        if outcome not in OUTCOMES:
            return refused(request, "Choisissez l'issue de la demande.", status=400)
        return await attempt(request, deps.escalations.close, escalation_id, outcome, me.display_name)

    @app.post("/escalations/<escalation_id:int>/unreached")
    async def unreached(request: Request, escalation_id: int) -> HTTPResponse:
        """A callback tried without reaching the patient: noted (audited), the request stays to be handled."""
        return await add_note(request, escalation_id, "Rappel tenté : patient injoignable.")

    async def add_note(request: Request, escalation_id: int, text: str) -> HTTPResponse:
        """A note of the secretary on a request (audited), refused when empty or too long."""
        found = await escalation_or_404(request, escalation_id)
        if isinstance(found, HTTPResponse):
            return found
        me: Secretary = request.ctx.secretary
        return await attempt(
            request, deps.secretaries.add_note, escalation_id, me, text, refusal=SecretaryError, status=400
        )

    # -- a conversation taken over --

    async def conversation_lines(conversation_id: str, after: int = -1) -> tuple[list[dict[str, Any]] | None, str]:
        if deps.rasa is None:
            return None, ""
        try:
            events = await deps.rasa.events(conversation_id)
        except RasaUnavailable as error:
            log.warning("console: tracker unavailable (%s)", error)
            return None, ""
        lines = [
            {
                "index": line.index,
                "speaker": line.speaker,
                "name": line.name,
                "text": line.text,
                "at": f"{line.at.astimezone(deps.timezone):%H:%M}" if line.at else "",
            }
            for line in lines_from_events(events)
            if line.index > after
        ]
        return lines, "rasa"

    def valid_conversation(conversation_id: str) -> bool:
        return bool(CONVERSATION_ID.match(conversation_id))

    @app.get("/conversations/<conversation_id:str>")
    async def conversation(request: Request, conversation_id: str) -> HTTPResponse:
        if not valid_conversation(conversation_id):
            return refused(request, "Conversation inconnue.", status=404)
        takeover = await blocking(deps.secretaries.store.active_takeover, conversation_id)
        lines, _ = await conversation_lines(conversation_id)
        return page(
            request,
            "conversation.html",
            conversation_id=conversation_id,
            takeover=takeover,
            since=f"{takeover.started_at.astimezone(deps.timezone):%H:%M}" if takeover else "",
            lines=lines or [],
            rasa_ok=lines is not None,
        )

    @app.get("/conversations/<conversation_id:str>/events")
    async def conversation_events(request: Request, conversation_id: str) -> HTTPResponse:
        if not valid_conversation(conversation_id):
            return response.json({"error": "Conversation inconnue."}, status=404)
        try:
            after = int(request.headers.get("last-event-id") or request.args.get("after") or -1)
        except ValueError:
            after = -1
        stream = await request.respond(content_type="text/event-stream; charset=utf-8")
        await stream.send("retry: 1000\n\n")
        loop = asyncio.get_running_loop()
        end = loop.time() + STREAM_SECONDS
        while loop.time() < end:
            lines, _ = await conversation_lines(conversation_id, after)
            for line in lines or []:
                after = line["index"]
                await stream.send(f"id: {after}\nevent: line\ndata: {json.dumps(line, ensure_ascii=False)}\n\n")
            await asyncio.sleep(POLL_SECONDS)
        await stream.eof()
        return stream  # type: ignore[return-value]

    @app.post("/conversations/<conversation_id:str>/take")
    async def take_over(request: Request, conversation_id: str) -> HTTPResponse:
        me: Secretary = request.ctx.secretary
        if not valid_conversation(conversation_id) or deps.rasa is None:
            return refused(request, "Cette conversation ne peut pas être prise en main.", status=404)
        try:
            escalation_id = int(request.form.get("escalation") or 0) if request.form else 0
        except ValueError:
            escalation_id = 0
        escalation = None
        if escalation_id:
            found = await escalation_or_404(request, escalation_id)
            if isinstance(found, HTTPResponse):
                return found
            if found.conversation_id != conversation_id or found.channel not in (Channel.CHAT, Channel.SMS):
                return refused(
                    request, "Seule une conversation de chat ou par SMS peut être prise en main.", status=400
                )
            if found.channel == Channel.SMS and deps.sms_sender is None:
                return refused(
                    request, "L'envoi de SMS n'est pas configuré (TWILIO_*) : rappelez le patient.", status=400
                )
            escalation = found
        channel = escalation.channel.value if escalation is not None else Channel.CHAT.value
        try:
            takeover = await blocking(deps.secretaries.take_over, conversation_id, channel, me, escalation_id or None)
        except SecretaryError as error:
            return refused(request, error.message)
        announcement = ANNOUNCE_TAKEOVER.format(name=me.display_name)
        try:
            await send_sms_if_needed(takeover, announcement)
            await deps.rasa.pause(conversation_id, announcement, me.display_name)
            await notify_push(conversation_id)
        except (RasaUnavailable, SmsNotSent) as error:
            await blocking(deps.secretaries.end_takeover, conversation_id, me, CLOSED)
            return refused(request, str(error) or UNAVAILABLE, status=502)
        if escalation is not None and escalation.status == "open":
            with contextlib.suppress(AgendaError):  # closed meanwhile: the takeover stands on its own
                await blocking(deps.escalations.take, escalation.id, me.display_name)
        return done(request, {"ok": True, "takeover": takeover.id}, default=f"/conversations/{conversation_id}")

    @app.post("/conversations/<conversation_id:str>/message")
    async def say(request: Request, conversation_id: str) -> HTTPResponse:
        me: Secretary = request.ctx.secretary
        text = " ".join(((request.form.get("text") if request.form else None) or "").split())
        if not text:
            return refused(request, "Le message est vide.", status=400)
        if len(text) > MAX_MESSAGE:
            return refused(request, f"Le message dépasse {MAX_MESSAGE} caractères.", status=400)
        try:
            takeover = await blocking(deps.secretaries.held_by, conversation_id, me)
        except SecretaryError as error:
            return refused(request, error.message)
        assert deps.rasa is not None
        try:
            await send_sms_if_needed(takeover, f"{text}\n— {me.display_name}, secrétariat")
            await deps.rasa.say(conversation_id, text, me.display_name)
            await notify_push(conversation_id)
        except SmsNotSent as error:
            return refused(request, str(error), status=502)
        except RasaUnavailable:
            return refused(request, "Message non enregistré : le serveur de l'assistant ne répond pas.", status=502)
        return done(request, {"ok": True}, default=f"/conversations/{conversation_id}")

    async def end(request: Request, conversation_id: str, how: str) -> HTTPResponse:
        me: Secretary = request.ctx.secretary
        try:
            takeover = await blocking(deps.secretaries.held_by, conversation_id, me)
        except SecretaryError as error:
            return refused(request, error.message)
        assert deps.rasa is not None
        announce = (ANNOUNCE_HANDBACK if how == HANDED_BACK else ANNOUNCE_CLOSE).format(name=me.display_name)
        try:
            await deps.rasa.resume(conversation_id, announce, me.display_name)
            await notify_push(conversation_id)
        except RasaUnavailable:
            return refused(request, UNAVAILABLE, status=502)
        with contextlib.suppress(SmsNotSent):  # the assistant answers the next SMS anyway
            await send_sms_if_needed(takeover, announce)
        await blocking(deps.secretaries.end_takeover, conversation_id, me, how)
        if how == CLOSED and takeover.escalation_id is not None:
            with contextlib.suppress(AgendaError):  # already closed
                await blocking(deps.escalations.close, takeover.escalation_id, "resolved", me.display_name)
        return done(request, {"ok": True}, default="/")

    async def notify_push(conversation_id: str) -> None:
        if deps.push_notify is not None:
            await deps.push_notify(conversation_id)

    async def send_sms_if_needed(takeover: Takeover, body: str) -> None:
        """In an SMS conversation, the text goes to the patient's phone through the SMS channel's sender."""
        if takeover.channel != Channel.SMS.value:
            return
        if deps.sms_sender is None:
            raise SmsNotSent("L'envoi de SMS n'est pas configuré (TWILIO_*).")
        number = await patient_number(takeover)
        if not number:
            raise SmsNotSent("Numéro du patient inconnu : répondez par téléphone.")
        try:
            await blocking(deps.sms_sender.send, number, body[:640])
        except (
            Exception
        ) as error:  # SmsSendError and transport failures: never the provider's message (it quotes the number)
            log.warning("console: SMS of takeover %s not sent (%s)", takeover.id, type(error).__name__)
            raise SmsNotSent("SMS non envoyé : l'opérateur ne répond pas ; réessayez ou rappelez le patient.") from None

    async def patient_number(takeover: Takeover) -> str:
        """The number the patient wrote from (the SMS channel's metadata in the tracker), else the hand-over's."""
        if deps.rasa is not None:
            with contextlib.suppress(RasaUnavailable):
                for event in reversed(await deps.rasa.events(takeover.conversation_id)):
                    metadata = event.get("metadata") if event.get("event") == "user" else None
                    if isinstance(metadata, dict) and metadata.get("caller"):
                        return str(metadata["caller"])
        if takeover.escalation_id is not None:
            escalation = await blocking(deps.escalations.get, takeover.escalation_id)
            return escalation.callback_number or ""
        return ""

    @app.post("/conversations/<conversation_id:str>/handback")
    async def hand_back(request: Request, conversation_id: str) -> HTTPResponse:
        return await end(request, conversation_id, HANDED_BACK)

    @app.post("/conversations/<conversation_id:str>/close")
    async def close_conversation(request: Request, conversation_id: str) -> HTTPResponse:
        return await end(request, conversation_id, CLOSED)

    @app.get("/api/conversations/<conversation_id:str>/state")
    async def conversation_state(request: Request, conversation_id: str) -> HTTPResponse:
        if not valid_conversation(conversation_id):
            return response.json({"error": "Conversation inconnue."}, status=404)
        takeover = await blocking(deps.secretaries.store.active_takeover, conversation_id)
        paused = None
        if deps.rasa is not None:
            try:
                paused = is_paused(await deps.rasa.events(conversation_id))
            except RasaUnavailable:
                paused = None
        return response.json({"taken_by": takeover.secretary_name if takeover else None, "paused": paused})

    if deps.agenda is not None:
        from assistant.adapters.console.agenda_views import register_agenda

        register_agenda(app, deps.agenda, deps.search_patients, Tools(page, blocking, refused, done), deps.timezone)
    return app


@dataclass(frozen=True)
class Tools:
    """What the console's other route modules share with :func:`create_app`."""

    page: Callable[..., HTTPResponse]
    blocking: Callable[..., Any]
    refused: Callable[..., HTTPResponse]
    done: Callable[..., HTTPResponse]


OUTCOME_CHOICES = [(outcome, OUTCOME_LABELS[outcome]) for outcome in OUTCOMES]


def serve(app: Sanic, port: int) -> None:
    """Serve on 127.0.0.1 only, in one process (the queue watcher lives in it)."""
    app.run(host="127.0.0.1", port=port, access_log=False, workers=1)
