"""Backtest result folders and background runs."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field

from nautilus_options.bridge.backtests import NAME_PATTERN
from nautilus_options.bridge.schemas.numbers import round_ratios


def _iso_day(value: object) -> object:
    """``value`` if it is a day as ``YYYY-MM-DD`` (not a timestamp, nor a date and time)."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str) and re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
        return value
    raise ValueError("a date as YYYY-MM-DD is expected")


_IsoDate = Annotated[date, BeforeValidator(_iso_day)]


class BacktestResultOut(BaseModel):
    """A result folder: its summary's figures and whether it has a report."""

    name: str
    modified: datetime
    has_report: bool
    summary: Annotated[dict[str, Any], AfterValidator(round_ratios)] = Field(
        description="The run's summary.json; ratios (*_pct, sharpe, win_rate) to 4 decimals"
    )


class BacktestRunRequest(BaseModel):
    """A default backtest (the embedded synthetic market) into a new result folder."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(default=None, pattern=NAME_PATTERN)
    start: _IsoDate | None = Field(default=None, description="First day (YYYY-MM-DD)")
    end: _IsoDate | None = Field(default=None, description="Last day (YYYY-MM-DD)")


class BacktestJobOut(BaseModel):
    """A background run and how far it got."""

    id: str
    name: str
    status: Literal["queued", "running", "finished", "failed"]
    started: datetime
    elapsed_secs: float
    last_line: str = Field(description="The last line it printed: progress, or the error")
