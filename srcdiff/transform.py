"""The pipeline, end to end: function, source of its derivative, live function (driver, stages
1 to 8: called by derivative.py, cli.py, compose_codegen.py, forward_driver.py and
numba_codegen.py). Takes a function, `wrt`, the transform kind and options; gives back the
emitted source and its bindings (`reverse_source`, an `Emitted`) and the loaded function
(`load_emitted`).

frontend -> check/lower -> analyze -> reverse (or forward) -> emit -> load.
"""
import inspect
import os
import sys

from . import analyze, core, emit, fixpoint, frontend, generators, loader, lower, rules, runtime
from . import vector_spaces
from . import syntax as S
from .names import TAPE
from .syntax import settle
from .program import Program
from .reverse import Reverse
from .version import __version__
from .callables import LocalFunction
from .refusals import refuse_returning_nothing
from .core import GENERATED_PREFIX, Info, Kind, Lowered

KIND_TITLES = {
    "grad": "Gradient",
    "value_and_grad": "Value and gradient",
    "vjp": "Vector-Jacobian product",
}


class Emitted:
    """Source text of a derivative plus what is needed to load it."""

    def __init__(self, text, name, bindings, fn, origin, function_text=None, mode="reverse",
                 wrt=()):
        self.text = text
        self.function_text = function_text if function_text is not None else text
        self.mode = mode
        self.wrt = tuple(wrt)
        self.name = name
        self.bindings = bindings
        self.fn = fn
        self.origin = origin


def origin_of(fn, source):
    """'FILE:LINE' for the header comment and docstring of emitted code: printable ASCII
    with no quote, so a file name can not end the comment or the docstring (a name with
    a newline or a triple quote would otherwise inject code); odd characters are escaped."""
    filename = os.path.basename(source.filename)
    if not (filename.isprintable() and filename.isascii()) or any(c in filename for c in "\"\\"):
        filename = filename.encode("unicode_escape").decode("ascii").replace('"', "\\x22")
    return f"{filename}:{source.node.lineno}"


def lower_function(fn, known_types=None, containers=(), source=None):
    """Lower a function; `known_types` maps parameters to the classes of user objects,
    `containers` names the parameters that hold lists, tuples or dicts; `source`, where
    given, is `frontend.get_source(fn)` read just before and not changed since (by
    refuse_returning_nothing), so the def is not read and converted again."""
    rules.load_templates()
    if isinstance(fn, LocalFunction):
        return lower.Lowerer(fn.source, fn.resolver, known_types, containers).run()
    if source is None:
        source = frontend.get_source(fn)
    known = dict(known_types or {})
    self_type = None
    if inspect.ismethod(fn) and not isinstance(fn.__self__, type):
        first = source.node.args.posonlyargs + source.node.args.args
        if first:
            self_type = type(fn.__self__)
            known[first[0].id] = self_type   # self, bound: its class is known
            from .objects import object_facts
            known.update(object_facts(first[0].id, fn.__self__))
    from .lowered_cache import lowered
    return lowered(fn, known, containers, self_type, lambda: lower.Lowerer(
        source, frontend.Resolver(fn), known, containers).run())


def reverse_source(fn, wrt, kind="grad", containers=(), name=None, as_tuple=None,
                   has_aux=False, check_tape=False, known_types=None, input_shapes=None,
                   checkpoint=None):
    """Emit the reverse-mode derivative of `fn` with respect to parameter names `wrt`.

    has_aux: fn returns a pair (output, aux); the output is differentiated and
    aux returned unchanged. check_tape: end with an assertion that every value
    pushed on the tape was popped (a debugging aid the tests switch on). checkpoint: a
    policy for every outermost for loop (srcdiff/checkpointing.py).
    """
    with frontend.home(fn):
        return _reverse_source(fn, wrt, kind, containers, name, as_tuple, has_aux,
                               check_tape, known_types, input_shapes, checkpoint)


