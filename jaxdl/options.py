"""One configuration style: a frozen dataclass whose fields are the command-line options.

`add_fields(parser, Config, help=...)` adds `--field-name` for every field (type, default and
choices from the dataclass; a bool is a switch), `from_args(Config, args)` builds the Config back
from the parsed options. A script, a notebook and the CLI then pass the same frozen object along.
"""

import argparse
import dataclasses
import types
import typing
from collections.abc import Mapping, Sequence
from typing import Any, TypeVar

Config = TypeVar("Config")


def _value_type(annotation: Any) -> type:
    """The type argparse converts to: `int` for `int`, `int | None` or `typing.Optional[int]`."""
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        (inner,) = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
        return inner
    return annotation


def add_fields(parser: argparse.ArgumentParser, config: type, help: Mapping[str, str] | None = None,
               choices: Mapping[str, Sequence] | None = None, skip: Sequence[str] = ()) -> None:
    """Add one `--name` option per field of the dataclass `config` (but `skip`), with its type and default."""
    hints = typing.get_type_hints(config)
    for field in dataclasses.fields(config):
        if field.name in skip:
            continue
        flag, default = f"--{field.name.replace('_', '-')}", field.default
        text = (help or {}).get(field.name, "")
        kind = _value_type(hints[field.name])
        if kind is bool:
            parser.add_argument(flag, dest=field.name, action=argparse.BooleanOptionalAction, default=default, help=text)
            continue
        shown = f" (default {default})" if default is not None and "default" not in text else ""
        parser.add_argument(flag, dest=field.name, type=kind, default=default, choices=(choices or {}).get(field.name),
                            help=text + shown)


def from_args(config: type[Config], args: object) -> Config:
    """The `config` dataclass with every field read from `args` (parsed options, or another object with those names)."""
    return config(**{field.name: getattr(args, field.name) for field in dataclasses.fields(config)})
