"""Errors that are the user's to fix."""


class UserError(Exception):
    """A mistake in the user's input or config; the message names the file, video or key
    and says what to change. The tools print it as one ``error: <message>`` line (and the
    message's own lines), without a traceback, and exit with ``exit_status``."""

    exit_status = 1


class ConfigMismatchError(UserError, ValueError):
    """Two parts of a config, or a config and its data, do not fit together."""


class OutputPathError(UserError, OSError):
    """A path the results are to be written to cannot be written."""


class MissingInputError(UserError, FileNotFoundError):
    """A file or folder the run reads does not exist: a usage mistake (exit status 2, as for
    bad arguments). The message names the path, the config key (or argument) that gives it and
    the docs section that makes it."""

    exit_status = 2
