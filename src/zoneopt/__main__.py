"""``python -m zoneopt``: see :mod:`zoneopt.cli`."""

import sys

from zoneopt.cli import main

if __name__ == "__main__":
    sys.exit(main())
