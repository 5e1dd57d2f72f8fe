"""A tour of srcdiff, following the "Automatic Differentiation" chapter of Dive into Deep Learning.

Each step prints a result, checks it, and shows the derivative code srcdiff
wrote. Run it with:  python examples/autograd_tour.py
"""
import numpy as np

import srcdiff


def show(title, derivative):
    print(f"\n--- {title}: the code srcdiff emitted ---")
    print(srcdiff.source(derivative))


def check(label, got, want):
    np.testing.assert_allclose(got, want, rtol=1e-12)
    print(f"{label}: {got}  (checked)")


# 1. A simple function: y = 2 x^T x, whose gradient is 4x.
x = np.arange(4.0)


def y_of(x):
    return 2 * np.dot(x, x)


grad_y = srcdiff.grad(y_of)
print("x =", x)
print("y = 2 x.x =", y_of(x))
check("dy/dx", grad_y(x), 4 * x)
show("gradient of 2 x.x", grad_y)

# 2. The gradient of another function of x: the sum of its elements.


def total(x):
    return x.sum()


check("d(x.sum())/dx", srcdiff.grad(total)(x), np.ones_like(x))

# 3. A vector output is differentiated as the sum of its elements (y.sum().backward()).


def square(x):
    return x * x


check("d(x * x)/dx", srcdiff.grad(square)(x), 2 * x)

# 4. Detaching computation: u is treated as a constant in z = u * x.


def z_of(x):
    y = x * x
    u = srcdiff.stop_gradient(y)
    z = u * x
    return z


u = x * x
check("dz/dx with u detached", srcdiff.grad(z_of)(x), u)
check("dy/dx for y itself", srcdiff.grad(square)(x), 2 * x)
show("gradient through stop_gradient", srcdiff.grad(z_of))

# 5. Calling a gradient twice gives the same answer: nothing accumulates between calls.
first = grad_y(x)
second = grad_y(x)
check("the same gradient, called again", second, first)

# 6. Gradients of Python control flow: the adjoint keeps the while loop and the if.


def f(a):
    b = a * 2
    while np.linalg.norm(b) < 1000:
        b = b * 2
    if b.sum() > 0:
        c = b
    else:
        c = 100 * b
    return c


grad_f = srcdiff.grad(f)
rng = np.random.default_rng(0)
for a in (np.array(rng.normal()), rng.normal(size=3), rng.normal(size=(2, 2))):
    d = f(a)
    # f is linear in a on each piece, so its gradient is d / a
    check(f"df/da for a of shape {a.shape}", grad_f(a), d / a)
show("gradient of the chapter's control-flow function", grad_f)
print("\nThe adjoint above loops `trips` times, as the forward loop did: its size does not")
print("depend on how many times the while loop ran.")

# 7. Second derivatives: srcdiff differentiates its own emitted gradient (forward mode over
#    the adjoint, tape and all). They cost more than first derivatives: the emitted code
#    below runs the whole adjoint again, carrying a tangent beside every value.


def cubic(x):
    return np.sum(x ** 3.0)


grad_grad = srcdiff.grad(srcdiff.grad(cubic))
check("d2(sum x^3)/dx2 (summed over rows)", grad_grad(x), 6 * x)
check("Hessian of sum x^3", srcdiff.hessian(cubic)(x), np.diag(6 * x))
show("second derivative (forward mode over the emitted gradient)", grad_grad)

# The chapter's control-flow function is piecewise linear: its second derivative is 0.
for a in (np.array(0.3), rng.normal(size=3)):
    check(f"d2f/da2 for a of shape {a.shape}", srcdiff.grad(srcdiff.grad(f))(a), np.zeros_like(a))
