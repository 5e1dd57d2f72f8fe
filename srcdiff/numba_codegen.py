"""`--backend numba` of the codegen command: the module it writes runs the derivative compiled
by Numba (API, the codegen command: called by cli.py). Takes an Emitted derivative and its
function; gives back the Emitted kernel and wrapper (`emitted_for_numba`), and the assembled
module's text importing what the kernel needs (`finish`).

The emitted derivative goes through the Numba pass (numba_backend.split) into a kernel,
decorated `@numba.njit(cache=True, boundscheck=True)` (an index out of range raises, as in
NumPy), and a wrapper, which cli.py assembles as it does any
emitted function (its runtime helpers copied in). In the kernel, `numpy.` reads
`numba_numpy.` (numpy, whose reductions also take numbers: runtime_numba.NUMPY) and the
helpers that Numba dispatches by type are called as `runtime_numba.<helper>`, so they do
not meet the NumPy-path helpers of the same name that the wrapper's module holds. The
module needs numba and srcdiff at run time (pip install srcdiff[numba]).
"""
import re

from . import numba_backend, numba_compile
from .transform import Emitted


def emitted_for_numba(em, fn):
    """The Emitted `em`, its function made a Numba kernel and its wrapper."""
    import numba
    from . import loader, runtime_numba
    numba_backend.require_numba()
    user_file = numba_compile.user_file_of(fn)
    m = re.search(r":(\d+)$", em.origin)
    names = loader.ChainGlobals(em.bindings, fn)

    def globals_of(name):
        try:
            return names[name]
        except Exception:
            return None

    split_ = numba_backend.split(em.text, em.name, user_file, globals_of,
                                 int(m.group(1)) if m else None)
    if split_.global_names:
        from .errors import UnsupportedCodeError
        raise UnsupportedCodeError(
            f"--backend numba: {em.name} reads the module-level value(s) "
            f"{', '.join(split_.global_names)}, which the generated module would pass to "
            "the kernel", hint="make them parameters, or use srcdiff.grad(f, jit=True)")
    helpers = sorted(runtime_numba.HELPERS, key=len, reverse=True)
    kernel = []
    for line in split_.kernel_text.splitlines():
        if line.startswith("def "):
            kernel.append("@numba.njit(cache=True, boundscheck=True)")
        elif not line.lstrip().startswith("#"):
            line = re.sub(r"\bnumpy\.", "numba_numpy.", line)
            for h in helpers:
                line = re.sub(rf"(?<![.\w]){h}\(", f"runtime_numba.{h}(", line)
        kernel.append(line)
    text = "\n".join(kernel) + "\n\n\n" + split_.wrapper_text
    bindings = dict(em.bindings)
    bindings.update({"numba": numba, "runtime_numba": runtime_numba,
                     "numba_numpy": runtime_numba.NUMPY,
                     "scalar_in": numba_compile.scalar_in,
                     "differentiable_in": numba_compile.differentiable_in})
    header = em.text.partition("\n")[0]
    return Emitted(header + "\n" + text, em.name, bindings, em.fn, em.origin,
                   function_text=text, mode=em.mode, wrt=em.wrt)


def finish(text):
    """The assembled module, importing what the kernel needs."""
    text = text.replace(
        "import srcdiff.runtime_numba.numpy as numba_numpy\n",
        "from srcdiff.runtime_numba import NUMPY as numba_numpy  # numpy; its reductions "
        "take numbers too\n")
    text = text.replace("import srcdiff.runtime_numba as runtime_numba\n",
                        "import srcdiff.runtime_numba as runtime_numba\n"
                        "runtime_numba.install()  # the Numba versions of its helpers\n", 1)
    text = text.replace("Standalone: needs NumPy (and the modules imported below), not "
                        "srcdiff.",
                        "--backend numba: needs NumPy, Numba and srcdiff (pip install "
                        "srcdiff[numba]).")
    return text
