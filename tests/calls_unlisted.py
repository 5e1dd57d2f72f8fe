"""A helper module the tests load without registering it in sys.modules (as a plugin loader
or exec'd file would): its globals can not be reached as `module.NAME`."""
import numpy as np

K = 2.0


def sine_sum(x):
    return np.sum(np.sin(x) * K)
