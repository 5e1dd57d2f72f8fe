"""Checkpointed loops (issue #18): peak memory and time of the gradient, taped against
checkpointed.

    python benchmarks/checkpoint.py            # the targets: 10^6 scalar steps, RNN T=10,000
    python benchmarks/checkpoint.py --quick    # 10^5 scalar steps, RNN T=1,000

Peak memory is what tracemalloc sees during a gradient call (NumPy's buffers included),
above what was allocated before it, the derivative made by an earlier call; time is the best of --repeat runs. BLAS runs on one
thread (set OPENBLAS_NUM_THREADS to change it).
"""
import argparse
import gc
import os
import sys
import time
import tracemalloc

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")  # before NumPy loads: BLAS threads fighting over a
    # shared machine's cores slowed a 32x256 matmul 50-fold and the ratios with it
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import numpy as np  # noqa: E402  (after the BLAS thread settings, which it reads once)
import srcdiff  # noqa: E402


def scalar_loop(x, steps):
    for t in range(steps):
        x = x * 0.999999 + 1e-6 * np.sin(x)
    return x


def rnn(w, u, xs, h0):
    h = h0
    for t in range(xs.shape[0]):
        h = np.tanh(h @ w + xs[t] @ u)
    return np.sum(h * h)


def measure(g, args, repeat):
    """(peak bytes of one call, best time of `repeat` calls), after a first call that
    makes the derivative (its transform's memory is not the gradient's)."""
    g(*args)
    gc.collect()
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    g(*args)
    peak = tracemalloc.get_traced_memory()[1] - base
    tracemalloc.stop()
    best = float("inf")
    for _ in range(repeat):
        gc.collect()
        t0 = time.perf_counter()
        g(*args)
        best = min(best, time.perf_counter() - t0)
    return peak, best


def row(name, policy, taped, kept):
    return (f"| {name} | {policy} | {taped[0] / 2**20:.1f} MiB | {kept[0] / 2**20:.2f} MiB | "
            f"{100 * kept[0] / taped[0]:.1f}% | {taped[1]:.2f} s | {kept[1]:.2f} s | "
            f"{kept[1] / taped[1]:.2f}x |")


def jax_rows(a, repeat):
    """JAX, where installed: the RNN as lax.scan, taped and with jax.checkpoint on the step
    (the carry kept at each step, the step's insides recomputed); time only (XLA's buffers
    are not seen by tracemalloc)."""
    try:
        import jax
        import jax.numpy as jnp
    except ImportError:
        return
    jax.config.update("jax_enable_x64", True)

    def make(step_wrap):
        def loss(w, u, xs, h0):
            def step(h, x):
                return jnp.tanh(h @ w + x @ u), None
            h, _ = jax.lax.scan(step_wrap(step), h0, xs)
            return jnp.sum(h * h)
        g = jax.jit(jax.grad(loss, argnums=(0, 1)))
        return lambda *args: jax.block_until_ready(g(*args))
    taped, kept = make(lambda f: f), make(jax.checkpoint)
    ja = tuple(jnp.asarray(v) for v in a)
    t_taped, t_kept = measure(taped, ja, repeat)[1], measure(kept, ja, repeat)[1]
    print(f"| JAX lax.scan (jit), T={a[2].shape[0]:,} | jax.checkpoint(step) | - | - | - | "
          f"{t_taped:.2f} s | {t_kept:.2f} s | {t_kept / t_taped:.2f}x |", flush=True)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true", help="10^5 scalar steps, RNN T=1,000")
    p.add_argument("--steps", type=int, default=None, help="scalar loop steps")
    p.add_argument("--T", type=int, default=None, help="RNN sequence length")
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--policies", default="sqrt", help="comma-separated, e.g. sqrt,20,64MB")
    args = p.parse_args(argv)
    steps = args.steps or (10 ** 5 if args.quick else 10 ** 6)
    T = args.T or (1000 if args.quick else 10_000)
    policies = [int(s) if s.isdigit() else s for s in args.policies.split(",")]
    print("| workload | policy | taped peak | checkpointed peak | ratio | taped time | "
          "checkpointed time | ratio |")
    print("|---|---|---|---|---|---|---|---|")
    taped = measure(srcdiff.grad(scalar_loop), (0.5, steps), args.repeat)
    for policy in policies:
        kept = measure(srcdiff.grad(scalar_loop, checkpoint=policy), (0.5, steps), args.repeat)
        print(row(f"scalar loop, {steps:,} steps", policy, taped, kept), flush=True)

    rng = np.random.default_rng(0)
    B, H, D = 32, 256, 32
    w = rng.normal(size=(H, H)) / np.sqrt(H)
    u = rng.normal(size=(D, H)) / np.sqrt(D)
    xs = rng.normal(size=(T, B, D))
    h0 = np.zeros((B, H))
    a = (w, u, xs, h0)
    taped = measure(srcdiff.grad(rnn, wrt=(0, 1)), a, args.repeat)
    for policy in policies:
        kept = measure(srcdiff.grad(rnn, wrt=(0, 1), checkpoint=policy), a, args.repeat)
        print(row(f"RNN T={T:,}, batch {B}, hidden {H}", policy, taped, kept), flush=True)
    jax_rows(a, args.repeat)
    want = srcdiff.grad(rnn, wrt=(0, 1))(*a)
    got = srcdiff.grad(rnn, wrt=(0, 1), checkpoint=policies[0])(*a)
    assert all(np.allclose(g, v, rtol=1e-10, atol=1e-12) for g, v in zip(got, want))


if __name__ == "__main__":
    main()