def _reverse_source(fn, wrt, kind, containers, name, as_tuple, has_aux, check_tape,
                    known_types, input_shapes, checkpoint=None):
    generators.refuse_differentiated(fn)
    source = refuse_returning_nothing(fn)
    spaces = vector_spaces.check_uses(fn, wrt, known_types, "reverse")   # user spaces
    low = lower_function(fn, known_types, containers, source)
    user_name = fn.__name__ if fn.__name__ != "<lambda>" else "lambda"
    aux = None
    if has_aux:
        if kind == "vjp":
            raise low.source.error(low.source.node, "has_aux is not supported with vjp")
        low, aux = _split_aux(low)
    from .shapes import Shapes
    shapes = Shapes(low, input_shapes) if input_shapes is not None else None
    rev = Reverse(low, wrt, containers=_container_closure(low, set(containers) | spaces),
                  shapes=shapes,
                  checkpoint=checkpoint, program=Program(low.namer.taken, lower_function))
    primal, adjoint = rev.generate()
    namer = low.namer
    bindings = dict(low.bindings)
    bindings.update(rev.bindings)
    bindings.update(rev.program.bindings)
    helpers = ["finalize", "check_differentiable", "ones_like_value"]
    if kind == "vjp":
        helpers.append("check_cotangent")
    for h in helpers:
        bindings[h] = getattr(runtime, h)
    for bound in bindings:
        if bound in low.params or bound in rev.primal_names:
            raise low.source.error(low.source.node, f"the name {bound!r} is used by srcdiff's "
                                   "generated code", hint=f"rename your variable {bound!r}")
    name = namer.exact_or_fresh(name or f"{kind}_{user_name}")
    body = []
    wrt_text = ", ".join(wrt)
    origin = origin_of(fn, low.source)
    doc = (f"{KIND_TITLES[kind]} of {user_name} with respect to {wrt_text} (reverse mode).\n\n"
           f"    Generated by srcdiff {__version__} from {origin}.\n")
    if kind == "vjp":
        doc += "    The last argument is the cotangent: one value per element of the output.\n"
    doc += "    "
    body.append(S.Expr(value=S.const(doc)))
    originals = {}
    reassigned = {analyze.assigned(s) for s in analyze.flatten(low.body)}
    from .records import check_text, finalize_text
    for w in wrt:
        text, needs = check_text(low, w)   # a dataclass: its fields (records.py)
        body += S.quote(text)
        bindings.update(needs)
        if w in reassigned:
            originals[w] = namer.exact_or_fresh(w + "_input")
            body += S.quote(f"{originals[w]} = {w}")
    texts, needs = apart_check_texts(low, primal + adjoint + rev.program.defs, bindings)
    for text in texts:
        body += S.quote(text)
    bindings.update(needs)
    body += primal
    output = rev.output
    if kind == "value_and_grad" or aux:
        value = output if kind == "value_and_grad" else None
        value, aux, kept = _keep_values(rev, adjoint, namer, value, aux)
        output = value or output
        body += kept
        if kept:
            bindings["snapshot"] = runtime.snapshot
    from .optimize import propagate_copies
    from .factor import defer_scalar_factor
    final_names = set(rev.adjoints.values())
    seed = rev.seed_adj
    cotangent = None
    if kind == "vjp":
        cotangent = namer.exact_or_fresh("cotangent")
        body += S.quote(f"{seed} = check_cotangent({cotangent}, {rev.output})")
    elif rev.output in rev.active and kind == "grad" and shapes is not None and \
            shapes.final.get(rev.output) == () and \
            all(p in input_shapes for p in low.params):
        # a scalar output of NumPy arrays and numbers (another array type's seed must be
        # of its type: ones_like_value): the seed is 1.0 (a weak Python scalar, which keeps
        # the dtype it meets), and the output, unread, is not computed (srcdiff/deadcode.py)
        body += S.quote(f"{seed} = 1.0")
    elif rev.output in rev.active:
        body += S.quote(f"{seed} = ones_like_value({rev.output})")
    grads = []
    final_state = rev.final_state
    for w in wrt:
        d = rev.adjoints.get(w) if w in final_state else None
        like = originals.get(w, w)
        text, needs = finalize_text(low, w, d if d else 'None', like)
        grads.append(text)
        bindings.update(needs)
    if as_tuple is None:
        as_tuple = len(grads) > 1
    result = "(" + ", ".join(grads) + ("," if len(grads) == 1 else "") + ")" if as_tuple \
        else grads[0]
    if kind == "value_and_grad":
        result = f"({output}, {aux}), {result}" if aux else f"{output}, {result}"
    elif aux:
        result = f"{result}, {aux}"
    tail = []
    if check_tape and rev.tape_used:
        tail += S.quote(f'assert not {TAPE}, "srcdiff: pushes and pops on the tape do not pair"')
    tail += S.quote(f"return {result}")
    names_of = [list(S.walk_names(stmt)) for stmt in adjoint]   # (defer_scalar_factor's too)
    names = final_names | {n.id for stmt_names in names_of for n in stmt_names
                           if n.id.startswith("d_")
                           and n.id not in rev.primal_names}
    finals = {rev.adjoints.get(w) for w in wrt if w in final_state} - {None}
    as_walked = list(adjoint)
    defer_scalar_factor(adjoint, rev, shapes, namer, finals, names, bindings, names_of)
    # (a rewrite adds a statement: the same statements, the names walked are theirs)
    same = len(adjoint) == len(as_walked) and all(a is b for a, b in zip(adjoint, as_walked))
    body += propagate_copies(adjoint, names, keep=tail,
                             names_of=names_of if same else None) + tail
    from .fold import factor_products, fold_broadcasts
    counted = []
    fold_broadcasts(body, counted)
    factor_products(body, *counted)
    from .deadcode import drop_needless_inits, drop_unread, drop_unread_makers
    from .liveness import census, free_dead, reuse_dead_operands, shapes_of, sizes_of
    from .inline import inline_single_use
    drop_unread(drop_unread_makers(body))
    drop_needless_inits(body)
    sizes = sizes_of(low, shapes, rev.adjoints)
    known = shapes_of(low, shapes)
    # the names each statement reads and binds, taken once for the three passes (each
    # keeps them up to date); none where no pass has work
    names = census(body) if sizes or known else None
    inline_single_use(body, sizes, names)
    reuse_dead_operands(body, known, names)
    free_dead(body, sizes, names)
    params = low.params + ([cotangent] if cotangent else [])
    fdef = S.function_def(name, params, body, defaults=shown_defaults(low, fn, params))
    header = (f"# Code generated by srcdiff {__version__} from {origin} "
              f"({KIND_TITLES[kind].lower()}, reverse mode). DO NOT EDIT.\n")
    from .tidy import tidy
    defs = tidy([fdef] + rev.program.defs)
    walked = []
    settle(defs, bindings, walked)
    refuse_captured_names(rev.program, bindings)
    function_text = emit.to_source(defs, walked=walked)   # (settle renames, emit reads)
    return Emitted(header + function_text, name, bindings, fn, origin, function_text,
                   "reverse", wrt)


