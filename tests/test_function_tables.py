"""srcdiff/function_tables.py: what srcdiff made for a function is kept on the function,
goes with it, and clear_cache empties it (one function's, or every one's)."""
import functools

from srcdiff.function_tables import clear_cache, derivatives_of


def f(x):
    return x


def test_the_table_is_kept_on_the_function_and_cleared():
    table = derivatives_of(f)
    table["k"] = 1
    assert derivatives_of(f) is table and derivatives_of(f)["k"] == 1
    clear_cache(f)
    assert "k" not in derivatives_of(f)
    derivatives_of(f)["k"] = 2
    clear_cache()
    assert "k" not in derivatives_of(f)


def test_a_wrappers_copied_dict_is_not_its_table():
    derivatives_of(f)["k"] = 3

    @functools.wraps(f)
    def wrapper(x):
        return f(x)
    assert "k" not in derivatives_of(wrapper)
    assert derivatives_of(f)["k"] == 3


def test_a_builtin_gets_a_table_kept_nowhere():
    assert derivatives_of(len) is not derivatives_of(len)
