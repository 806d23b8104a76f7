"""A channel's classes all answer to the channel's name."""

from __future__ import annotations

from typing import ClassVar


class NamedChannel:
    """A Rasa channel class (an input, an output, a turn's collector) that answers to ``channel_name``.

    Rasa mounts an input channel's routes under its name (``/webhooks/<name>/``) and picks the variant of
    a domain response by the output channel's name (``channel:``), so a channel's input, output and
    collector must give one and the same name: each class says which, once, and ``name()`` is written
    here instead of in each of them. Put it first among the bases, before Rasa's class.
    """

    channel_name: ClassVar[str]

    @classmethod
    def name(cls) -> str:
        return cls.channel_name