def shown_defaults(low, fn, params):
    """The user's defaults the emitted def shows (`def grad_f(x, n=3)`): those of the last
    parameters of `params` (the emitted def takes every parameter positionally) whose
    default is written as a literal (numbers, strings, None, booleans, tuples of them) equal
    to the function's live default. A parameter after them without one (a vjp's cotangent,
    a default written otherwise) ends the run: those show none (forward mode's tangents take
    None after them: forward_driver._shown_defaults).
    The shown defaults are what a call of the standalone code leaves out; srcdiff's own
    calls pass every argument (derivative.py fills the user's defaults)."""
    try:
        live = inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return []
    shown = []
    for name in reversed(params):
        node = low.defaults.get(name)
        param = live.get(name)
        value = _literal(node) if node is not None and param is not None else _NOT_LITERAL
        if value is _NOT_LITERAL or type(value) is not type(param.default) or \
                value != param.default:
            break
        shown.append(S.clone(node))
    return shown[::-1]


_NOT_LITERAL = object()


def _literal(node):
    """The value of a default written as an immutable literal, else _NOT_LITERAL."""
    if isinstance(node, S.Constant) and (node.value is None or isinstance(
            node.value, (bool, int, float, complex, str, bytes))):
        return node.value
    if isinstance(node, S.UnaryOp) and isinstance(node.op, S.USub) and \
            isinstance(node.operand, S.Constant) and \
            type(node.operand.value) in (int, float, complex):
        return -node.operand.value
    if isinstance(node, S.Tuple) and isinstance(node.ctx, S.Load):
        items = tuple(_literal(e) for e in node.elts)
        return _NOT_LITERAL if _NOT_LITERAL in items else items
    return _NOT_LITERAL


def refuse_captured_names(program, bindings):
    """A helper's own variable named like a value the emitted code binds (a runtime helper,
    numpy): the emitted helper would read the user's value where srcdiff means its own."""
    for source, names in program.user_names:
        for bound in sorted(names & set(bindings)):
            raise source.error(source.node, f"the name {bound!r} is used by srcdiff's "
                               "generated code", hint=f"rename your variable {bound!r}")


