"""`python -m srcdiff FILE.py:FUNC ...`: the same command as the `srcdiff` console script (API,
the codegen command: called by `python -m srcdiff`). Takes the command line; gives back
cli.main's exit status.
"""
import sys

from .cli import main

sys.exit(main())
