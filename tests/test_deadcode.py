"""srcdiff/deadcode.py and the scalar seed: a gradient seeded with 1.0 does not compute
the output only the caller of value_and_grad reads, nor the running sums that make it;
everything the adjoint reads stays. Checked against finite differences (both modes,
second order) and by reading the emitted source."""
import re

import numpy as np

import srcdiff
from gradcheck import check


def rnn_like(w, xs):
    h = np.zeros(3)
    loss = 0.0
    for t in range(xs.shape[0]):
        h = np.tanh(xs[t] * w + h)
        loss = loss + np.sum(h * h)
    return loss


def branchy(a):
    b = a * 2.0
    if np.sum(b) > 0:
        c = b * b
    else:
        c = 100.0 * b
    return np.sum(c)


def _source(f, *args):
    g = srcdiff.grad(f)
    g(*args)
    return g.source


def test_running_loss_not_computed():
    rng = np.random.default_rng(0)
    w, xs = rng.standard_normal(3), rng.standard_normal((4, 3))
    check(rnn_like, w, xs)
    src = _source(rnn_like, w, xs)
    assert "ones_like_value" not in src and " = 1.0" in src
    primal = src.split("for t in reversed")[0]
    assert "numpy.sum(" not in primal and not re.search(r"^ +loss = ", primal, re.M), src
    value, grad = srcdiff.value_and_grad(rnn_like)(w, xs)
    assert value == rnn_like(w, xs)
    np.testing.assert_array_equal(grad, srcdiff.grad(rnn_like)(w, xs))


def test_branches_keep_what_the_adjoint_reads():
    for a in (np.array([0.5, -0.2]), np.array([-0.5, -0.2])):
        check(branchy, a)
    src = _source(branchy, np.array([0.5, -0.2]))
    assert "100.0 * b" not in src.split("= 1.0")[0]  # c's value is not needed
    assert "b * b" not in src.split("= 1.0")[0]


def test_float32_and_complex_keep_their_convention():
    x32 = np.array([0.3, 0.5], dtype=np.float32)
    g = srcdiff.grad(lambda x: np.sum(x * x))(x32)
    assert g.dtype == np.float32
    np.testing.assert_allclose(g, 2 * x32)
    x = np.array([0.3, 0.5])
    np.testing.assert_allclose(srcdiff.grad(lambda x: np.sum(np.exp(1j * x)))(x), -np.sin(x))


# -- drop_needless_inits: `name = None` where every path binds name before reading it ----
def _inits_left(source):
    from srcdiff.deadcode import drop_needless_inits
    from srcdiff import syntax as S
    fdef = S.parse_function(source)
    body = drop_needless_inits(fdef.body)
    return sorted(s.targets[0].id for s in body if isinstance(s, S.Assign)
                  and isinstance(s.value, S.Constant) and s.value.value is None)


def test_an_init_bound_on_every_path_before_a_read_goes():
    assert _inits_left(
        "def f(x):\n"
        "    a = None\n    b = None\n    c = None\n    d = None\n"
        "    a = x\n"
        "    if x:\n        b = 1\n    else:\n        b = 2\n"
        "    for i in x:\n        c = i\n        d = c\n"
        "    return a + b\n") == []


def test_inits_a_path_may_read_stay():
    got = _inits_left(
        "def f(x):\n"
        "    a = None\n    b = None\n    c = None\n    d = None\n    e = None\n    g = None\n"
        "    h = None\n"
        "    if x:\n        a = 1\n"           # not bound on the else path
        "    t = [a]\n"
        "    while x:\n        b = 1\n"        # a loop may not run
        "    t.append(b)\n"
        "    c += 1\n"                         # an augmented assignment reads
        "    d[0] = 1\n"                       # an item write reads the name
        "    def inner():\n        return e\n"  # a nested def may read it
        "    del g\n"
        "    for h in x:\n        pass\n"
        "    return h\n")                      # a loop target, read after the loop
    assert got == ["a", "b", "c", "d", "e", "g", "h"]


