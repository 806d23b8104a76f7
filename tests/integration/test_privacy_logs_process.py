"""Privacy of the logs in a real process: Rasa's, Sanic's and structlog's output after Rasa configured logging.

A child process installs the privacy logging, then configures logging as Rasa's CLI
and Sanic do (basicConfig, coloredlogs, structlog, dictConfig), emits records that
carry a name, a birth date, a phone number and the message text through every path
(stdlib loggers named like Rasa's and Sanic's, structlog in its JSON and console
renderers, exceptions with data in their message and their locals, a warning, an
uncaught exception), and the test scans everything it printed.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
NAME, FIRST_NAME, BIRTH, BIRTH_WORDS = "Secretdupont", "Eulalie", "12/03/1985", "12 mars 1985"
PHONE, EMAIL = "06 11 22 33 44", "eulalie.secretdupont@example.fr"
MESSAGE = f"bonjour je suis {FIRST_NAME} {NAME}, née le {BIRTH_WORDS}, joignable au {PHONE}"
SECRETS = (NAME, FIRST_NAME, BIRTH, BIRTH_WORDS, "0611223344", PHONE, EMAIL, MESSAGE, "1985-03-12")

CHILD = textwrap.dedent(
    f"""
    import logging, logging.config, sys, warnings
    from assistant.adapters import privacy_logs

    privacy_logs.install("DEBUG")

    # What Rasa's CLI does at start, after us (rasa/__main__.py).
    import rasa.utils.common, rasa.utils.io, rasa.utils.log_utils
    rasa.utils.common.configure_logging_and_warnings(logging.DEBUG)
    rasa.utils.io.configure_colored_logging(logging.DEBUG)
    rasa.utils.log_utils.configure_structlog(logging.DEBUG)
    # What Sanic does when it configures logging: every handler replaced.
    from sanic.log import LOGGING_CONFIG_DEFAULTS
    logging.config.dictConfig(LOGGING_CONFIG_DEFAULTS)
    logging.getLogger("rasa").addHandler(logging.StreamHandler(sys.stdout))  # a handler added later
    assert privacy_logs.installed(), "installation did not survive Rasa's configuration"

    import structlog
    NAME, FIRST_NAME, BIRTH, PHONE, EMAIL, MESSAGE = {NAME!r}, {FIRST_NAME!r}, {BIRTH!r}, {PHONE!r}, {EMAIL!r}, {MESSAGE!r}

    def crash(patient_name, birth_date):
        phone_number = PHONE  # a local holding personal data
        raise ValueError(f"no match for {{patient_name}} born {{birth_date}} at {{phone_number}}")

    with privacy_logs.sensitive(MESSAGE):
        logging.getLogger("rasa.core.processor").debug(
            "Received user message '%s' with intent '{{\\"name\\": \\"inform\\"}}'", MESSAGE
        )
        logging.getLogger("rasa.core.processor").info("Logged UserUtterance - tracker now has 4 events: %s", MESSAGE)
        logging.getLogger("assistant.test").info("our own line about %s %s", FIRST_NAME, NAME)
        structlog.get_logger().debug("processor.message.parse", text=MESSAGE, parse_data_text=MESSAGE)
        structlog.get_logger().info("nlu.entities", entity_values=[NAME, FIRST_NAME], note="caller " + NAME)
    logging.getLogger("rasa.core.processor").debug("Current slot values: \\n\\tlast_name: %s\\n\\tfirst_name: %s", NAME, FIRST_NAME)
    logging.getLogger("rasa.core.actions").debug("Action returned SlotSet(key: last_name, value: %s)", NAME)
    logging.getLogger("sanic.error").error("request from %s, contact %s, born %s", PHONE, EMAIL, BIRTH)
    access = {{"host": "127.0.0.1:5", "request": "POST /webhook", "status": 200, "byte": 2}}
    logging.getLogger("sanic.access").info("POST /webhook 200 body=%r", {{"text": MESSAGE}}, extra=access)
    logging.getLogger("urllib3.connectionpool").warning("retrying for 'patient %s %s'", FIRST_NAME, NAME)
    try:
        crash(NAME, BIRTH)
    except ValueError:
        logging.getLogger("sanic.error").exception("Exception occurred while handling uri")
        structlog.get_logger().exception("rasa.core.processor.failed", user_message=MESSAGE)
        # structlog's console renderer, whose default traceback is rich with show_locals=True.
        structlog.configure(processors=[structlog.dev.ConsoleRenderer()])
        structlog.get_logger("x").exception("console.failed")
        structlog.configure(processors=[structlog.processors.dict_tracebacks, structlog.processors.JSONRenderer()])
        structlog.get_logger("y").exception("json.failed")
    warnings.warn(f"odd value {{NAME}} {{BIRTH}}")
    print("CHILD-DONE", flush=True)
    crash(NAME, BIRTH)  # uncaught: sys.excepthook
    """
)


def run_child() -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", CHILD],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={"PATH": "/usr/bin:/bin", "RASA_TELEMETRY_ENABLED": "false", "PYTHONPATH": str(ROOT)},
    )


def test_no_personal_data_reaches_any_output_but_the_events_do():
    result = run_child()
    output = result.stdout + result.stderr
    assert "CHILD-DONE" in result.stdout, output[-3000:]
    assert result.returncode == 1  # the uncaught exception still ends the process
    for secret in SECRETS:
        assert secret.lower() not in output.lower(), (secret, output)
    # The events are still there: logger names, levels, exception types and frames.
    for kept in (
        "Received user message",
        "Current slot values",
        "sanic.error",
        "rasa.core.processor.failed",
        "console.failed",
        "json.failed",
        "ValueError",
        "in crash",
        "UserWarning",
        "assistant.uncaught",
        "[tél]",
        "[date]",
        "[e-mail]",
        "[masqué]",
    ):
        assert kept in output, (kept, output[-4000:])
    assert "patient_name" not in output and "phone_number" not in output  # no locals


def test_each_line_is_bounded():
    output = run_child().stdout
    assert max(len(line) for line in output.splitlines()) <= 700  # 500 of message, plus the formatter's prefix
