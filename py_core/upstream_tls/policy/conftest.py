"""Our parse in the shape Conftest's nginx parser gives a policy, so the Rego
policy can be run (and tested) on exactly what Conftest would hand it.

Conftest (parser/nginx/nginx.go) parses with gonginx and emits
`{"directives": [{"name", "parameters", "block": {"directives": [...]}}]}`:
`parameters` is left out when there are none, `block` when the directive has
no `{}`. gonginx's quirks are reproduced where our parse can know them:

- a quoted parameter keeps its quotes (gonginx's lexer writes the delimiters
  into the token); crossplane does not say which quote it was, so `"` is used;
- `server ADDRESS …;` (an upstream server) is rebuilt by gonginx as the
  address, the `key=value` parameters sorted by key (a repeated key keeps its
  last value), then the flags in their order.

Each file is parsed on its own and includes are not followed, so an
`nginx -T` dump becomes the files' directives one after the other, the way
gonginx reads the dump's text.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..model import Config, Node

Path = tuple[str | int, ...]


@dataclass
class ConftestInput:
    """The document a policy sees, and which of our directives sits at each
    path of it (to map a policy's verdict back to a file and line)."""

    document: dict
    nodes: dict[Path, Node] = field(default_factory=dict)


def conftest_input(config: Config) -> ConftestInput:
    result = ConftestInput({"directives": []})
    for source in config.files:
        _convert(source.root.children, result.document["directives"], ("directives",), result.nodes)
    return result


def _convert(children: list[Node], out: list[dict], prefix: Path, nodes: dict[Path, Node]) -> None:
    """Iterative, so that a deeply nested config cannot exhaust the stack."""
    stack = [(children, out, prefix)]
    while stack:
        children, out, prefix = stack.pop()
        for child in children:
            path = (*prefix, len(out))
            nodes[path] = child
            directive: dict = {"name": child.name}
            parameters = gonginx_parameters(child)
            if parameters:
                directive["parameters"] = parameters
            if child.children is not None:
                directive["block"] = {"directives": []}
                stack.append((child.children, directive["block"]["directives"], (*path, "block", "directives")))
            out.append(directive)


def gonginx_parameters(node: Node) -> list[str]:
    """The parameters as gonginx reports them (see the module docstring)."""
    parameters = [_quoted(arg) if quoted else arg for arg, quoted in zip(node.args, node.quoted, strict=True)]
    if node.name == "server" and node.children is None and parameters:
        return _upstream_server(parameters)
    return parameters


def _quoted(arg: str) -> str:
    return '"' + arg.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _upstream_server(parameters: list[str]) -> list[str]:
    named: dict[str, str] = {}
    flags = []
    for parameter in parameters[1:]:
        if "=" in parameter:
            key, value = parameter.split("=", 1)
            named[key] = value
        else:
            flags.append(parameter)
    return [parameters[0], *(f"{key}={named[key]}" for key in sorted(named)), *flags]
