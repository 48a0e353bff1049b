"""The :class:`CapitalManager` actor: capital tracking, lot sizing and the drawdown halt."""

from __future__ import annotations

import os
from collections import deque
from pathlib import Path

import msgspec
import pandas as pd
from nautilus_trader.common.actor import Actor
from nautilus_trader.model.data import DataType
from nautilus_trader.model.events import (
    OrderFilled,
    PositionChanged,
    PositionClosed,
    PositionEvent,
    PositionOpened,
)
from nautilus_trader.model.identifiers import PositionId
from nautilus_trader.model.instruments import OptionContract
from nautilus_trader.model.objects import Currency

from nautilus_options.capital.config import CapitalManagerConfig
from nautilus_options.capital.events import CapitalUpdated
from nautilus_options.capital.ledger import CapitalLedger
from nautilus_options.capital.messages import (
    RELEASE_ENDPOINT,
    SIZING_ENDPOINT,
    CapitalRelease,
    SizingRequest,
    SizingResponse,
)
from nautilus_options.domain.sizing import size_lots
from nautilus_options.errors import DataError
from nautilus_options.portfolio.settlement import SettlementRules

FILLS_TOPIC = "events.fills.*"
POSITIONS_TOPIC = "events.position.*"
# Strategies subscribe to their position events at priority 0; a higher priority books P&L
# first, so a strategy reacting to a closed position already sees the new capital.
_EVENT_PRIORITY = 10
_STATE_VERSION = 2
# Version 1 also saved the history; its ledger still loads, the history is not restored.
_LOADABLE_VERSIONS = ("1", "2")


