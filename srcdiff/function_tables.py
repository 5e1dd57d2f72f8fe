"""The table of what srcdiff made for one function, kept on the function itself (leaf: called
by derivative.py and lowered_cache.py). Takes a function; gives back its `_Derivatives`
(`derivatives_of`), a dict from options to what was made (derivative.py's emitted functions,
lowered_cache.py's lowerings), and forgets them all (`clear_cache`).

The table lives in the function's `__dict__`, so it goes when the function does (a cache
keyed by the function, even weakly, would keep it alive: an emitted function's globals are
the function's module, which holds the function). `clear_cache()` moves a generation on:
every table is emptied when next read.
"""
import inspect
import weakref

_CACHE_ATTRIBUTE = "__srcdiff_derivatives__"


class _Derivatives(dict):
    """What was made of one function (options -> emitted function or lowering). `owner`
    tells the function's own from one functools.wraps copied into a wrapper's __dict__."""

    __slots__ = ("owner", "generation", "__weakref__")


_GENERATION = [0]  # clear_cache() moves it on: every function's derivatives are made again


def clear_cache(fn=None):
    """Forget the derivatives made so far: of `fn`, or (None) of every function."""
    if fn is None:
        _GENERATION[0] += 1
    else:
        derivatives_of(fn).clear()


def derivatives_of(fn):
    """The `_Derivatives` of fn (of the function a bound method calls, its object's class
    then being part of each key), or a new one not kept anywhere when fn takes no
    attributes."""
    target = fn.__func__ if inspect.ismethod(fn) else fn
    found = getattr(target, "__dict__", {}).get(_CACHE_ATTRIBUTE)
    if found is not None and found.owner() is target:
        if found.generation != _GENERATION[0]:
            found.clear()
            found.generation = _GENERATION[0]
        return found
    made = _Derivatives()
    made.generation = _GENERATION[0]
    try:
        made.owner = weakref.ref(target)
        setattr(target, _CACHE_ATTRIBUTE, made)
    except (AttributeError, TypeError):
        pass
    return made
