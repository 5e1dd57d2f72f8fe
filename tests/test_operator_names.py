"""operator_names.py: the one table of operator methods operator_methods.py and factories.py
both read."""
from srcdiff import factories, operator_methods
from srcdiff import syntax as S
from srcdiff.operator_names import BINARY, dunder


def test_dunder_names_the_method_python_calls_first():
    assert dunder(S.Add()) == "__add__"
    assert dunder(S.Div()) == "__truediv__"
    assert dunder(S.MatMult()) == "__matmul__"
    assert dunder(S.BitAnd()) is None


def test_one_table_for_both_readers():
    assert operator_methods.BINARY is BINARY
    assert not hasattr(factories, "_DUNDERS")
