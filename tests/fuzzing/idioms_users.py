"""Idioms of user code for the random-program tester (families of tests/fuzzing/families.py;
module-level code in user_helpers.py): objects held in lists and dataclass records whose
methods are called (results sometimes dropped), a dataclass's operators, lists and tuples of functions iterated
over, helpers writing into an item of a fresh array given to them, `*args`/`**kwargs`
calls followed by writes into what they were given, and dicts of parameters written in
place."""
from .idioms import bound, inner
from .idioms_calls import vector_functions
from .program import Stmt, j, lit


def _fresh(ex, shape="v"):
    """A fresh array, made the ways users make one to pass on."""
    form = ex.rnd.choice(["{0} * 1.0", "np.array({0})", "({0}).copy()", "{0} + 0.0"])
    return j(form, ex.expr(shape, 1))


def _objlist(gen, scope, ex, loop_depth, nest):
    """Layers (objects) in a list: called, their methods mapped over, results dropped."""
    rnd = gen.rnd
    layers, h, layer, acc = (scope.fresh("layers"), scope.fresh("hd"), scope.fresh("layer"),
                             scope.fresh("a"))
    w2 = ex.expr(rnd.choice("sv"), 1)
    out = []
    if rnd.random() < 0.3:   # built by append
        c = scope.fresh("c")
        out += [Stmt(lit(f"{layers} = []")),
                Stmt(blocks=[(j(f"for {c} in ({{0}}, {{1}}):", ex.expr("s", 1), w2),
                              [Stmt(lit(f"{layers}.append(Dense({c}, 0.1))"))])])]
    else:
        out.append(Stmt(j(f"{layers} = [Dense({{0}}, {{1}}), Dense({{2}}, {{3}})]",
                          ex.expr("s", 1), ex.expr("s", 1), w2, ex.expr("s", 1))))
    out.append(Stmt(j(f"{h} = {{0}}", ex.expr("v", 1))))
    scope.bind(h, "v")
    form = rnd.randrange(5)
    if form == 0:
        call = rnd.choice([f"{layer}({h})", f"{layer}.forward({h})"])
        scope.push()
        body = [Stmt(lit(f"{h} = {call}"))] + inner(gen, scope, ex, loop_depth, nest)
        scope.pop()
        out.append(Stmt(blocks=[(lit(f"for {layer} in {layers}:"), body)]))
        return bound(scope, h, "v", out)
    if form == 1:
        outs = scope.fresh("ys")
        out.append(Stmt(lit(f"{outs} = [{layer}.forward({h}) for {layer} in {layers}]")))
        out.append(Stmt(lit(f"{acc} = {outs}[-1] * {outs}[0]")))
        return bound(scope, acc, "v", out)
    if form == 2:   # a method's result kept in a name nothing reads
        z = scope.fresh("z")
        body = [Stmt(lit(f"{z} = {layer}.forward({h})")),
                Stmt(lit(f"{h} = {h} + 0.1 * {layer}.energy()"))]
        out.append(Stmt(blocks=[(lit(f"for {layer} in {layers}:"), body)]))
        return bound(scope, h, "v", out)
    if form == 3:
        out.append(Stmt(lit(f"{acc} = sum({layer}.energy() for {layer} in {layers})")))
        return bound(scope, acc, "s", out)
    out.append(Stmt(lit(rnd.choice([f"{layers}[0].forward({h})", f"{layers}[0].energy()",
                                    f"_ = {layers}[1]({h})"]))))
    out.append(Stmt(lit(f"{acc} = {layers}[1]({h}) + {layers}[0].act({h})")))
    return bound(scope, acc, "v", out)


