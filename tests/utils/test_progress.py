"""When long work shows a progress bar."""

import io
import sys

import pytest

from skfrl.utils import show_progress


def test_explicit_levels_win():
    assert show_progress(1) and show_progress(2) and show_progress(True)
    assert not show_progress(0) and not show_progress(False)


def test_auto_is_quiet_under_pytest():
    assert not show_progress(None)


class _Terminal(io.StringIO):
    def isatty(self):
        return True


@pytest.mark.parametrize(
    "stream, expected", [(_Terminal(), True), (io.StringIO(), False)]
)
def test_auto_shows_a_bar_on_a_terminal_only(monkeypatch, stream, expected):
    monkeypatch.delenv("PYTEST_CURRENT_TEST")
    monkeypatch.setattr(sys, "stderr", stream)
    monkeypatch.delitem(sys.modules, "ipykernel", raising=False)
    assert show_progress(None) is expected
