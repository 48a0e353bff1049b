"""Backtest result folders and background runs."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from nautilus_options.bridge.backtests import NAME_PATTERN


class BacktestResultOut(BaseModel):
    """A result folder: its summary's figures and whether it has a report."""

    name: str
    modified: datetime
    has_report: bool
    summary: dict[str, Any]


class BacktestRunRequest(BaseModel):
    """A default backtest (the embedded synthetic market) into a new result folder."""

    name: str | None = Field(default=None, pattern=NAME_PATTERN)
    start: date | None = None
    end: date | None = None


class BacktestJobOut(BaseModel):
    """A background run and how far it got."""

    id: str
    name: str
    status: Literal["running", "finished", "failed"]
    started: datetime
    elapsed_secs: float
    last_line: str = Field(description="The last line it printed: progress, or the error")
