"""Errors a user can act on: the CLI prints them as one line, never a traceback."""


class JaxdlError(ValueError):
    """Bad input (file, path, shape, argument): the message names it and the problem."""


class WeightsError(JaxdlError):
    """A weights file that cannot be used: missing, corrupt, wrong hash, wrong architecture."""


class DataError(JaxdlError):
    """A data set that cannot be used: missing folder, empty split, mismatched shapes or labels."""
