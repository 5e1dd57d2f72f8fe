"""The families of programs the random-program tester draws (scripts/fuzz.py --family):
`plain` (tests/fuzzing/generator.py alone), `idioms` (issue #13's idioms:
tests/fuzzing/idioms*.py), and families of user code, each a set of idiom kinds drawn
among the plain statements (idioms_users.py, idioms_flow.py, module-level code in
user_helpers.py; `habits`: idioms_habits.py, `loops`: idioms_loops.py, and `funcs`:
idioms_funcs.py, `outs`: out= / fill / sort / copyto, `numpy`: idioms_numpy.py, each drawn on its own and not part of `users`, so that `users`' seeds draw the programs they drew before). A family's value is what Generator(seed, idioms=...) takes: False,
True, or a tuple of kind names. The same seed draws other programs in other families."""

FAMILIES = {
    "plain": False,
    "idioms": True,
    # objects held in lists, dataclass records; methods whose results go unused; a
    # dataclass with operators (+ - * / @, reflected, v[i], len, +=)
    "objects": ("objlist", "records", "operators"),
    # lists, tuples and dicts of functions iterated over
    "functions": ("fntuple",),
    # user generator functions consumed by loops (break/continue), sum(), zip(), next()
    "generators": ("usergen",),
    # writes into a fresh array a helper is given, after *args/**kwargs calls, into dicts
    "writes": ("freshwrite", "varwrite", "dictwrite"),
    # while loops on data (early return), for ... else searches
    "control": ("whiledata", "forsearch"),
    # everyday habits (idioms_habits.py): stateful objects setting self.field, optimiser
    # loops over dicts of parameters, early returns from nested loops, while on data with
    # break, keyword defaults and keyword calls, masks and kinks away from the kink, tuples
    # returned and unpacked, string-keyed dict comprehensions
    "habits": ("stateful", "optloop", "nestedreturn", "whilebreak", "kwcall", "kinks",
               "tuples", "strdict"),
    # everyday control flow (idioms_loops.py): while ... else left by a break, range(len(x) - 1,
    # -1, -1), rows written by index, while on an array's element, continue in nested loops,
    # asserts, try/except blocks that only read; drawn on its own like habits
    # issue #13's function idioms round 1 made differentiable (idioms_funcs.py):
    # functools.partial called where it is made and partials of partials, map over a bound
    # method (of each object of a list), a key passed to a helper picking from a module
    # dict, callable objects in module dicts/lists/tuples, a generator given to an object's
    # method taking each item once, starred for/comprehension targets, divmod, // and //=,
    # nested defs with nonlocal, recursion, *args and **kwargs; drawn on its own like habits
    "funcs": ("partials", "mapmethod", "dispatch", "callobj", "genmethod", "starfor",
              "quotients", "closures"),
    "loops": ("whileelse", "backrange", "rowindex", "elemwhile", "nestedcontinue", "asserts",
              "tryread"),
    # NumPy calls writing into a fresh array (srcdiff/out_writes.py): out= by name and by
    # position, in loops, a.fill(v), a.sort(), numpy.copyto with a mask, an alias read
    # after; drawn on its own like habits
    "outs": ("outwrite",),
    # sessions 19-20's idioms (idioms_numpy.py): np.vectorize / @np.vectorize /
    # apply_along_axis / piecewise / frompyfunc of lambdas, branching local defs and module
    # helpers; super().__init__ and super().apply in records, a stateful self.h, fields
    # U/S/Q/R; zip(strict=True); flatten() and a parameter's copy written through a view;
    # sums to int; named tuples' _replace/_asdict/_make; np.put/putmask/place, partition,
    # histogram edges; `w = u; u += x`; session 21's lst.pop(i) / insert / del lst[i],
    # x.flat[k] read and written, numpy.gradient with a spacing per axis; drawn on its own
    # like habits
    "numpy": ("npmaps", "superrec", "zipstrict", "copywrite", "namedtup", "flatwrite",
              "aliasinc", "listedit", "flatitem", "gradaxes"),
    # session 21's idioms (idioms_recent.py): a vector-space dataclass (+, scalar * both sides,
    # v[i], an __iadd__ returning a new object or writing self's fields) stepped in loops and
    # an integrator, nonlocal counters and accumulators, a recursive nested def counting its
    # calls, *args/**kwargs nested defs, rows and columns of a fresh array updated in place,
    # a loss passed to a helper calling srcdiff.grad(loss), one array at two places of a
    # container (read; updated through one), with session 21's kinds other families draw
    # (nested defs, operators, list edits, x.flat, np.gradient's spacings), and in half the
    # programs f's first argument a list, tuple or dict of records (records_arg.py:
    # "recordarg", no statement); drawn on its own like habits
    "recent": ("vecspace", "counters", "rowview", "gradin", "repeated", "closures",
               "operators", "listedit", "flatitem", "gradaxes", "recordarg"),
}
FAMILIES["users"] = tuple(k for name in ("objects", "functions", "generators", "writes",
                                         "control") for k in FAMILIES[name])


def idioms_of(family):
    """What Generator and run_one take as `idioms` for a family name."""
    if family not in FAMILIES:
        raise ValueError(f"unknown family {family!r}: one of {', '.join(FAMILIES)}")
    return FAMILIES[family]
