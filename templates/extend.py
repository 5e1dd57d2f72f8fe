"""srcdiff.runtime_extend.vjp_of, the call of an autograd-style primitive's vjp maker in
emitted reverse code (srcdiff/extend.py): the function the maker returns is opaque to
srcdiff, so a second derivative through it (hvp, hessian, grad of grad) is refused at the
user's line, saying what to write instead.
"""
from srcdiff.rules import not_implemented
from srcdiff.runtime_extend import vjp_of

not_implemented(vjp_of, "a second derivative through a primitive's vjp maker (srcdiff.extend."
                "defvjp): srcdiff cannot see into the function the maker returns. For second "
                "order, give the primitive's derivatives in srcdiff's template form instead "
                "(@srcdiff.reverse_rule(f) and @srcdiff.forward_rule(f), README: Custom rules), "
                "whose bodies srcdiff differentiates again")
