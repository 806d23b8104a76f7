"""What the phone line says, as TwiML: pure functions, no I/O, no Rasa.

The voice channel (:mod:`.twilio_voice`) decides *what* happens in a call; this
module decides how it sounds and how Twilio is told. Keeping it pure means every
sentence, every Gather attribute and every hang-up can be checked by unit tests
in milliseconds, without a server.

Choices made here, and why:

- Bot replies are written for chat as well as for the phone, so they are cleaned
  before being spoken: emoji and markdown are removed (a voice reads
  "astérisque" or skips silently in the middle of a sentence), links are
  reduced to their site name, and the bot's several messages are joined into
  one speech.
- A speech longer than about 25 seconds (estimated at 15 characters a second in
  French) is split at sentence boundaries. Every part is spoken inside its own
  ``<Gather>`` with barge-in, one after the other in the same TwiML document:
  between two parts Twilio leaves a short pause (``part_pause``) in which the
  patient can answer or interrupt, and anything said goes to the dialogue while
  the rest of the document is dropped. Nothing is kept back on the server and
  nothing essential is cut, which "keep only the essential" could not promise
  for practical information (address, documents to bring).
- Silence is handled by a ``<Redirect>`` after the last ``<Gather>``: Twilio
  only follows it when the caller said and keyed nothing. The channel answers it
  with one reprompt, then a polite goodbye and ``<Hangup/>``.
- Every path that ends a call ends with ``<Hangup/>``, so a call never stays
  open on silence after the last sentence.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from twilio.twiml.voice_response import Dial, Gather, Number, VoiceResponse

from assistant.conversation.replies import catalogue, say
from assistant.core.model import Channel, EmergencyNumbers, Practice
from assistant.core.text import normalise
from assistant.dialogue.speech import hello

# --- settings -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class VoiceSettings:
    """How the line speaks and listens (validated by the channel's configuration)."""

    voice: str = "Polly.Lea-Neural"
    language: str = "fr-FR"
    timeout: int = 6  # seconds the caller has to start answering after the assistant stops talking
    speech_timeout: str = "2"  # seconds of silence that end an answer, or "auto"
    speech_model: str = ""  # empty: Twilio chooses the recogniser for the language
    part_pause: int = 2  # seconds left to react between two parts of a long reply
    finish_on_key: str = "#"  # ends a number keyed on the keypad (birth date, phone)
    max_speech_seconds: float = 25.0
    chars_per_second: float = 15.0

    @property
    def max_part_chars(self) -> int:
        return max(40, int(self.max_speech_seconds * self.chars_per_second))


# --- French sentences of the line -----------------------------------------------------------------


def line(name: str, practice: Practice | None = None, **params: object) -> str:
    """A sentence of the line from the reply catalogue (``line.<name>``, else ``<name>``), as spoken.

    The practice's own wording (``wording:`` in its file) wins, so that a practice rewords its line.
    """
    reply_id = f"line.{name}" if f"line.{name}" in catalogue() else name
    return say(reply_id, Channel.PHONE, practice, **params)


def technical_apology() -> str:
    """The apology for a technical failure, spoken (the same catalogue entry as the chat's and the actions')."""
    return say("safety.technical_apology", Channel.PHONE)


def greeting(
    practice_name: str,
    disclosure: bool = True,
    local_hour: int = 9,
    staffed: bool = True,
    practice: Practice | None = None,
) -> str:
    """The first sentence of a call: who answers, that it is a machine, how to reach a person.

    In the evening it says "bonsoir"; when nobody is at the desk, that the secretariat is closed and
    that "secrétariat" leaves it a request (a caller at 21:30 was told to ask for a person who was not there).
    ``practice``: its own wording of these sentences, when its file has some.
    """
    name = practice_name.strip()
    word = hello(local_hour)
    if name:
        opening = line("opening", practice, practice_name=name, hello=word)
    else:
        opening = line("opening_no_name", practice, Hello=word.capitalize())
    parts = [opening, line("disclosure", practice)] if disclosure else [opening]
    reach = line("how_to_reach_a_person", practice) if staffed else line("leave_a_request", practice)
    return " ".join([*parts, reach, line("opening_question", practice)])


def in_danger(practice: Practice | None) -> str:
    """Said again to a person in distress the secretariat could not take: the emergency numbers first."""
    numbers = practice.emergency if practice else EmergencyNumbers()
    return line("in_danger", practice, samu=numbers.samu, suicide_prevention=numbers.suicide_prevention)


def greeting_reprompt(practice: Practice | None = None) -> str:
    """What is asked again after a silence at the start of a call (not the whole greeting)."""
    return f"{line('opening_question', practice)} {line('how_to_reach_a_person', practice)}"


def whisper_text(spoken_summary: str, urgency: str) -> str:
    """What the secretary hears before the patient is connected."""
    sentences = [line("whisper_intro")]
    level = urgency.strip().lower()
    flag = line(f"whisper_urgency.{level}") if f"line.whisper_urgency.{level}" in catalogue() else ""
    if flag:
        sentences.append(flag)
    summary = speakable(spoken_summary)
    sentences.append(_with_final_stop(summary) if summary else line("whisper_no_summary"))
    return " ".join(sentences)


# --- text for speech ------------------------------------------------------------------------------

_EMOJI = re.compile(
    "["
    "\U0001f000-\U0001faff"  # pictographs, emoticons, transport, flags' letters, symbols
    "\u2190-\u21ff"  # arrows
    "\u2300-\u23ff"  # technical symbols (⌚, ⏰)
    "\u25a0-\u27bf"  # shapes, dingbats, miscellaneous symbols (☎, ✅, ✔)
    "\u2b00-\u2bff"  # arrows and stars
    "\ufe0e\ufe0f\u200d\u20e3"  # variation selectors, joiners, keycaps
    "]+"
)
#: Chat markup as a voice reads it, rewritten in this order: an image is a link with a "!" (it goes first,
#: leaving nothing), a link keeps its words, a raw address its site name ("www.cabinet.fr" is read, a long
#: address is not), emoji go, and code, bold and italics keep their text.
_SPEECH_REWRITES: tuple[tuple[re.Pattern[str], str | Callable[[re.Match[str]], str]], ...] = (
    (re.compile(r"!\[[^\]]*\]\([^)]*\)"), ""),
    (re.compile(r"\[([^\]]+)\]\([^)]*\)"), r"\1"),
    (re.compile(r"\bhttps?://([^\s/?#]+)[^\s]*", re.IGNORECASE), lambda match: match.group(1).removeprefix("www.")),
    (_EMOJI, ""),
    (re.compile(r"`+([^`]*)`+"), r"\1"),
    (re.compile(r"(\*\*|__)(.+?)\1"), r"\2"),
    (re.compile(r"(?<![\w*])([*_])(?!\s)(.+?)(?<!\s)\1(?![\w*])"), r"\2"),
)
_LINE_MARKUP = re.compile(r"^\s{0,3}(?:#{1,6}\s+|>\s?|[-*+•]\s+)")
_SPACES = re.compile(r"\s+")
_SPACE_BEFORE_COMMA = re.compile(r"\s+([,.])")
_TERMINAL = (".", "!", "?", "…", ":", ";")
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+")


def speakable(text: str) -> str:
    """Chat text made fit to be read aloud: no emoji, no markdown, no raw links, one line.

    Lines become sentences (a list item is a short sentence), links keep their
    words or their site name ("www.cabinet.fr" is read; a long address is not).
    """
    for markup, spoken in _SPEECH_REWRITES:
        text = markup.sub(spoken, text)
    text = text.replace(" & ", " et ")
    lines = [_LINE_MARKUP.sub("", line).strip() for line in text.splitlines()]
    lines = [line for line in lines if line]
    sentences = [_with_final_stop(line) if index < len(lines) - 1 else line for index, line in enumerate(lines)]
    joined = _SPACES.sub(" ", " ".join(sentences)).strip()
    return _SPACE_BEFORE_COMMA.sub(r"\1", joined)


def _with_final_stop(sentence: str) -> str:
    sentence = sentence.strip()
    if not sentence or sentence.endswith(_TERMINAL) or sentence.endswith(("»", '"')):
        return sentence
    return sentence + "."


def join_for_speech(texts: Iterable[str]) -> str:
    """Several bot messages as one speech, each ending as a sentence."""
    cleaned = [speakable(text) for text in texts]
    return " ".join(_with_final_stop(text) for text in cleaned if text)


def split_for_speech(text: str, max_chars: int) -> list[str]:
    """Parts of at most ``max_chars`` characters, cut between sentences when possible.

    A sentence longer than a part is cut after a comma, a semicolon or a colon,
    and only as a last resort between two words.
    """
    text = text.strip()
    if not text:
        return []
    pieces: list[str] = []
    for sentence in _SENTENCE_END.split(text):
        pieces.extend(_cut_long(sentence, max_chars))
    parts: list[str] = []
    current = ""
    for piece in pieces:
        candidate = f"{current} {piece}" if current else piece
        if len(candidate) <= max_chars:
            current = candidate
        else:
            parts.append(current)
            current = piece
    if current:
        parts.append(current)
    return parts


def _cut_long(sentence: str, max_chars: int) -> list[str]:
    out: list[str] = []
    rest = sentence.strip()
    while len(rest) > max_chars:
        window = rest[: max_chars + 1]
        cut = max(window.rfind(", "), window.rfind("; "), window.rfind(" : "))
        if cut > max_chars // 3:
            cut += 1  # keep the punctuation with the first piece
        else:
            cut = window.rfind(" ")
            if cut <= 0:
                cut = max_chars
        out.append(rest[:cut].strip())
        rest = rest[cut:].strip()
    if rest:
        out.append(rest)
    return out


def estimated_seconds(text: str, chars_per_second: float = 15.0) -> float:
    return len(text) / chars_per_second


# --- what the caller keys or says -----------------------------------------------------------------

_WITHHELD = {
    "anonymous",
    "restricted",
    "unknown",
    "private",
    "unavailable",
    "blocked",
    "withheld",
    "+266696687",  # "ANONYMOUS" on a keypad: Twilio's stand-in for a withheld number
    "+7378742833",  # "RESTRICTED"
    "+86282452253",  # "UNAVAILABLE"
    "+2562533",  # "BLOCKED"
    "+8656696",  # "UNKNOWN"
}


def caller_number(value: str | None) -> str:
    """The caller's number in E.164 when it can be called back, else "" (withheld, SIP, client)."""
    raw = (value or "").strip()
    if not raw or raw.lower() in _WITHHELD:
        return ""
    return to_e164(raw) or ""


def to_e164(number: str, country_code: str = "33") -> str | None:
    """A dialable E.164 number from what a practice file or Twilio gives ("03 20 12 34 56" → "+33320123456")."""
    raw = number.strip()
    if raw.startswith("00"):
        raw = "+" + raw[2:]
    digits = re.sub(r"\D", "", raw)
    if raw.startswith("+"):
        return f"+{digits}" if 8 <= len(digits) <= 15 and digits[0] != "0" else None
    if len(digits) == 10 and digits.startswith("0") and digits[1] != "0":
        return f"+{country_code}{digits[1:]}"
    return None


def digits_as_text(digits: str | None) -> str:
    """Keypad input as the dialogue reads it: the digits only ("12031985#" → "12031985")."""
    return re.sub(r"\D", "", digits or "")


_NO = re.compile(
    r"\b(non|nan|pas la peine|pas besoin|pas necessaire|inutile|ne (?:veux|souhaite|voudrais) pas|"
    r"surtout pas|pas maintenant|ca ira)\b"
)
_YES = re.compile(
    r"\b(oui|ouais|ouaip|d accord|volontiers|je veux bien|ok|okay|bien sur|avec plaisir|"
    r"s il vous plait|pas de probleme|tout a fait|absolument|allez y|rappelez moi|exactement)\b"
)


def callback_answer(speech: str | None, digits: str | None) -> bool | None:
    """The answer to the callback offer: True (1, "oui"), False (2, "non"), None when unclear."""
    keyed = digits_as_text(digits)
    if keyed:
        return {"1": True, "2": False}.get(keyed[:1])
    said = normalise(speech or "")
    if not said:
        return None
    if _NO.search(said):
        return False
    if _YES.search(said):
        return True
    return None


# --- speech recognition hints ---------------------------------------------------------------------

BASE_HINTS = (
    "secrétariat",
    "rendez-vous",
    "prendre rendez-vous",
    "annuler",
    "déplacer",
    "urgence",
    "ordonnance",
    "oui",
    "non",
)
MAX_HINTS = 100
MAX_HINT_CHARS = 100


def speech_hints(practice: Practice | None) -> tuple[str, ...]:
    """Words the recogniser should expect: practitioners' names, motifs and their synonyms.

    Names are what speech recognition gets wrong most ("Durand", "Morel");
    Twilio's ``hints`` raises their likelihood. Commas separate hints, so they
    are removed from the phrases; duplicates and over-long phrases are dropped.
    """
    hints: list[str] = list(BASE_HINTS)
    if practice is not None:
        for practitioner in practice.practitioners:
            last = practitioner.name.split()[-1] if practitioner.name.split() else ""
            hints.extend([practitioner.name, last])
            if practitioner.title.lower().rstrip(".") in ("dr", "docteur"):
                hints.append(f"docteur {last}")
            if practitioner.phone_label:
                hints.append(practitioner.phone_label)
        for motif in practice.appointment_types:
            hints.append(motif.name)
            hints.extend(motif.synonyms)
    seen: set[str] = set()
    unique: list[str] = []
    for hint in hints:
        phrase = _SPACES.sub(" ", hint.replace(",", " ")).strip()
        key = phrase.casefold()
        if phrase and len(phrase) <= MAX_HINT_CHARS and key not in seen:
            seen.add(key)
            unique.append(phrase)
    return tuple(unique[:MAX_HINTS])


# --- TwiML documents ------------------------------------------------------------------------------


def _say(parent: VoiceResponse | Gather, text: str, settings: VoiceSettings) -> None:
    parent.say(text, voice=settings.voice)


def _gather(
    settings: VoiceSettings,
    action_url: str,
    hints: Sequence[str],
    timeout: int,
    num_digits: int | None = None,
) -> Gather:
    attributes: dict[str, object] = {
        "input": "speech dtmf",
        "action": action_url,
        "method": "POST",
        "language": settings.language,
        "timeout": timeout,
        "speech_timeout": settings.speech_timeout,
        "barge_in": True,
        "finish_on_key": settings.finish_on_key,
    }
    if hints:
        attributes["hints"] = ", ".join(hints)
    if settings.speech_model:
        attributes["speech_model"] = settings.speech_model
    if num_digits is not None:
        attributes["num_digits"] = num_digits
    return Gather(**attributes)


def conversation_turn(
    parts: Sequence[str],
    settings: VoiceSettings,
    hints: Sequence[str],
    action_url: str,
    silence_url: str,
) -> VoiceResponse:
    """Say the reply (one Gather per part) and listen; a silence follows the Redirect."""
    response = VoiceResponse()
    spoken = [part for part in parts if part.strip()] or [line("listening")]
    for index, part in enumerate(spoken):
        last = index == len(spoken) - 1
        gather = _gather(settings, action_url, hints, settings.timeout if last else settings.part_pause)
        _say(gather, part, settings)
        response.append(gather)
    response.redirect(silence_url, method="POST")
    return response


def goodbye(text: str, settings: VoiceSettings) -> VoiceResponse:
    """Say the last words, then hang up."""
    response = VoiceResponse()
    if text.strip():
        _say(response, text, settings)
    response.hangup()
    return response


def transfer(
    text: str,
    settings: VoiceSettings,
    number: str,
    dial_action_url: str,
    whisper_url: str | None,
    timeout: int,
) -> VoiceResponse:
    """Warm transfer: tell the patient, then ring the secretariat, which first hears the whisper.

    Twilio requests ``dial_action_url`` when the transferred call ends or was
    not answered; the channel then hangs up or offers a callback.
    """
    response = VoiceResponse()
    _say(response, text.strip() or line("transfer"), settings)
    dial = Dial(action=dial_action_url, method="POST", timeout=timeout)
    if whisper_url:
        dial.append(Number(number, url=whisper_url, method="POST"))
    else:
        dial.append(Number(number))
    response.append(dial)
    return response


def whisper(text: str, settings: VoiceSettings) -> VoiceResponse:
    """Played to the secretary only; when it ends, the two calls are connected (so no Hangup here)."""
    response = VoiceResponse()
    _say(response, text, settings)
    return response


def yes_no_question(
    text: str,
    settings: VoiceSettings,
    action_url: str,
    then_text: str,
) -> VoiceResponse:
    """One question answered by a key or a word, then ``then_text`` and Hangup if nothing comes."""
    response = VoiceResponse()
    gather = _gather(settings, action_url, ("oui", "non"), settings.timeout, num_digits=1)
    _say(gather, text, settings)
    response.append(gather)
    _say(response, then_text, settings)
    response.hangup()
    return response


def empty() -> VoiceResponse:
    return VoiceResponse()
