"""The source-to-source rewrites run before lowering (stage 3, lower: called by
lower.Lowerer.__init__). Takes the user's `Source`, its resolver, the parameters known to hold
containers and the classes of the objects passed; gives back the FunctionDef to lower (the
source's own where no rewrite acts, else a rewritten copy).

In order, each imported only where the census says it may act (so a plain function imports
none of them):

* a class statement in the function's body, made once where srcdiff compiles and bound as a
  free name (class_defs.py);
* nested helpers given a function as an argument (`rk4(pendulum, y, dt, n)`, a lambda, a
  module-level function, `np.sin`), as copies made for that function (function_arguments.py);
* lists of placeholders filled item by item right after they are made (`fs = [None] * 2;
  fs[0] = make(c)`), as names of their own or the display of what was written
  (placeholder_lists.py);
* nested functions rebinding the function's variables with `nonlocal` (or growing its lists,
  `hist.append(v)`: nonlocal_lists.py), as functions taking them and giving them back
  (nonlocal_writes.py);
* nested factories of closures (`s = make_scaler(k); s(x)`, `make_scaler(k)(x)`; one of the
  module's copied in first), as functions giving back the values their closure reads and a
  nested function taking them (closure_factories.py);
* the function's own imports, with-blocks of contexts that change no value (np.errstate,
  warnings.catch_warnings), match on literal patterns (plain_blocks.py);
* a function chosen where the code runs and called (`act = np.tanh if c else np.sin`,
  `act = acts[name]`), as the choice of a position and a conditional expression over the
  candidates' calls (function_choices.py);
* `if isinstance(p, C)` where the call tells p's class, or that p holds a number or an
  array, and `if p is None` where the call passed None for p, as the branch taken
  (class_tests.py);
* try blocks that only read: a probe and an if (try_blocks.py);
* NumPy calls given out= an item or slice, `numpy.add(a, b, out=y[1:])`, as item writes
  (out_views.py), items by flat position, `x.flat[k] = v` and reads of `x.flat[k]`
  (flat_items.py), and writes through a transposed or reshaped view, `y.T[i] = v`
  (reshaped_writes.py);
* getattr and setattr of names known here, as attribute reads and writes
  (named_attributes.py);
* reads and writes of a view by basic slicing (`a2 = A[-1, :]; a2 -= v`) as reads and writes
  of the array it views (view_writes.py; not in code srcdiff emitted, whose views the tape
  restores);
* writes through an exact alias (`a1 = x; a1[0] = v`) made visible under the other names
  (alias_groups.py), loops over a display of names writing into the item, unrolled
  (display_loops.py), and rows a loop over an array writes into, written back
  (loop_rows.py);
* NumPy's maps of a function of the user's (np.vectorize, np.apply_along_axis,
  np.piecewise, np.apply_over_axes, np.frompyfunc) as the loops they mean (numpy_maps.py);
* dict idioms: dict.fromkeys, defaultdict and OrderedDict as plain dicts, lists in a dict
  grown by append, d.update(e) and d |= e, `{**a, **b}`, itertools.accumulate
  (dict_idioms.py);
* collections.deque and heapq's heaps as plain lists (queue_lists.py);
* itertools.pairwise, combinations, islice, chain, zip_longest, product, repeat, np.ndenumerate
  and reversed(...) given to zip/enumerate as the zips, slices and lists they mean, and
  accumulate calls bound first as lists (itertools_calls.py, before the dict idioms);
* next() of a generator expression or of iter([...]) read right away, as its items
  (next_items.py);
* everyday shapes: for/else, zip(...) as a value, filter, ... (idiom_rewrite.desugar);
* generators, as lists of their items (generator_calls.py).
"""
import numpy

from . import census
from . import syntax as S
from .core import GENERATED_PREFIX
from .markers import NONE_PASSED

_MAPS = ("vectorize", "apply_along_axis", "piecewise", "apply_over_axes",
         "frompyfunc")   # numpy_maps.NAMES
_DICT_CALLS = ("defaultdict", "OrderedDict", "accumulate", "dict")   # dict_idioms' calls
_DICT_METHODS = ("fromkeys", "setdefault", "update")
_ITERATORS = ("pairwise", "combinations", "ndenumerate", "islice", "chain", "from_iterable",
              "zip_longest", "product", "repeat", "reversed", "accumulate")
# (itertools_calls.NAMES)
_QUEUES = ("deque", "heapify", "heappush", "heappop")   # queue_lists' calls


