"""The namespace of srcdiff's runtime helpers (leaf: called by templates/, the compiler's
stages and the tests, which refer to `srcdiff.runtime.<helper>`; its helpers run at run
time, called by emitted code). Takes nothing; gives back the helpers of the runtime_*.py
modules, re-exported, and `MODULES`.

The namespace of srcdiff's runtime helpers: templates, the compiler and tests refer to
`srcdiff.runtime.<helper>` (and bind helpers by object, so where one lives does not change
emitted code). It only re-exports; the helpers live by job in

* runtime_adjoint.py: the adjoint engine (seeds, zeros, accumulation, unbroadcast, tape
  values, finalize);
* runtime_checks.py: run-time checks and located refusals (refuse, check_*);
* runtime_numpy.py: helpers of NumPy's elementwise functions and reductions;
* runtime_matrices.py: products, norms, determinants, solve;
* runtime_indexing.py: shapes, indexing, numpy.r_ and friends, grids, random draws;
* runtime_containers.py: lists, tuples and dicts (sequence_add, dict_values, ...);
* forward_runtime.py: tangent helpers (broadcast_like, check_tangent, ...).

Other runtime_*.py modules hold the helpers of one library area (runtime_linalg,
runtime_fft, runtime_products, runtime_stats, runtime_scipy, ...). All are leaves: numpy
and each other, never a compiler stage. A helper imports what it calls of the others at the
top of its module, never in its body: the codegen command copies a helper's source with
the helpers its module's names lead to, into a module that can not import srcdiff
(tests/test_runtime_standalone.py). `MODULES` names the modules whose helpers were
srcdiff.runtime's: passes that ask whether a function is one of these helpers compare its
`__module__` with it.
"""
from .errors import RuntimeRefusal  # noqa: F401
from .forward_runtime import broadcast_like  # noqa: F401
from .lazy_runtime import broadcast_back  # noqa: F401
from .runtime_adjoint import (  # noqa: F401
    unbroadcast, no_derivative, zeros_like_value, ones_like_value, add_adjoints,
    scatter_add, add_item, add_at, take_and_zero, zero_restored_slot, copy_array, snapshot,
    ShapeOf, shape_of, own_copy, saved_item, zero_cotangent_product, zero_cotangent_tangent,
    MissingItem, drop_missing, pop_adjoint, unpop_adjoint, sum_to_gradient, finalize)
from .runtime_checks import (  # noqa: F401
    refuse, check_in_place, check_item_update, check_argument_update, check_not_shared,
    check_no_view, check_views, check_float_store, check_item_copies, check_cotangent, check_aux_pair,
    check_differentiable, check_array, check_updated_array, same_sequence,
    directive_refusal, check_directive, linspace_step_refusal, check_no_step, check_spread,
    check_operands, check_implemented, check_no_object, check_item_arrays, check_unpacked,
    UnpackLengthError)
from .runtime_numpy import (  # noqa: F401
    power_exponent, log_base, reshape_like, method_copy, method_flatten, method_astype, method_compress,
    expand_reduced, reduce_grad, reduced_count, centered, center_like, prod_others,
    extremum_grad, extremum_weights, cumsum_grad, tie_split, clip_mask, cast_grad,
    imag_grad, pick_grad, pick_tangent, log_of_base, abs_slope, abs_slope_tangent,
    safe_divide)
from .runtime_matrices import (  # noqa: F401
    check_norm_order, matmul_grad_left, matmul_grad_right, dot_grad_left, dot_grad_right,
    norm_axes, norm_weights, det_cofactor, det_grad, solve_grad_b, solve_grad_a,
    solve_tangent_a, inner_grad)
from .runtime_indexing import (  # noqa: F401
    inverse_axes, split_grad, range_item, index_grid, index_concat, index_concat_grad,
    index_concat_tangent, unstack_grad, array_grad, diagonal_grad, take_grad, take_indices,
    take_along_axis_grad, scattered_add, scattered_add_grad,
    repeat_grad, arange_slopes, linspace_fraction, linspace_tangent, normal_draw,
    uniform_fraction)
from .runtime_containers import (  # noqa: F401
    builtin_sum_grad, concatenates, repeated_side, sequence_add, sequence_mul,
    grows_by_items, sequence_iadd, sequence_extend, sequence_add_grad, sequence_add_tangent,
    sequence_mul_grad, sequence_mul_tangent, sequence_mul_grad_moved,
    sequence_mul_tangent_moved, sequence_extend_grad, sequence_extend_tangent,
    iteration_order, iteration_order_grad, iteration_order_tangent, dict_values, dict_items,
    dict_keys, dict_values_grad, dict_items_grad, dict_values_tangent, dict_items_tangent,
    sequence_of, sequence_of_grad, sequence_of_tangent, dict_from_lists,
    dict_from_lists_grad, dict_from_lists_tangent, sequence_sum, sequence_sum_grad,
    sequence_sum_tangent)

MODULES = frozenset({"srcdiff.runtime", "srcdiff.runtime_adjoint", "srcdiff.runtime_checks",
                     "srcdiff.runtime_numpy", "srcdiff.runtime_matrices",
                     "srcdiff.runtime_indexing", "srcdiff.runtime_containers"})