def _records(gen, scope, ex, loop_depth, nest):
    """Dataclass records: made, kept in a list, fields written, methods called (results
    sometimes dropped)."""
    rnd = gen.rnd
    r, acc = scope.fresh("R"), scope.fresh("a")
    form = rnd.randrange(5)
    make = rnd.choice(["Record({0}, {1})", "Record(w={0}, b={1})"])
    if form in (0, 1):
        recs = scope.fresh("recs")
        out = [Stmt(j(f"{recs} = [{make}, Record({{2}}, 0.3)]", ex.expr("v", 1),
                      ex.expr("s", 1), ex.expr("v", 1)))]
        if form == 0:
            out.append(Stmt(lit(f"{acc} = sum({r}.energy() for {r} in {recs})")))
            return bound(scope, acc, "s", out)
        h = scope.fresh("hd")
        out.append(Stmt(j(f"{h} = {{0}}", ex.expr("v", 1))))
        scope.bind(h, "v")
        scope.push()
        body = [Stmt(lit(f"{h} = {r}.apply({h})"))]
        if rnd.random() < 0.4:
            body.append(Stmt(lit(f"{r}.energy()")))
        body += inner(gen, scope, ex, loop_depth, nest)
        scope.pop()
        out.append(Stmt(blocks=[(lit(f"for {r} in {recs}:"), body)]))
        return bound(scope, h, "v", out)
    out = [Stmt(j(f"{r} = {make}", ex.expr("v", 1), ex.expr("s", 1)))]
    if form == 2:   # a method's result dropped
        z = scope.fresh("z")
        out.append(Stmt(j(rnd.choice([f"{z} = {r}.apply({{0}})", f"{r}.apply({{0}})"]),
                          ex.expr("v", 1))))
        out.append(Stmt(lit(f"{acc} = {r}.energy()")))
        return bound(scope, acc, "s", out)
    if form == 3:   # a field written, then read by a method
        out.append(Stmt(j(rnd.choice([f"{r}.b = {r}.b * 0.5 + {{0}}", f"{r}.b += {{0}}"]),
                          ex.expr("s", 1))))
        out.append(Stmt(lit(f"{acc} = {r}.energy() + np.sum({r}.w)")))
        return bound(scope, acc, "s", out)
    out.append(Stmt(j(f"{acc} = {r}.apply({{0}}) * {r}.b", ex.expr("v", 1))))
    return bound(scope, acc, "v", out)


def _operators(gen, scope, ex, loop_depth, nest):
    """Objects of a dataclass with operators (user_helpers.Pair): combined by + - * / @,
    negated, reflected (`2.0 * p`, `1.5 + p`), indexed (`p[i]`, `len(p)`), updated by `+=`
    in a loop (srcdiff/operator_methods.py)."""
    rnd = gen.rnd
    p, q, acc = scope.fresh("P"), scope.fresh("q"), scope.fresh("a")
    out = [Stmt(j(f"{p} = Pair({{0}}, {{1}})", ex.expr("v", 1), ex.expr("v", 1)))]
    form = rnd.randrange(5)
    if form == 0:
        out.append(Stmt(j(f"{q} = {p} + {p} * {{0}} - {p} / 2.0", ex.expr("s", 1))))
        out.append(Stmt(lit(f"{acc} = np.sum({q}.u * {q}.w)")))
        return bound(scope, acc, "s", out)
    if form == 1:
        out.append(Stmt(lit(f"{acc} = {p} @ (-{p} + 2.0 * {p})")))
        return bound(scope, acc, "s", out)
    if form == 2:
        k = scope.fresh("k")
        out.append(Stmt(blocks=[(lit(f"for {k} in range(2):"), [
            Stmt(j(f"{p} += Pair({{0}}, {p}.u * 0.5)", ex.expr("v", 1)))])]))
        out.append(Stmt(lit(f"{acc} = {p}[0] + {p}[len({p}) - 1]")))
        return bound(scope, acc, "s", out)
    if form == 3:
        out.append(Stmt(lit(f"{q} = 1.5 + {p}")))
        out.append(Stmt(j(f"{acc} = {q}.w * {{0}} + {q}.u", ex.expr("v", 1))))
        return bound(scope, acc, "v", out)
    out.append(Stmt(j(f"{acc} = helper_of_pair({p} * {{0}}, -{p})", ex.expr("s", 1))))
    return bound(scope, acc, "v", out)


def _fntuple(gen, scope, ex, loop_depth, nest):
    """A list or tuple of functions iterated over (plain, enumerate, zip, reversed, a
    comprehension, indexing, a dict of functions)."""
    rnd = gen.rnd
    fs, g, t, acc = scope.fresh("fs"), scope.fresh("g"), scope.fresh("t"), scope.fresh("a")
    names = rnd.sample(vector_functions(gen, scope) + ["Dense(0.5, 0.1)"], 2)
    display = f"[{', '.join(names)}]" if rnd.random() < 0.5 else f"({', '.join(names)})"
    out = [Stmt(j(f"{t} = {{0}}", ex.expr("v", 1)))]
    scope.bind(t, "v")
    form = rnd.randrange(7)
    if form == 6:
        ops, k = scope.fresh("D"), scope.fresh("k")
        out.append(Stmt(lit(f'{ops} = {{"first": {names[0]}, "second": {names[1]}}}')))
        out.append(Stmt(blocks=[(lit(f"for {k}, {g} in {ops}.items():"),
                                 [Stmt(lit(f"{t} = 0.5 * {g}({t}) + 0.1"))])]))
        return bound(scope, t, "v", out)
    out.append(Stmt(lit(f"{fs} = {display}")))
    if form == 3:
        out.append(Stmt(lit(f"{acc} = np.sum(np.stack([{g}({t}) for {g} in {fs}]), axis=0)")))
        return bound(scope, acc, "v", out)
    if form == 4:
        out.append(Stmt(lit(f"{acc} = {fs}[1]({fs}[0]({t}) * 0.5)")))
        return bound(scope, acc, "v", out)
    scope.push()
    if form == 1:
        i = scope.fresh("i")
        scope.bind(i, "idx")
        head = f"for {i}, {g} in enumerate({fs}):"
        step = f"{t} = {t} * 0.5 + ({i} + 1) * 0.25 * {g}({t})"
    elif form == 2:
        c = scope.fresh("c")
        head = j(f"for {g}, {c} in zip({fs}, ({{0}}, 0.5)):", ex.expr("s", 1))
        scope.bind(c, "s")
        step = f"{t} = {t} * 0.5 + {c} * {g}({t})"
    else:
        head = rnd.choice([f"for {g} in {fs}:", f"for {g} in reversed({fs}):",
                           f"for {g} in {fs}[::-1]:"])
        step = f"{t} = 0.5 * {g}({t}) + 0.1"
    body = [Stmt(lit(step))] + inner(gen, scope, ex, loop_depth, nest)
    scope.pop()
    out.append(Stmt(blocks=[(head if isinstance(head, tuple) else lit(head), body)]))
    return bound(scope, t, "v", out)