def named_attributes_needed(called):
    """named_attributes.needed, without importing it: a call of getattr or setattr."""
    return "getattr" in called or "setattr" in called


def rewrite(source, resolver, containers, known_types):
    """(FunctionDef, resolver): the FunctionDef of `source` with every rewrite above
    applied, and the resolver of its free names (plain_blocks: a copy knowing the
    function's own imports)."""
    fdef, _counted, resolver = counted_rewrite(source, resolver, containers, known_types)
    return fdef, resolver


def counted_rewrite(source, resolver, containers, known_types, early=None):
    """(the FunctionDef of `source` with every rewrite above applied, its `census.Census`,
    the resolver of its free names): the questions are asked of one census walk, taken
    again only after a rewrite ran."""
    fdef = source.node
    if any(isinstance(s, S.ClassDef) for s in fdef.body):
        from . import class_defs   # class Softmax: ... in the body, made once here
        fdef, resolver = class_defs.rewrite(source, fdef, resolver)
    lookup = (lambda name: resolver.lookup(name, None))
    if any(isinstance(s, S.FunctionDef) for s in fdef.body):   # (function_arguments.needed)
        from . import function_arguments   # rk4(pendulum, y, dt, n): rk4 made for pendulum
        fdef = function_arguments.rewrite(fdef, lookup)
    counted = census.take(fdef)
    if counted.written:   # fs = [None, None]; fs[0] = make(...): names of their own
        from . import placeholder_lists
        filled = placeholder_lists.rewrite(fdef)
        if filled is not fdef:
            fdef, counted = filled, census.take(filled)
    if counted.nonlocals or any(rest[-1:] in (("append",), ("extend",))
                                for _, rest in counted.chains) or \
            counted.defs and _writes_around(fdef):
        from . import nonlocal_writes   # nested functions rebinding this one's variables
        fdef = nonlocal_writes.rewrite(source, fdef,   # (or growing its lists)
                                       lambda name: resolver.lookup(name, None))
        if fdef is not source.node:
            counted = census.take(fdef)
    if not counted.bound_to_calls.isdisjoint(counted.called) or counted.other_calls:
        from . import closure_factories   # s = make(k); s(x), make(k)(x)
        fdef = closure_factories.rewrite(fdef, source, resolver)
        counted = census.take(fdef)
    if counted.blocks:   # (plain_blocks.needed)
        from . import plain_blocks
        fdef, resolver = plain_blocks.rewrite(source, fdef, resolver)
        counted = census.take(fdef)
    lookup = (lambda name: resolver.lookup(name, None))
    if not counted.chosen.isdisjoint(counted.called):   # act = np.tanh if c else np.sin
        from . import function_choices
        fdef = function_choices.rewrite(fdef, lookup)
        counted = census.take(fdef)
    if early or known_types and ("isinstance" in counted.called or any(   # p is None:
            k.endswith(NONE_PASSED) for k in known_types)):   # isinstance(o, C): answered here
        from . import class_tests
        fdef = class_tests.rewrite(fdef, lookup, known_types, early)
        counted = census.take(fdef)
    if counted.tries:
        from . import try_blocks
        fdef = try_blocks.rewrite(source, fdef, lookup)
        counted = census.take(fdef)
    if counted.view_calls and not source.filename.startswith(GENERATED_PREFIX):
        from . import flat_items, out_views, reshaped_writes   # x.flat[k] = v; y.T[i] = v
        fdef = out_views.rewrite(fdef, lookup)   # numpy.add(a, b, out=y[1:])
        fdef = flat_items.rewrite(fdef, lookup, set(containers) | set(known_types))
        fdef = reshaped_writes.rewrite(fdef, lookup, set(containers) | set(known_types))
        counted = census.take(fdef)
    if named_attributes_needed(counted.called):
        from . import named_attributes   # getattr(p, "w"), for name in p._fields: getattr(p, name)
        fdef = named_attributes.rewrite(fdef, lookup, known_types)
        counted = census.take(fdef)
    if census.may_bind_views(counted) and not source.filename.startswith(GENERATED_PREFIX):
        from . import view_writes
        fdef = view_writes.rewrite(fdef, lookup, set(containers) | set(known_types))
        counted = census.take(fdef)
    if census.may_group_aliases(counted):
        from . import alias_groups
        own = not source.filename.startswith(GENERATED_PREFIX)   # (u op= e: the user's only)
        fdef = alias_groups.rewrite(fdef, lookup if own else None,
                                    set(containers) | set(known_types))
        counted = census.take(fdef)
    if census.may_take_rows(counted):
        from . import display_loops, loop_rows   # for r in [x, m]: r[-1] = v; A's rows
        fdef = display_loops.rewrite(fdef)
        fdef = loop_rows.rewrite(fdef, lookup, set(containers) | set(known_types))
        counted = census.take(fdef)
    if _may_map(counted, fdef, lookup):   # np.vectorize, np.apply_along_axis, np.piecewise
        from . import numpy_maps
        fdef, resolver = numpy_maps.rewrite(source, fdef, resolver)
        counted = census.take(fdef)
    if _calls_any(counted, _ITERATORS):   # itertools.pairwise, combinations, np.ndenumerate
        from . import itertools_calls
        fdef = itertools_calls.rewrite(fdef, lookup, source)
        counted = census.take(fdef)
    if _calls_any(counted, ("next",)):   # next() of a generator expression read at once
        from . import next_items
        fdef = next_items.rewrite(fdef, lookup, source)
        counted = census.take(fdef)
    if _may_take_dicts(counted, fdef):   # defaultdict, dict.fromkeys, d.update(e), ...
        from . import dict_idioms
        fdef = dict_idioms.rewrite(fdef, lookup, known_types)
        counted = census.take(fdef)
    if _calls_any(counted, _QUEUES):   # collections.deque, heapq's heaps, as lists
        from . import queue_lists
        fdef = queue_lists.rewrite(fdef, lookup)
        counted = census.take(fdef)
    # idiom_rewrite.desugar gives the tree back where neither holds (its own first question)
    if census.may_desugar(counted) or (
            known_types and any(k.endswith(".__len__") for k in known_types)):
        from . import idiom_rewrite
        fdef = idiom_rewrite.desugar(fdef, lookup, known_types, containers)
        counted = census.take(fdef)
    if census.may_generate(counted, lookup, known_types):
        from . import generator_calls
        fdef = generator_calls.prepare(source, fdef, lookup, known_types)
        counted = census.take(fdef)
    return fdef, counted, resolver


