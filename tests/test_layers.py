"""The import graph of srcdiff/ goes one way: from the API down through the stages to the
loader, with leaves (rules, syntax, runtime helpers, ...) that import no stage above them.

Every import counts, the ones inside functions too (`from . import x`, `from .x import y`,
`import srcdiff.x`, `from srcdiff import x`). Each module of srcdiff/ has a layer in
`LAYERS` (a new module without one fails); an import may go to the same layer or one below,
never up, and the graph has no cycle. `KNOWN_BACK_ARROWS` lists the arrows still against
that, each with its reason and owner; the list can only shrink: an arrow listed that no
longer exists fails too, so it is taken off when it is removed (docs/architecture.md).
"""
import ast
import os

import pytest

SRCDIFF = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "srcdiff")

# top to bottom; a module imports modules of its own layer or of layers after it. The order
# follows use, not only the pipeline's order: the stages run frontend -> lower -> analyze ->
# reverse/forward -> optimize -> emit -> loader, but analyze's facts, the frontend's source
# resolution and the lowered constructs' knowledge (sequences, objects, checks, ...) are read
# by the adjoint stages and the post-passes, so those sit below them (docs/architecture.md).
LAYERS = [
    ("api", {"__init__", "__main__", "api", "api_composite", "cli", "codegen_inputs",
             "coverage", "extend", "misc", "numba_codegen", "wrt_varargs"}),
    ("compose", {"compose", "compose_calls", "compose_codegen"}),
    ("derivative", {"derivative", "call_keys", "html_view", "numba_api", "wrt"}),
    ("transform", {"transform", "forward_driver"}),
    ("lower", {"lower", "lower_exprs", "lower_calls", "lower_methods", "frozen_calls", "nested_defs", "lower_copies", "item_sharing", "item_escapes", "desugar", "zip_headers", "dict_facts", "value_kinds", "tuple_lengths", "lowered_cache"}),
    ("reverse/forward", {"reverse", "reverse_calls", "reverse_control", "reverse_tape",
                         "reverse_writes", "reverse_callee", "rereads", "end_saves", "reduction_shapes", "forward", "forward_calls", "forward_control",
                         "forward_writes", "program", "splice", "refusals", "zero_cotangents"}),
    ("constructs", {"returned_classes", "edited_lists", "entry_classes", "class_tests", "class_defs", "accumulate_loops", "itertools_calls", "lazy_reads", "next_items", "queue_lists", "out_views", "display_loops", "alias_tuples", "method_refusals", "class_calls", "object_loops", "item_fields", "list_edits", "spacing_calls", "flat_items", "repeated_items", "try_blocks", "nonlocal_writes", "nonlocal_hoist", "nonlocal_lists", "nonlocal_updates", "closure_factories", "function_arguments", "function_choices", "placeholder_lists", "plain_blocks", "loop_lambdas", "source_rewrites", "dict_idioms", "alias_groups", "inplace_arrays", "loop_rows", "view_writes", "reshaped_writes", "named_attributes", "alias_flow", "alias_flow_blocks", "alias_flow_fresh", "library_results", "alias_fresh_items", "alias_flow_seen", "alias_flow_trip", "alias_rows", "aliasing", "alias_roots", "alias_guards", "argument_writes", "census", "writing_helpers", "container_writes", "checks", "checkpointing", "checkpoint_adjoint", "checkpoint_names", "checkpoint_closures", "idioms", "scatter_calls", "callback_stores", "idiom_rewrite", "function_loops", "function_items", "loop_copies", "function_dicts",
                    "inplace_calls", "out_writes", "flat_writes", "named_tuples", "key_loops", "filter_calls", "numpy_maps", "numpy_maps_write", "library_calls", "objects", "protocol_objects", "operator_methods", "operator_lowering", "records", "class_constants", "record_notes", "field_calls", "sequences", "shapes", "generators", "generator_calls", "generator_inline", "generator_names", "generator_splice", "generator_values", "generator_reach", "field_writes", "field_ownership", "field_updates", "property_setters", "factories", "object_lists", "state_methods", "init_fields", "memo_drops", "nonlocal_arrays", "passed_lists", "function_bindings",
                    "super_calls", "update_checks", "value_builtins", "values", "variadic",
                    "lower_funcs_defaults", "display_items",
                    "vector_spaces"}),
    ("optimize", {"optimize", "deadcode", "factor", "fold", "inline", "liveness", "shift",
                  "tidy", "temporaries", "unused"}),
    ("analyze", {"analyze", "status", "fixpoint"}),
    ("emit", {"emit", "numba_compile", "numba_backend", "numba_items", "numba_tapes", "numba_probes"}),
    ("frontend", {"frontend", "sourcefile", "private_names"}),
    ("loader", {"loader"}),
    ("leaves", {"boundary", "callables", "core", "function_tables", "complex_runtime", "compose_runtime", "errors",
                "emitted_origins", "runtime_extend", "runtime_fields", "vjp_makers",
                "flatten", "forward_runtime", "helper_effects", "lazy_runtime", "markers", "names", "resolver",
                "revolve", "rules", "rule_forms", "rule_index", "rule_source", "rule_template", "rule_trees", "runtime", "runtime_adjoint",
                "runtime_alias",
                "runtime_arrays", "runtime_edits", "runtime_moves", "runtime_spectra", "runtime_structured", "runtime_dct", "runtime_coordinates", "runtime_checks", "runtime_item_checks", "runtime_closures", "runtime_containers",
                "runtime_covariance",
                "runtime_fft",
                "runtime_indexing", "runtime_matrices", "runtime_numpy", "runtime_polynomials",
                "runtime_products",
                "runtime_quantiles",
                "runtime_banded", "runtime_block", "runtime_checkpoint", "runtime_idioms", "runtime_inplace",
                "runtime_integrate", "runtime_gamma", "runtime_keywords", "runtime_linalg", "runtime_logaddexp", "runtime_linalg_more", "runtime_logm", "runtime_numba", "runtime_numba_helpers",
                "runtime_numba_alias", "runtime_numba_checks", "runtime_numba_flat", "runtime_numba_lists", "runtime_numba_norms", "runtime_numba_numpy", "runtime_numba_spacings", "runtime_numba_writes",
                "runtime_scipy", "runtime_scipy_linalg",
                "runtime_sequences", "runtime_list_edits", "runtime_spacings", "runtime_stats", "runtime_updates", "runtime_values",
                "known_objects", "operator_names", "signal", "subclasses", "syntax", "syntax_trees", "syntax_walks", "version"}),
]

