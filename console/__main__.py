"""``python -m console``: see :mod:`console.cli`."""

from console.cli import main

raise SystemExit(main())
