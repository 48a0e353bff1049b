"""``options-nt serve``: a paper or live node with the bridge in the same process.

:func:`with_bridge` adds the bridge's two components to a node config (from
:func:`~nautilus_options.environments.paper.build_paper_config` or
:func:`~nautilus_options.environments.live.build_live_config`):

* the :class:`~nautilus_options.bridge.actor.BridgeActor` (``BridgeActor``), the
  stream's publisher;
* the :class:`~nautilus_options.bridge.manual.strategy.ManualSpreadStrategy`
  (``ManualSpreadStrategy-MANUAL``), which opens the spreads asked for over REST with the
  spread strategy's own legging, sizing and exits (its settings).

:func:`run_with_bridge` runs the :class:`~nautilus_options.environments.session.NodeSession`
and, once the node runs, serves the bridge over it from a thread of its own (uvicorn): every
read and command crosses into the node's loop. The kill switch is handed to the bridge as a
callback; once it has flattened everything the spread strategies finish the spreads it closed
(releasing their capital reservations), the risk engine is set HALTED and the node keeps
running, so the bridge still shows what happened (a stop is Ctrl-C).

A node that stops on its own (Nautilus shuts it down after an error) ends the session: the
bridge first publishes the node's status once more (``trading_state`` ``STOPPED``) so
stream clients see it, then stops serving; the outcome says ``stopped_unexpectedly``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any

import msgspec
from nautilus_trader.config import (
    ImportableActorConfig,
    ImportableStrategyConfig,
    TradingNodeConfig,
)
from nautilus_trader.model.enums import TradingState

from nautilus_options.bridge.actor import BridgeActor
from nautilus_options.bridge.app import build_authenticator, create_app
from nautilus_options.bridge.node import KillState, NodeControls, NodeLink
from nautilus_options.bridge.publisher import node_snapshots
from nautilus_options.bridge.server import BridgeServer
from nautilus_options.bridge.settings import BridgeSettings
from nautilus_options.bridge.stream import EventHub
from nautilus_options.environments.backtest import STRATEGY_CONFIG_PATH, STRATEGY_PATH
from nautilus_options.environments.session import NodeSession, SessionOutcome
from nautilus_options.errors import ConfigError
from nautilus_options.strategy import OptionsSpreadStrategy

__all__ = [
    "BRIDGE_ACTOR_ID",
    "MANUAL_STRATEGY_ID",
    "BridgeRun",
    "run_with_bridge",
    "with_bridge",
]

BRIDGE_ACTOR_PATH = "nautilus_options.bridge.actor:BridgeActor"
BRIDGE_ACTOR_CONFIG_PATH = "nautilus_options.bridge.actor:BridgeActorConfig"
MANUAL_STRATEGY_PATH = "nautilus_options.bridge.manual.strategy:ManualSpreadStrategy"
#: Component id of the bridge actor.
BRIDGE_ACTOR_ID = "BridgeActor"
#: Strategy id of the bridge's manual strategy.
MANUAL_STRATEGY_ID = "ManualSpreadStrategy-MANUAL"


def with_bridge(
    config: TradingNodeConfig, snapshot_interval_secs: float = 1.0
) -> TradingNodeConfig:
    """``config`` plus the bridge actor and the manual strategy (see the module docstring).

    Raises
    ------
    ConfigError
        If ``config`` has no spread strategy to take the manual strategy's settings from.
    """
    spread = next((s for s in config.strategies if s.strategy_path == STRATEGY_PATH), None)
    if spread is None:
        raise ConfigError("strategies", "the node has no spread strategy for the bridge to copy")
    manual = ImportableStrategyConfig(
        strategy_path=MANUAL_STRATEGY_PATH,
        config_path=STRATEGY_CONFIG_PATH,
        config={**spread.config, "order_id_tag": MANUAL_STRATEGY_ID.split("-")[1]},
    )
    actor = ImportableActorConfig(
        actor_path=BRIDGE_ACTOR_PATH,
        config_path=BRIDGE_ACTOR_CONFIG_PATH,
        config={
            "component_id": BRIDGE_ACTOR_ID,
            "snapshot_interval_secs": snapshot_interval_secs,
        },
    )
    return msgspec.structs.replace(
        config,
        actors=[*config.actors, actor],
        strategies=[*config.strategies, manual],
    )


class BridgeRun:
    """The bridge over a session, once its node runs (built on the node's loop).

    Parameters
    ----------
    settings : BridgeSettings
        How to serve.
    session_kind : str
        Market hours the node follows (``nse`` or ``always``).
    certfile, keyfile : Path, optional
        TLS certificate and key.
    on_serving : Callable[[str], None], optional
        Called with the server's URL once it listens.
    """

    def __init__(
        self,
        settings: BridgeSettings,
        session_kind: str,
        certfile: Path | None = None,
        keyfile: Path | None = None,
        on_serving: Callable[[str], None] | None = None,
    ) -> None:
        self.settings = settings
        self.session_kind = session_kind
        self.certfile = certfile
        self.keyfile = keyfile
        self.on_serving = on_serving
        self.authenticator = build_authenticator(settings)
        self.hub = EventHub()
        self.server: BridgeServer | None = None
        self.link: NodeLink | None = None
        self._actor: BridgeActor | None = None

    def attach(self, session: NodeSession) -> None:
        """Serve the bridge over ``session``'s running node (its ``on_ready``)."""
        node = session.running_node
        kill = session.kill_switch
        risk = node.kernel.risk_engine
        spread_strategies = [
            s for s in node.trader.strategies() if isinstance(s, OptionsSpreadStrategy)
        ]

        actor = next(a for a in node.trader.actors() if isinstance(a, BridgeActor))

        def flat(reason: str) -> None:
            # Once flat, release what the stopped strategies reserved for the spreads the
            # kill closed, and halt instead of stopping the node: the bridge keeps showing it.
            for strategy in spread_strategies:
                strategy.finish_flattened()
            risk.set_trading_state(TradingState.HALTED)
            actor.poll()

        kill.done_hooks[:] = [flat]
        controls = NodeControls(
            kill=kill.trigger,
            kill_state=lambda: KillState(kill.triggered, kill.reason, kill.done),
            session=self.session_kind,
            protected=frozenset({kill.id.value}),
            changed=actor.poll,
        )
        if session.started_at is None:
            raise ConfigError("session", "the node has not started")
        link = NodeLink(
            node,
            asyncio.get_running_loop(),  # on_ready runs on the node's loop
            controls,
            session.started_at,
            self.settings.request_timeout_secs,
        )
        environment = self.settings.environment
        actor.attach(
            self.hub.publish,
            lambda: node_snapshots(link, environment),
            self.hub.set_known_instruments,
        )
        self._actor = actor
        self.hub.set_snapshot(actor.snapshot)

        def want_quotes(wanted: frozenset[str]) -> None:
            # The instruments sockets ask quotes of: the actor (un)subscribes on the node's loop.
            link.loop.call_soon_threadsafe(actor.want_quotes, wanted)

        self.hub.on_quote_demand(want_quotes)
        app = create_app(self.settings, node=link, authenticator=self.authenticator, hub=self.hub)
        server = BridgeServer(
            app, self.settings.host, self.settings.port, self.certfile, self.keyfile
        )
        self.server = server.start()
        self.link = link
        if self.on_serving is not None:
            self.on_serving(server.url)

    def tick(self, session: NodeSession) -> None:
        """Once the node has stopped (on its own), publish its status (on the node's loop)."""
        if self._actor is not None and not session.running_node.is_running():
            self._actor.poll()
            self._actor = None

    def stop(self) -> None:
        """Stop serving."""
        if self.server is not None:
            self.server.stop()


def run_with_bridge(
    session: NodeSession,
    bridge: BridgeRun,
    on_ready: Callable[[NodeSession], Any] | None = None,
) -> SessionOutcome:
    """Run ``session`` with ``bridge`` served over its node until the session stops."""

    def ready(running: NodeSession) -> None:
        bridge.attach(running)
        if on_ready is not None:
            on_ready(running)

    try:
        return session.run(on_tick=bridge.tick, on_ready=ready)
    finally:
        bridge.stop()
