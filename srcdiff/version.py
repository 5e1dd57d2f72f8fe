"""srcdiff's version (leaf: called by __init__.py and by the stages that stamp it into emitted
code's header, which import it from here, not from the package that imports them). Takes
nothing; gives back `__version__`.
"""
__version__ = "0.1.0"
