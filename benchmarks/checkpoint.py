"""Checkpointed loops (issue #18): peak memory and time of the gradient, taped against
checkpointed.

    python benchmarks/checkpoint.py            # the targets: 10^6 scalar steps, RNN T=10,000
    python benchmarks/checkpoint.py --quick    # 10^5 scalar steps, RNN T=1,000

Peak memory is what tracemalloc sees during a gradient call (NumPy's buffers included),
above what was allocated before it, the derivative made by an earlier call; time is the
median of --repeat runs, their spread (fastest-slowest) in brackets. BLAS runs on one
thread (set OPENBLAS_NUM_THREADS to change it). Rows for the scalar loop written as a while
loop (checkpointed online: its trip count is known only at its end), and, where installed,
for JAX (jax.checkpoint on the step of lax.scan) and PyTorch (torch.utils.checkpoint on
segments of sqrt(T) steps): time only, tracemalloc does not see their buffers.
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


def scalar_while(x, steps):
    t = 0
    while t < steps:
        x = x * 0.999999 + 1e-6 * np.sin(x)
        t = t + 1
    return x


def rnn(w, u, xs, h0):
    h = h0
    for t in range(xs.shape[0]):
        h = np.tanh(h @ w + xs[t] @ u)
    return np.sum(h * h)


def measure(g, args, repeat, memory=True):
    """(peak bytes of one call, median time of `repeat` calls, fastest, slowest), after a
    first call that makes the derivative (its transform's memory is not the gradient's)."""
    g(*args)
    peak = None
    if memory:
        gc.collect()
        tracemalloc.start()
        base = tracemalloc.get_traced_memory()[0]
        g(*args)
        peak = tracemalloc.get_traced_memory()[1] - base
        tracemalloc.stop()
    times = []
    for _ in range(repeat):
        gc.collect()
        t0 = time.perf_counter()
        g(*args)
        times.append(time.perf_counter() - t0)
    times.sort()
    return peak, times[len(times) // 2], times[0], times[-1]


def _time(m):
    return f"{m[1]:.2f} s ({m[2]:.2f}-{m[3]:.2f})" if m[3] > m[2] else f"{m[1]:.2f} s"


def row(name, policy, taped, kept):
    memory = (f"{taped[0] / 2**20:.1f} MiB | {kept[0] / 2**20:.2f} MiB | "
              f"{100 * kept[0] / taped[0]:.1f}%") if kept[0] is not None else "- | - | -"
    return (f"| {name} | {policy} | {memory} | {_time(taped)} | {_time(kept)} | "
            f"{kept[1] / taped[1]:.2f}x |")


def jax_rows(a, steps, repeat):
    """JAX, where installed: the RNN and the scalar loop as lax.scan (jit), taped and with
    jax.checkpoint on the step (the carry kept at each step, the step's insides recomputed);
    time only (XLA's buffers are not seen by tracemalloc)."""
    try:
        import jax
        import jax.numpy as jnp
    except ImportError:
        print("| JAX | not installed: no rows | | | | | | |")
        return
    jax.config.update("jax_enable_x64", True)

    def rnn_grad(step_wrap):
        def loss(w, u, xs, h0):
            def step(h, x):
                return jnp.tanh(h @ w + x @ u), None
            h, _ = jax.lax.scan(step_wrap(step), h0, xs)
            return jnp.sum(h * h)
        g = jax.jit(jax.grad(loss, argnums=(0, 1)))
        return lambda *args: jax.block_until_ready(g(*args))

    def scalar_grad(step_wrap):
        def loss(x):
            def step(x, _):
                return x * 0.999999 + 1e-6 * jnp.sin(x), None
            x, _ = jax.lax.scan(step_wrap(step), x, None, length=steps)
            return x
        g = jax.jit(jax.grad(loss))
        return lambda *args: jax.block_until_ready(g(*args))
    x = (jnp.asarray(0.5),)
    taped = measure(scalar_grad(lambda f: f), x, repeat, memory=False)
    kept = measure(scalar_grad(jax.checkpoint), x, repeat, memory=False)
    print(row(f"JAX lax.scan (jit), scalar, {steps:,} steps", "jax.checkpoint(step)", taped,
              kept), flush=True)
    ja = tuple(jnp.asarray(v) for v in a)
    taped = measure(rnn_grad(lambda f: f), ja, repeat, memory=False)
    kept = measure(rnn_grad(jax.checkpoint), ja, repeat, memory=False)
    print(row(f"JAX lax.scan (jit), RNN T={a[2].shape[0]:,}", "jax.checkpoint(step)", taped,
              kept), flush=True)


def torch_rows(a, repeat):
    """PyTorch, where installed: the RNN taped, and with torch.utils.checkpoint on each of
    ceil(sqrt(T)) segments of steps (only the carry at a segment's start kept); time only."""
    try:
        import torch
        from torch.utils.checkpoint import checkpoint
    except ImportError:
        print("| PyTorch | not installed: no rows | | | | | | |")
        return
    torch.set_num_threads(1)
    w, u, xs, h0 = (torch.tensor(v, dtype=torch.float64) for v in a)
    T = xs.shape[0]
    size = max(1, int(T ** 0.5 + 0.999999))

    def run(h, w, u, start):
        for t in range(start, min(start + size, T)):
            h = torch.tanh(h @ w + xs[t] @ u)
        return h

    def grad(kept):
        def g():
            wt, ut = w.clone().requires_grad_(), u.clone().requires_grad_()
            h = h0
            for start in range(0, T, size):
                h = checkpoint(run, h, wt, ut, start, use_reentrant=False) if kept \
                    else run(h, wt, ut, start)
            (h * h).sum().backward()
            return wt.grad, ut.grad
        return g
    taped = measure(grad(False), (), repeat, memory=False)
    kept = measure(grad(True), (), repeat, memory=False)
    print(row(f"PyTorch (eager), RNN T={T:,}", "torch.utils.checkpoint, sqrt segments",
              taped, kept), flush=True)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true", help="10^5 scalar steps, RNN T=1,000")
    p.add_argument("--steps", type=int, default=None, help="scalar loop steps")
    p.add_argument("--T", type=int, default=None, help="RNN sequence length")
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--policies", default="sqrt", help="comma-separated, e.g. sqrt,20,64MB")
    p.add_argument("--no-others", action="store_true", help="no JAX or PyTorch rows")
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
    taped_while = measure(srcdiff.grad(scalar_while), (0.5, steps), args.repeat)
    for policy in policies:
        kept = measure(srcdiff.grad(scalar_while, checkpoint=policy), (0.5, steps),
                       args.repeat)
        print(row(f"scalar while loop (online), {steps:,} steps", policy, taped_while, kept),
              flush=True)

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
    if not args.no_others:
        jax_rows(a, steps, args.repeat)
        torch_rows(a, args.repeat)
    want = srcdiff.grad(rnn, wrt=(0, 1))(*a)
    got = srcdiff.grad(rnn, wrt=(0, 1), checkpoint=policies[0])(*a)
    assert all(np.allclose(g, v, rtol=1e-10, atol=1e-12) for g, v in zip(got, want))


if __name__ == "__main__":
    main()
