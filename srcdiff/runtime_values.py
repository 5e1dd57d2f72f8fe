"""Runtime helpers of the calls values.py rewrites (sorted with a key)."""


def sort_order(keys, reverse=False):
    """The positions of `keys` in the order sorted(..., reverse=reverse) puts them (stable,
    as sorted is): sorted(xs, key=f) is [xs[i] for i in sort_order([f(x) for x in xs])]."""
    return sorted(range(len(keys)), key=keys.__getitem__, reverse=bool(reverse))


def check_class(obj, cls, where):
    """Before a method call on an object whose class srcdiff read from the objects passed
    when it compiled the code (`for layer in self.layers: layer.forward(x)`): the code
    follows that class's method, so an object of another class (the list changed since)
    is refused rather than run through the wrong method."""
    if type(obj) is not cls:
        from .runtime import refuse
        refuse(f"srcdiff compiled this call for objects of class {cls.__qualname__}, but "
               f"this one is a {type(obj).__qualname__}",
               "keep the objects of a list of one class (or call the function again after "
               "changing them, with srcdiff.grad made anew)", where)
