"""The simulated NSE venue pair of a backtest: NFO for the options, NSE for the index.

Every backtest of options-nt, whether built by :mod:`nautilus_options.environments.backtest`,
by an example or by a test, uses these two venues::

    from nautilus_options.environments.venues import nse_venue_configs

    venues = nse_venue_configs(1_000_000, settlement_prices=settlement_prices(catalog))
"""

from __future__ import annotations

from collections.abc import Mapping

from nautilus_trader.backtest.config import BacktestVenueConfig
from nautilus_trader.model.identifiers import InstrumentId

from nautilus_options.backtest.fees import importable_fee_model_config

__all__ = ["INDEX_VENUE", "OPTION_VENUE", "nse_venue_configs"]

#: The derivatives venue: options, and the index mirror their expiry settles against.
OPTION_VENUE = "NFO"
#: The cash venue of the index (no orders are sent there).
INDEX_VENUE = "NSE"


def nse_venue_configs(
    starting_balance: float = 1_000_000.0,
    *,
    fees: bool = True,
    settlement_prices: Mapping[InstrumentId, float] | None = None,
) -> list[BacktestVenueConfig]:
    """The ``NFO`` option venue and the ``NSE`` index venue of a backtest.

    Parameters
    ----------
    starting_balance : float, default 1_000_000.0
        Balance of the NFO margin account, in INR.
    fees : bool, default True
        Charge the Indian option charges
        (:class:`~nautilus_options.backtest.fees.IndianOptionsFeeModel`) on NFO fills.
    settlement_prices : mapping of InstrumentId to float, optional
        Expiry settlement prices of options (e.g. from an NSE bhavcopy, see
        :func:`nautilus_options.data.catalog.settlement_prices`). An option listed here
        settles at its price instead of the intrinsic value at the index's last trade.

    Returns
    -------
    list[BacktestVenueConfig]
        ``NFO``: hedging OMS, margin account in INR at leverage 1; ``NSE``: netting OMS,
        cash account holding 1 INR.
    """
    return [
        BacktestVenueConfig(
            name=OPTION_VENUE,
            oms_type="HEDGING",
            account_type="MARGIN",
            base_currency="INR",
            starting_balances=[f"{starting_balance:.2f} INR"],
            default_leverage=1.0,
            fee_model=importable_fee_model_config() if fees else None,
            settlement_prices=dict(settlement_prices) if settlement_prices else None,
        ),
        BacktestVenueConfig(
            name=INDEX_VENUE,
            oms_type="NETTING",
            account_type="CASH",
            base_currency="INR",
            starting_balances=["1 INR"],
        ),
    ]