def _keep_values(rev, adjoint, namer, output, aux):
    """For value_and_grad and has_aux: (output, aux, statements) so that the returned
    values are the ones the primal computed, not what the adjoint leaves in those names.

    The adjoint pops old values back into names it overwrites (`v = v * v` restores
    the first v), writes old items back into arrays and pops lists in place; a value
    it may touch is kept before the adjoint runs (a copy where it may change in place).
    """
    stored = {n.id for stmt in adjoint for n in S.walk_names(stmt)
              if isinstance(n.ctx, S.Store)}
    backwards = {c[1] for c in rev._calls.values() if c}
    in_place = any(
        (isinstance(n, S.Subscript) and isinstance(n.ctx, S.Store))
        or (isinstance(n, S.Call) and isinstance(n.func, S.Attribute)
            and n.func.attr in ("pop", "append")
            and not (isinstance(n.func.value, S.Name) and n.func.value.id == TAPE))
        or (isinstance(n, S.Call) and isinstance(n.func, S.Name) and n.func.id in backwards)
        for stmt in adjoint for n in S.walk(stmt))
    kept = []
    names = []
    for name in (output, aux):
        if name is None or not (in_place or name in stored):
            names.append(name)
            continue
        new = namer.fresh("value" if name == output else "aux")
        kept += S.quote(f"{new} = snapshot({name})" if in_place else f"{new} = {name}")
        names.append(new)
    return names[0], names[1], kept


def _split_aux(low):
    """For has_aux: `(lowered, aux)`, a new lowered function (the one given is frozen and
    stays as it was) that differentiates the first item of the returned pair and passes
    the second on under the name `aux`."""
    ret = low.body[-1]
    pair = ret.value.id
    line = ret.sd.line
    namer = low.namer
    value, aux = namer.fresh("value"), namer.fresh("aux")
    check = S.Expr(value=S.Call(func=S.load("check_aux_pair"), args=[S.load(pair)],
                                keywords=[]))
    check.sd = Info(Kind.EFFECT, func=runtime.check_aux_pair, line=line)
    stmts = [check]
    for target, index in ((value, 0), (aux, 1)):
        stmt = S.Assign(targets=[S.store(target)], value=S.Subscript(
            value=S.load(pair), slice=S.const(index), ctx=S.Load()), type_comment=None)
        stmt.sd = Info(Kind.SUBSCRIPT, line=line)
        stmts.append(stmt)
    new_ret = S.Return(value=S.load(value))
    new_ret.sd = Info(Kind.RETURN, line=line)
    split = Lowered(low.name, low.params, low.defaults, low.body[:-1] + stmts + [new_ret],
                    namer, {**low.bindings, "check_aux_pair": runtime.check_aux_pair},
                    low.source)
    split.known_types, split.kinds = low.known_types, low.kinds
    split.freeze()
    if core.VALIDATE:
        core.validate(split)
    return split, aux


def _container_closure(low, containers):
    """The containers passed in and the names copies of them bind."""
    return fixpoint.reach(containers, analyze.copies(low.body))


def load_emitted(emitted):
    filename = f"{GENERATED_PREFIX}{emitted.origin.replace(':', '-')}/{emitted.name}.py"
    fn = loader.load(emitted.text, emitted.name, filename, emitted.bindings, emitted.fn)
    from . import emitted_origins   # a refusal differentiating it again names the user's line
    emitted_origins.register(filename, emitted.text, emitted.fn, fn)
    return fn