# (importer, imported): why it is still there. Only shrinks.
KNOWN_BACK_ARROWS = {
}


def _modules():
    return sorted(name[:-3] for name in os.listdir(SRCDIFF) if name.endswith(".py"))


def imports_of(path, modules):
    """The srcdiff modules the file at `path` imports, anywhere in it."""
    with open(path, encoding="utf-8") as fh:
        tree = ast.parse(fh.read(), path)
    found = set()

    def package_names(names):  # `from . import x`, `from srcdiff import x`
        for alias in names:
            found.add(alias.name if alias.name in modules else "__init__")

    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            parts = (node.module or "").split(".")
            if node.level == 1:
                if node.module is None:
                    package_names(node.names)
                else:
                    found.add(parts[0])
            elif node.level == 0 and parts[0] == "srcdiff":
                if len(parts) > 1:
                    found.add(parts[1])
                else:
                    package_names(node.names)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                parts = alias.name.split(".")
                if parts[0] == "srcdiff":
                    found.add(parts[1] if len(parts) > 1 else "__init__")
    found.discard(os.path.basename(path)[:-3])
    return found


def graph():
    modules = set(_modules())
    return {m: imports_of(os.path.join(SRCDIFF, m + ".py"), modules) for m in modules}


def _layer_of():
    out = {}
    for depth, (_, members) in enumerate(LAYERS):
        for m in members:
            assert m not in out, f"{m} is in two layers"
            out[m] = depth
    return out


def test_every_module_has_a_layer():
    layer = _layer_of()
    missing = sorted(set(_modules()) - set(layer))
    assert not missing, f"give these modules a layer in LAYERS: {missing}"
    gone = sorted(set(layer) - set(_modules()))
    assert not gone, f"LAYERS names modules srcdiff/ no longer has: {gone}"


