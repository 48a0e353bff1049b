"""Environment builders: ready-made node configurations and run helpers.

The only package, with ``cli``, that wires components, the simulator and the adapter
together.

- :mod:`~nautilus_options.environments.backtest`: ``BacktestRunConfig`` of the full options-nt
  stack over a ParquetDataCatalog, :func:`~nautilus_options.environments.backtest.run_backtest`
  and its outputs; streamed in windows over the strike band the strategy can reach
  (:mod:`~nautilus_options.environments.streaming`,
  :mod:`~nautilus_options.environments.data_window`).
- :mod:`~nautilus_options.environments.paper` and :mod:`~nautilus_options.environments.live`:
  ``TradingNodeConfig`` builders with the Zerodha clients against the local simulator or
  Kite (:mod:`~nautilus_options.environments.trading`), the session runner
  (:mod:`~nautilus_options.environments.session`) and the kill switch
  (:mod:`~nautilus_options.environments.killswitch`).
- :mod:`~nautilus_options.environments.recorder` (a run's events and outputs) and
  :mod:`~nautilus_options.environments.recording` (a session's market data into a catalog).
- :mod:`~nautilus_options.environments.sweep`: parameter sweeps on Ray.
"""
