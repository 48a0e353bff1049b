"""``python -m nautilus_options``: the ``options-nt`` command line."""

from nautilus_options.cli import main

raise SystemExit(main())
