"""``python -m assistant.adapters.console``: the secretaries' console on 127.0.0.1 (started by the launcher).

Environment: ``ASSISTANT_CONSOLE_PORT`` (8090), ``RASA_PORT`` and ``RASA_API_TOKEN`` (the Rasa API, for
transcripts and takeovers), ``ASSISTANT_CONSOLE_SECURE_COOKIE=1`` behind an https proxy, and the
agenda's own settings (``ASSISTANT_DATABASE_URL``…).
"""

from __future__ import annotations

import logging
import os
import sys

from assistant.adapters import privacy_logs

log = logging.getLogger("assistant.adapters.console")


def build_deps(env: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    from assistant.adapters.console.app import ConsoleDeps
    from assistant.adapters.console.push import notifier_from_env
    from assistant.adapters.console.rasa_api import RasaApi
    from assistant.adapters.console.store import SqlSecretaryStore
    from assistant.adapters.console.wiring import secretary_service
    from assistant.bootstrap import build
    from assistant.clock import get_timezone

    env = dict(os.environ if env is None else env)
    container = build()
    secretaries = secretary_service(container)
    token = env.get("RASA_API_TOKEN", "")
    rasa = RasaApi(f"http://127.0.0.1:{env.get('RASA_PORT', '5005')}", token) if token else None
    try:
        practice_name = container.agenda.practice().name
    except Exception:  # not loaded yet: the console still works
        practice_name = ""
    store = SqlSecretaryStore(container.engine)
    return ConsoleDeps(
        secretaries=secretaries,
        escalations=container.escalations,
        fingerprint=store.queue_fingerprint,
        rasa=rasa,
        timezone=get_timezone(container.settings.timezone),
        practice_name=practice_name,
        secure_cookies=env.get("ASSISTANT_CONSOLE_SECURE_COOKIE") == "1",
        agenda=container.agenda,
        search_patients=store.search_patients,
        sms_sender=_sms_sender(container),
        push_notify=notifier_from_env(env),
    )


def _sms_sender(container):  # type: ignore[no-untyped-def]
    """The SMS worker's Twilio sender when SMS is configured (SMS conversations are answered through it)."""
    settings = container.settings
    if not settings.sms_enabled:
        return None
    from assistant.adapters.sms.twilio_sender import TwilioSmsSender

    return TwilioSmsSender(
        settings.twilio_account_sid,
        settings.twilio_auth_token,
        settings.twilio_sms_number,
        settings.twilio_api_base_url,
    )


def main() -> int:
    level = os.environ.get("ASSISTANT_LOG_LEVEL", "INFO")
    logging.basicConfig(level=level.upper(), format="%(levelname)s %(name)s: %(message)s")
    privacy_logs.install(level)
    from assistant.adapters.console.app import create_app, serve

    port = int(os.environ.get("ASSISTANT_CONSOLE_PORT", "8090"))
    app = create_app(build_deps(), name="console")
    log.info("console on http://127.0.0.1:%s", port)
    serve(app, port)
    return 0


if __name__ == "__main__":
    sys.exit(main())
