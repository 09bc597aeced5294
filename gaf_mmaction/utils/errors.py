"""Errors that are the user's to fix."""


class UserError(Exception):
    """A mistake in the user's input or config; the message names the file, video or key
    and says what to change. The tools print it without a traceback."""


class ConfigMismatchError(UserError, ValueError):
    """Two parts of a config, or a config and its data, do not fit together."""


class OutputPathError(UserError, OSError):
    """A path the results are to be written to cannot be written."""
