"""Which of srcdiff's own helpers may be called for their effect in code that is
differentiated (leaf: called by analyze.effects_on_varied, forward_writes.py and
refusals.py; imports nothing). Takes a helper function; gives back whether a call of it
made for its effect is followed (`followed`), and how (`reads_only`, `forward_treated`).

Emitted code differentiated again (hvp, hessian, grad of grad, jvp of a derivative, a
codegen'd module) calls srcdiff's runtime helpers, some as statements whose result is
dropped. Such a call is followed only where it is known to be safe:

* `READS_ONLY`: checks and refusals, which read their arguments and raise or do nothing;
* `FORWARD_TREATED`: helpers that change a container in a way forward mode repeats on its
  tangent (forward_writes.py) and reverse mode needs nothing for: `drop_missing(d, k)`
  deletes a key whose value nothing reads afterwards (its adjoint is zero), and so does
  `drop_missing_tangent(tan_d, d, k)`, its forward mode, met by a third derivative.

Any other own helper called for its effect on a value being differentiated is refused
(refusals.effect_error), as a library function's call for its effect is, unless it has a
derivative rule (runtime_idioms.call_reading: a callback's read): it may write into an
argument, and a write no derivative follows is a silently wrong derivative.
"""

# module -> the helpers (checks and refusals) that only read their arguments: each raises or
# returns, and changes nothing it is given (tests/test_helper_effects.py reads their sources)
READS_ONLY = {
    "srcdiff.runtime_checks": frozenset({
        "refuse", "check_in_place", "check_item_update", "check_argument_update",
        "check_not_shared", "check_no_view", "check_views", "check_item_arrays",
        "check_updated_array",
        "check_array", "check_float_store", "check_item_copies", "check_cotangent",
        "check_aux_pair", "check_differentiable", "check_directive", "check_no_step",
        "check_spread", "check_operands", "check_implemented", "check_no_object",
        "check_unpacked"}),
    "srcdiff.runtime_alias": frozenset({
        "check_fresh_argument", "check_update_unshared", "check_written_unshared",
        "check_item_held_once", "check_array_copy_written", "check_is_item",
        "check_dict_iteration", "check_deletable", "check_written_back", "check_view_of",
        "check_arguments_apart", "check_globals_apart"}),
    "srcdiff.forward_runtime": frozenset({"check_tangent"}),
    "srcdiff.runtime_item_checks": frozenset({"check_item_alone"}),
    "srcdiff.runtime_arrays": frozenset({"check_gradient_spacing", "check_pad_mode"}),
    "srcdiff.runtime_extend": frozenset({"check_space_value"}),
    "srcdiff.runtime_fields": frozenset({"check_field_function", "check_field_number"}),
    "srcdiff.runtime_idioms": frozenset({"check_array_method", "check_dict",
                                         "check_dict_argument"}),
    "srcdiff.runtime_integrate": frozenset({"check_odeint_call"}),
    "srcdiff.runtime_linalg": frozenset({"check_einsum", "check_lstsq", "check_pinv",
                                         "check_qr", "check_real_matrix", "check_svd"}),
    "srcdiff.runtime_linalg_more": frozenset({"check_lu", "check_polar"}),
    "srcdiff.runtime_matrices": frozenset({"check_norm_order"}),
    "srcdiff.runtime_numba_helpers": frozenset({
        "check_array", "check_cotangent", "check_float_store", "check_item_update",
        "check_not_shared", "check_update", "check_no_object"}),
    "srcdiff.runtime_polynomials": frozenset({"check_polydiv", "check_polymul"}),
    "srcdiff.runtime_scipy": frozenset({"check_dirichlet_points", "check_mvn_points",
                                        "check_real"}),
    "srcdiff.runtime_scipy_linalg": frozenset({
        "check_eigh", "check_hessenberg", "check_inv_structure", "check_lstsq_driver",
        "check_lu_square", "check_pinv_rank", "check_qr_mode", "check_schur",
        "check_structure", "check_svd_shape", "check_tridiagonal_select"}),
    "srcdiff.runtime_sequences": frozenset({"check_concat"}),
    "srcdiff.runtime_updates": frozenset({"check_update"}),
    "srcdiff.runtime_values": frozenset({"check_class", "check_item", "check_key",
                                         "check_record", "check_items"}),
    "srcdiff.runtime_list_edits": frozenset({"check_list_edit"}),
}

# name -> the position of the key argument; each deletes that key from its first argument
FORWARD_TREATED = {
    "srcdiff.runtime_adjoint": {"drop_missing": 1},
    "srcdiff.forward_runtime": {"drop_missing_tangent": 2},   # a tangent's, once more
}

_OWN_MODULES = ("srcdiff.runtime", "srcdiff.forward_runtime", "srcdiff.lazy_runtime",
                "srcdiff.compose_runtime")


def is_own_helper(func):
    """Whether `func` is one of srcdiff's runtime helpers (as lower_calls binds them)."""
    module = getattr(func, "__module__", None) or ""
    return module in _OWN_MODULES or module.startswith("srcdiff.runtime_")


def _listed(table, func):
    names = table.get(getattr(func, "__module__", None))
    return names is not None and getattr(func, "__name__", None) in names


def reads_only(func):
    """Whether `func` is an own helper listed as only reading its arguments."""
    return _listed(READS_ONLY, func)


def forward_treated(func):
    """Whether `func` is an own helper whose effect forward mode repeats on tangents."""
    return _listed(FORWARD_TREATED, func)


def deleted_key(func):
    """The position of the argument naming the key a FORWARD_TREATED helper deletes from
    its first argument."""
    return FORWARD_TREATED[func.__module__][func.__name__]


def followed(func):
    """Whether a call of the own helper `func` made for its effect may be differentiated."""
    return reads_only(func) or forward_treated(func)
