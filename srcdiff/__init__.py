"""The public names of srcdiff, re-exported (API: called by the user, as `import srcdiff`).
Takes nothing; gives back the package's names: the transforms of api.py and
api_composite.py, stop_gradient, the checkpoint markers, the rule decorators (d,
reverse_rule, forward_rule, elementwise, nondifferentiable, not_implemented), flatten, show,
the errors and __version__; importing it installs boundary.py's traceback hooks.

`show` is imported at its first use (`__getattr__`, api.package_attribute): html_view.py and
what it imports (html, hashlib) were a third of `import srcdiff`.

srcdiff: automatic differentiation by source transformation for Python and NumPy.

srcdiff reads a plain Python/NumPy function and writes the Python source of
its derivative, keeping the function's loops and branches as loops and
branches. See README.md for a tour.
"""
from typing import TYPE_CHECKING

from .version import __version__  # noqa: F401

from .errors import (ArgumentError, NoRuleError, RuleError, RuntimeRefusal,  # noqa: E402
                     SrcdiffError, UnsupportedCodeError)
from .api import grad, jvp, source, stop_gradient, value_and_grad, vjp  # noqa: E402
from .api_composite import hessian, hvp, jacobian  # noqa: E402

from .flatten import flatten  # noqa: E402
from .checkpointing import checkpoint, checkpointed  # noqa: E402
from .boundary import install_hooks as _install_hooks  # noqa: E402
from .rules import d  # noqa: E402
from . import api as _api  # noqa: E402
__getattr__, __dir__ = _api.package_attribute, _api.package_names   # srcdiff.show, lazily
if TYPE_CHECKING:  # show: imported at its first use (__getattr__); named here for the docs
    from .html_view import show  # noqa: F401
from .rule_forms import elementwise  # noqa: E402
from .rules import forward as forward_rule  # noqa: E402
from .rules import nondifferentiable, not_implemented  # noqa: E402
from .rules import reverse as reverse_rule  # noqa: E402

__all__ = [
    "d", "reverse_rule", "forward_rule", "elementwise", "nondifferentiable", "not_implemented",
    "grad", "value_and_grad", "vjp", "jvp", "hessian", "hvp", "jacobian", "stop_gradient",
    "source", "flatten", "show", "checkpointed", "checkpoint",
    "SrcdiffError", "UnsupportedCodeError", "NoRuleError", "ArgumentError", "RuntimeRefusal",
    "RuleError",
]


_install_hooks()  # tracebacks through emitted code show its lines on every Python (boundary.py)
