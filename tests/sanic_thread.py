"""A Sanic app served from a background thread on a free loopback port, for channel and server tests."""

from __future__ import annotations

import asyncio
import socket
import threading

from sanic import Sanic


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class SanicThread:
    """A Sanic app served from a background thread with its own event loop."""

    def __init__(self, app: Sanic, port: int) -> None:
        # Several apps start in one test process: Sanic's start-up rewrite of its own methods
        # (TouchUp) must start from the originals each time, as sanic-testing does with test_mode.
        type(app).test_mode = True
        self.app = app
        self.port = port
        self.ready = threading.Event()
        self.error: BaseException | None = None
        self.loop = asyncio.new_event_loop()
        self.stop_event: asyncio.Event | None = None
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        try:
            self.loop.run_until_complete(self._serve())
        except BaseException as error:  # reported to the test instead of dying silently
            self.error = error
            self.ready.set()

    async def _serve(self) -> None:
        self.stop_event = asyncio.Event()
        server = await self.app.create_server(
            host="127.0.0.1", port=self.port, return_asyncio_server=True, access_log=False
        )
        assert server is not None  # already listening: create_server awaited it
        await server.startup()
        await server.before_start()
        await server.after_start()
        self.ready.set()
        await self.stop_event.wait()
        server.close()
        await server.wait_closed()

    def start(self) -> None:
        self.thread.start()
        assert self.ready.wait(20), "the channel server did not start"
        if self.error:
            raise self.error

    def stop(self) -> None:
        if self.stop_event is not None:
            self.loop.call_soon_threadsafe(self.stop_event.set)
        self.thread.join(10)
