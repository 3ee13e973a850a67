"""``python -m prodrescue``: the same as the ``prodrescue`` command."""

import sys

from prodrescue.cli.main import main

sys.exit(main())
