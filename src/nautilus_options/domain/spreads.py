"""Geometry of defined-risk option spreads at expiry.

Everything here is **per unit** of the underlying (one option unit per leg ratio); multiply by
the traded quantity outside. Premium signs follow one convention throughout: ``net_credit > 0``
is a credit received on opening (credit spreads), ``net_credit < 0`` a debit paid (debit
spreads). Losses are reported as positive amounts.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum
from itertools import pairwise
from typing import Literal, overload

import numpy as np
import numpy.typing as npt

from nautilus_options.errors import ConfigError

Right = Literal["CE", "PE"]

#: Relative tolerance used when checking that strikes sit on the strike grid.
_GRID_TOLERANCE = 1e-9


class SpreadType(Enum):
    """The spread shapes the package can build and trade."""

    BULL_PUT_CREDIT = "BULL_PUT_CREDIT"
    BEAR_CALL_CREDIT = "BEAR_CALL_CREDIT"
    IRON_CONDOR = "IRON_CONDOR"
    IRON_BUTTERFLY = "IRON_BUTTERFLY"
    BULL_CALL_DEBIT = "BULL_CALL_DEBIT"
    BEAR_PUT_DEBIT = "BEAR_PUT_DEBIT"

    @property
    def is_credit(self) -> bool:
        """Whether the spread is normally opened for a net credit."""
        return self not in (SpreadType.BULL_CALL_DEBIT, SpreadType.BEAR_PUT_DEBIT)


@dataclass(frozen=True)
class LegSpec:
    """One leg of a spread.

    Parameters
    ----------
    strike : float
        Strike price (> 0).
    right : {"CE", "PE"}
        Call (``"CE"``) or put (``"PE"``), as in NSE trading symbols.
    ratio : int
        Signed units per spread unit: ``+1`` long (a hedge), ``-1`` short.
    """

    strike: float
    right: Right
    ratio: int

    def __post_init__(self) -> None:
        object.__setattr__(self, "strike", float(self.strike))
        if not (math.isfinite(self.strike) and self.strike > 0):
            raise ConfigError("strike", f"must be a positive finite number, was {self.strike}")
        if self.right not in ("CE", "PE"):
            raise ConfigError("right", f"must be 'CE' or 'PE', was {self.right!r}")
        if self.ratio == 0:
            raise ConfigError("ratio", "must be non-zero (+n long, -n short)")

    @property
    def is_long(self) -> bool:
        """Whether the leg is bought; long legs are the hedges (wings) of a spread."""
        return self.ratio > 0

    @overload
    def payoff(self, spot: float) -> float: ...
    @overload
    def payoff(self, spot: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]: ...
    def payoff(self, spot: float | npt.NDArray[np.float64]) -> float | npt.NDArray[np.float64]:
        """Signed intrinsic value per spread unit at expiry, ``ratio * max(±(spot - K), 0)``."""
        diff = spot - self.strike if self.right == "CE" else self.strike - spot
        value = self.ratio * np.maximum(diff, 0.0)
        return float(value) if np.ndim(value) == 0 else value


@dataclass(frozen=True)
class SpreadGeometry:
    """A set of option legs on one underlying and expiry, evaluated at expiry.

    Parameters
    ----------
    legs : tuple[LegSpec, ...]
        The legs; ``build_spread`` orders them by strike, puts before calls at equal strikes.
    """

    legs: tuple[LegSpec, ...]

    def __post_init__(self) -> None:
        if not self.legs:
            raise ConfigError("legs", "a spread needs at least one leg")
        keys = [(leg.strike, leg.right) for leg in self.legs]
        if len(set(keys)) != len(keys):
            raise ConfigError("legs", f"duplicate (strike, right) legs: {keys}")

    @property
    def strikes(self) -> tuple[float, ...]:
        """Distinct strikes in ascending order."""
        return tuple(sorted({leg.strike for leg in self.legs}))

    @property
    def hedges(self) -> tuple[LegSpec, ...]:
        """The long legs (wings that cap the loss)."""
        return tuple(leg for leg in self.legs if leg.is_long)

    @property
    def shorts(self) -> tuple[LegSpec, ...]:
        """The short legs."""
        return tuple(leg for leg in self.legs if not leg.is_long)

    def execution_order(self, opening: bool) -> tuple[int, ...]:
        """Leg indices in the order they should be sent to the exchange.

        Opening buys the hedges first and closing buys back the shorts first, so the
        position never holds an uncovered short leg (and needs less margin).

        Parameters
        ----------
        opening : bool
            ``True`` when opening the spread, ``False`` when closing it.
        """
        longs_first = opening
        first = [i for i, leg in enumerate(self.legs) if leg.is_long == longs_first]
        second = [i for i, leg in enumerate(self.legs) if leg.is_long != longs_first]
        return (*first, *second)

    @property
    def width(self) -> float:
        """Largest strike distance between legs of the same right (the widest wing)."""
        widths = [
            max(strikes) - min(strikes)
            for right in ("CE", "PE")
            if (strikes := [leg.strike for leg in self.legs if leg.right == right])
        ]
        return max(widths)

    @overload
    def payoff(self, spot: float) -> float: ...
    @overload
    def payoff(self, spot: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]: ...
    def payoff(self, spot: float | npt.NDArray[np.float64]) -> float | npt.NDArray[np.float64]:
        """Value of the legs per spread unit at expiry, premium excluded."""
        values = np.asarray(spot, dtype=np.float64) * 0.0
        for leg in self.legs:
            values = values + leg.payoff(np.asarray(spot, dtype=np.float64))
        return float(values) if np.ndim(values) == 0 else values

    def net_premium(self, prices: Sequence[float]) -> float:
        """Net credit for opening at ``prices`` (one per leg, in leg order); < 0 is a debit."""
        if len(prices) != len(self.legs):
            raise ConfigError("prices", f"expected {len(self.legs)} prices, got {len(prices)}")
        return -sum(leg.ratio * price for leg, price in zip(self.legs, prices, strict=True))

    @property
    def _upside_slope(self) -> int:
        """Slope of the payoff above the highest strike (sum of call ratios)."""
        return sum(leg.ratio for leg in self.legs if leg.right == "CE")

    def _knots(self) -> tuple[float, ...]:
        return (0.0, *self.strikes)

    @property
    def is_defined_risk(self) -> bool:
        """Whether the loss is bounded for every spot at expiry."""
        return self._upside_slope >= 0

    def max_loss(self, net_credit: float) -> float:
        """Largest loss per unit at expiry, as a positive amount (``inf`` if unbounded).

        Parameters
        ----------
        net_credit : float
            Premium received on opening (< 0 for a debit paid).
        """
        if not self.is_defined_risk:
            return math.inf
        return -min(self.payoff(k) for k in self._knots()) - net_credit

    def max_profit(self, net_credit: float) -> float:
        """Largest profit per unit at expiry (``inf`` if unbounded).

        Parameters
        ----------
        net_credit : float
            Premium received on opening (< 0 for a debit paid).
        """
        if self._upside_slope > 0:
            return math.inf
        return max(self.payoff(k) for k in self._knots()) + net_credit

    def breakevens(self, net_credit: float) -> tuple[float, ...]:
        """Spots ``> 0`` where the expiry P&L ``payoff(spot) + net_credit`` crosses zero.

        Parameters
        ----------
        net_credit : float
            Premium received on opening (< 0 for a debit paid).

        Returns
        -------
        tuple[float, ...]
            Ascending. A zero-P&L plateau contributes its two ends.
        """
        knots = self._knots()
        pnl = [self.payoff(k) + net_credit for k in knots]
        points: set[float] = {k for k, v in zip(knots, pnl, strict=True) if v == 0.0 and k > 0}
        for (a, fa), (b, fb) in pairwise(zip(knots, pnl, strict=True)):
            if fa * fb < 0:
                points.add(a + fa * (b - a) / (fa - fb))
        slope = self._upside_slope
        if slope != 0 and pnl[-1] * slope < 0:
            points.add(knots[-1] - pnl[-1] / slope)
        return tuple(sorted(points))


def build_spread(
    spread_type: SpreadType,
    anchor: float,
    wing_width: float,
    *,
    call_anchor: float | None = None,
    call_wing_width: float | None = None,
    strike_step: float | None = None,
) -> SpreadGeometry:
    """Build the legs of a spread from its anchor strike(s) and wing width(s).

    Parameters
    ----------
    spread_type : SpreadType
        The shape to build.
    anchor : float
        Credit verticals: the short strike. Debit verticals: the long (bought) strike.
        Iron condor: the short put strike. Iron butterfly: the common short strike.
    wing_width : float
        Distance (> 0) from the anchor to the other leg of the vertical; for the iron shapes,
        the put wing.
    call_anchor : float, optional
        Iron condor only (required): the short call strike, above ``anchor``.
    call_wing_width : float, optional
        Iron shapes only: the call wing; defaults to ``wing_width``.
    strike_step : float, optional
        When given, every strike must be a multiple of it (e.g. 50 for NIFTY).

    Returns
    -------
    SpreadGeometry
        Legs ordered by strike, puts before calls at equal strikes.

    Raises
    ------
    ConfigError
        Naming the offending argument.
    """
    if not (math.isfinite(wing_width) and wing_width > 0):
        raise ConfigError("wing_width", f"must be positive, was {wing_width}")
    iron = spread_type in (SpreadType.IRON_CONDOR, SpreadType.IRON_BUTTERFLY)
    if not iron and (call_anchor is not None or call_wing_width is not None):
        raise ConfigError("call_anchor", f"only iron shapes take call strikes, not {spread_type}")
    call_width = wing_width if call_wing_width is None else call_wing_width
    if not (math.isfinite(call_width) and call_width > 0):
        raise ConfigError("call_wing_width", f"must be positive, was {call_width}")
    if not (math.isfinite(anchor) and anchor > 0):
        raise ConfigError("anchor", f"must be a positive strike, was {anchor}")
    below = spread_type not in (SpreadType.BEAR_CALL_CREDIT, SpreadType.BULL_CALL_DEBIT)
    if below and anchor - wing_width <= 0:
        raise ConfigError("wing_width", f"{wing_width} puts a put leg at a strike <= 0")
    legs = _legs(spread_type, anchor, wing_width, call_anchor, call_width)
    if strike_step is not None:
        _check_grid(legs, strike_step)
    return SpreadGeometry(tuple(sorted(legs, key=lambda leg: (leg.strike, leg.right == "CE"))))


def _legs(
    spread_type: SpreadType,
    anchor: float,
    width: float,
    call_anchor: float | None,
    call_width: float,
) -> list[LegSpec]:
    match spread_type:
        case SpreadType.BULL_PUT_CREDIT:
            return [LegSpec(anchor, "PE", -1), LegSpec(anchor - width, "PE", 1)]
        case SpreadType.BEAR_CALL_CREDIT:
            return [LegSpec(anchor, "CE", -1), LegSpec(anchor + width, "CE", 1)]
        case SpreadType.BULL_CALL_DEBIT:
            return [LegSpec(anchor, "CE", 1), LegSpec(anchor + width, "CE", -1)]
        case SpreadType.BEAR_PUT_DEBIT:
            return [LegSpec(anchor, "PE", 1), LegSpec(anchor - width, "PE", -1)]
        case SpreadType.IRON_BUTTERFLY:
            if call_anchor is not None:
                raise ConfigError("call_anchor", "an iron butterfly shares one short strike")
            call_anchor = anchor
        case SpreadType.IRON_CONDOR:
            if call_anchor is None or not call_anchor > anchor:
                raise ConfigError(
                    "call_anchor", f"must be above the short put {anchor}, was {call_anchor}"
                )
    return [
        *_legs(SpreadType.BULL_PUT_CREDIT, anchor, width, None, call_width),
        *_legs(SpreadType.BEAR_CALL_CREDIT, call_anchor, call_width, None, call_width),
    ]


def _check_grid(legs: Sequence[LegSpec], strike_step: float) -> None:
    if not (math.isfinite(strike_step) and strike_step > 0):
        raise ConfigError("strike_step", f"must be positive, was {strike_step}")
    for leg in legs:
        steps = leg.strike / strike_step
        if abs(steps - round(steps)) > _GRID_TOLERANCE * max(1.0, abs(steps)):
            raise ConfigError(
                "strike_step", f"strike {leg.strike} is not a multiple of {strike_step}"
            )