def _freshwrite(gen, scope, ex, loop_depth, nest):
    """A helper writing into an item of a fresh array it is given (returning it, something
    else, or None), the caller reading the array afterwards."""
    rnd = gen.rnd
    acc, t = scope.fresh("a"), scope.fresh("t")
    form = rnd.randrange(5)
    if form == 0:
        return bound(scope, acc, "v", [Stmt(j(f"{acc} = bump({{0}})", _fresh(ex)))])
    if form == 1:
        return bound(scope, acc, "v", [Stmt(j(f"{acc} = set_first({{0}}, {{1}})", _fresh(ex),
                                              ex.expr("s", 1)))])
    if form == 2:
        return bound(scope, t, "v", [Stmt(lit(f"{t} = np.zeros(3)")),
                                     Stmt(j(f"fill({t}, {{0}})", ex.expr("v", 1)))])
    if form == 3:
        out = [Stmt(j(f"{t} = {{0}}", _fresh(ex, "m")))]
        out.append(Stmt(j(rnd.choice([f"scale_rows({t}, {{0}})",
                                      f"{t} = scale_rows({t}, {{0}})"]), ex.expr("s", 1))))
        return bound(scope, t, "m", out)
    out = [Stmt(j(f"{t} = {{0}}", _fresh(ex)))]
    out.append(Stmt(j(f"set_first({t}, {{0}})", ex.expr("s", 1))))
    out.append(Stmt(lit(f"{acc} = bump({t}) + {t}")))
    scope.bind(t, "v")
    return bound(scope, acc, "v", out)


def _varwrite(gen, scope, ex, loop_depth, nest):
    """A *args or **kwargs call, then a write into an array it was given; or a *args helper
    writing into its first argument."""
    rnd = gen.rnd
    u, acc = scope.fresh("u"), scope.fresh("a")
    out = [Stmt(j(f"{u} = {{0}}", _fresh(ex)))]
    scope.bind(u, "v")
    form = rnd.randrange(4)
    if form == 0:
        out.append(Stmt(j(f"{acc} = star_sum({{0}}, {u}, {{1}})", ex.expr("s", 1),
                          ex.expr("v", 1))))
    elif form == 1:
        parts = scope.fresh("L")
        out.append(Stmt(j(f"{parts} = [{u}, {{0}}]", ex.expr("v", 1))))
        out.append(Stmt(j(f"{acc} = star_sum({{0}}, *{parts})", ex.expr("s", 1))))
    elif form == 2:
        out.append(Stmt(j(f"{acc} = kw_mix({{0}}, a={{1}}, b={u})", ex.expr("s", 1),
                          ex.expr("s", 1))))
    else:
        out.append(Stmt(j(f"put_all({u}, {{0}}, {{1}})", ex.expr("s", 1), ex.expr("s", 1))))
        return bound(scope, u, "v", out)
    write = rnd.choice([f"{u}[0] = {{0}}", f"{u} *= 0.5 + 0.4 * {{0}}", f"{u}[1:] += {{0}}"])
    if rnd.random() < 0.3:
        i = scope.fresh("i")
        out.append(Stmt(blocks=[(lit(f"for {i} in range(2):"), [
            Stmt(lit(f"{u}[{i}] += 0.1 * {acc}"))])]))
    else:
        out.append(Stmt(j(write, ex.squash(ex.expr("s", 1)))))
    out.append(Stmt(lit(f"{acc} = {acc} * np.sum({u})")))
    return bound(scope, acc, "s", out)


