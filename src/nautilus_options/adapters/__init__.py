"""Live adapters: clients that connect a Nautilus node to a broker (see ``zerodha``)."""
