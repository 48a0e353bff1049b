"""Lot sizing and drawdown arithmetic (pure functions).

The sizing rule takes the smallest of three limits and rounds *down* to whole lots:

* **risk**: ``capital * risk_per_trade_pct / 100`` may be lost on one trade, so at most
  ``floor(risk_budget / capital_per_lot)`` lots;
* **deployment**: open exposure may not exceed ``capital * max_deployment_pct / 100``, so at most
  ``floor((deployment_budget - deployed) / capital_per_lot)`` lots;
* **cap**: an optional fixed maximum number of lots.

When even one lot would break a limit the answer is ``0``: a risk limit that can be exceeded
is not a limit, so a trade that does not fit is skipped rather than rounded up to one lot.

**Risk of one lot of a spread** (:func:`spread_lot_risk`). The capital one lot can lose is
not the max loss at the mid prices the spread was chosen at: the legs fill worse than the mid
(the orders walk towards the far touch), and every leg pays charges on entry and on exit. So
one lot reserves

* the max loss at the *adverse* prices of a slippage buffer: each bought leg ``slippage``
  points above its mid, each sold leg ``slippage`` below (not below 0), and
* the round-trip charges of every leg (a buy and a sell order of ``|ratio| x lot_size`` units,
  brokerage per order) at its mid plus ``slippage``, the highest price within the buffer.

For any fills within the buffer the realised max loss plus the round-trip charges at those
fills is then at most the reserve: the max loss grows as fills get worse, and charges grow
with the price. Closing a lot at other prices than it opened at, exercise at expiry and one
order carrying several lots change the charges; the buffer is meant to absorb that.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Literal

from nautilus_options.domain.charges import order_charges
from nautilus_options.domain.spreads import SpreadGeometry

Binding = Literal["risk", "deployment", "max_lots"]

# Ratios such as 3000.0 / 1000.0 that are whole numbers in decimal can land a hair below the
# integer in binary floating point; this tolerance keeps them whole before rounding down.
_WHOLE_LOT_TOLERANCE = 1e-9


@dataclass(frozen=True, slots=True)
class LotSizing:
    """The outcome of :func:`size_lots` with the limit that decided it.

    Attributes
    ----------
    lots : int
        Lots allowed: the minimum of the three limits, never negative.
    risk_lots : int
        Lots allowed by the per-trade risk budget.
    deployment_lots : int
        Lots allowed by the remaining deployment budget.
    binding : {"risk", "deployment", "max_lots"}
        The limit that gave ``lots`` (the first one in this order on a tie).
    """

    lots: int
    risk_lots: int
    deployment_lots: int
    binding: Binding


def _whole_lots(budget: float, capital_per_lot: float) -> int:
    if not budget > 0.0:
        return 0
    return math.floor(budget / capital_per_lot + _WHOLE_LOT_TOLERANCE)


def size_lots(
    capital: float,
    capital_per_lot: float,
    risk_per_trade_pct: float,
    max_deployment_pct: float,
    deployed: float,
    max_lots_config: int | None,
) -> LotSizing:
    """Size a trade and report which limit decided the size.

    Parameters
    ----------
    capital : float
        Capital the limits are a percentage of (the sizing capital).
    capital_per_lot : float
        Capital one lot blocks and can lose (for a defined-risk spread: its max loss per lot).
    risk_per_trade_pct : float
        Largest share of ``capital`` one trade may risk, in percent (0, 100].
    max_deployment_pct : float
        Largest share of ``capital`` all open trades together may block, in percent (0, 100].
    deployed : float
        Capital already blocked by open trades and reservations.
    max_lots_config : int or None
        Fixed cap on lots per trade; ``None`` for no cap.

    Returns
    -------
    LotSizing

    Raises
    ------
    ValueError
        If ``capital`` is not finite, ``capital_per_lot`` is not a positive finite number,
        a percentage is outside (0, 100], ``deployed`` is negative or ``max_lots_config`` is
        negative.
    """
    if not math.isfinite(capital):
        raise ValueError(f"capital must be finite, was {capital}")
    if not (math.isfinite(capital_per_lot) and capital_per_lot > 0.0):
        raise ValueError(f"capital_per_lot must be a positive finite number, was {capital_per_lot}")
    for name, pct in (
        ("risk_per_trade_pct", risk_per_trade_pct),
        ("max_deployment_pct", max_deployment_pct),
    ):
        if not 0.0 < pct <= 100.0:
            raise ValueError(f"{name} must be in (0, 100], was {pct}")
    if not deployed >= 0.0:
        raise ValueError(f"deployed must be >= 0, was {deployed}")
    if max_lots_config is not None and max_lots_config < 0:
        raise ValueError(f"max_lots_config must be >= 0 or None, was {max_lots_config}")

    risk_lots = _whole_lots(capital * risk_per_trade_pct / 100.0, capital_per_lot)
    deployment_lots = _whole_lots(
        capital * max_deployment_pct / 100.0 - deployed,
        capital_per_lot,
    )
    candidates: list[tuple[int, Binding]] = [(risk_lots, "risk"), (deployment_lots, "deployment")]
    if max_lots_config is not None:
        candidates.append((max_lots_config, "max_lots"))
    lots, binding = min(candidates, key=lambda candidate: candidate[0])
    return LotSizing(
        lots=lots,
        risk_lots=risk_lots,
        deployment_lots=deployment_lots,
        binding=binding,
    )


def max_lots(
    capital: float,
    capital_per_lot: float,
    risk_per_trade_pct: float,
    max_deployment_pct: float,
    deployed: float,
    max_lots_config: int | None,
) -> int:
    """Return how many whole lots a trade may have; ``0`` when one lot breaks a limit.

    ``min(risk-based, deployment-based, max_lots_config)``; see :func:`size_lots` for the
    parameters and errors.

    Examples
    --------
    ₹5,00,000 capital, 2% risk per trade (₹10,000), 50% deployment (₹2,50,000) of which
    ₹2,40,000 is deployed, a spread with max loss ₹3,000 per lot: risk allows 3 lots, the
    remaining ₹10,000 of deployment allows 3 lots:

    >>> max_lots(500_000, 3_000, 2.0, 50.0, 240_000, None)
    3
    >>> max_lots(500_000, 3_000, 2.0, 50.0, 240_000, 2)
    2
    >>> max_lots(500_000, 12_000, 2.0, 50.0, 0, None)
    0
    """
    return size_lots(
        capital,
        capital_per_lot,
        risk_per_trade_pct,
        max_deployment_pct,
        deployed,
        max_lots_config,
    ).lots


def sizing_capital(capital: float, initial_capital: float, compounding: bool) -> float:
    """Return the capital that sizing percentages apply to.

    With compounding the current capital (gains and losses change the trade size); without it
    the initial capital, so size stays constant while the real capital is still reported.
    """
    return capital if compounding else initial_capital


def drawdown_pct(peak: float, capital: float) -> float:
    """Return the drawdown of ``capital`` from ``peak`` in percent of the peak (``>= 0``).

    A non-positive peak has no meaningful drawdown and gives ``0.0``.
    """
    if peak <= 0.0:
        return 0.0
    return max(0.0, (peak - capital) / peak * 100.0)


@dataclass(frozen=True, slots=True)
class LotRisk:
    """What one lot of a spread can cost: :func:`spread_lot_risk`'s result, in rupees.

    Attributes
    ----------
    max_loss : float
        Max loss at expiry at the adverse prices of the slippage buffer.
    charges : float
        Round-trip charges of every leg at the highest prices of the buffer.
    """

    max_loss: float
    charges: float

    @property
    def total(self) -> float:
        """Capital to reserve per lot: ``max_loss + charges``."""
        return self.max_loss + self.charges


def spread_lot_risk(
    geometry: SpreadGeometry,
    mids: Sequence[float],
    lot_size: int,
    slippage: float,
    day: date,
) -> LotRisk:
    """Return the capital one lot of a spread can lose, with fills within a slippage buffer.

    Parameters
    ----------
    geometry : SpreadGeometry
        The spread's legs.
    mids : Sequence[float]
        Mid price of each leg, in leg order (index points).
    lot_size : int
        Units per lot.
    slippage : float
        Largest distance of a leg's fill from its mid, in index points (>= 0).
    day : date
        Trade date (IST), selecting the charge schedule.

    Returns
    -------
    LotRisk

    Raises
    ------
    ValueError
        If ``slippage`` is negative or not finite, or ``lot_size`` is not positive.

    Examples
    --------
    A NIFTY bull put credit spread, 200 wide, sold at mids 60 (short 24,000 put) and 20 (long
    23,800 put), 65 units a lot: 40 points of credit, so 160 x 65 = ₹10,400 at the mids. With
    0.25 points of slippage a leg the credit can be 39.5, a max loss of ₹10,432.50; the round
    trip (four orders) costs ₹104.12 at 60.25 and 20.25:

    >>> from nautilus_options.domain.spreads import SpreadType, build_spread
    >>> spread = build_spread(SpreadType.BULL_PUT_CREDIT, 24_000, 200)
    >>> risk = spread_lot_risk(spread, [20.0, 60.0], 65, 0.25, date(2026, 1, 5))
    >>> risk.max_loss, risk.charges
    (10432.5, 104.12)
    """
    if not (math.isfinite(slippage) and slippage >= 0.0):
        raise ValueError(f"slippage must be a finite number >= 0, was {slippage}")
    if lot_size <= 0:
        raise ValueError(f"lot_size must be positive, was {lot_size}")
    adverse = [
        mid + slippage if leg.is_long else max(mid - slippage, 0.0)
        for leg, mid in zip(geometry.legs, mids, strict=True)
    ]
    charges = 0.0
    for leg, mid in zip(geometry.legs, mids, strict=True):
        turnover = abs(leg.ratio) * lot_size * (mid + slippage)
        charges += (
            order_charges("BUY", turnover, day) + order_charges("SELL", turnover, day)
        ).total
    return LotRisk(
        max_loss=geometry.max_loss(geometry.net_premium(adverse)) * lot_size,
        charges=round(charges, 2),
    )
