"""Subcommands of the `jaxdl` CLI, one module each with a `register(subparsers)` function."""
