"""Twilio webhook authentication, and the credential checks both Twilio channels share.

Anyone on the Internet can POST to a webhook URL; only Twilio knows the account's
auth token, and it signs every request with it (``X-Twilio-Signature``: HMAC-SHA1
of the full URL it requested, query string included, followed by every POST
parameter sorted by name). A request whose signature does not match is refused
with 403 before anything reads it, so a forged "patient said…" never reaches
the dialogue, and a forged status callback never closes a conversation.

Two details make or break the check behind a reverse proxy:

- The URL must be the one Twilio called, i.e. the *public* URL (configured
  ``public_url``), not the address the server sees (``http://127.0.0.1:5005``).
- Parameters must be read from the raw body *with* empty values: Twilio signs
  ``CallerCity=`` too, while Sanic's ``request.form`` silently drops empty
  fields, which would make real requests fail the check.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qs

from rasa.shared.exceptions import InvalidConfigException
from sanic.request import Request
from twilio.request_validator import RequestValidator

from assistant.settings import HAS_QUERY, NOT_ABSOLUTE, NOT_HTTPS, base_url_problem

log = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Twilio-Signature"
FORM_CONTENT_TYPE = "application/x-www-form-urlencoded"


class ChannelConfigError(InvalidConfigException):
    """A channel's credentials are missing or unusable; the message names the key."""


class FormParams(dict[str, list[str]]):
    """POST parameters with every value kept (``getall`` is what twilio's validator reads)."""

    def getall(self, name: str) -> list[str]:
        return list(self.get(name, []))

    def first(self, name: str, default: str = "") -> str:
        values = self.get(name) or [default]
        return values[0]


def form_params(request: Request) -> FormParams:
    """The url-encoded POST body, empty values included (see the module docstring)."""
    content_type = (request.headers.get("content-type") or "").split(";")[0].strip().lower()
    if request.method != "POST" or content_type != FORM_CONTENT_TYPE or not request.body:
        return FormParams()
    try:
        parsed = parse_qs(request.body.decode("utf-8"), keep_blank_values=True)
    except (UnicodeDecodeError, ValueError):
        return FormParams()
    return FormParams(parsed)


def public_request_url(public_url: str, request: Request) -> str:
    """The URL Twilio requested: public base, then the path and query string as received."""
    url = public_url.rstrip("/") + request.path
    if request.query_string:
        url += "?" + request.query_string
    return url


class TwilioSignature:
    """Checks ``X-Twilio-Signature`` against the public URL and the POST parameters."""

    def __init__(self, auth_token: str, public_url: str) -> None:
        self._validator = RequestValidator(auth_token)
        self.public_url = public_url.rstrip("/")

    def is_valid(self, request: Request, params: FormParams | None = None) -> bool:
        signature = request.headers.get(SIGNATURE_HEADER, "")
        if not signature:
            return False
        url = public_request_url(self.public_url, request)
        values = form_params(request) if params is None else params
        try:
            return bool(self._validator.validate(url, values, signature))
        except Exception as error:  # a malformed URL or header is a failed check, never a 500
            log.warning("signature check failed: %s", type(error).__name__)
            return False

    def url_for(self, path: str) -> str:
        """An absolute public URL for a path of this server (for TwiML callbacks)."""
        return self.public_url + "/" + path.lstrip("/")


# --- credentials -----------------------------------------------------------------------------------


def required_text(credentials: Mapping[str, Any], key: str, channel: str) -> str:
    value = credentials.get(key)
    text = "" if value is None else str(value).strip()
    if not text:
        raise ChannelConfigError(
            f"{channel}: '{key}' is missing in credentials.yml (or its environment variable is empty)."
        )
    if "${" in text:
        # Rasa expands ${VAR} only in unquoted YAML values: "${VAR}" arrives here as is.
        raise ChannelConfigError(
            f"{channel}: '{key}' was not expanded; write {text} without quotes in credentials.yml."
        )
    return text


def auth_token_from(credentials: Mapping[str, Any], channel: str) -> str:
    token = required_text(credentials, "auth_token", channel)
    if any(character.isspace() for character in token) or len(token) < 16:
        raise ChannelConfigError(f"{channel}: 'auth_token' does not look like a Twilio auth token.")
    return token


def public_url_from(credentials: Mapping[str, Any], channel: str) -> str:
    """The HTTPS base URL Twilio calls (plain HTTP only on loopback, for tests)."""
    return https_url_from(credentials, "public_url", channel)


def https_url_from(credentials: Mapping[str, Any], key: str, channel: str) -> str:
    """An absolute HTTPS base URL; plain HTTP only on loopback (tests against local fakes)."""
    url = required_text(credentials, key, channel).rstrip("/")
    problem = base_url_problem(url)
    if problem == NOT_ABSOLUTE:
        raise ChannelConfigError(f"{channel}: '{key}' must be an absolute URL such as https://assistant.example.fr.")
    if problem == HAS_QUERY:
        raise ChannelConfigError(f"{channel}: '{key}' must not have a query string or a fragment.")
    if problem == NOT_HTTPS:
        raise ChannelConfigError(f"{channel}: '{key}' must use https (plain http is accepted on loopback only).")
    return url


def int_setting(credentials: Mapping[str, Any], key: str, default: int, low: int, high: int, channel: str) -> int:
    value = credentials.get(key, default)
    if value is None or value == "":
        return default
    try:
        number = int(str(value).strip())
    except ValueError:
        raise ChannelConfigError(f"{channel}: '{key}' must be a whole number of seconds, not {value!r}.") from None
    if not low <= number <= high:
        raise ChannelConfigError(f"{channel}: '{key}' must be between {low} and {high}, not {number}.")
    return number


def bool_setting(credentials: Mapping[str, Any], key: str, default: bool, channel: str) -> bool:
    value = credentials.get(key, default)
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("true", "yes", "1", "on"):
        return True
    if text in ("false", "no", "0", "off"):
        return False
    raise ChannelConfigError(f"{channel}: '{key}' must be true or false, not {value!r}.")