def _dictwrite(gen, scope, ex, loop_depth, nest):
    """A dict of parameters written in place (items, through a name, by an optimiser step,
    in a loop), then read."""
    rnd = gen.rnd
    p, acc = scope.fresh("P"), scope.fresh("a")
    out = [Stmt(j(f'{p} = {{{{"w": {{0}}, "b": {{1}}}}}}', _fresh(ex), ex.expr("s", 1)))]
    form = rnd.randrange(7)
    if form == 0:
        out.append(Stmt(j(f'{p}["w"][{rnd.choice("012")}] = {{0}}', ex.expr("s", 1))))
    elif form == 1:
        out.append(Stmt(j(f'{p}["w"] *= 0.5 + 0.4 * {{0}}', ex.squash(ex.expr("s", 1)))))
        out.append(Stmt(j(f'{p}["b"] += {{0}}', ex.expr("s", 1))))
    elif form == 2:
        out.append(Stmt(j(f"sgd({p}, {{0}})", ex.expr("v", 1))))
    elif form == 3:
        i, g = scope.fresh("i"), scope.fresh("g")
        step = rnd.choice([f"sgd_inplace({p}, {g})", f'{p}["w"] -= 0.1 * {g}',
                           f"sgd({p}, {g}, lr=0.2)"])
        scope.push()
        body = [Stmt(lit(f'{g} = np.tanh({p}["w"]) * {p}["b"]')), Stmt(lit(step))]
        body += inner(gen, scope, ex, loop_depth, nest)
        scope.pop()
        out.append(Stmt(blocks=[(lit(f"for {i} in range({rnd.choice([1, 2, 3])}):"), body)]))
    elif form == 4:
        k = scope.fresh("k")
        out.append(Stmt(blocks=[(lit(f"for {k} in {p}:"), [
            Stmt(lit(f"{p}[{k}] = {p}[{k}] * 0.5"))])]))
    elif form == 5:
        w = scope.fresh("w")
        out.append(Stmt(lit(f'{w} = {p}["w"]')))
        out.append(Stmt(j(f"{w}[1] = {{0}}", ex.expr("s", 1))))
    else:
        q = scope.fresh("Q")
        out.append(Stmt(lit(f'{q} = {{"layer": {p}}}')))
        out.append(Stmt(j(f'{q}["layer"]["w"][0] += {{0}}', ex.expr("s", 1))))
    out.append(Stmt(lit(f'{acc} = np.sum(np.tanh({p}["w"])) * {p}["b"]')))
    return bound(scope, acc, "s", out)


def _outwrite(gen, scope, ex, loop_depth, nest):
    """NumPy calls writing into a fresh array (srcdiff/out_writes.py): out= by name or by
    position, in a loop too, a.fill(v), a.sort(), numpy.copyto with a mask; sometimes
    another name holds the array and is read after."""
    rnd = gen.rnd
    u, acc = scope.fresh("u"), scope.fresh("a")
    out = [Stmt(j(f"{u} = {{0}}", _fresh(ex)))]
    scope.bind(u, "v")
    alias = scope.fresh("w") if rnd.random() < 0.3 else None
    if alias:
        out.append(Stmt(lit(f"{alias} = {u}")))
    form = rnd.randrange(6)
    if form == 0:
        out.append(Stmt(j(f"np.add({u}, {{0}}, out={u})", ex.expr("v", 1))))
    elif form == 1:
        out.append(Stmt(j(f"np.multiply({{0}}, {u}, {u})", ex.expr("v", 1))))
    elif form == 2:
        k = scope.fresh("k")
        out.append(Stmt(blocks=[(lit(f"for {k} in range(2):"), [Stmt(j(
            f"np.add({u}, 0.5 * np.tanh({u}) * {{0}}, out={u})", ex.expr("s", 1)))])]))
    elif form == 3:
        out += [Stmt(j(f"{u}.fill({{0}})", ex.expr("s", 1))),
                Stmt(j(f"{u} += {{0}}", ex.expr("v", 1)))]
    elif form == 4:
        out.append(Stmt(lit(f"{u}.sort()")))
    else:
        out.append(Stmt(j(f"np.copyto({u}, {{0}}, where=np.array([True, False, True]))",
                          ex.expr("v", 1))))
    read = alias or u
    out.append(Stmt(j(f"{acc} = np.sum({read} * {{0}}) + {u}[0]", ex.expr("v", 1))))
    return bound(scope, acc, "s", out)


KINDS = {"objlist": _objlist, "records": _records, "operators": _operators, "fntuple": _fntuple,
         "freshwrite": _freshwrite, "varwrite": _varwrite, "dictwrite": _dictwrite,
         "outwrite": _outwrite}
