"""``options-nt kite login`` names exactly which credential is missing."""

from __future__ import annotations

import pytest

from nautilus_options.cli import main


def test_login_names_the_missing_secret(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("KITE_API_KEY", raising=False)
    monkeypatch.delenv("KITE_API_SECRET", raising=False)
    assert main(["kite", "login", "--api-key", "abcdefgh", "--request-token", "r"]) == 2
    err = capsys.readouterr().err
    assert "missing the API secret ($KITE_API_SECRET" in err
    assert "API key" not in err


def test_login_names_both_when_both_are_missing(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("KITE_API_KEY", raising=False)
    monkeypatch.delenv("KITE_API_SECRET", raising=False)
    assert main(["kite", "login", "--request-token", "r"]) == 2
    err = capsys.readouterr().err
    assert "the API key (--api-key or $KITE_API_KEY)" in err
    assert "the API secret" in err
