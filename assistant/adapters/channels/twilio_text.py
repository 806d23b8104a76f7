"""Chat by SMS and WhatsApp through Twilio: Rasa's ``TwilioInput``, made safe for a medical practice.

Rasa's connector is kept for what it does well (reading Twilio's message
webhook, replying through the REST API) and hardened where it falls short:

- every POST must carry a valid ``X-Twilio-Signature`` for the public URL
  (:mod:`.signature`), else 403 and the dialogue never sees it;
- credentials are validated when Rasa starts, with the faulty key named;
- replies are sent off the event loop (the Twilio client blocks), errors are
  logged with Twilio's error code only (its messages quote the phone number);
- the Twilio API base URL is configurable (``api_base_url``), so tests talk to
  a fake server on loopback and no test ever reaches Twilio;
- ``POST /webhooks/twilio_sms/status`` takes the delivery reports of the
  confirmation SMS (the worker asks Twilio for them when ``ASSISTANT_PUBLIC_URL``
  is set): signed like every other route, stored off the event loop on the
  outbox message Twilio names, never logged with a number or a text.

The channel's name, ``twilio_sms``, contains "twilio" but not "twilio_voice":
the actions read it as the SMS channel (``actions/base.py``).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import functools
import logging
import re
import threading
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, Protocol

from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from rasa.core.channels.twilio import TwilioInput, TwilioOutput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from twilio.base.exceptions import TwilioRestException
from twilio.http.http_client import TwilioHttpClient

from assistant.adapters.channels.guard import GuardedInput, TurnGuard, process_guard
from assistant.adapters.channels.naming import NamedChannel
from assistant.adapters.channels.signature import (
    ChannelConfigError,
    TwilioSignature,
    auth_token_from,
    form_params,
    https_url_from,
    public_url_from,
    required_text,
)
from assistant.adapters.channels.twiml import caller_number
from assistant.adapters.sms.twilio_sender import OUTBOX_QUERY_KEY
from assistant.bootstrap import PROCESS_CONTAINER, Container, LazyContainer
from assistant.core.model import Channel

if TYPE_CHECKING:
    from assistant.adapters.sms.worker import OutboxWorker

log = logging.getLogger(__name__)

#: Replies are sent on threads of their own (the Twilio client blocks): a pool filled by other waits, such as
#: a database that hangs, must not hold back a reply, an emergency's numbers included.
_SENDING = concurrent.futures.ThreadPoolExecutor(max_workers=4, thread_name_prefix="sms-send")

CHANNEL_NAME = "twilio_sms"
DEFAULT_API_BASE_URL = "https://api.twilio.com"
TEXT_KEYS = frozenset({"account_sid", "auth_token", "twilio_number", "public_url", "api_base_url"})
_ACCOUNT_SID = re.compile(r"^AC[0-9a-fA-F]{32}$")
_SENDER = re.compile(r"^(?:whatsapp:)?\+[1-9]\d{6,14}$")
WHATSAPP_PREFIX = "whatsapp:"
HTTP_TIMEOUT_SECONDS = 10.0
VOICE_DIRECTIVES = frozenset({"end_call", "handover"})
STATUS_ROUTE = "/status"  # delivery reports; assistant.settings.SMS_STATUS_CALLBACK_PATH is where Rasa mounts it
_MESSAGE_SID = re.compile(r"^[A-Za-z]{2}[0-9A-Za-z]{8,62}$")
_REPORT_WORD = re.compile(r"^[a-z_]{1,20}$")


class DeliveryReports(Protocol):
    """Where delivery reports go (injected in tests); the outbox worker's :meth:`record_delivery`."""

    def record_delivery(
        self, provider_sid: str, reported: str, error: str | None = None, outbox_id: int | None = None
    ) -> str: ...


