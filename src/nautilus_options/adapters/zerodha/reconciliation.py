"""Reconciliation for the execution client: reports that never lie (DESIGN.md §7).

Nautilus reads an empty list as "the broker has nothing", so every ``generate_*`` here
**raises** on a token or network error instead of returning ``[]``; an order missing at the
broker is checked against its trades before it is reported (:mod:`.reports`).
"""

from __future__ import annotations

from nautilus_trader.execution.messages import (
    GenerateFillReports,
    GenerateOrderStatusReport,
    GenerateOrderStatusReports,
    GeneratePositionStatusReports,
)
from nautilus_trader.execution.reports import FillReport, OrderStatusReport, PositionStatusReport
from nautilus_trader.live.execution_client import LiveExecutionClient

from nautilus_options.adapters.zerodha.common.symbology import tag_base
from nautilus_options.adapters.zerodha.reports import KiteReports


class Reconciliation(LiveExecutionClient):
    """The report half of the execution client (see the module docstring)."""

    _reports: KiteReports

    async def generate_order_status_report(
        self, command: GenerateOrderStatusReport
    ) -> OrderStatusReport | None:
        """The report of one order (None when Kite has neither it nor its trades)."""
        client_order_id = command.client_order_id
        base = tag_base(client_order_id.value) if client_order_id else None
        return await self._reports.order_report(
            client_order_id, command.venue_order_id, base, self._clock.timestamp_ns()
        )

    async def generate_order_status_reports(
        self, command: GenerateOrderStatusReports
    ) -> list[OrderStatusReport]:
        """Reports of the day's orders (raises on failure)."""
        return await self._reports.order_reports(
            command.instrument_id, command.open_only, self._clock.timestamp_ns()
        )

    async def generate_fill_reports(self, command: GenerateFillReports) -> list[FillReport]:
        """Reports of the day's trades (raises on failure)."""
        return await self._reports.fill_reports(
            command.instrument_id, command.venue_order_id, self._clock.timestamp_ns()
        )

    async def generate_position_status_reports(
        self, command: GeneratePositionStatusReports
    ) -> list[PositionStatusReport]:
        """Reports of the net positions (raises on failure)."""
        return await self._reports.position_reports(
            command.instrument_id, self._clock.timestamp_ns()
        )
