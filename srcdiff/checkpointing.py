"""Checkpointing: long loops differentiated in bounded memory, kept as readable loops (stage 3,
lower: called by desugar.py and lower_calls.py, which lower the marked loops and calls; by
api.py and cli.py for `checkpoint=`; by reverse_tape.py, reverse_calls.py and
checkpoint_adjoint.py, which read the marks; the markers by the user through
srcdiff/__init__.py). Takes `srcdiff.checkpointed(...)` loops, `srcdiff.checkpoint(g)` calls
and `checkpoint=` policies; gives back the markers, the policies checked (`check_policy`,
`parse_option`, `describe_policy`) and the lowered loops and calls marked for
checkpoint_adjoint.py.

Three ways to ask for it:

* per loop, in the source: `for t in srcdiff.checkpointed(range(T), snapshots=k):`, or
  `while srcdiff.checkpointed(cond, snapshots=k):`. Outside srcdiff, `checkpointed(it,
  ...)` is `it`: the function runs as it is.
* per function: `srcdiff.grad(f, checkpoint="sqrt")` (value_and_grad, vjp, hvp, hessian and the codegen
  command's --checkpoint too) applies the policy to every outermost loop of f;
* per call: `srcdiff.checkpoint(g)(x)`: g's primal runs plainly; its adjoint runs g again,
  taped, when the backward pass reaches the call (as jax.checkpoint).

A policy is "sqrt" (a snapshot every ~sqrt(T) steps: sqrt(T) snapshots and a tape of
sqrt(T) steps held, each step run forward once more, taped), an int k (at most k snapshots, Griewank's binomial schedule:
srcdiff/revolve.py) or a memory budget for the snapshots ("64MB").

This module holds the markers, the policies (and `describe_policy`, the emitted comment
that says what one does) and their lowering; the emitted adjoint of a
checkpointed loop or call is built by checkpoint_adjoint.py.
"""
import functools
import types

from . import syntax as S

POLICY_DOC = ("'sqrt', a number of snapshots (an int >= 1) or a memory budget for the "
              "snapshots such as '64MB'")


def checkpointed(iterable, snapshots="sqrt"):
    """`for t in srcdiff.checkpointed(range(T), snapshots=k):` marks a loop whose adjoint
    keeps only k snapshots of the loop's state and recomputes the rest (snapshots:
    'sqrt', an int, or a memory budget like '64MB'). Outside srcdiff it returns
    `iterable` unchanged, so the function runs as written."""
    from .runtime_checkpoint import policy_error
    reason = policy_error(snapshots)
    if reason is not None:
        from .errors import ArgumentError
        raise ArgumentError(reason, hint="snapshots=" + POLICY_DOC)
    return iterable


_clones = {}


def checkpoint(fn):
    """`srcdiff.checkpoint(g)`: g, whose calls in differentiated code are recomputed in
    the backward pass instead of taped (only g's arguments are kept). Called outside
    srcdiff it is g. Bind it (`step = srcdiff.checkpoint(g)`, at module level or in the
    function), use it as a decorator, or call it in place: `srcdiff.checkpoint(g)(x)`."""
    if getattr(fn, "__srcdiff_checkpoint__", False):
        return fn
    if not isinstance(fn, types.FunctionType):
        from .errors import ArgumentError
        raise ArgumentError(f"srcdiff.checkpoint takes a Python function, not {fn!r}",
                            hint="wrap the function defined with def")
    hit = _clones.get(fn)
    if hit is not None:
        return hit
    clone = types.FunctionType(fn.__code__, fn.__globals__, fn.__name__, fn.__defaults__,
                               fn.__closure__)
    functools.update_wrapper(clone, fn)
    del clone.__wrapped__  # srcdiff reads the clone's own code (the same as fn's)
    clone.__kwdefaults__ = fn.__kwdefaults__
    clone.__srcdiff_checkpoint__ = True
    _clones[fn] = clone
    return clone


def is_checkpointed_function(fn):
    return bool(getattr(fn, "__srcdiff_checkpoint__", False))


def check_policy(policy, error):
    """Refuse a policy given as a constant (error(message, hint) makes the exception)."""
    from .runtime_checkpoint import policy_error
    reason = policy_error(policy)
    if reason is not None:
        raise error(reason, "snapshots=" + POLICY_DOC)


# -- lowering: `for t in checkpointed(it, snapshots=k)` --------------------------------
def unwrap(lowerer, node, iter_node, out, loop):
    """The iterable inside `checkpointed(...)` (or iter_node itself); marks `loop` with
    the policy as an atom (a name or a constant) computed before the loop."""
    if not (isinstance(iter_node, S.Call) and
            lowerer._callee_object(iter_node.func) is checkpointed):
        return iter_node
    call = iter_node
    args = list(call.args)
    policy = None
    for k in call.keywords:
        if k.arg != "snapshots" or policy is not None:
            raise lowerer.error(call, "srcdiff.checkpointed takes the iterable and "
                                "snapshots=", hint="write checkpointed(range(n), snapshots=k)")
        policy = k.value
    if len(args) == 2 and policy is None:
        policy = args.pop()
    if len(args) != 1:
        raise lowerer.error(call, "srcdiff.checkpointed takes one iterable",
                            hint="write checkpointed(range(n), snapshots=k)")
    if policy is None:
        policy = S.const("sqrt")
    if isinstance(policy, S.Constant):
        check_policy(policy.value, lambda m, h: lowerer.error(call, m, hint=h))
        atom = S.const(policy.value)
    else:
        atom = lowerer.expr(policy, out)
    loop.checkpoint = atom
    return args[0]


