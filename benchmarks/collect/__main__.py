"""``python -m benchmarks.collect``: see the package's docstring."""

import sys

from benchmarks.collect.cli import main

sys.exit(main())
