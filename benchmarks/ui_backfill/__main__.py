"""``python -m benchmarks.ui_backfill``: see the package's docstring."""

import sys

from benchmarks.ui_backfill.cli import main

sys.exit(main())
