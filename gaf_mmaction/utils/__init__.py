"""Helpers that are not registered components: host-device transfers, the tools' command
line and the errors they print."""
from .cli import PathDictAction, user_errors
from .errors import ConfigMismatchError, OutputPathError, UserError
from .host_copy import HostCopy

__all__ = ['ConfigMismatchError', 'HostCopy', 'OutputPathError', 'PathDictAction', 'UserError',
           'user_errors']
