"""The same workloads differentiated by other tools, when they are installed.

* autograd (the `bench` extra): the workload functions themselves, re-bound so
  their `np` is `autograd.numpy` (same code object, so the same statements).
* PyTorch (optional, eager mode on the CPU): a line-for-line translation of each
  workload; inputs are turned into tensors once, outside the timed call.

`peer_gradients(key, inputs, wrt)` returns {peer name: zero-argument callable
returning the gradient(s) as NumPy arrays}, holding only the peers that import.
"""
import types

import workloads

try:
    import autograd
    import autograd.numpy as anp
except ImportError:          # pragma: no cover - optional
    autograd = None

try:
    import torch
except ImportError:          # pragma: no cover - optional
    torch = None


def available():
    out = []
    if autograd is not None:
        out.append("autograd")
    if torch is not None:
        out.append("torch")
    return out


def set_threads(n):
    if torch is not None:
        torch.set_num_threads(n)


def versions():
    out = {}
    if autograd is not None:
        try:
            from importlib.metadata import version
            out["autograd"] = version("autograd")
        except Exception:
            out["autograd"] = "?"
    if torch is not None:
        out["torch"] = torch.__version__
    return out


# ---- autograd --------------------------------------------------------------------------

def _with_autograd_numpy(fn):
    namespace = dict(fn.__globals__)
    namespace["np"] = anp
    return types.FunctionType(fn.__code__, namespace, fn.__name__, fn.__defaults__,
                              fn.__closure__)


def _autograd_gradient(fn, inputs, wrt):
    g = autograd.grad(_with_autograd_numpy(fn), wrt if len(wrt) > 1 else wrt[0])
    return lambda: g(*inputs)


# ---- PyTorch ---------------------------------------------------------------------------

def _t_control_flow(a):
    b = a * 2
    while torch.linalg.norm(b) < 1000:
        b = b * 2
    if b.sum() > 0:
        c = b
    else:
        c = 100 * b
    return c


def _t_mlp_loss(w1, b1, w2, b2, x, labels):
    h = torch.tanh(x @ w1 + b1)
    logits = h @ w2 + b2
    shifted = logits - torch.amax(logits, dim=1, keepdim=True)
    log_probs = shifted - torch.log(torch.sum(torch.exp(shifted), dim=1, keepdim=True))
    return -torch.mean(torch.sum(log_probs * labels, dim=1))


def _t_rnn_loss(wx, wh, b, xs, h0):
    h = h0
    loss = 0.0
    for t in range(xs.shape[0]):
        h = torch.tanh(xs[t] @ wx + h @ wh + b)
        loss = loss + torch.sum(h * h)
    return loss


def _t_scalar_loop(x):
    acc = 0.0
    for i in range(1000):
        x = torch.sin(x) * x + 0.1
        acc = acc + x
    return acc


def _t_logsumexp(a):
    m = torch.amax(a, dim=1, keepdim=True)
    lse = m + torch.log(torch.sum(torch.exp(a - m), dim=1, keepdim=True))
    return torch.sum(lse)


_TORCH = {
    "control_flow": _t_control_flow,
    "mlp": _t_mlp_loss,
    "rnn": _t_rnn_loss,
    "scalar_loop": _t_scalar_loop,
    "logsumexp": _t_logsumexp,
}


def _torch_gradient(key, inputs, wrt):
    fn = _TORCH[key]
    tensors = []
    for i, value in enumerate(inputs):
        t = torch.from_numpy(value.copy())
        if i in wrt:
            t.requires_grad_(True)
        tensors.append(t)
    params = [tensors[i] for i in wrt]

    def run():
        out = fn(*tensors)
        grads = torch.autograd.grad(out.sum(), params)
        return tuple(g.numpy() for g in grads) if len(grads) > 1 else grads[0].numpy()
    return run


def peer_gradients(key, inputs, wrt):
    fn = {w.key: w.fn for w in workloads.WORKLOADS}[key]
    out = {}
    if autograd is not None:
        out["autograd"] = _autograd_gradient(fn, inputs, wrt)
    if torch is not None:
        out["torch"] = _torch_gradient(key, inputs, wrt)
    return out
