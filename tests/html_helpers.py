"""Functions for the tests of the HTML view (tests/test_html_view.py, test_html_browser.py):
one in a file of its own, called by theirs, and a long one."""
import linecache
import os

import numpy as np


def scaled_sin(y):
    return np.sin(y) * 2.0


def long_function(lines=70):
    """A function of `lines` + 2 lines, compiled from a file name of its own (its text is
    in linecache, where srcdiff reads it)."""
    text = ("def long_one(x):\n" + "".join(f"    x = np.sin(x) + {i}.0\n" for i in range(lines))
            + "    return np.sum(x)\n")
    path = os.path.join(os.path.dirname(__file__), f"html_long_{lines}_generated.py")
    linecache.cache[path] = (len(text), None, text.splitlines(True), path)
    namespace = {"np": np}
    exec(compile(text, path, "exec"), namespace)
    return namespace["long_one"]
