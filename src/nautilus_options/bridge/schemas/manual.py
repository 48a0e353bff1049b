"""Manual spread entry: the request, its preview and the submission."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from nautilus_options.bridge.schemas.numbers import Money, Price
from nautilus_options.strategy.config import SpreadTypeName

#: A Nautilus identifier: 1 to 100 printable ASCII characters (its Rust core aborts the
#: process on anything else, so it is checked before one is built).
IDENTIFIER_PATTERN = r"^[!-~]{1,100}$"


class TemplateRequest(BaseModel):
    """A spread shape placed on the chain by the strike rule (as the strategy places its
    own); unset fields take the strategy's settings."""

    model_config = ConfigDict(extra="forbid")

    spread_type: SpreadTypeName
    expiry: date | None = Field(default=None, description="IST expiry day; default the nearest")
    strike_rule: Literal["delta", "points", "percent", "premium"] | None = None
    strike_value: float | None = Field(default=None, ge=0, le=100_000)
    wing_width: float | None = Field(default=None, gt=0, le=10_000)


class LegRequest(BaseModel):
    """One leg by contract: BUY (a hedge) or SELL."""

    model_config = ConfigDict(extra="forbid")

    instrument_id: str = Field(pattern=IDENTIFIER_PATTERN)
    side: Literal["BUY", "SELL"]


class SpreadRequest(BaseModel):
    """A spread from a template or from legs (exactly one), and its lots."""

    model_config = ConfigDict(extra="forbid")

    template: TemplateRequest | None = None
    legs: list[LegRequest] | None = Field(default=None, min_length=2, max_length=4)
    lots: int = Field(ge=1, le=1000)

    @model_validator(mode="after")
    def _one_source(self) -> Self:
        if (self.template is None) == (self.legs is None):
            raise ValueError("give either template or legs")
        return self


class SubmitRequest(SpreadRequest):
    """A spread to open. A retry with the same key never opens a second one."""

    idempotency_key: str = Field(min_length=8, max_length=128, pattern=r"^[A-Za-z0-9._:-]+$")


class PreviewLeg(BaseModel):
    """One leg at the current touch."""

    instrument_id: str
    strike: Price
    right: Literal["CE", "PE"]
    side: Literal["BUY", "SELL"]
    bid: Price
    ask: Price
    mid: Price
    orders: int = Field(description="Orders the leg goes out in (sliced at the freeze quantity)")
    entry_charges: Money = Field(description="Charges of the opening orders at the mid, INR")


class MarginEstimate(BaseModel):
    """Margin by the SPAN-plus-exposure approximation (INR)."""

    span: Money
    exposure: Money
    premium: Money = Field(description="Net premium paid up front")
    total: Money


class SpreadPreview(BaseModel):
    """What the spread would be at the current mids."""

    spread_type: str
    underlying: str
    expiry: datetime
    lots: int
    lot_size: int
    units: int
    legs: list[PreviewLeg]
    net_premium: Price = Field(description="Per unit at the mids; > 0 credit")
    net_premium_total: Money
    max_loss: Money
    max_profit: Money
    breakevens: list[Price]
    margin: MarginEstimate
    charges_entry: Money
    charges_round_trip: Money = Field(description="Entry and exit at the current mids")


class SubmissionOut(BaseModel):
    """A manual submission and what became of it."""

    idempotency_key: str
    spread_id: str
    status: Literal["sizing", "refused", "opening", "open", "closing", "closed", "unknown"]
    lots_requested: int
    lots: int = Field(description="Lots granted (0 until sized)")
    reason: str
    replayed: bool = Field(description="True when this key was submitted before")
    from_earlier_session: bool = Field(
        description="True when the node that accepted it has since restarted: the spread "
        "id is still its own (ids are never reused), but its state is known only if the "
        "node kept its cache"
    )
    preview: SpreadPreview
