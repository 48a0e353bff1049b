"""Capital bookkeeping of the capital manager, free of Nautilus runtime objects.

The ledger is a ``msgspec.Struct`` so that its whole state saves and loads as JSON.
"""

from __future__ import annotations

import msgspec

from nautilus_options.domain.sizing import drawdown_pct, sizing_capital


class CapitalLedger(msgspec.Struct, kw_only=True):
    """Capital, reservations and per-position P&L baselines.

    Attributes
    ----------
    initial_capital : float
        Capital at the start.
    precision : int
        Decimal places of the currency; every amount is rounded to it, so sums do not drift.
    realized_pnl : float
        Sum of the realized P&L changes applied so far (net of commissions).
    commissions : float
        Commissions seen on fills (informational, inside ``realized_pnl``).
    exercise_charges : float
        Exercise charges applied so far.
    peak : float
        Highest capital so far.
    halted : bool
        Whether new trades are halted.
    halt_reason : str
        Why trading is halted (empty when not halted).
    reservations : dict[str, float]
        Reserved capital by request id.
    position_pnl : dict[str, float]
        Realized P&L already applied for each open position, by position id.
    """

    initial_capital: float
    precision: int = 2
    realized_pnl: float = 0.0
    commissions: float = 0.0
    exercise_charges: float = 0.0
    peak: float = 0.0
    halted: bool = False
    halt_reason: str = ""
    reservations: dict[str, float] = msgspec.field(default_factory=dict)
    position_pnl: dict[str, float] = msgspec.field(default_factory=dict)

    def __post_init__(self) -> None:
        self.peak = max(self.peak, self.capital)

    @property
    def capital(self) -> float:
        """Current capital: initial capital plus realized P&L minus exercise charges."""
        return self._round(self.initial_capital + self.realized_pnl - self.exercise_charges)

    @property
    def deployed(self) -> float:
        """Capital reserved by open trades."""
        return self._round(sum(self.reservations.values(), 0.0))

    @property
    def drawdown_pct(self) -> float:
        """Fall of the capital from its peak, in percent of the peak."""
        return drawdown_pct(self.peak, self.capital)

    def sizing_capital(self, compounding: bool) -> float:
        """Return the capital sizing percentages apply to."""
        return sizing_capital(self.capital, self.initial_capital, compounding)

    def apply_position_pnl(self, position_id: str, cumulative_pnl: float, *, opened: bool) -> float:
        """Apply the change of a position's cumulative realized P&L and return that change.

        Parameters
        ----------
        position_id : str
            The position.
        cumulative_pnl : float
            Realized P&L of the position's current life so far, as the position event reports it.
        opened : bool
            ``True`` for the event that opens (or re-opens) the position: its P&L starts at 0.
        """
        before = 0.0 if opened else self.position_pnl.get(position_id, 0.0)
        self.position_pnl[position_id] = cumulative_pnl
        change = self._round(cumulative_pnl - before)
        self.realized_pnl = self._round(self.realized_pnl + change)
        self._mark()
        return change

    def close_position(self, position_id: str) -> None:
        """Forget the baseline of a closed position."""
        self.position_pnl.pop(position_id, None)

    def add_commission(self, amount: float) -> None:
        """Count a commission paid on a fill (it is already inside the realized P&L)."""
        self.commissions = self._round(self.commissions + amount)

    def charge(self, amount: float) -> float:
        """Deduct an exercise charge (rounded to the currency) and return the amount deducted."""
        charged = self._round(amount)
        self.exercise_charges = self._round(self.exercise_charges + charged)
        self._mark()
        return charged

    def reserve(self, request_id: str, amount: float) -> float:
        """Add ``amount`` (rounded to the currency) to the reservation of ``request_id``."""
        reserved = self._round(amount)
        self.reservations[request_id] = self._round(
            self.reservations.get(request_id, 0.0) + reserved
        )
        return reserved

    def release(self, request_id: str, amount: float | None) -> float:
        """Release up to ``amount`` (all when ``None``) of a reservation; return what was freed."""
        reserved = self.reservations.get(request_id, 0.0)
        released = reserved if amount is None else min(amount, reserved)
        if released >= reserved:
            self.reservations.pop(request_id, None)
        else:
            self.reservations[request_id] = self._round(reserved - released)
        return released

    def check_drawdown(self, max_drawdown_pct: float | None) -> bool:
        """Halt when the drawdown exceeds ``max_drawdown_pct``; return whether it halted now."""
        if self.halted or max_drawdown_pct is None or self.drawdown_pct <= max_drawdown_pct:
            return False
        self.halted = True
        self.halt_reason = (
            f"drawdown {self.drawdown_pct:.2f}% from peak {self.peak:.2f} exceeds "
            f"max_drawdown_pct {max_drawdown_pct:g}%"
        )
        return True

    def lift_halt(self) -> None:
        """Lift a halt and restart drawdown measurement from the current capital."""
        self.halted = False
        self.halt_reason = ""
        self.peak = self.capital

    def _round(self, amount: float) -> float:
        return round(amount, self.precision)

    def _mark(self) -> None:
        self.peak = max(self.peak, self.capital)