class ContainerDeliveryReports:
    """The process's outbox (the container shared with the voice channel), built on first report, never at import.

    Blocks: called in a thread.
    """

    def __init__(self, factory: Callable[[], Container] | None = None) -> None:
        self._container = PROCESS_CONTAINER if factory is None else LazyContainer(factory)
        self._worker: OutboxWorker | None = None
        self._lock = threading.Lock()

    def worker(self) -> OutboxWorker:
        with self._lock:
            if self._worker is None:
                self._worker = self._container.get().sms_worker()
            return self._worker

    def record_delivery(
        self, provider_sid: str, reported: str, error: str | None = None, outbox_id: int | None = None
    ) -> str:
        return self.worker().record_delivery(provider_sid, reported, error, outbox_id)


class TwilioTextOutput(NamedChannel, TwilioOutput):
    """Replies through Twilio's Messages API, at a configurable base URL, without blocking the loop."""

    channel_name = CHANNEL_NAME

    def __init__(
        self, account_sid: str, auth_token: str, twilio_number: str, api_base_url: str = DEFAULT_API_BASE_URL
    ) -> None:
        super().__init__(account_sid, auth_token, twilio_number)
        self.http_client = TwilioHttpClient(timeout=HTTP_TIMEOUT_SECONDS)
        if api_base_url.rstrip("/") != DEFAULT_API_BASE_URL:
            # A region or edge from the environment would rewrite the host of a test server.
            self.region = None
            self.edge = None
        self.api.base_url = api_base_url.rstrip("/")

    async def send_custom_json(self, recipient_id: str, json_message: dict[str, Any], **kwargs: Any) -> None:
        """Phone-only directives (hang up, transfer) mean nothing in a text conversation: skip them."""
        if VOICE_DIRECTIVES & set(json_message):
            return
        await super().send_custom_json(recipient_id, dict(json_message), **kwargs)

    async def _send_message(self, message_data: dict[str, Any]) -> Any:
        data = dict(message_data)
        recipient = str(data.get("to") or "")
        sender = str(data.get("from_") or "")
        if recipient.startswith(WHATSAPP_PREFIX) and sender and not sender.startswith(WHATSAPP_PREFIX):
            data["from_"] = WHATSAPP_PREFIX + sender  # answer on the channel the patient used
        try:
            loop = asyncio.get_running_loop()
            return await loop.run_in_executor(_SENDING, functools.partial(self.messages.create, **data))
        except TwilioRestException as error:
            log.error("%s: message not sent: Twilio error %s (HTTP %s)", CHANNEL_NAME, error.code, error.status)
        except Exception as error:
            log.error("%s: message not sent: %s", CHANNEL_NAME, type(error).__name__)
        return None


