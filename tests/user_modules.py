"""A module of the user's made from source text, for tests whose functions need a real file
(located errors quote its lines) and a module srcdiff can find by name (sys.modules)."""
import importlib.util
import sys


def load(directory, name, text):
    """Write `text` to directory/name.py and import it as the module `name`."""
    path = directory / f"{name}.py"
    path.write_text(text)
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module