def _potential(q, a):
    return 0.5 * np.sum(a * q * q) + 0.05 * np.sum(q ** 4)


def _leapfrog(q, a):
    grad_potential = srcdiff.grad(_potential)
    p = q * 0.5
    for _ in range(2):
        p = p - 0.1 * grad_potential(q, a)
        q = q + 0.1 * p
    return np.sum(q ** 2) + np.sum(p)


def test_a_derivative_bound_once_and_called_leaves_no_unread_binding():
    # the calls of grad_potential go to the function of its derivative rules; the binding
    # `grad_potential = srcdiff.api.grad(_potential)` nothing reads is not emitted
    q, a = np.array([0.3, -0.7, 1.1]), np.array([1.0, 2.0, 0.5])
    for make in (srcdiff.grad, srcdiff.jvp):
        text = srcdiff.source(make(_leapfrog))
        assert "grad_potential = " not in text and "srcdiff.api.grad" not in text, text
    check(_leapfrog, q, a, order=1)



def test_unread_makers_are_looked_for_before_the_reads_are_walked(monkeypatch):
    """drop_unread_makers walks the names a body reads only where some statement would go
    were none read (a derivative made, a lambda, a def): a body of plain arithmetic is not
    walked; one that makes an unread lambda and a read one loses the unread one only."""
    from srcdiff import deadcode, syntax
    walked = []

    class Counting:
        def __getattr__(self, name):
            return getattr(syntax, name)

        def walk_names(self, node):
            walked.append(node)
            return syntax.walk_names(node)
    monkeypatch.setattr(deadcode, "S", Counting())
    plain = syntax.quote("a = x * 2.0\nb = numpy.sin(a)\nif b > 0:\n    c = b + a\n")
    assert deadcode.drop_unread_makers(plain) is plain and len(plain) == 3
    assert walked == []
    body = syntax.quote("f = lambda z: z * 2.0\nh = lambda z: z + 1.0\ny = f(x)\n")
    deadcode.drop_unread_makers(body)
    assert [s.targets[0].id for s in body] == ["f", "y"]
    assert walked


def test_drop_unread_walks_each_part_of_the_body_once(monkeypatch):
    """drop_unread finds the closures and the names each statement reads in one walk of its
    own part (a compound statement's test or iterable, any other statement whole): the
    nodes walked are no more than the body's; what goes is as before (an unread chain, an
    unread line in a branch), and a lambda anywhere, a loop's target included, keeps all."""
    from srcdiff import deadcode, syntax
    walked = []

    class Counting:
        def __getattr__(self, name):
            return getattr(syntax, name)

        def nodes(self, node):
            found = syntax.nodes(node)
            walked.extend(found)
            return found

        def walk_names(self, node):
            walked.extend(syntax.nodes(node))
            return syntax.walk_names(node)
    text = ("a = x * 2.0\nb = a + 1.0\nc = numpy.sin(x)\nfor i in range(3):\n"
            "    u = c * 2.0\n    t = c + u\n    out.append(t)\nif c > 0:\n    d = c\n")
    body = syntax.quote(text)
    everything = len(syntax.nodes(syntax.Module(body=body, type_ignores=[])))
    monkeypatch.setattr(deadcode, "S", Counting())
    deadcode.drop_unread(body)
    assert len(walked) <= everything, (len(walked), everything)
    monkeypatch.setattr(deadcode, "S", syntax)
    assert syntax.spell(syntax.Module(body=body, type_ignores=[])).split() == (
        "c = numpy.sin(x)\nfor i in range(3):\n    u = c * 2.0\n    t = c + u\n"
        "    out.append(t)\nif c > 0:\n    pass\n").split()
    for closure in ("f = lambda z: z\n", "for g(lambda: 0).a in xs:\n    pass\n"):
        kept = syntax.quote(text + closure)
        assert len(deadcode.drop_unread(kept)) == len(syntax.quote(text + closure))
