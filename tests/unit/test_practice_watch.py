"""The practice watch says which practice the understanding reads: the agenda's, or the file standing in."""

from __future__ import annotations

from assistant.adapters.practice_watch import PracticeWatch
from assistant.core.practice_config import load_practice_file
from assistant.launcher import ROOT


def no_agenda():
    raise ConnectionError("agenda down")


def test_the_practice_file_stands_in_while_the_agenda_cannot_be_read_and_the_watch_says_so():
    douai = load_practice_file(ROOT / "practices" / "douai-kine.yml")
    watch = PracticeWatch(lambda practice: practice.id, load=no_agenda, load_file=lambda: douai)
    assert watch.practice is None
    watch.refresh()
    assert watch.practice is douai and watch.current() == "douai-kine"
    watch.stop()


def test_the_agenda_practice_replaces_the_file_when_it_can_be_read():
    demo = load_practice_file(ROOT / "practices" / "demo-lille.yml")
    douai = load_practice_file(ROOT / "practices" / "douai-kine.yml")
    agenda = [no_agenda]
    watch = PracticeWatch(lambda practice: practice.id, load=lambda: agenda[0](), load_file=lambda: douai)
    watch.refresh()
    agenda[0] = lambda: demo
    watch.refresh()
    assert watch.practice is demo and watch.current() == "demo-lille"
    watch.stop()
