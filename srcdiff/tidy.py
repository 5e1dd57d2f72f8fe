"""Tidying: the last passes over an emitted derivative, before emit (stage 6, optimize: called
by transform.py and forward_driver.py). Takes the emitted functions (the derivative first,
then the helper variants it calls); gives back the same functions rewritten, each rewrite
exact (`tidy`).

Rules are spliced in one statement at a time, so the code they make has forms no person
writes. `tidy(defs)` rewrites the emitted functions (the derivative first, then the
helper variants it calls), each rewrite exact (the same operations on the same values):

- `a + -e` is `a - e` and `a += -e` is `a -= e` (IEEE subtraction is the addition of
  the negation, for NumPy arrays as for Python numbers);
- `x ** 1` is `x` where the power is an operand of a product or quotient (which makes a
  new value anyway, of the same type: `x ** 1` keeps x's type), and so is `x ** 1.0` in a
  product with a float number in it (which makes it a float anyway);
- a temporary bound once and read once, by the next statement, is written into it
  (srcdiff/temporaries.py);
- helper variants the derivative never calls, and nested functions nothing reads, are
  dropped (srcdiff/unused.py).
"""
from . import syntax as S
from .temporaries import census_of, inline_temporaries
from .unused import drop_unused


def tidy(defs):
    """Tidy the emitted functions `defs` (the derivative first) in place; returns the list
    of those kept."""
    defs = drop_unused(defs)
    for fdef in defs:
        found = S.nodes(fdef)
        # counted before the arithmetic is tidied: it rewrites no name, binds nothing and
        # adds or takes no global, nonlocal or try (one walk of the function for both)
        census = census_of(found)
        _arithmetic(fdef, found)
        inline_temporaries(fdef, census)
    return defs


def _negation(node):
    """e, for `-e`; else None."""
    if isinstance(node, S.UnaryOp) and isinstance(node.op, S.USub):
        return node.operand
    return None


def _arithmetic(tree, found=None):
    """`a + -e` to `a - e`, `a += -e` to `a -= e`, `x ** 1` to `x` (see the module's doc), in
    place. The nodes are rewritten children first (the reverse of `walk`'s breadth-first
    order has every node after the nodes under it), each in place (a rewrite changes only
    the node's own fields), so no transformer rebuilds every list of the tree."""
    for node in reversed(S.nodes(tree) if found is None else found):
        cls = node.__class__
        if cls is S.BinOp:
            op = node.op.__class__
            if op is S.Mult or op is S.Div:
                chain_has_float = op is S.Mult and _mult_chain_has_float(node)
                for side in ("left", "right"):
                    base = _power_of_one(getattr(node, side), chain_has_float)
                    if base is not None:
                        setattr(node, side, base)
            elif op is S.Add:
                e = _negation(node.right)
                if e is not None:
                    node.op = S.Sub()
                    node.right = e
        elif cls is S.AugAssign and isinstance(node.op, S.Add):
            e = _negation(node.value)
            if e is not None:
                node.op = S.Sub()
                node.value = e


def _power_of_one(node, float_ok):
    """x, for `x ** 1` (and for `x ** 1.0` when `float_ok`); else None."""
    if not (isinstance(node, S.BinOp) and isinstance(node.op, S.Pow)
            and isinstance(node.right, S.Constant)):
        return None
    one = node.right.value
    if type(one) is int and one == 1:
        return node.left
    if type(one) is float and one == 1.0 and float_ok:
        return node.left
    return None


def _mult_chain_has_float(node):
    """Whether a product of several factors has a float number among them."""
    stack = [node]
    while stack:
        n = stack.pop()
        if isinstance(n, S.BinOp) and isinstance(n.op, S.Mult):
            stack += [n.left, n.right]
        elif isinstance(n, S.Constant) and type(n.value) is float:
            return True
    return False