class CapitalManager(Actor):
    """Track capital from realized P&L, size trades and halt on drawdown.

    Capital is ``initial_capital + realized P&L - exercise charges``. The realized P&L is the
    figure Nautilus books on positions, which already subtracts every commission of their fills.
    On each position event the manager applies the *change* of the position's realized P&L, so
    an opening commission lowers capital when it is paid and, once the position closes, the
    total applied equals ``PositionClosed.realized_pnl``. Exercise STT on cash-settled expiries,
    which Nautilus does not charge, is deducted separately.

    Strategies size trades over the message bus (see :mod:`nautilus_options.capital.messages`);
    every change is published as :class:`~nautilus_options.capital.events.CapitalUpdated`, and
    the latest ``max_history`` of them are kept in :attr:`history` (:meth:`history_frame`,
    :meth:`write_history_csv`); a :class:`~nautilus_options.environments.recorder.RunRecorder`
    records them all. The ledger survives restarts through ``on_save`` / ``on_load`` when the
    node has a cache database.

    Parameters
    ----------
    config : CapitalManagerConfig
        The configuration.
    """

    def __init__(self, config: CapitalManagerConfig) -> None:
        super().__init__(config)
        self._settings = config
        self._ledger = self._new_ledger()
        self._history: deque[CapitalUpdated] = deque(maxlen=config.max_history)
        self._restored = False
        self._settlement = SettlementRules.from_paths(config.settlement_recognizers)

    # -- read-only view ---------------------------------------------------------------------

    @property
    def capital(self) -> float:
        """Current capital."""
        return self._ledger.capital

    @property
    def deployed(self) -> float:
        """Capital reserved by open trades."""
        return self._ledger.deployed

    @property
    def halted(self) -> bool:
        """Whether new trades are halted by the drawdown limit."""
        return self._ledger.halted

    @property
    def history(self) -> list[CapitalUpdated]:
        """The latest ``max_history`` published :class:`CapitalUpdated`, oldest first."""
        return list(self._history)

    def history_frame(self) -> pd.DataFrame:
        """Return :attr:`history` as a DataFrame, one row per update.

        Columns are ``ts_event`` and ``ts_init`` (UTC timestamps) followed by the fields of
        :class:`CapitalUpdated`.
        """
        columns = ["ts_event", "ts_init", *CapitalUpdated.__dataclass_fields__]
        frame = pd.DataFrame([update.to_dict() for update in self._history], columns=columns)
        for column in ("ts_event", "ts_init"):
            frame[column] = pd.to_datetime(frame[column].astype("int64"), unit="ns", utc=True)
        return frame

    def write_history_csv(self, path: str | os.PathLike[str]) -> Path:
        """Write :attr:`history` (see :meth:`history_frame`) to a CSV file; return its path."""
        target = Path(path)
        self.history_frame().to_csv(target, index=False)
        return target

    def lift_halt(self) -> None:
        """Lift a drawdown halt; drawdown is measured again from the current capital."""
        if self._ledger.halted:
            self._ledger.lift_halt()
            self._publish("halt lifted", self.clock.timestamp_ns())

    # -- lifecycle --------------------------------------------------------------------------

    def on_start(self) -> None:
        """Serve the endpoints, listen to fills and positions, publish the current state.

        The event's reason is ``"start"``, or ``"restored"`` after :meth:`on_load`. A restored
        ledger first catches up with its positions (:meth:`_catch_up`).
        """
        if self._restored:
            self._catch_up()
        self._serve("restored" if self._restored else "start")

    def on_resume(self) -> None:
        """Serve and listen again after a stop; publish the state with reason ``"resumed"``."""
        self._serve("resumed")

    def on_stop(self) -> None:
        """Stop listening and serving."""
        self.msgbus.unsubscribe(FILLS_TOPIC, self._on_fill)
        self.msgbus.unsubscribe(POSITIONS_TOPIC, self._on_position_event)
        self.msgbus.deregister(SIZING_ENDPOINT, self._on_sizing_request)
        self.msgbus.deregister(RELEASE_ENDPOINT, self._on_release)

    def on_reset(self) -> None:
        """Forget all state and start again from the initial capital."""
        self._ledger = self._new_ledger()
        self._history.clear()
        self._restored = False

    def on_save(self) -> dict[str, bytes]:
        """Return the ledger as JSON (the history is the recorder's to keep)."""
        return {
            "version": str(_STATE_VERSION).encode(),
            "ledger": msgspec.json.encode(self._ledger),
        }

    def on_load(self, state: dict[str, bytes]) -> None:
        """Restore the state written by :meth:`on_save`.

        Raises
        ------
        DataError
            If the saved state has another version or cannot be decoded.
        """
        if not state:
            return
        version = state.get("version", b"").decode()
        if version not in _LOADABLE_VERSIONS:
            raise DataError(
                f"saved CapitalManager state has version {version!r}, expected {_STATE_VERSION}",
            )
        try:
            ledger = msgspec.json.decode(state["ledger"], type=CapitalLedger)
        except (KeyError, TypeError, msgspec.DecodeError) as error:
            raise DataError(f"saved CapitalManager state is invalid: {error}") from error
        if ledger.initial_capital != float(self._settings.initial_capital):
            self.log.warning(
                f"initial_capital {self._settings.initial_capital} differs from the saved "
                f"{ledger.initial_capital}; continuing from the saved state",
            )
        self._ledger = ledger
        self._restored = True

    def _catch_up(self) -> None:
        """Apply the P&L booked on the ledger's open positions while it was not listening.

        At a restart the execution engine reconciles with the venue before the actors start:
        fills that happened while the node was down close or change positions then, and their
        position events are published before this manager subscribes. The ledger still holds
        the P&L it applied to each position it saw open, so the difference is applied here.
        """
        for position_id in list(self._ledger.position_pnl):
            position = self.cache.position(PositionId(position_id))
            pnl = position.realized_pnl if position is not None else None
            if pnl is None or pnl.currency.code != self._settings.currency:
                continue
            change = self._ledger.apply_position_pnl(position_id, pnl.as_double(), opened=False)
            if position is not None and position.is_closed:
                self._ledger.close_position(position_id)
            if change != 0.0:
                self.log.info(f"caught up {position_id} after the restart: {change:+.2f}")

    # -- message bus handlers -----------------------------------------------------------------

    def _on_fill(self, fill: OrderFilled) -> None:
        if fill.commission.currency.code == self._settings.currency:
            self._ledger.add_commission(fill.commission.as_double())
        charge = self._exercise_charge(fill)
        if charge > 0.0:
            charged = self._ledger.charge(charge)
            self._publish(f"settlement charges {fill.instrument_id}: -{charged:.2f}", fill.ts_event)

    def _exercise_charge(self, fill: OrderFilled) -> float:
        """Return the charges of an option's expiry settlement fill (0 for other fills)."""
        instrument = self.cache.instrument(fill.instrument_id)
        if not isinstance(instrument, OptionContract):
            return 0.0
        return self._settlement.charge(instrument, fill)

    def _on_position_event(self, event: object) -> None:
        if not isinstance(event, PositionEvent) or event.realized_pnl is None:
            return
        pnl = event.realized_pnl
        if pnl.currency.code != self._settings.currency:
            self.log.warning(
                f"ignoring {event.position_id} P&L in {pnl.currency.code}, "
                f"capital is in {self._settings.currency}",
            )
            return
        position_id = event.position_id.value
        change = self._ledger.apply_position_pnl(
            position_id,
            pnl.as_double(),
            opened=isinstance(event, PositionOpened),
        )
        if isinstance(event, PositionClosed):
            self._ledger.close_position(position_id)
        if change != 0.0:
            self._publish(f"{_verb(event)} {position_id}: {change:+.2f}", event.ts_event)

    def _on_sizing_request(self, request: SizingRequest) -> None:
        if self._ledger.halted:
            response = SizingResponse(
                request_id=request.request_id,
                lots=0,
                reason=f"halted: {self._ledger.halt_reason}",
                halted=True,
            )
        else:
            response = self._size(request)
        request.callback(response)

    def _size(self, request: SizingRequest) -> SizingResponse:
        caps = [cap for cap in (self._settings.max_lots, request.max_lots) if cap is not None]
        sizing = size_lots(
            capital=self._ledger.sizing_capital(self._settings.compounding),
            capital_per_lot=request.capital_per_lot,
            risk_per_trade_pct=self._settings.risk_per_trade_pct,
            max_deployment_pct=self._settings.max_deployment_pct,
            deployed=self._ledger.deployed,
            max_lots_config=min(caps) if caps else None,
        )
        granted = f"{sizing.lots} lot{'' if sizing.lots == 1 else 's'}, limited by {sizing.binding}"
        if sizing.lots > 0:
            amount = self._ledger.reserve(request.request_id, sizing.lots * request.capital_per_lot)
            self.log.info(f"{request.strategy_id}: {granted} for {request.request_id}")
            self._publish(
                f"reserved {amount:.2f} for {request.request_id} ({granted})",
                self.clock.timestamp_ns(),
            )
        return SizingResponse(
            request_id=request.request_id,
            lots=sizing.lots,
            reason=granted,
            halted=False,
        )

    def _on_release(self, release: CapitalRelease) -> None:
        released = self._ledger.release(release.request_id, release.amount)
        if released > 0.0:
            self._publish(
                f"released {released:.2f} from {release.request_id}",
                self.clock.timestamp_ns(),
            )
        else:
            self.log.warning(f"nothing reserved under {release.request_id!r} to release")

    # -- helpers ------------------------------------------------------------------------------

    def _serve(self, reason: str) -> None:
        self.msgbus.subscribe(FILLS_TOPIC, self._on_fill, priority=_EVENT_PRIORITY)
        self.msgbus.subscribe(POSITIONS_TOPIC, self._on_position_event, priority=_EVENT_PRIORITY)
        self.msgbus.register(SIZING_ENDPOINT, self._on_sizing_request)
        self.msgbus.register(RELEASE_ENDPOINT, self._on_release)
        self._publish(reason, self.clock.timestamp_ns())

    def _new_ledger(self) -> CapitalLedger:
        return CapitalLedger(
            initial_capital=float(self._settings.initial_capital),
            precision=Currency.from_str(self._settings.currency).precision,
        )

    def _publish(self, reason: str, ts_event: int) -> None:
        ledger = self._ledger
        if ledger.check_drawdown(self._settings.max_drawdown_pct):
            self.log.warning(f"halting new trades: {ledger.halt_reason}")
            reason = f"{reason}; halted: {ledger.halt_reason}"
        update = CapitalUpdated(
            ts_event,
            self.clock.timestamp_ns(),
            capital=ledger.capital,
            initial_capital=ledger.initial_capital,
            sizing_capital=ledger.sizing_capital(self._settings.compounding),
            deployed=ledger.deployed,
            peak=ledger.peak,
            drawdown_pct=ledger.drawdown_pct,
            halted=ledger.halted,
            realized_pnl=ledger.realized_pnl,
            commissions=ledger.commissions,
            exercise_charges=ledger.exercise_charges,
            currency=self._settings.currency,
            reason=reason,
        )
        self._history.append(update)
        self.publish_data(DataType(CapitalUpdated), update)
        # Save the ledger at every change (a no-op without a cache database): a node killed
        # before it stops cleanly restarts with its reservations and P&L, not the last save.
        self.cache.update_actor(self)


def _verb(event: PositionEvent) -> str:
    if isinstance(event, PositionOpened):
        return "opened"
    if isinstance(event, PositionChanged):
        return "changed"
    return "closed"
