"""srcdiff.runtime_extend.vjp_of, the call of an autograd-style primitive's vjp maker srcdiff
cannot read (srcdiff/vjp_makers.py reads the usual forms) in emitted reverse code: the
function the maker returns is opaque to srcdiff, so a second derivative through it (hvp,
hessian, grad of grad) is refused at the user's line, saying what to write instead; so is a
derivative of runtime_extend.jvp_by_vjps, the tangent made from vjps (a third derivative, or
forward over forward), which defjvp replaces, and of runtime_extend.vjp_by_jvps, the
adjoint made from jvps, which defvjp replaces.
"""
from srcdiff.rules import not_implemented
from srcdiff.runtime_extend import jvp_by_vjps, vjp_by_jvps, vjp_of

not_implemented(vjp_of, "a second derivative through a primitive's vjp maker (srcdiff.extend."
                "defvjp) whose returned function srcdiff cannot read (a partial, a maker reading "
                "variables of an enclosing function, or another form). For second order, write "
                "the maker as a module-level `def maker(ans, x): ...; return lambda g: ...` (or "
                "`def vjp(g): ...; return vjp`), or give the primitive's derivatives in srcdiff's "
                "template form (@srcdiff.reverse_rule(f) and @srcdiff.forward_rule(f), README: "
                "Custom rules), whose bodies srcdiff differentiates again")
not_implemented(jvp_by_vjps, "a derivative of the tangent srcdiff makes from a primitive's vjps "
                "(srcdiff.extend.defvjp with no defjvp): give the primitive's jvp with "
                "srcdiff.extend.defjvp (autograd's signature), which srcdiff reads as your code")
not_implemented(vjp_by_jvps, "a derivative of the adjoint srcdiff makes from a primitive's jvps "
                "(srcdiff.extend.defjvp with no defvjp): give the primitive's vjp maker with "
                "srcdiff.extend.defvjp (autograd's signature)")