def with_policy(derivative, policy):
    """grad(f, checkpoint=policy): the derivative, its outermost loops checkpointed."""
    if policy is None:
        return derivative
    from .errors import ArgumentError
    check_policy(policy, lambda m, h: ArgumentError(m, hint="checkpoint=" + POLICY_DOC))
    if not hasattr(derivative, "_checkpoint"):
        if callable(derivative) and not hasattr(derivative, "_kind"):
            # @grad(checkpoint=...) as a decorator: applied to the function it gets
            return lambda fn: with_policy(derivative(fn), policy)
        raise ArgumentError("checkpoint= applies to the gradient of a function, not of a "
                            "derivative srcdiff made", hint="give checkpoint= to the inner grad")
    derivative._checkpoint = policy
    return derivative


def parse_option(text):
    """The codegen command's --checkpoint: 'sqrt', an int, or a budget like '64MB'."""
    if text is None:
        return None
    text = text.strip()
    return int(text) if text.isdigit() else text


# -- per call: srcdiff.checkpoint(g)(x) ------------------------------------------------------
def inline_call(lowerer, func):
    """`srcdiff.checkpoint(g)(x)` in the source: the callee as a name for checkpoint(g)
    (None when `func` is some other call)."""
    if not (isinstance(func, S.Call) and lowerer._callee_object(func.func) is checkpoint):
        return None
    if len(func.args) != 1 or func.keywords or not isinstance(func.args[0], (S.Name,
                                                                              S.Attribute)):
        raise lowerer.error(func, "srcdiff.checkpoint takes one function, named",
                            hint="write srcdiff.checkpoint(g)(x)")
    target = lowerer._callee_object(func.args[0])
    if not isinstance(target, types.FunctionType):
        raise lowerer.error(func, "srcdiff.checkpoint takes a function defined at module "
                            "level (or one the function closes over)",
                            hint="define g with def outside the function")
    clone = checkpoint(target)
    name = "checkpointed_" + target.__name__
    import types as _types
    while name in lowerer.locals or lowerer.resolver.lookup(name, None) not in (None, clone):
        name += "_"
    lowerer.resolver.cells[name] = _types.CellType(clone)
    return S.load(name)


def held(lowerer, value):
    """The checkpointed function a local bound once to `srcdiff.checkpoint(g)` holds (g's
    clone, as inline_call names it), or None where `value` is some other call."""
    ref = inline_call(lowerer, value)
    return None if ref is None else checkpoint(lowerer._callee_object(value.args[0]))


def bound_value(lowerer, call, out):
    """The value `srcdiff.checkpoint(g)` is bound to where it is not called in place: g
    itself (checkpoint(g) is g for Python; calls through the name are checkpointed, see
    held), so the emitted code never calls srcdiff."""
    inline_call(lowerer, call)   # refused, located, unless g is a function named here
    return lowerer.expr(call.args[0], out)


def describe_policy(node, counted):
    """The comment on a checkpointed loop (its policy atom; `counted`: online, the trip
    count known at its end): how many snapshots, how much recomputation."""
    if counted:
        return _describe_online(node)
    if isinstance(node, S.Constant) and node.value == "sqrt":
        return ("'sqrt': ceil(sqrt(T)) snapshots, one at the start of each segment of "
                "ceil(sqrt(T)) steps; each step runs forward once more, taped, in the "
                "backward pass")
    if isinstance(node, S.Constant) and isinstance(node.value, int):
        k = node.value
        return (f"at most {k} snapshots, binomial schedule: each step runs forward at most "
                f"r + 1 times in all (the last one taped), r the least with C({k - 1} + r, r) "
                ">= the number of units (steps, or groups of T / 1000 steps for a long "
                "loop)")
    what = repr(node.value) if isinstance(node, S.Constant) else f"snapshots={node.id}"
    return f"{what}: snapshots within the policy, binomial schedule"


def _describe_online(node):
    """The comment on an online checkpointed loop (its trip count T known at its end)."""
    head = "online, the trip count T known only at the loop's end: "
    if isinstance(node, S.Constant) and node.value == "sqrt":
        return (head + "'sqrt': the loop keeps at most sqrt(2 T) + 2 snapshots, S steps "
                "apart (S doubles as it runs, S <= sqrt(2 T)); the backward pass runs each "
                "segment of S steps forward once more, taped")
    if isinstance(node, S.Constant) and isinstance(node.value, int):
        k = node.value
        return (head + f"at most {k} snapshots: the loop keeps at most {max(1, k // 2)}, S "
                f"steps apart (S doubles as it runs, S < 2 T / {max(1, k // 2)}); segment j is "
                f"reversed with the binomial schedule of {k} - j snapshots: each of its steps "
                f"runs forward at most r + 1 more times (the last one taped), r the least "
                f"with C({k} - 1 - j + r, r) >= its units (steps, or groups of S / 1000 steps)")
    what = repr(node.value) if isinstance(node, S.Constant) else f"snapshots={node.id}"
    return head + f"{what}: snapshots within the policy, kept and thinned as the loop runs"

