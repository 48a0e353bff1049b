"""Configuration of :class:`~nautilus_options.monitor.actor.SpreadMonitor`."""

from __future__ import annotations

from typing import Annotated

import msgspec
from nautilus_trader.common.config import ActorConfig

from nautilus_options.common.config import (
    NonEmptyStr,
    NonNegativeInt,
    PositiveFloat,
    Rate,
    check_fields,
)
from nautilus_options.common.session import SessionKind
from nautilus_options.portfolio.settlement import DEFAULT_SETTLEMENT_RECOGNIZERS

#: A strategy id as Nautilus accepts it: ``EXTERNAL`` or printable ASCII ``<name>-<tag>``
#: with a name and a tag on either side of the last hyphen (any other value makes
#: ``StrategyId`` raise, or abort the process on an empty tag).
StrategyIdValue = Annotated[str, msgspec.Meta(pattern=r"^(EXTERNAL|(?=[ -~]+$).+-[^-]+)$")]


class SpreadMonitorConfig(ActorConfig, kw_only=True, frozen=True):
    """Configuration for :class:`~nautilus_options.monitor.actor.SpreadMonitor`.

    Parameters
    ----------
    interval_secs : float, default 60.0
        Interval of the timer that publishes a snapshot of every open spread.
    publish_on_fills : bool, default True
        Also publish a snapshot of a spread whenever one of its leg positions changes (every
        fill, including expiry settlement).
    skip_unchanged : bool, default True
        Skip a spread's interval snapshot while none of its prices (the mids of its legs and
        their put-call partners, the index's last price) changed since its previous
        snapshot, as when the market is closed: only the clock would have moved.
    strategy_id : str, optional
        Only monitor the spreads of this strategy, e.g. ``OptionsSpreadStrategy-000`` (all
        strategies when None).
    risk_free_rate : float, default 0.065
        Continuously compounded rate used by Black-76 for implied vols and greeks.
    index_venue : str, default "NSE"
        Venue of the index instrument (``<underlying>.<index_venue>``) whose last price gives
        the forward when no put-call pair is quoted at the spread's strikes.
    max_snapshots : int, optional
        Keep at most this many of the latest snapshots in memory for export (all when None).
    settlement_recognizers : tuple of str, default the backtest venue's
        Import paths of the callables that recognise the venues' expiry settlement fills (see
        :mod:`nautilus_options.portfolio.settlement`).
    session : {"nse", "always"}, default "nse"
        Market hours of the interval timer: the NSE calendar, or ``always`` (against a
        simulator in its ``always`` session).
    """

    interval_secs: PositiveFloat = 60.0
    publish_on_fills: bool = True
    skip_unchanged: bool = True
    strategy_id: StrategyIdValue | None = None
    risk_free_rate: Rate = 0.065
    index_venue: NonEmptyStr = "NSE"
    max_snapshots: NonNegativeInt | None = None
    settlement_recognizers: tuple[str, ...] = DEFAULT_SETTLEMENT_RECOGNIZERS
    session: SessionKind = "nse"

    def __post_init__(self) -> None:
        check_fields(self)
