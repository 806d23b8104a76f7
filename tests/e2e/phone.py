"""A phone caller as Twilio drives a call: signed form-encoded webhooks, next URLs read from the TwiML.

Shared by the end-to-end phone tests and the voice benchmark.
"""

from __future__ import annotations

import urllib.parse
import urllib.request
import uuid
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

from twilio.request_validator import RequestValidator

TOKEN = "e2e-twilio-auth-token-0123456789"
PUBLIC = "https://cabinet.example.test"
VOICE = "Polly.Lea-Neural"
WEBHOOK = "/webhooks/twilio_voice_fr/webhook"


def credentials(folder: Path) -> Path:
    """A credentials file with the REST channel and the voice channel (test token, fake public URL)."""
    path = folder / "credentials.yml"
    path.write_text(
        "assistant.adapters.channels.rest.SafeRestInput:\n"
        "assistant.adapters.channels.twilio_voice.TwilioVoiceFrInput:\n"
        f"  auth_token: {TOKEN}\n"
        f"  public_url: {PUBLIC}\n"
        f"  voice: {VOICE}\n"
        "  language: fr-FR\n",
        encoding="utf-8",
    )
    return path


@dataclass
class Call:
    """A caller, as Twilio drives the call: every request signed, every next URL read from the TwiML."""

    base: str
    caller: str = "+33622334455"
    sid: str = field(default_factory=lambda: "CA" + uuid.uuid4().hex)
    twiml: ET.Element | None = None
    heard: list[str] = field(default_factory=list)

    def post(self, url: str, params: dict[str, str], signed: bool = True) -> ET.Element:
        public = url if url.startswith(PUBLIC) else PUBLIC + url
        local = self.base + public[len(PUBLIC) :]
        body = {"CallSid": self.sid, "From": self.caller, "To": "+33353012000", "AccountSid": "AC" + "0" * 32}
        body.update(params)
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        if signed:
            headers["X-Twilio-Signature"] = RequestValidator(TOKEN).compute_signature(public, body)
        request = urllib.request.Request(local, data=urllib.parse.urlencode(body).encode(), headers=headers)
        with urllib.request.urlopen(request, timeout=120) as answer:
            payload = answer.read()
        # Callbacks such as the call status answer 204 with no body: an empty response.
        document = ET.fromstring(payload) if payload.strip() else ET.Element("Response")
        self.twiml = document
        self.heard.extend(say.text or "" for say in document.iter("Say"))
        return document

    def start(self) -> ET.Element:
        return self.post(WEBHOOK, {"CallStatus": "ringing", "Direction": "inbound"})

    def gather_action(self) -> str:
        assert self.twiml is not None
        gathers = list(self.twiml.iter("Gather"))
        assert gathers, ET.tostring(self.twiml, encoding="unicode")
        return gathers[-1].attrib["action"]

    def say(self, text: str) -> ET.Element:
        return self.post(
            self.gather_action(), {"SpeechResult": text, "Confidence": "0.92", "CallStatus": "in-progress"}
        )

    def key(self, digits: str) -> ET.Element:
        return self.post(self.gather_action(), {"Digits": digits, "CallStatus": "in-progress"})

    def stay_silent(self) -> ET.Element:
        assert self.twiml is not None
        redirect = self.twiml.find("Redirect")
        assert redirect is not None and redirect.text
        return self.post(redirect.text, {"CallStatus": "in-progress"})

    def hung_up(self) -> bool:
        return self.twiml is not None and self.twiml.find("Hangup") is not None