class TwilioTextInput(GuardedInput, TwilioInput):
    """Twilio SMS/WhatsApp with signature checks and validated credentials: see the module docstring."""

    channel_name = CHANNEL_NAME

    @classmethod
    def configured(cls, credentials: dict[str, Any] | None) -> InputChannel:
        name = CHANNEL_NAME
        if not credentials:
            raise ChannelConfigError(
                f"{name}: credentials are missing (account_sid, auth_token, twilio_number and public_url are required)."
            )
        unknown = sorted(set(credentials) - TEXT_KEYS)
        if unknown:
            raise ChannelConfigError(f"{name}: unknown key(s) {', '.join(unknown)} in credentials.yml.")
        account_sid = required_text(credentials, "account_sid", name)
        if not _ACCOUNT_SID.match(account_sid):
            raise ChannelConfigError(f"{name}: 'account_sid' must look like AC followed by 32 hexadecimal characters.")
        twilio_number = required_text(credentials, "twilio_number", name).replace(" ", "")
        if not _SENDER.match(twilio_number):
            raise ChannelConfigError(
                f"{name}: 'twilio_number' must be in E.164 form (+33…), optionally prefixed with 'whatsapp:'."
            )
        api_base_url = DEFAULT_API_BASE_URL
        if credentials.get("api_base_url"):
            api_base_url = https_url_from(credentials, "api_base_url", name)
        return cls(
            account_sid=account_sid,
            auth_token=auth_token_from(credentials, name),
            twilio_number=twilio_number,
            public_url=public_url_from(credentials, name),
            api_base_url=api_base_url,
        )

    def __init__(
        self,
        account_sid: str,
        auth_token: str,
        twilio_number: str,
        public_url: str,
        api_base_url: str = DEFAULT_API_BASE_URL,
        debug_mode: bool = False,
        reports: DeliveryReports | None = None,
        guard: TurnGuard | None = None,
    ) -> None:
        # debug_mode=False: a failing message is logged, never re-raised into a 500 that Twilio would retry.
        super().__init__(account_sid, auth_token, twilio_number, debug_mode=debug_mode)
        self.public_url = public_url
        self.api_base_url = api_base_url
        self.signature = TwilioSignature(auth_token, public_url)
        self.reports: DeliveryReports = reports if reports is not None else ContainerDeliveryReports()
        self.guard = guard or process_guard()

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        guard = self.guard

        async def guarded(message: UserMessage) -> None:
            # The turn is collected, checked by the guard (size, deadline, emergency numbers, failures), then sent.
            output = message.output_channel
            message.output_channel = self.collector()
            turn = await guard.handle(on_new_message, message, Channel.SMS)
            for reply in turn.messages:
                content = {key: value for key, value in reply.items() if key != "recipient_id"}
                await output.send_response(message.sender_id, content)

        bp: Blueprint = super().blueprint(guarded)
        signature = self.signature

        @bp.listener("after_server_start")
        async def warm_up(_app: Any, _loop: Any) -> None:
            guard.start()

        @bp.middleware("request")
        async def require_twilio_signature(request: Request) -> HTTPResponse | None:
            if request.method == "POST" and not signature.is_valid(request):
                log.warning("%s: refused a request with a missing or wrong signature", CHANNEL_NAME)
                return response.text("", status=403)
            return None

        @bp.route(STATUS_ROUTE, methods=["POST"])
        async def delivery_report(request: Request) -> HTTPResponse:
            return await self._delivery_report(request)

        return bp

    async def _delivery_report(self, request: Request) -> HTTPResponse:
        """A confirmation SMS's delivery report (signature already checked): stored, or 204 for a stranger's."""
        params = form_params(request)
        sid = params.first("MessageSid").strip()
        reported = params.first("MessageStatus").strip().lower()
        error = params.first("ErrorCode").strip() or None
        if not _MESSAGE_SID.match(sid) or not _REPORT_WORD.match(reported):
            log.warning("%s: delivery report without a usable MessageSid or MessageStatus", CHANNEL_NAME)
            return response.text("", status=400)
        reference = request.args.get(OUTBOX_QUERY_KEY) or ""  # the outbox id the worker put in the callback URL
        outbox_id = int(reference) if reference.isdigit() and len(reference) <= 18 else None
        try:
            await asyncio.to_thread(self.reports.record_delivery, sid, reported, error, outbox_id)
        except Exception as failure:  # the database went away: say so; Twilio shows the failed callback
            log.error(
                "%s: delivery report %s for %s not stored: %s", CHANNEL_NAME, reported, sid, type(failure).__name__
            )
            return response.text("", status=503)
        return response.empty(status=204)

    def get_metadata(self, request: Request) -> dict[str, Any] | None:
        sender = str(request.form.get("From") or "")
        channel = "whatsapp" if sender.startswith(WHATSAPP_PREFIX) else "sms"
        return {"caller": caller_number(sender.removeprefix(WHATSAPP_PREFIX)), "channel": channel}

    def get_output_channel(self) -> OutputChannel:
        return TwilioTextOutput(
            str(self.account_sid), str(self.auth_token), str(self.twilio_number), api_base_url=self.api_base_url
        )
