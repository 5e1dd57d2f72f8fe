"""Rules for the helpers of emitted forward-mode code (srcdiff.forward_runtime), so that a
jvp srcdiff made can itself be differentiated: forward over forward (jvp of jvp, every
derivative of order three and more: srcdiff/compose.py builds them as forward mode over
the emitted code of the order below).

Each helper is linear in its tangent argument (the others only give structure): the
tangent of its result is the helper applied to the incoming tangent.
"""
from srcdiff.compose_runtime import tangent_of
from srcdiff.forward_runtime import (add_tangents, aliased_tangent, check_tangent, copy_tangent,
                                     output_tangent)
from srcdiff.rule_forms import linear
from srcdiff.rules import d, forward
from srcdiff.runtime import zeros_like_value


linear(check_tangent, "tangent")
linear(copy_tangent, "tangent")


@forward(add_tangents)
def add_tangents_tangent(y, a, b):
    # tangent_of: the two terms may be tuples or lists, added item by item (not joined)
    d[y] = tangent_of(d[a])
    d[y] = tangent_of(d[b])


linear(output_tangent, "tangent")


@forward(aliased_tangent)
def aliased_tangent_tangent(y, value, tangent, owner, owned):
    # which of the two tangents it gives depends on value and owner alone: the other one's
    # place holds a zero in each term (tangent_of: the terms may be lists or dicts, added
    # item by item or key by key)
    d[y] = tangent_of(aliased_tangent(value, d[tangent], owner, zeros_like_value(owned)))
    d[y] = tangent_of(aliased_tangent(value, zeros_like_value(tangent), owner, d[owned]))


# -- the helpers of srcdiff/compose.py's generated code (srcdiff.compose_runtime) --------
from srcdiff.compose_runtime import (jacobian_start, total, unit, vdot,  # noqa: E402
                                     with_column, with_item)
from srcdiff.rules import nondifferentiable  # noqa: E402

# a unit tangent and a zero Jacobian depend on shapes only
nondifferentiable(unit, jacobian_start)


@forward(with_item)
def with_item_tangent(y, array, index, value):
    d[y] = with_item(d[array], index, 0.0)
    d[y] = with_item(zeros_like_value(array), index, d[value])


linear(total, "value")
linear(vdot, "cotangent", "value")


@forward(with_column)
def with_column_tangent(y, jacobian, index, column, like):
    d[y] = with_column(d[jacobian], index, 0.0, like)
    d[y] = with_column(zeros_like_value(jacobian), index, d[column], like)


# -- second-order terms of `a * b` on operands that may be sequences (runtime_rules.py):
# bilinear in the two derivatives they multiply (a and b only say which operation it is)
from srcdiff.runtime import sequence_mul_grad_moved, sequence_mul_tangent_moved  # noqa: E402


linear(sequence_mul_tangent_moved, "tangent", "moved_tangent")
linear(sequence_mul_grad_moved, "grad", "tangent")


# -- value_and_grad's copy of the value it returns (srcdiff/transform.py _keep_values) ---
from srcdiff.runtime import snapshot  # noqa: E402


linear(snapshot, "value")


# -- the tangent of a call of a derivative srcdiff made (srcdiff/compose.py's rules) ----
from srcdiff.compose_runtime import tangent_part  # noqa: E402


linear(tangent_part, "pair")
linear(tangent_of, "value")
