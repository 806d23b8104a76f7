"""What custom actions need at run time, built once, lazily (never at import).

rasa-sdk imports every module of this package when the action server starts;
connecting to the database then would make imports slow and failures obscure.
The container is built on first use from the same settings as the CLI, and
blocking database work is run in a worker thread so the action server's event
loop keeps serving other conversations.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from datetime import datetime
from typing import TypeVar

from assistant.bootstrap import PROCESS_CONTAINER, Container
from assistant.core.model import Practice
from assistant.settings import Settings

T = TypeVar("T")


def container() -> Container:
    return PROCESS_CONTAINER.get()


async def ready() -> None:
    """Build the container in a thread the first time: building connects to the database (and
    migrates), which must never block the action server's event loop nor escape the action deadline."""
    if not PROCESS_CONTAINER.built:
        await off_loop(container)


@functools.lru_cache(maxsize=1)
def settings() -> Settings:
    """The process's settings (deadlines), read from the environment once, without touching the database."""
    return Settings.from_env()


def use_container(replacement: Container | None) -> None:
    """Swap the container (tests build one on a temporary database with a fixed clock)."""
    PROCESS_CONTAINER.replace(replacement)


async def off_loop(function: Callable[..., T], *args: object, **kwargs: object) -> T:
    """Run blocking work (database, Duckling) in a thread, not on the event loop."""
    return await asyncio.to_thread(function, *args, **kwargs)


async def practice() -> Practice:
    return await off_loop(lambda: container().agenda.practice())


def now() -> datetime:
    return container().clock.now()
