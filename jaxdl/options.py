"""One configuration style: a frozen dataclass whose fields are the command-line options.

`add_fields(parser, Config, help=...)` adds `--field-name` for every field (type, default and choices from the
dataclass; a bool is a switch, a tuple takes several values, a field without a default is required),
`from_args(Config, args)` builds the Config back from the parsed options. A script, a notebook and the CLI then
pass the same frozen object along. `cli(...)` marks the rarer fields: another flag, a metavar, a positional input,
a comma-separated list in one word, a list given one value per repeated option.
"""

import argparse
import dataclasses
import types
import typing
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

Config = TypeVar("Config")


def cli(default: Any = dataclasses.MISSING, *, flag: str | None = None, metavar: str | None = None,
        positional: bool = False, sep: str | None = None, repeat: bool = False) -> Any:
    """A dataclass field with how it shows on the command line: `flag` instead of --field-name, a `metavar`, a
    `positional` input, a tuple written as one `sep`-separated word (`--layers a,b`), or one value per `repeat`ed option."""
    return dataclasses.field(default=default, metadata={"flag": flag, "metavar": metavar, "positional": positional,
                                                         "sep": sep, "repeat": repeat})


def _value_type(annotation: Any) -> tuple[Any, bool]:
    """(the type argparse converts each value to, whether the field holds a tuple of them): `int`, `int | None`,
    `tuple[int, ...]`, `tuple[float, float] | None`..."""
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        (annotation,) = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
    if typing.get_origin(annotation) is tuple:
        return typing.get_args(annotation)[0], True
    return annotation, False


def csv_list(kind: Callable[[str], Any], sep: str = ",") -> Callable[[str], tuple]:
    """An argparse type: a `sep`-separated list of `kind` values (`--C 0.1,1,10`), as a tuple."""
    return lambda text: tuple(kind(item) for item in text.split(sep) if item)


class _Items(argparse.Action):
    """A tuple option: the values given replace the default; a repeated option adds its values to them."""

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace, values: Any,
                 option_string: str | None = None) -> None:
        given = tuple(values) if isinstance(values, (list, tuple)) else (values,)
        current = getattr(namespace, self.dest, None)
        setattr(namespace, self.dest, given if current is self.default else (*current, *given))


def _shown(default: Any, sep: str | None) -> str:
    """' (default X)' for the help text, or nothing when there is no default or an empty one."""
    if default is None or default is dataclasses.MISSING or default == ():
        return ""
    return f" (default {(sep or ' ').join(map(str, default)) if isinstance(default, tuple) else default})"


def add_fields(parser: argparse.ArgumentParser | argparse._ArgumentGroup, config: Any, help: Mapping[str, str] | None = None,
               choices: Mapping[str, Sequence] | None = None, skip: Sequence[str] = ()) -> None:
    """Add one option per field of the dataclass `config` (but `skip`), with its type and default; an instance of the
    dataclass gives its own values as the defaults."""
    hints = typing.get_type_hints(config if isinstance(config, type) else type(config))
    for field in dataclasses.fields(config):
        if field.name in skip:
            continue
        meta, text = field.metadata, (help or {}).get(field.name, "")
        default = field.default if isinstance(config, type) else getattr(config, field.name)
        flag = meta.get("flag") or f"--{field.name.replace('_', '-')}"
        kind, many = _value_type(hints[field.name])
        if kind is bool:
            parser.add_argument(flag, dest=field.name, action=argparse.BooleanOptionalAction, default=default, help=text)
            continue
        kwargs: dict[str, Any] = {"type": kind, "choices": (choices or {}).get(field.name), "metavar": meta.get("metavar"),
                                  "help": text + ("" if "default" in text else _shown(default, meta.get("sep")))}
        if many and meta.get("sep"):
            kwargs["type"] = csv_list(kind, meta["sep"])
        elif many:
            kwargs |= {"action": _Items, "nargs": None if meta.get("repeat") else "*" if default == () else "+"}
        if default is not dataclasses.MISSING:
            kwargs["default"] = default
        if meta.get("positional"):
            parser.add_argument(field.name, **kwargs)
        else:
            parser.add_argument(flag, dest=field.name, required=default is dataclasses.MISSING, **kwargs)


def from_args(config: type[Config], args: object, **values: Any) -> Config:
    """The `config` dataclass with its fields read from `args` (parsed options, or another object with those names;
    a field `args` lacks keeps its default), then `values`."""
    given = {field.name: getattr(args, field.name) for field in dataclasses.fields(config) if hasattr(args, field.name)}
    return config(**given | values)
