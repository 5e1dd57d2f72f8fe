"""Shared by the tests of srcdiff's source rewrites that run on a parsed def
(test_itertools_calls, test_queue_lists): what a name means, the def rewritten, and the
rewritten def run as plain Python."""
import ast
import builtins
import textwrap

from srcdiff import syntax as S


def helpers(names, rewrite):
    """(lookup, rewritten, run) for a rewrite taking (fdef, lookup), where `names` holds what
    the module-level names mean (builtins otherwise)."""
    def lookup(name):
        return names[name] if name in names else getattr(builtins, name, None)

    def rewritten(source):
        fdef = S.parse_function(textwrap.dedent(source))
        return fdef, rewrite(fdef, lookup)

    def run(fdef, *args):
        module = ast.fix_missing_locations(ast.Module([S.to_python_ast(fdef)], []))
        namespace = dict(names)
        exec(compile(module, "<rewritten>", "exec"), namespace)
        return namespace[fdef.name](*args)
    return lookup, rewritten, run
