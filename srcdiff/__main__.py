"""`python -m srcdiff FILE.py:FUNC ...`: the same command as the `srcdiff` console script."""
import sys

from .cli import main

sys.exit(main())
