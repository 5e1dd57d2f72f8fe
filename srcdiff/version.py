"""srcdiff's version (a leaf: the stages that stamp it into emitted code's header import it
from here, not from the package, which imports them)."""
__version__ = "0.1.0"
