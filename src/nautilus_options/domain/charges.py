"""Zerodha charges on NSE index-option trades, as one table of dated schedules.

Every rate lives in :data:`SCHEDULES`; a trade uses the row in force on its trade date
(:func:`schedule_on`). Sources for each row are in its ``source`` field and in the
"Indian F&O charges" guide.

**Rounding.** Amounts are computed in :class:`~decimal.Decimal` and each component is
rounded to the paisa (``ROUND_HALF_UP``) per order, the way contract notes print each line:

1. the turnover (quantity x price, or quantity x intrinsic value) is rounded to the paisa;
2. brokerage, STT, exchange transaction charge, SEBI fee and stamp duty are each computed on
   it and rounded to the paisa;
3. GST is 18 % of the *rounded* brokerage + exchange transaction charge + SEBI fee, rounded
   to the paisa;
4. the total is the sum of the rounded components.

A contract note aggregates a whole trading day per contract before rounding (and may print
the STT line rounded to the rupee), so a day of many orders can differ from the per-order
sum by a few paise, and the STT line of a note by up to a rupee.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from dataclasses import dataclass, fields
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

Side = Literal["BUY", "SELL"]

_PAISA = Decimal("0.01")
_CRORE = Decimal(10_000_000)


@dataclass(frozen=True)
class ChargeSchedule:
    """Rates for NSE index options at Zerodha from ``effective_from`` until the next row.

    Rates are fractions of the premium turnover (``Decimal("0.001")`` is 0.1 %).

    Parameters
    ----------
    effective_from : date
        First trade date the row applies to.
    brokerage_per_order : Decimal
        Rupees per executed order.
    stt_sell_rate : Decimal
        Securities transaction tax on the sell side.
    stt_exercise_rate : Decimal
        STT on the intrinsic value of an exercised in-the-money option (paid by the holder).
    exchange_txn_rate : Decimal
        NSE transaction charge, both sides.
    sebi_rate : Decimal
        SEBI turnover fee, both sides.
    stamp_buy_rate : Decimal
        Stamp duty on the buy side.
    gst_rate : Decimal
        GST on brokerage + exchange transaction charge + SEBI fee.
    source : str
        Where the rates come from.
    """

    effective_from: date
    brokerage_per_order: Decimal
    stt_sell_rate: Decimal
    stt_exercise_rate: Decimal
    exchange_txn_rate: Decimal
    sebi_rate: Decimal
    stamp_buy_rate: Decimal
    gst_rate: Decimal
    source: str


_BROKERAGE = Decimal(20)
_SEBI = Decimal(10) / _CRORE
_STAMP = Decimal("0.00003")
_GST = Decimal("0.18")
_COMMON = "brokerage: Zerodha charges page (flat Rs 20 per executed F&O order); SEBI Rs 10/crore; "
_COMMON += "stamp 0.003% buy side (Indian Stamp Act as amended from 1 Jul 2020); GST 18%"

#: Every schedule, oldest first. Add a row when a rate changes; never edit a past row.
SCHEDULES: tuple[ChargeSchedule, ...] = (
    ChargeSchedule(
        effective_from=date(2024, 9, 1),
        brokerage_per_order=_BROKERAGE,
        stt_sell_rate=Decimal("0.000625"),
        stt_exercise_rate=Decimal("0.00125"),
        exchange_txn_rate=Decimal("0.000495"),
        sebi_rate=_SEBI,
        stamp_buy_rate=_STAMP,
        gst_rate=_GST,
        source="rates in force until 30 Sep 2024 as stated by Zerodha on 1 Oct 2024 (STT "
        "0.0625% per Finance Act 2023, NSE 0.0495%); start date not established before Sep 2024. "
        + _COMMON,
    ),
    ChargeSchedule(
        effective_from=date(2024, 10, 1),
        brokerage_per_order=_BROKERAGE,
        stt_sell_rate=Decimal("0.001"),
        stt_exercise_rate=Decimal("0.00125"),
        exchange_txn_rate=Decimal("0.0003503"),
        sebi_rate=_SEBI,
        stamp_buy_rate=_STAMP,
        gst_rate=_GST,
        source="STT per Finance (No. 2) Act 2024 from 1 Oct 2024; NSE Rs 35.03/lakh of premium "
        "from 1 Oct 2024 (uniform MII charges, SEBI circular of 1 Jul 2024). " + _COMMON,
    ),
    ChargeSchedule(
        effective_from=date(2026, 3, 1),
        brokerage_per_order=_BROKERAGE,
        stt_sell_rate=Decimal("0.001"),
        stt_exercise_rate=Decimal("0.00125"),
        exchange_txn_rate=Decimal("0.0003553"),
        sebi_rate=_SEBI,
        stamp_buy_rate=_STAMP,
        gst_rate=_GST,
        source="NSE transaction charge 0.03553% of premium as published by Zerodha (IPFT folded "
        "into the transaction charge from 1 Mar 2026, NSE circular NSE/FA/73061). " + _COMMON,
    ),
    ChargeSchedule(
        effective_from=date(2026, 4, 1),
        brokerage_per_order=_BROKERAGE,
        stt_sell_rate=Decimal("0.0015"),
        stt_exercise_rate=Decimal("0.0015"),
        exchange_txn_rate=Decimal("0.0003553"),
        sebi_rate=_SEBI,
        stamp_buy_rate=_STAMP,
        gst_rate=_GST,
        source="STT 0.15% on option premium and on exercise per Finance Act 2026 (Union Budget "
        "2026-27), trades from 1 Apr 2026. " + _COMMON,
    ),
)


@dataclass(frozen=True)
class Charges:
    """Charges of one order (or one day's orders), in rupees, each rounded to the paisa."""

    brokerage: float = 0.0
    stt: float = 0.0
    exchange_txn: float = 0.0
    sebi: float = 0.0
    stamp: float = 0.0
    gst: float = 0.0

    @property
    def total(self) -> float:
        """Sum of the components, in rupees (exact to the paisa)."""
        return float(sum(Decimal(str(getattr(self, f.name))) for f in fields(self)))

    def __add__(self, other: Charges) -> Charges:
        """Component-wise sum, e.g. to accumulate a day's or a spread's charges."""
        return Charges(
            **{
                f.name: float(
                    Decimal(str(getattr(self, f.name))) + Decimal(str(getattr(other, f.name)))
                )
                for f in fields(self)
            }
        )


def schedule_on(day: date) -> ChargeSchedule:
    """Return the schedule in force on ``day``.

    Raises
    ------
    ValueError
        If ``day`` is before the first schedule.
    """
    index = bisect_right([row.effective_from for row in SCHEDULES], day) - 1
    if index < 0:
        raise ValueError(f"day: no charge schedule before {SCHEDULES[0].effective_from}, got {day}")
    return SCHEDULES[index]


def order_charges(
    side: Side, premium_turnover: float, day: date, brokerage_orders: int = 1
) -> Charges:
    """Charges for buying or selling options worth ``premium_turnover`` rupees on ``day``.

    Parameters
    ----------
    side : {"BUY", "SELL"}
        Order side: STT applies to sells, stamp duty to buys.
    premium_turnover : float
        Quantity (units) x premium, in rupees.
    day : date
        Trade date (IST), selecting the schedule.
    brokerage_orders : int, default 1
        Executed orders to charge brokerage for: 1 for a whole order or its first fill,
        0 for further fills of an order already charged.

    Returns
    -------
    Charges
        Each component rounded to the paisa (see the module notes).
    """
    if side not in ("BUY", "SELL"):
        raise ValueError(f"side: must be 'BUY' or 'SELL', was {side!r}")
    if isinstance(brokerage_orders, bool) or brokerage_orders < 0:
        raise ValueError(f"brokerage_orders: must be a non-negative int, was {brokerage_orders}")
    rates = schedule_on(day)
    turnover = _rupees(premium_turnover, "premium_turnover")
    brokerage = _paise(rates.brokerage_per_order * brokerage_orders)
    exchange_txn = _paise(turnover * rates.exchange_txn_rate)
    sebi = _paise(turnover * rates.sebi_rate)
    gst = _paise((brokerage + exchange_txn + sebi) * rates.gst_rate)
    return Charges(
        brokerage=float(brokerage),
        stt=float(_paise(turnover * rates.stt_sell_rate)) if side == "SELL" else 0.0,
        exchange_txn=float(exchange_txn),
        sebi=float(sebi),
        stamp=float(_paise(turnover * rates.stamp_buy_rate)) if side == "BUY" else 0.0,
        gst=float(gst),
    )


def exercise_stt(intrinsic_turnover: float, day: date) -> float:
    """STT on an exercised in-the-money option, payable by the holder (the long side).

    Parameters
    ----------
    intrinsic_turnover : float
        Quantity (units) x intrinsic value at settlement, in rupees.
    day : date
        Expiry date, selecting the schedule.

    Returns
    -------
    float
        Rupees, rounded to the paisa.
    """
    turnover = _rupees(intrinsic_turnover, "intrinsic_turnover")
    return float(_paise(turnover * schedule_on(day).stt_exercise_rate))


def expiry_settlement_charges(
    position: Literal["long", "short"], intrinsic_turnover: float, day: date, orders: int = 1
) -> Charges:
    """Charges on an in-the-money option settled in cash at expiry.

    The holder of an exercised option pays STT on the intrinsic value (:func:`exercise_stt`).
    Zerodha charges brokerage on in-the-money contracts exercised *or assigned* at expiry,
    on both the long and the short side, one executed order per freeze-quantity slice of the
    position, plus GST on it (Zerodha support, TradingQnA, Aug 2023: "whenever options
    expire ITM, a brokerage of Rs. 20 per order applies to both sides"). No exchange
    transaction charge, SEBI fee or stamp duty is levied on the settlement itself.

    Parameters
    ----------
    position : {"long", "short"}
        The side of the expiring position: ``long`` is exercised, ``short`` assigned.
    intrinsic_turnover : float
        Quantity (units) x intrinsic value at settlement, in rupees.
    day : date
        Expiry date, selecting the schedule.
    orders : int, default 1
        Orders the exchange counts for the position: ``ceil(units / freeze quantity)``.

    Returns
    -------
    Charges
        Brokerage, GST and (for the long side) STT, each rounded to the paisa.
    """
    if position not in ("long", "short"):
        raise ValueError(f"position: must be 'long' or 'short', was {position!r}")
    if isinstance(orders, bool) or orders < 1:
        raise ValueError(f"orders: must be an int >= 1, was {orders}")
    rates = schedule_on(day)
    brokerage = _paise(rates.brokerage_per_order * orders)
    return Charges(
        brokerage=float(brokerage),
        stt=exercise_stt(intrinsic_turnover, day) if position == "long" else 0.0,
        gst=float(_paise(brokerage * rates.gst_rate)),
    )


def _rupees(amount: float, name: str) -> Decimal:
    if not (math.isfinite(amount) and amount >= 0):
        raise ValueError(f"{name}: must be a finite amount >= 0, was {amount}")
    return _paise(Decimal(repr(float(amount))))


def _paise(amount: Decimal) -> Decimal:
    return amount.quantize(_PAISA, rounding=ROUND_HALF_UP)
