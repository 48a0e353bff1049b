"""Environment builders: ready-made node configurations and run helpers.

- :mod:`nautilus_options.environments.backtest`: ``BacktestRunConfig`` of the full
  options-nt stack over a ParquetDataCatalog, and :func:`run_backtest` with its outputs.
"""
