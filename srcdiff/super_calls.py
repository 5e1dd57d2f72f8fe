"""`super().method(...)` and `super(Cls, self).method(...)` in methods (stage 3, lower: called
by lower_calls.py). Takes the Lowerer, a call `super(...).method(...)`, the classes known of
the function's arguments and the names it binds; gives back (the object's name, the function
the call means) (`resolve`), followed like any function of the user's, or raises a located
refusal where it cannot.

Zero-argument `super()` reads the `__class__` cell Python gives a method that mentions
super, and the method's first argument; srcdiff emits the method's derivative as a plain
function, where neither exists. Both forms mean the same call: the next definition of
`method` after `Cls` in the method resolution order of the object's class. Where srcdiff
knows that class (the object is an argument of the derivative's call, e.g. a bound
method's `self`), the call is resolved here to that function, which is then followed like
any function of the user's, called with the object as its first argument.
"""
import inspect

from .syntax import Name

from .callables import is_user_function


def resolve(lowerer, node, known, assigned):
    """(the object's name, the function `super(...).method` is) for the call `node`, whose
    func is an attribute of a super(...) call; `known` maps arguments to their classes,
    `assigned` names what the function binds; raises a located refusal where it can not."""
    call, method = node.func.value, node.func.attr
    fdef = lowerer.fdef
    first = (fdef.args.posonlyargs + fdef.args.args)[:1]
    write = "super(Cls, self)"
    if call.keywords or len(call.args) not in (0, 2):
        raise lowerer.error(call, "super() takes no arguments or two here",
                            hint=f"write {write}")
    if not call.args:
        owner = lowerer.resolver.lookup("__class__", None)
        if not first or not isinstance(owner, type):
            raise lowerer.error(call, "super() without arguments outside a method of a class",
                                hint=f"write {write} with the class and the object")
        me = first[0].id
    else:
        kind, obj = call.args
        if not isinstance(obj, Name) or lowerer._global_path(kind) is None:
            raise lowerer.error(call, "srcdiff follows super(Cls, obj) with a class by its "
                                "name and an object by its name", hint=f"write {write}")
        owner, me = lowerer._static_value(kind), obj.id
        if not isinstance(owner, type):
            raise lowerer.error(call, "the first argument of super() is not a class")
    cls = known.get(me)
    if cls is None or me in assigned:
        raise lowerer.error(node, f"srcdiff follows super().{method}() only on an object "
                            "whose class it knows: an argument of the derivative's call (a "
                            "bound method's self) that the function does not rebind",
                            hint=f"call the base class's method by name: "
                                 f"Base.{method}({me}, ...)")
    mro = cls.__mro__
    if owner not in mro:
        raise lowerer.error(call, f"{me} is a {cls.__qualname__}, not a {owner.__qualname__}: "
                            "super() is undefined here")
    fn = None
    for klass in mro[mro.index(owner) + 1:]:
        if method in vars(klass):
            fn = inspect.getattr_static(klass, method)
            break
    if not (inspect.isfunction(fn) and is_user_function(fn)):
        raise lowerer.error(node, f"super().{method} is not a Python function of yours that "
                            "srcdiff can follow (a staticmethod, classmethod, property or "
                            "built-in method)",
                            hint="compute it outside the derivative and pass it in")
    return me, fn

