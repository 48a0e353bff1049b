"""The bridge: a FastAPI app (REST and a resumable WebSocket) over a running node.

The app reads the node's cache and portfolio on the node's event loop only; commands cross
into that loop thread-safely. :mod:`nautilus_options.environments` and
:mod:`nautilus_options.cli` wire a node and the bridge together (``options-nt serve``).
"""
