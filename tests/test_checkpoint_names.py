"""srcdiff/checkpoint_names.py: the names a checkpointed loop's segment functions take, keep
and give back. A segment function's parameters are the names its block reads before binding
them; a function the block defines reads its free variables (not its parameters, nor its own
locals) as if where it is defined. The derivatives these names make are checked in
tests/test_checkpoint_adjoint.py and tests/test_checkpoint_closures.py."""
from srcdiff import checkpoint_names as N
from srcdiff import syntax as S
from srcdiff.names import TAPE


def block(text):
    return S.quote(text)


def test_a_segment_reads_what_its_body_reads_before_binding_it():
    body = block("for i in segment:\n    s = s * x[i]\n    t = s + 1.0\nreturn s, t")
    assert N.exposed(body, {"segment"}) == {"s", "x"}


def test_a_function_the_block_defines_reads_its_free_variables_not_its_own_names():
    body = block("for i in segment:\n"
                 "    def step(t):\n"
                 "        u = t * s\n"
                 "        return np.tanh(u) + w\n"
                 "    g = lambda a, b=c: a + z\n"
                 "    s = step(x[i]) + g(1.0)\n"
                 "return s,")
    # t, u (step's own), a, b (g's parameters) are not read; step and g are bound first
    assert N.exposed(body, {"segment"}) == {"s", "np", "w", "c", "z", "x"}


def test_a_function_defined_reads_a_name_the_block_binds_after_it_too():
    # g may be called after w is bound, or before: w counts as read where g is defined
    body = block("for i in segment:\n    g = lambda t: t * w\n    w = 2.0\n    s = g(s)")
    assert N.exposed(body, {"segment"}) == {"w", "s"}


def test_stored_names_a_def_but_not_what_it_binds():
    st = block("def step(t):\n    u = t * 2\n    return u")[0]
    assert N.stored(st) == {"step"}
    assert N.stored(block("f = lambda q: q")[0]) == {"f"}


def test_free_reads_leave_out_comprehension_targets():
    expr = block("v = [k * w for k in ks if k > m]")[0]
    assert N.free_reads(expr) == {"w", "ks", "m"}


def test_an_adjoint_only_restoring_values_is_told_from_one_changing_an_adjoint():
    # (srcdiff's placeholders for the tape and a comment, as the adjoint holds them)
    pops = block(f"a1 = {TAPE}.pop()\nif c:\n    b, k = {TAPE}.pop()\n{S.COMMENT}('line 3')\n"
                 f"for j in r:\n    x[j] = {TAPE}.pop()\n    items_1.pop()")
    assert N.only_restores(pops)
    for more in ("d_x = d_x + d_a", "d_x[i] += d_a", "add_at(d_x, i, d_a)",
                 "x[0] = d_a"):
        assert not N.only_restores(pops + block(more)), more
