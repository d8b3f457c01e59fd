"""Run the command line: ``python -m analysis --help``."""

from analysis.cli import main

raise SystemExit(main())
