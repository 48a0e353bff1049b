"""The one place that relies on NautilusTrader's private details.

Nautilus 1.231 keeps some contracts out of its public API that this package depends on:
the message-bus topic strings its engines publish on (:mod:`.topics`) and the on-disk layout
of a ``ParquetDataCatalog`` (:mod:`.parquet`). Every such assumption lives here, each with a
test in ``tests/unit/compat`` that checks it against the installed Nautilus, so an upgrade
that changes one breaks here, loudly, and nowhere else.
"""
