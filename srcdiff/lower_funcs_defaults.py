"""Defaults of a nested function or lambda that are not literals (stage 3, lower: called by
lower.Lowerer and values.lambda_value where a nested def or lambda is written). Takes the
lowering's state and the gast FunctionDef or Lambda; gives back the node with each such
default replaced by a fresh local bound to the default's value just before it, those
bindings lowered into `out`.

Python evaluates a default once, when the def or lambda runs: `g = lambda t, c=c: t * c`
keeps the value c had then, whatever c is bound to later. The fresh local (`g_default_c`)
holds exactly that value, bound once where the lambda is written, so a call of g that
leaves c out passes it (lower_calls.default_argument reads the callables.LocalDefault the
lifted function's signature holds) and the derivative flows through c into whatever the
default was computed from (`c = s * 2.0`). The fresh local is one of the lifted function's
free variables, so a nested function calling g (lifted with a copy of g) receives it too.
"""
from . import syntax as S
from .callables import LocalDefault


def hoisted(lw, name, node, out):
    """`node` (a nested def or lambda bound to `name`) with its non-literal defaults
    (keyword-only ones too) read from fresh locals bound in `out` just before it; `node`
    itself where all are literals."""
    args = node.args
    if all(isinstance(d, (S.Constant, type(None))) for d in args.defaults + args.kw_defaults):
        return node
    node = S.clone(node)
    positional = node.args.posonlyargs + node.args.args
    params = positional[len(positional) - len(node.args.defaults):] + node.args.kwonlyargs
    defaults = []
    for param, default in zip(params, node.args.defaults + node.args.kw_defaults):
        if default is None or isinstance(default, S.Constant):
            defaults.append(default)
            continue
        fresh = lw.namer.fresh(f"{name}_default_{param.id}")
        lw.locals.add(fresh)
        lw.hoisted_defaults = getattr(lw, "hoisted_defaults", set()) | {fresh}
        lw.assign_to(fresh, default, out)
        if isinstance(default, (S.Name, S.Attribute)) and default_is_global(lw, default):
            # a module-level function (`act=np.tanh`): a call leaving it out is made for it
            lw.hoisted_objects = {**getattr(lw, "hoisted_objects", {}),
                                  fresh: lw._callee_object(default)}
        defaults.append(S.place_unplaced(S.load(fresh), default))
    count = len(node.args.defaults)
    node.args.defaults, node.args.kw_defaults = defaults[:count], defaults[count:]
    return node


def default_is_global(lw, node):
    """Whether the default `node` (a name or dotted name) reads a module-level object."""
    root = node
    while isinstance(root, S.Attribute):
        root = root.value
    return isinstance(root, S.Name) and root.id not in lw.locals and \
        lw._global_path(node) is not None


def passed(lw, default):
    """What a call leaving out a parameter whose default is `default` passes: for a
    callables.LocalDefault, the module-level object its local was bound to where hoisted
    knew it (a call is then made for that object, as for a module-level def's default),
    else a load of the local; `default` itself otherwise."""
    if not isinstance(default, LocalDefault):
        return default
    held = getattr(lw, "hoisted_objects", {})
    return held[default.name] if default.name in held else S.load(default.name)
