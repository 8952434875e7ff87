"""Reads YAML the way crmflow does: the YAML 1.2 core schema, duplicate keys refused.

PyYAML implements YAML 1.1, where `yes`/`no`/`on`/`off` are booleans (so the key `on:` of a
notification would become True), unquoted dates become datetime objects, `08:00` is the
sexagesimal number 480 and `<<` merges mappings. None of that is true for crmflow files, so the
schemas would be checked against the wrong data. Core12Loader resolves plain scalars by the 1.2
core schema only: null, true/false, decimal/octal (0o)/hex (0x) integers, floats, and text.
"""
import re

import yaml


class DuplicateKeyError(yaml.constructor.ConstructorError):
    pass


class Core12Loader(yaml.SafeLoader):
    """A SafeLoader whose implicit types follow the YAML 1.2 core schema."""


Core12Loader.yaml_implicit_resolvers = {}

_RESOLVERS = [
    ("tag:yaml.org,2002:null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
    ("tag:yaml.org,2002:bool", r"^(?:true|True|TRUE|false|False|FALSE)$", list("tTfF")),
    ("tag:yaml.org,2002:int", r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$", list("-+0123456789")),
    ("tag:yaml.org,2002:float",
     r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
     r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$",
     list("-+.0123456789")),
]
for _tag, _pattern, _first in _RESOLVERS:
    Core12Loader.add_implicit_resolver(_tag, re.compile(_pattern), _first)


def _construct_bool(loader, node):
    return loader.construct_scalar(node).lower() == "true"


def _construct_int(loader, node):
    text = loader.construct_scalar(node)
    if text.startswith("0o"):
        return int(text[2:], 8)
    if text.startswith("0x"):
        return int(text[2:], 16)
    return int(text, 10)  # leading zeros are decimal in 1.2 (012 is 12, not octal 10)


def _construct_float(loader, node):
    text = loader.construct_scalar(node).lower()
    if text.endswith(".inf"):
        return float("-inf") if text.startswith("-") else float("inf")
    if text == ".nan":
        return float("nan")
    return float(text)


def _construct_mapping(loader, node, deep=False):
    if not isinstance(node, yaml.MappingNode):
        raise yaml.constructor.ConstructorError(
            None, None, f"expected a mapping, found {node.id}", node.start_mark)
    mapping = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in mapping:
            raise DuplicateKeyError(
                "while reading a mapping", node.start_mark,
                f"duplicate key {key!r}", key_node.start_mark)
        mapping[key] = loader.construct_object(value_node, deep=deep)
    return mapping


def _construct_map_node(loader, node):
    data = {}
    yield data
    data.update(_construct_mapping(loader, node))


Core12Loader.add_constructor("tag:yaml.org,2002:bool", _construct_bool)
Core12Loader.add_constructor("tag:yaml.org,2002:int", _construct_int)
Core12Loader.add_constructor("tag:yaml.org,2002:float", _construct_float)
Core12Loader.add_constructor("tag:yaml.org,2002:map", _construct_map_node)


def load(text):
    """Parses one YAML document with the 1.2 core schema."""
    return yaml.load(text, Loader=Core12Loader)


def load_file(path):
    with open(path, encoding="utf-8") as f:
        return load(f.read())
