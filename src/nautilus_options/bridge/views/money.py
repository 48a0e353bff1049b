"""Capital (from the capital manager) and the venue accounts."""

from __future__ import annotations

from nautilus_trader.live.node import TradingNode

from nautilus_options.bridge.schemas.money import AccountOut, BalanceOut, CapitalOut, MarginOut
from nautilus_options.bridge.views.times import utc
from nautilus_options.capital import CapitalManager, CapitalUpdated


def capital_manager(node: TradingNode) -> CapitalManager | None:
    """The node's capital manager, or None."""
    found = (a for a in node.trader.actors() if isinstance(a, CapitalManager))
    return next(found, None)


def capital_out(update: CapitalUpdated) -> CapitalOut:
    """One capital update."""
    fields = {name: getattr(update, name) for name in CapitalOut.model_fields if name != "ts"}
    return CapitalOut(ts=utc(update.ts_event), **fields)


def accounts(node: TradingNode) -> list[AccountOut]:
    """Every account in the cache with its balances and margins."""
    out = []
    for account in node.cache.accounts():
        balances = [
            BalanceOut(
                currency=balance.currency.code,
                total=balance.total.as_double(),
                locked=balance.locked.as_double(),
                free=balance.free.as_double(),
            )
            for balance in account.balances().values()
        ]
        margins = []
        if account.is_margin_account:
            margins = [
                MarginOut(
                    instrument_id=str(margin.instrument_id),
                    initial=margin.initial.as_double(),
                    maintenance=margin.maintenance.as_double(),
                )
                for margin in account.margins().values()
            ]
        out.append(
            AccountOut(
                account_id=account.id.value,
                venue=account.id.get_issuer(),
                account_type=type(account).__name__,
                balances=balances,
                margins=margins,
            )
        )
    return out