def apart_check_texts(low, reads=(), bindings=None):
    """The checks at a derivative's entry that each parameter the function writes into in
    place (a copy of its own, `x = own_copy(x)`) shares no memory with another argument
    (runtime_alias.check_arguments_apart) nor with a module-level value the emitted code
    `reads` (its trees: a global, a module's value, a global object holding it, a helper's
    closure value; runtime_alias.check_globals_apart, located at the def), and the helpers
    they need: [] where no parameter is written as given. `bindings`: what the emitted
    code binds (srcdiff's helpers, skipped, and the values it binds for a helper)."""
    copied = [s.targets[0].id for s in low.body if isinstance(s, S.Assign) and
              s.sd.kind == Kind.CALL and s.sd.func is runtime.own_copy and
              isinstance(s.targets[0], S.Name) and s.targets[0].id in low.params]
    written = [p for p in copied if _written_as_given(low.body, p)]
    if not written and f"{__package__}.runtime_alias" not in sys.modules:
        return [], {}   # no check to place, and none in code srcdiff emitted (never imported)
    from .runtime_alias import check_arguments_apart, check_globals_apart
    texts, needs = [], {}
    for name in written:
        others = [p for p in low.params if p != name]
        if others:
            texts.append(f"check_arguments_apart({name}, {name!r}, ({', '.join(others)},), "
                         f"{tuple(others)!r}, {low.name!r})")
            needs["check_arguments_apart"] = check_arguments_apart
    # emitted code differentiated again (hvp: jvp of grad_f): its own entry checks run on the
    # copy lowering makes of a parameter it writes into; run them on what the caller passed
    displays = {st.targets[0].id: st.value for st in low.body if isinstance(st, S.Assign)
                and isinstance(st.targets[0], S.Name) and isinstance(st.value, S.Tuple)}
    for st in low.body:
        func = st.sd.func if isinstance(st, S.Expr) else None
        first = st.value.args[0] if func is not None and st.value.args else None
        if func in (check_arguments_apart, check_globals_apart) and \
                isinstance(first, S.Name) and first.id in copied and first.id not in written:
            call = S.clone(st.value)
            call.func = S.load(func.__name__)
            call.args = [S.clone(displays[a.id]) if isinstance(a, S.Name) and a.id in
                         displays else a for a in call.args]
            texts.append(emit.to_source([S.Expr(value=call)]).strip())
            needs[func.__name__] = func
    if not written:
        return texts, needs
    # the module-level values read: a name no emitted function binds, found now (as the
    # emitted module finds it: a binding, else the function's own globals) to hold data
    # (an array, a container, an object of the user's); a module's attribute as read
    import types
    bound, chains = set(low.params), {}
    for node in (n for tree in reads for n in S.walk(tree)):
        if isinstance(node, S.Name) and not isinstance(node.ctx, S.Load):
            bound.add(node.id)
        elif isinstance(node, S.FunctionDef):
            bound.add(node.name)
        if isinstance(node, S.Attribute):
            root, parts = S.attribute_chain(node)
            if isinstance(root, S.Name) and isinstance(root.ctx, S.Load):
                chains.setdefault(root.id, set()).add(".".join([root.id] + parts))
        elif isinstance(node, S.Name) and isinstance(node.ctx, S.Load):
            chains.setdefault(node.id, set()).add(node.id)
    home = frontend._STATE.home[-1].resolver if frontend._STATE.home else None
    missing, found = object(), []
    for root in sorted(set(chains) - bound):
        value = (bindings or {}).get(root, missing)
        if value is missing and home is not None:
            value = home.lookup(root, missing)
        if isinstance(value, types.ModuleType):   # m.K: the module's values as read
            spelled = sorted(c for c in chains[root] if c != root)
        else:
            spelled = [root]
        for text in spelled:
            held = value
            for attr in text.split(".")[1:]:
                held = getattr(held, attr, missing)
            if held is missing or held is None or isinstance(held, (
                    types.ModuleType, type, str, bytes, int, float, complex, bool,
                    types.FunctionType, types.BuiltinFunctionType, types.MethodType)):
                continue
            if callable(held) and (not hasattr(held, "__dict__") or type(held).__module__.split(
                    ".")[0] in ("srcdiff", "numpy", "scipy", "functools", "builtins")):
                continue   # a library's callable; an object of the user's with __call__ stays
            found.append(text)
    if not found:
        return texts, needs
    from .errors import where
    at = where(low.source.filename, low.source.node.lineno)
    for name in written:
        texts.append(f"check_globals_apart({name}, {name!r}, "
                     f"({''.join(f'{t}, ' for t in found).rstrip(' ')}), "
                     f"{tuple(found)!r}, {low.name!r}, {at!r})")
    needs["check_globals_apart"] = check_globals_apart
    return texts, needs


def _written_as_given(body, name):
    """Whether the lowered body writes in place into the array the parameter `name` was
    given (`name[i] = v`, `name op= v`) before binding `name` to anything else: a copy made
    only because a list or alias may hold it (`items = [a]; items[1] += b`) writes nothing
    the caller passed. Where `name` is bound anew, only the writes of the statements before
    the first one binding it count (its own copy, own_copy, aside)."""
    def writes(stmt):
        return any(t.sd.kind == Kind.SETITEM and t.targets[0].value.id == name or
                   isinstance(t, S.Assign) and isinstance(t.targets[0], S.Name) and
                   t.targets[0].id == name and t.sd.inplace is not None
                   for t in analyze.flatten([stmt]))

    def binds(stmt):
        return any(analyze.assigned(t) == name and t.sd.inplace is None and
                   t.sd.func is not runtime.own_copy for t in analyze.flatten([stmt]))
    for stmt in body:
        if writes(stmt):
            return True
        if binds(stmt):
            return False
    return False
