"""What every `jaxdl visualize` method shares: the subject's options (jaxdl.visualize.config.SubjectConfig, the same
as `jaxdl run`'s [visualize] part), the output folder, and loading them with the random-weights line first."""

import argparse
from dataclasses import dataclass
from pathlib import Path

from jaxdl.options import add_fields, from_args
from jaxdl.visualize.config import SUBJECT_HELP, SubjectConfig, network_of, subject_of
from jaxdl.visualize.inputs import Inputs
from jaxdl.visualize.subject import Subject


@dataclass(frozen=True)
class VisualizeOutput:
    """Where a method writes its figures, tables and arrays."""

    out: Path = Path("runs/visualize")


def add_options(parser: argparse.ArgumentParser, settings: type, help: dict[str, str], choices: dict | None = None,
                skip: tuple[str, ...] = ()) -> None:
    """The subject's options, the method's `settings` (but `skip`) and --out."""
    add_fields(parser, SubjectConfig, SUBJECT_HELP)
    add_fields(parser, settings, help, choices, skip)
    add_fields(parser, VisualizeOutput, {"out": "output folder"})


def output(args: argparse.Namespace) -> Path:
    """The --out folder, made."""
    out = from_args(VisualizeOutput, args).out
    out.mkdir(parents=True, exist_ok=True)
    return out


def announce(note: str | None) -> None:
    """Print the random-weights line (first) when there is one."""
    if note:
        print(f"visualize: {note}", flush=True)


def study(args: argparse.Namespace) -> tuple[SubjectConfig, Subject, Inputs]:
    """The subject's config, network and images the options name."""
    config = from_args(SubjectConfig, args)
    subject, inputs, note = subject_of(config, progress(args))
    announce(note)
    return config, subject, inputs


def network(args: argparse.Namespace) -> tuple[SubjectConfig, Subject]:
    """The subject's config and network alone."""
    config = from_args(SubjectConfig, args)
    subject, note = network_of(config, progress(args))
    announce(note)
    return config, subject


def progress(args: argparse.Namespace) -> bool:
    """The common --no-progress."""
    return getattr(args, "progress", True)
