"""srcdiff's derivative rules, one module per domain (installed as srcdiff.templates).

Each rule is a small Python function whose body is spliced into emitted code;
see srcdiff.rules for the contract (``d[x]`` means "the derivative of x";
reverse rules add to ``d[arg]``, forward rules build ``d[result]``). A
function's reverse and forward rules sit side by side.
"""
