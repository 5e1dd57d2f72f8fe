"""Hunt 23: programs combining session 22's features (shallow copies and shared items, dict
idioms, type(self)(...), a class's __iter__, functions in fields of list items, partial of
a method, np.vectorize of a nested def, factories, the runtime guard before operators on
objects, writes into arrays a library call returned in a tuple, loops over a display, out=
into a view, where=/initial=, the new rules, loops over a dict of records) with each other
and with older ones (tests/hunt23_programs.py), each checked against central differences by
gradcheck.check, to second order for a sample; and the wrong derivatives the hunt found."""
import numpy as np
import pytest

import srcdiff
from gradcheck import check, refusal
from hunt_cases import check_case, check_refused

import hunt23_programs as P

CASES = [c for c in P.CASES if c[0] not in P.REFUSED]
REFUSED = [c for c in P.CASES if c[0] in P.REFUSED]


@pytest.mark.parametrize("name,f,args,options", CASES, ids=[c[0] for c in CASES])
def test_program_derivatives_agree_with_finite_differences(name, f, args, options):
    check_case(name, f, args, options, P.SECOND_ORDER)


@pytest.mark.parametrize("name,f,args,options", REFUSED, ids=[c[0] for c in REFUSED])
def test_programs_refused_today_are_refused_at_their_line(name, f, args, options):
    check_refused(name, f, args, options)


# enumerate(params), zip(params, ...), list(params) of an object of the user's class were
# lowered as indexing params (params[i]), not as the loop over what its __iter__ gives:
# a wrong gradient where __iter__ orders its items otherwise (Backwards: last first), a
# crash in the adjoint elsewhere. Now the argument is what __iter__ gives (object_loops).
@pytest.mark.parametrize("f", [P.enumerate_object_param, P.zip_object_param,
                               P.comprehension_enumerate_object])
def test_enumerate_or_zip_of_an_object_loops_over_what_its_iter_gives(f):
    check(f, P.Backwards([P.X3 * 1.0, np.cos(P.X3)]), P.X3.copy(), wrt=(0, 1), order=1)


# A loop over an object whose class srcdiff could not tell before the code runs (an item of
# a list of objects) indexed it: a wrong value and tangent with no error (jvp), a crash in
# the adjoint. Now refused where it runs (runtime_containers.iteration_order).
def nested_backwards(x):
    outer = P.Items([P.Backwards([x, x * 2.0]), P.Backwards([np.sin(x), x])])
    s = 0.0
    for inner in outer:
        k = 1.0
        for p in inner:
            s = s + np.sum(p * x) * k
            k = k + 1.0
    return s


@pytest.mark.parametrize("mode", ["grad", "jvp"])
def test_a_loop_over_an_object_of_a_class_not_told_is_refused_not_wrong(mode):
    err = refusal(nested_backwards, (P.X3,), mode)
    assert "could not tell before the code runs" in str(err) and "Backwards" in str(err)


# v.sum() on an object whose class srcdiff could not tell before the code runs (popped from
# a list, an item written) was lowered as an array's sum: with the class's sum taking
# **kw, a wrong tangent with no error (jvp: 1.78 where 4.38); a crash in reverse mode. Now
# the receiver is checked where the code runs (operator_lowering.guard_method) where its
# class is not told; a list of one class's objects edited by pop or a write keeps its class
# (edited_lists), and those differentiate.
@pytest.mark.parametrize("f", [P.pairwise_popped_sum, P.pairwise_item_written_sum])
def test_a_method_of_an_object_popped_or_written_differentiates(f):
    check(f, P.X3.copy(), order=2)


@pytest.mark.parametrize("mode", ["grad", "jvp"])
def test_a_method_of_an_object_of_a_class_not_told_is_refused_not_wrong(mode):
    err = refusal(P.pairwise_or_array_popped_sum, (P.X3, 0), mode)
    assert "could not tell before the code runs" in str(err) and "Pairwise" in str(err)
    check(P.pairwise_or_array_popped_sum, P.X3.copy(), order=1)   # n=1: the array, fine


# An array a dict holds updated in place (e["b"] += x) after another container took it:
# d.update(e), d |= e, `for k, v in e.items(): d[k] = v`, vals = list(e.values()). The
# other container was not followed as a holder of e's items: the gradient missed the
# update seen through d["b"] (0.095 where 0.196), with no error; so with r = [*c],
# list(zip(c, w)), list(enumerate(c)) taking a list's items. Now the update is
# checked where it runs (repeated_items.holders follows them) and refused for arrays.
@pytest.mark.parametrize("f", [P.update_then_source_updated, P.ior_then_source_updated,
                               P.items_loop_copy_then_source_updated,
                               P.values_list_then_source_updated, P.star_copy_then_updated,
                               P.zipped_then_updated, P.enumerated_then_updated])
@pytest.mark.parametrize("mode", ["grad", "jvp"])
def test_an_item_another_container_took_updated_in_place_is_refused_not_wrong(f, mode):
    err = refusal(f, (P.X3,), mode)
    assert "another name here may hold that item" in str(err)


# The codegen command's modules of several of the hunt's programs, imported: their gradients
# agree with central differences, and a refusal made where the code runs (an item another
# container took, updated in place) is raised by the module's own copy of the check. (Two
# modules: one importing names from hunt23_programs, one the module itself.)
CODEGEN = [["fromkeys_accumulate", "setdefault_groups_products", "accumulate_lambda",
            "sum_where_mask", "update_then_source_numbers_updated"],
           ["enumerate_object_made_here", "partial_of_method", "svd_clip_in_loop",
            "update_then_source_updated"]]


@pytest.mark.parametrize("names", CODEGEN, ids=["names", "module"])
def test_the_codegen_module_of_hunt_programs(names, tmp_path):
    import importlib.util
    import os
    from cli_runs import run_cli
    from gradcheck import numerical_grad
    here = os.path.dirname(os.path.abspath(__file__))
    out = tmp_path / "hunt23_grads.py"
    r = run_cli(*[f"hunt23_programs.py:{n}" for n in names], "-o", str(out), cwd=here)
    assert r.returncode == 0, r.stderr
    spec = importlib.util.spec_from_file_location("hunt23_grads", out)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    cases = {c[0]: c for c in P.CASES}
    for name in names:
        f, args = cases[name][1], cases[name][2]
        if name == "update_then_source_updated":
            with pytest.raises(ValueError, match="another name here may hold that item"):
                module.grad_update_then_source_updated(P.X3.copy())
            continue
        got = getattr(module, "grad_" + name)(*[np.copy(a) for a in args])
        np.testing.assert_allclose(got, numerical_grad(f, args, 0), rtol=1e-5, atol=1e-6,
                                   err_msg=name)


# Items taken out of a container by an expression reading `name[k]` inside a display
# (t = (c[0], c[1])), by e.get(k) or e.setdefault(k, v), or a list repeated (r = c * 1),
# then the container's item updated in place: ItemSharing._scan_puts followed `w = name[k]`
# and loops over name only, so no check was emitted and the gradient missed the update seen
# through the other name (0.10 where 0.20), with no error. Now item_escapes reads every
# read of the container, and the update is checked where the code runs.
@pytest.mark.parametrize("f", [P.items_in_a_tuple_then_updated, P.got_then_updated,
                               P.setdefault_then_updated, P.repeated_list_then_updated])
def test_an_item_taken_another_way_updated_in_place_is_refused_not_wrong(f):
    with pytest.raises(srcdiff.SrcdiffError):
        check(f, P.X3.copy(), order=1)
