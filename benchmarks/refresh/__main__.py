"""``python -m benchmarks.refresh``: see the package's docstring."""

import sys

from benchmarks.refresh.cli import main

sys.exit(main())
