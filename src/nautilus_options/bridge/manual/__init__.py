"""Manual spread entry: build a spread from a template or legs, preview it, and open it
through the bridge-owned :class:`~nautilus_options.bridge.manual.strategy.ManualSpreadStrategy`
(usable by path ``nautilus_options.bridge.manual.strategy:ManualSpreadStrategy``), so the
RiskEngine, hedge-first legging and capital sizing apply to it as to the strategy's own."""
