"""scipy.integrate: odeint has no rule yet. A differentiated call is refused at the user's
line (rather than srcdiff reading SciPy's own source and stopping inside it), saying what to
do instead. Loaded once the user's code has imported scipy.integrate (srcdiff.rules.OPTIONAL).
"""
import scipy.integrate

from srcdiff.callables import name_path
from srcdiff.rules import not_implemented

name_path(scipy.integrate.odeint, "scipy.integrate.odeint")
not_implemented(scipy.integrate.odeint,
                "srcdiff has no derivative of an ODE solution yet: write the integration "
                "as a loop of explicit steps (e.g. Runge-Kutta) in your function, which "
                "srcdiff differentiates, or call odeint on values that carry no derivative")
