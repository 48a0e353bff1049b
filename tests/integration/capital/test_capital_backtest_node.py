"""CapitalManager and the reference strategy in a BacktestNode, configured only by paths.

The node also streams the published ``CapitalUpdated`` events to a catalog (Nautilus'
``StreamingConfig``), from where they are read back and converted to the catalog's parquet data.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from capital_expected import CAPITAL_CONFIG, COMPOUNDING, assert_history
from nautilus_trader.backtest.node import BacktestNode
from nautilus_trader.config import (
    BacktestDataConfig,
    BacktestEngineConfig,
    BacktestRunConfig,
    BacktestVenueConfig,
    ImportableActorConfig,
    ImportableFeeModelConfig,
    ImportableStrategyConfig,
    LoggingConfig,
)
from nautilus_trader.persistence.catalog import ParquetDataCatalog
from nautilus_trader.persistence.config import StreamingConfig
from sized_round_trip import DEMO_INSTRUMENT_ID, demo_instrument, demo_quotes

from nautilus_options import CapitalUpdated

pytestmark = pytest.mark.slow


def test_backtest_node_by_paths_reproduces_the_hand_computed_history(tmp_path: Path) -> None:
    catalog = ParquetDataCatalog(str(tmp_path))
    instrument = demo_instrument()
    catalog.write_data([instrument])
    catalog.write_data(demo_quotes(instrument))
    run = BacktestRunConfig(
        engine=BacktestEngineConfig(
            logging=LoggingConfig(log_level="ERROR"),
            streaming=StreamingConfig(
                catalog_path=str(tmp_path / "stream"),
                include_types=[CapitalUpdated],
            ),
            actors=[
                ImportableActorConfig(
                    actor_path="nautilus_options:CapitalManager",
                    config_path="nautilus_options:CapitalManagerConfig",
                    config=CAPITAL_CONFIG,
                ),
            ],
            strategies=[
                ImportableStrategyConfig(
                    strategy_path="sized_round_trip:SizedRoundTripStrategy",
                    config_path="sized_round_trip:SizedRoundTripConfig",
                    config={"instrument_id": DEMO_INSTRUMENT_ID},
                ),
            ],
        ),
        venues=[
            BacktestVenueConfig(
                name="NSE",
                oms_type="HEDGING",
                account_type="MARGIN",
                base_currency="INR",
                starting_balances=["1000000 INR"],
                default_leverage=1.0,
                fee_model=ImportableFeeModelConfig(
                    fee_model_path="nautilus_trader.backtest.models:FixedFeeModel",
                    config_path="nautilus_trader.backtest.config:FixedFeeModelConfig",
                    config={"commission": "20 INR"},
                ),
            ),
        ],
        data=[
            BacktestDataConfig(
                catalog_path=str(tmp_path),
                data_cls="nautilus_trader.model.data:QuoteTick",
                instrument_id=DEMO_INSTRUMENT_ID,
            ),
        ],
        dispose_on_completion=False,
    )
    node = BacktestNode(configs=[run])

    node.run()

    engine = node.get_engine(run.id)
    assert engine is not None
    (manager,) = engine.trader.actors()
    assert type(manager).__name__ == "CapitalManager"
    assert_history(manager.history, COMPOUNDING)
    history = [update.to_dict() for update in manager.history]
    instance_id = engine.kernel.instance_id.value
    node.dispose()

    stream = ParquetDataCatalog(str(tmp_path / "stream"))
    streamed = stream.read_backtest(instance_id, raise_on_failed_deserialize=True)
    assert [update.to_dict() for update in streamed] == history
    stream.convert_stream_to_data(instance_id, CapitalUpdated)
    assert [item.data.to_dict() for item in stream.query(CapitalUpdated)] == history
