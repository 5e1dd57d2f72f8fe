"""The version of srcdiff: a leaf, so that stages writing it into emitted code need not
import the package front (srcdiff/__init__.py) above them."""
__version__ = "0.1.0"
