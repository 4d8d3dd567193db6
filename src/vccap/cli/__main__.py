"""``python -m vccap.cli``: the command line."""

from vccap.cli import main

raise SystemExit(main())
