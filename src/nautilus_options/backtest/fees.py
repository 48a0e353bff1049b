"""Zerodha's option charges as a NautilusTrader backtest fee model.

Use it directly with ``BacktestEngine.add_venue(fee_model=IndianOptionsFeeModel())`` or by
path from a ``BacktestVenueConfig``::

    ImportableFeeModelConfig(
        fee_model_path="nautilus_options.backtest.fees:IndianOptionsFeeModel",
        config_path="nautilus_options.backtest.fees:IndianOptionsFeeModelConfig",
        config={},
    )
"""

from __future__ import annotations

from nautilus_trader.backtest.config import FeeModelConfig, ImportableFeeModelConfig
from nautilus_trader.backtest.models import FeeModel
from nautilus_trader.model.enums import OrderSide
from nautilus_trader.model.identifiers import InstrumentId, generic_spread_id_to_list
from nautilus_trader.model.instruments import Instrument
from nautilus_trader.model.objects import Money, Price, Quantity
from nautilus_trader.model.orders import Order

from nautilus_options.domain.charges import order_charges
from nautilus_options.domain.time import ist_date

FEE_MODEL_PATH = "nautilus_options.backtest.fees:IndianOptionsFeeModel"
FEE_MODEL_CONFIG_PATH = "nautilus_options.backtest.fees:IndianOptionsFeeModelConfig"


class IndianOptionsFeeModelConfig(FeeModelConfig, kw_only=True, frozen=True):
    """Configuration of :class:`IndianOptionsFeeModel` (the rates come from the dated
    schedules of :mod:`nautilus_options.domain.charges`, so there is nothing to set)."""


def importable_fee_model_config() -> ImportableFeeModelConfig:
    """The ``BacktestVenueConfig.fee_model`` entry that selects :class:`IndianOptionsFeeModel`."""
    return ImportableFeeModelConfig(
        fee_model_path=FEE_MODEL_PATH, config_path=FEE_MODEL_CONFIG_PATH, config={}
    )


class IndianOptionsFeeModel(FeeModel):
    """Commission of each fill = Zerodha's charges on its premium turnover.

    * the schedule is the one in force on the order's last event date in IST (the fill
      happens in that event's step of the backtest);
    * brokerage is charged once per order and instrument, on its first fill, so partial fills
      pay only the turnover-based charges;
    * a fill of a combo (``OptionSpread``) order is free: the venue then fills every leg
      through this model, each leg as its own order with its own side, as NSE would;
    * the commission is in the instrument's quote currency (INR).

    Parameters
    ----------
    config : IndianOptionsFeeModelConfig, optional
        Present for construction through ``ImportableFeeModelConfig``.
    """

    def __init__(self, config: IndianOptionsFeeModelConfig | None = None) -> None:
        super().__init__()
        self.config = config or IndianOptionsFeeModelConfig()
        self._charged: set[tuple[str, InstrumentId]] = set()

    def get_commission(
        self,
        order: Order,
        fill_qty: Quantity,
        fill_px: Price,
        instrument: Instrument,
    ) -> Money:
        """Return the charges of one fill of ``order`` on ``instrument``."""
        currency = instrument.quote_currency
        if instrument.is_spread():
            return Money(0, currency)
        key = (order.init_id.value, instrument.id)
        first_fill = key not in self._charged
        if instrument.id == order.instrument_id and fill_qty >= order.leaves_qty:
            self._charged.discard(key)  # the order is complete: forget it
        else:
            self._charged.add(key)
        turnover = fill_qty.as_double() * fill_px.as_double() * instrument.multiplier.as_double()
        charges = order_charges(
            "BUY" if _leg_side(order, instrument.id) == OrderSide.BUY else "SELL",
            turnover,
            ist_date(order.ts_last),
            brokerage_orders=1 if first_fill else 0,
        )
        return Money(charges.total, currency)


def _leg_side(order: Order, instrument_id: InstrumentId) -> OrderSide:
    """Side of the fill on ``instrument_id``: the order's side, flipped for a short spread leg."""
    if order.instrument_id == instrument_id:
        return order.side
    ratio = dict(generic_spread_id_to_list(order.instrument_id)).get(instrument_id, 1)
    if ratio > 0:
        return order.side
    return OrderSide.SELL if order.side == OrderSide.BUY else OrderSide.BUY