def _may_take_dicts(counted, fdef):
    """dict_idioms.needed, without importing it: a call of defaultdict, OrderedDict,
    accumulate, dict, or of a method fromkeys, setdefault or update, `**` in a dict display, a
    `|=`, an append to an item (`g[k].append(v)`)."""
    if not counted.called.isdisjoint(_DICT_CALLS) or counted.unpacked or any(
            rest and rest[-1] in _DICT_CALLS + _DICT_METHODS for _, rest in counted.chains):
        return True
    if counted.item_appends:   # g[k].append(v)
        return True
    return bool(counted.written) and any(n.__class__ is S.AugAssign and n.op.__class__ is
                                         S.BitOr for n in S.walk(fdef))


def _calls_any(counted, names):
    """Whether `counted` (a census) calls one of `names`, by a bare name or an attribute
    path (the question before queue_lists and itertools_calls, without importing them)."""
    return not counted.called.isdisjoint(names) or any(
        rest and rest[-1] in names for _, rest in counted.chains)


def _may_map(counted, fdef, lookup):
    """False where numpy_maps.rewrite gives the tree back as it is: no call of a name or
    attribute path ending in one of its names, no def of the body decorated (`@np.vectorize`)
    and no call of a module-level vectorized function."""
    if not counted.called.isdisjoint(_MAPS) or any(rest and rest[-1] in _MAPS
                                                   for _, rest in counted.chains):
        return True
    if _decorated_def(fdef.body):   # (a def in a loop or branch too)
        return True
    return any(isinstance(lookup(n), numpy.vectorize) for n in counted.called)


def _decorated_def(body):
    """Whether a block, or a block nested in its statements (a loop's, a branch's, a
    try's), defines a decorated def."""
    for s in body:
        if s.__class__ is S.FunctionDef:
            if s.decorator_list:
                return True
            continue   # (its own body is another function's)
        for field in ("body", "orelse", "finalbody", "handlers"):
            inner = getattr(s, field, None)
            if not isinstance(inner, list):
                continue
            blocks = [h.body for h in inner if isinstance(h, S.excepthandler)] or [inner]
            if any(isinstance(b[0], S.stmt) and _decorated_def(b) for b in blocks if b):
                return True
    return False


def _writes_around(fdef):
    """Whether a nested function of `fdef` (its census says one is there) writes an item of
    a name it does not bind (what nonlocal_arrays.py looks for)."""
    from . import nonlocal_arrays
    return nonlocal_arrays.needed(fdef)
