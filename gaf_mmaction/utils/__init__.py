"""Helpers that are not registered components: host-device transfers, the tools' command
line, the errors they print and the check of the inputs a run reads."""
from .cli import PathDictAction, user_errors
from .errors import ConfigMismatchError, MissingInputError, OutputPathError, UserError
from .host_copy import HostCopy
from .input_files import InputPath, missing_inputs, require_inputs, resolve

__all__ = ['ConfigMismatchError', 'HostCopy', 'InputPath', 'MissingInputError', 'OutputPathError',
           'PathDictAction', 'UserError', 'missing_inputs', 'require_inputs', 'resolve',
           'user_errors']
