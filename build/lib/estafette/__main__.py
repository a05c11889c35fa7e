"""Entry point for ``python -m estafette``."""

import sys

from estafette.cli import main

sys.exit(main())
