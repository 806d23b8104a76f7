"""The pipeline step that drops a phone number the model read where the message gives none."""

from __future__ import annotations

from pathlib import Path

from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.training_data.message import Message

from assistant.nlu.phone_component import PhoneNumberCheck


def _read(tmp_path: Path, text: str, *tagged: tuple[str, str]) -> list[tuple[str, str]]:
    """The entities left once the step has read ``text`` whose ``tagged`` (entity, words) the model found."""
    step = PhoneNumberCheck.create(
        {}, LocalModelStorage(tmp_path), Resource("phone_check"), ExecutionContext(GraphSchema({}), "test-model")
    )
    entities = [
        {"entity": kind, "value": words, "start": text.index(words), "end": text.index(words) + len(words)}
        for kind, words in tagged
    ]
    (message,) = step.process([Message(data={"text": text, "entities": entities})])
    return [(e["entity"], e["value"]) for e in message.get("entities")]


def test_number_words_of_a_time_are_no_phone_number(tmp_path: Path) -> None:
    text = "celui de dix-huit heures trente"
    assert _read(tmp_path, text, ("phone_number", "dix-huit")) == []


def test_a_birth_year_is_no_phone_number_and_the_names_stay(tmp_path: Path) -> None:
    text = "Romain née le douze février mille neuf cent soixante-dix-huit"
    found = _read(tmp_path, text, ("first_name", "Romain"), ("phone_number", "neuf cent"))
    assert found == [("first_name", "Romain")]


def test_a_phone_number_the_message_gives_stays_whole_or_in_pieces(tmp_path: Path) -> None:
    text = "zéro six douze trente-quatre cinquante-six soixante-dix-huit"
    assert _read(tmp_path, text, ("phone_number", "zéro six douze")) == [("phone_number", "zéro six douze")]
    text = "rappelez-moi au 06 12 34 56 78 après dix-huit heures"
    assert _read(tmp_path, text, ("phone_number", "06 12 34 56 78")) == [("phone_number", "06 12 34 56 78")]
