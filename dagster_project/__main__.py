"""`python -m dagster_project ...`: the command line (cli/)."""

import sys

from .cli import main

if __name__ == "__main__":
    sys.exit(main())
