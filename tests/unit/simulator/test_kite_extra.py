"""Without ``kiteconnect`` the Kite feed says which extra to install, in one line."""

from __future__ import annotations

import sys

import pytest

from nautilus_options.cli import main
from nautilus_options.errors import MissingExtraError
from nautilus_options.simulator.config import SimulatorConfig
from nautilus_options.simulator.market.kite import KiteFeedMarket

MESSAGE = (
    "the real Kite feed (market kite) needs the kiteconnect package: pip install 'options-nt[kite]'"
)


@pytest.fixture
def no_kiteconnect(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make ``import kiteconnect`` fail as it does when the package is not installed."""
    monkeypatch.setitem(sys.modules, "kiteconnect", None)


@pytest.mark.usefixtures("no_kiteconnect")
def test_the_kite_feed_names_the_extra() -> None:
    config = SimulatorConfig(market="kite", kite_api_key="key", kite_access_token="token")
    with pytest.raises(MissingExtraError) as raised:
        KiteFeedMarket(config, now_ns=0)
    assert str(raised.value) == MESSAGE
    assert isinstance(raised.value, ImportError)
    assert (raised.value.name, raised.value.extra) == ("kiteconnect", "kite")


@pytest.mark.usefixtures("no_kiteconnect")
def test_sim_market_kite_fails_with_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("KITE_API_KEY", "key")
    monkeypatch.setenv("KITE_ACCESS_TOKEN", "token")
    assert main(["sim", "--market", "kite", "--port", "0"]) == 2
    captured = capsys.readouterr()
    assert captured.err.splitlines() == [f"options-nt: error: {MESSAGE}"]
    assert captured.out == ""