def test_imports_go_down_only():
    layer = _layer_of()
    upward = sorted(f"{a} ({LAYERS[layer[a]][0]}) -> {b} ({LAYERS[layer[b]][0]})"
                    for a, targets in graph().items() for b in targets
                    if layer[b] < layer[a] and (a, b) not in KNOWN_BACK_ARROWS)
    assert not upward, "imports against the layering:\n" + "\n".join(upward)


def test_no_cycle():
    edges = {a: {b for b in targets if (a, b) not in KNOWN_BACK_ARROWS}
             for a, targets in graph().items()}
    cycle = _find_cycle(edges)
    assert cycle is None, "import cycle: " + " -> ".join(cycle)


def test_known_back_arrows_still_exist():
    """The list only shrinks: an arrow removed is taken off it."""
    g = graph()
    stale = sorted(f"{a} -> {b}" for a, b in KNOWN_BACK_ARROWS if b not in g.get(a, ()))
    assert not stale, "remove from KNOWN_BACK_ARROWS (these imports are gone): " + \
        ", ".join(stale)


def test_known_back_arrows_are_needed():
    """Each listed arrow goes up a layer or closes a cycle: none is listed for nothing."""
    layer = _layer_of()
    g = graph()
    edges = {a: set(t) for a, t in g.items()}
    for a, b in sorted(KNOWN_BACK_ARROWS):
        if b not in g.get(a, ()):
            continue  # test_known_back_arrows_still_exist says so
        if layer[b] < layer[a]:
            continue
        others = {x: {y for y in t if (x, y) not in KNOWN_BACK_ARROWS or (x, y) == (a, b)}
                  for x, t in edges.items()}
        assert _reaches(others, b, a), f"{a} -> {b} goes down and closes no cycle: unlist it"


def _reaches(edges, start, goal):
    seen, todo = set(), [start]
    while todo:
        n = todo.pop()
        if n == goal:
            return True
        if n not in seen:
            seen.add(n)
            todo.extend(edges.get(n, ()))
    return False


def _find_cycle(edges):
    """A list of modules forming a cycle (first repeated at the end), or None."""
    state, stack = {}, []

    def visit(n):
        state[n] = "open"
        stack.append(n)
        for m in sorted(edges.get(n, ())):
            if state.get(m) == "open":
                return stack[stack.index(m):] + [m]
            if m not in state:
                found = visit(m)
                if found:
                    return found
        stack.pop()
        state[n] = "done"
        return None

    for n in sorted(edges):
        if n not in state:
            found = visit(n)
            if found:
                return found
    return None


@pytest.mark.parametrize("text, expected", [
    ("from . import api\n", {"api"}),
    ("from . import api as a, syntax as S\n", {"api", "syntax"}),
    ("from . import __version__\n", {"__init__"}),
    ("from .api import grad\n", {"api"}),
    ("def f():\n    from .lower import x\n", {"lower"}),
    ("import srcdiff.api\n", {"api"}),
    ("import srcdiff\n", {"__init__"}),
    ("from srcdiff import api\n", {"api"}),
    ("from srcdiff.lower import y\n", {"lower"}),
    ("import numpy\nfrom numpy import ndarray\n", set()),
])
def test_imports_of_reads_every_form(tmp_path, text, expected):
    path = tmp_path / "mod.py"
    path.write_text(text)
    assert imports_of(str(path), {"api", "syntax", "lower"}) == expected


def test_find_cycle():
    assert _find_cycle({"a": {"b"}, "b": {"c"}, "c": set()}) is None
    assert _find_cycle({"a": {"b"}, "b": {"a"}}) == ["a", "b", "a"]


def test_the_architecture_page_names_every_module():
    """docs/architecture.md, the module map, lists every module of srcdiff/ (and no other)."""
    import re
    page = os.path.join(os.path.dirname(SRCDIFF), "docs", "architecture.md")
    with open(page, encoding="utf-8") as fh:
        named = set(re.findall(r"`(\w+\*?)`", fh.read()))
    modules = set(_modules())
    missing = sorted(m for m in modules if m not in named and not (
        m.startswith("runtime_") and "runtime_*" in named))
    assert not missing, f"docs/architecture.md does not place {missing}"
