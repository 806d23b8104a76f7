"""Settings are checked at start (the database URL is parsed with SQLAlchemy's, hence not a unit test)."""

from __future__ import annotations

import pytest

from assistant.settings import Settings, SettingsError


def test_settings_validate_at_start():
    assert Settings.from_env({}).database_url.startswith("sqlite:///")
    with pytest.raises(SettingsError, match="ASSISTANT_DATABASE_URL"):
        Settings.from_env({"ASSISTANT_DATABASE_URL": "mysql://x@y/z"})
    with pytest.raises(SettingsError, match="ASSISTANT_TIMEZONE"):
        Settings.from_env({"ASSISTANT_TIMEZONE": "Europe/Lile"})
    with pytest.raises(SettingsError, match="ASSISTANT_NOW"):
        Settings.from_env({"ASSISTANT_NOW": "demain"})
