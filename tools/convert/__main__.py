"""``python -m tools.convert``: see ``cli.py`` and README.md."""

import sys

from .cli import main

sys.exit(main())
