"""Confirmation SMS through Twilio's Messages API, at a configurable base URL.

The base URL (``TWILIO_API_BASE_URL``) is what lets tests run against a fake
server on loopback: no test ever reaches Twilio. Errors come back as
:class:`~assistant.core.sms.SmsSendError` carrying the Twilio error code or the
HTTP status only, never Twilio's message, which quotes the phone number.

With a ``status_callback`` URL (``ASSISTANT_PUBLIC_URL`` + the SMS channel's
``/status`` route), each message asks Twilio to report its delivery there, with
the outbox id in the query string (``?outbox=12``): Twilio may report before the
worker has stored its message id, and signs the query string with the rest.
"""

from __future__ import annotations

import logging

from assistant.core.sms import SmsSendError, error_code, is_permanent

DEFAULT_API_BASE_URL = "https://api.twilio.com"
OUTBOX_QUERY_KEY = "outbox"  # the status callback's query parameter carrying the outbox id
HTTP_TIMEOUT_SECONDS = 10.0

# The twilio library logs every request at INFO (URL and headers): keep that out of the assistant's logs.
_http_log = logging.getLogger("assistant.adapters.sms.twilio_http")
_http_log.setLevel(logging.WARNING)


class TwilioSmsSender:
    def __init__(
        self,
        account_sid: str,
        auth_token: str,
        from_number: str,
        api_base_url: str = DEFAULT_API_BASE_URL,
        timeout: float = HTTP_TIMEOUT_SECONDS,
        status_callback: str = "",
    ) -> None:
        from twilio.http.http_client import TwilioHttpClient
        from twilio.rest import Client

        self.from_number = from_number
        self.status_callback = status_callback
        self._client = Client(account_sid, auth_token, http_client=TwilioHttpClient(timeout=timeout, logger=_http_log))
        base_url = api_base_url.rstrip("/")
        if base_url != DEFAULT_API_BASE_URL:
            # TWILIO_REGION or TWILIO_EDGE in the environment would rewrite the host of a test server.
            self._client.region = None
            self._client.edge = None
        self._client.api.base_url = base_url

    def callback_for(self, reference: int | None) -> str:
        """Where Twilio reports this message's delivery ("" when no report is asked for)."""
        if not self.status_callback or reference is None:
            return self.status_callback
        return f"{self.status_callback}?{OUTBOX_QUERY_KEY}={int(reference)}"

    def send(self, to: str, body: str, reference: int | None = None) -> str:
        import requests
        from twilio.base.exceptions import TwilioRestException

        try:
            callback = self.callback_for(reference)
            options: dict[str, str] = {"status_callback": callback} if callback else {}
            message = self._client.messages.create(to=to, from_=self.from_number, body=body, **options)
        except TwilioRestException as error:
            code = error.code if isinstance(error.code, int) else None
            raise SmsSendError(error_code(error.status, code), is_permanent(error.status, code)) from None
        except requests.Timeout:
            raise SmsSendError("timeout") from None
        except requests.RequestException:
            raise SmsSendError("network") from None
        return str(message.sid or "")
