"""Run a def a source-to-source pass gave (tests of alias_groups, loop_rows, idiom_rewrite):
the gast def turned back into Python and executed with `np` bound."""
import ast

import numpy as np

from srcdiff import syntax as S


def run_def(fdef, *args):
    """Call the gast def `fdef` (compiled on its own, with numpy as np) on args."""
    module = ast.fix_missing_locations(ast.Module([S.to_python_ast(fdef)], []))
    namespace = {"np": np}
    exec(compile(module, "<rewritten>", "exec"), namespace)
    return namespace[fdef.name](*args)
