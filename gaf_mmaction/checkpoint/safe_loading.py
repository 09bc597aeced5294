"""Let ``torch.load(weights_only=True)`` read MMEngine's own checkpoints.

Since torch 2.6 ``torch.load`` refuses pickled objects it does not know, and
MMEngine 0.10 calls it without ``weights_only``: resuming then fails on the
message hub's ``HistoryBuffer``, numpy arrays and the ``getattr`` calls that
pickle a buffer's statistics methods. Rather than switching the protection
off (``TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD=1``), we allow exactly the types that
MMEngine writes into a checkpoint, and ``getattr`` only for those methods.
A checkpoint holding anything else is refused unless the user says they
trust it (``--trust-checkpoint``, i.e. :func:`trust_checkpoints`).
"""
import os
import pickle
from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np
import torch
from mmengine.logging.history_buffer import HistoryBuffer


def history_buffer_getattr(obj: object, name: str):
    """``getattr`` restricted to the statistics methods of ``HistoryBuffer``.

    Raises:
        pickle.UnpicklingError: For anything else, which a checkpoint
            written by MMEngine never asks for.
    """
    # Its own four, plus any registered with HistoryBuffer.register_statistics.
    allowed = {'min', 'max', 'current', 'mean', *HistoryBuffer._statistics_methods}
    if obj is HistoryBuffer and name in allowed:
        return getattr(obj, name)
    raise pickle.UnpicklingError(
        f'Refusing getattr({obj!r}, {name!r}) while loading a checkpoint: only '
        'HistoryBuffer statistics methods are allowed')


def mmengine_checkpoint_globals() -> list:
    """What an MMEngine training checkpoint pickles, in ``add_safe_globals`` form."""
    return [
        HistoryBuffer,
        np.ndarray,
        np.dtype,
        np._core.multiarray._reconstruct,
        np._core.multiarray.scalar,
        *{type(np.dtype(name)) for name in ('float64', 'float32', 'int64', 'int32', 'bool')},
        (history_buffer_getattr, '__builtin__.getattr'),
        (history_buffer_getattr, 'builtins.getattr'),
    ]


def allow_mmengine_checkpoints() -> None:
    """Register :func:`mmengine_checkpoint_globals` with torch's safe unpickler."""
    torch.serialization.add_safe_globals(mmengine_checkpoint_globals())


# torch's own switch: torch.load calls that do not pass weights_only load full pickles.
TRUST_VARIABLE = 'TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD'


def trust_checkpoints() -> None:
    """Load every checkpoint with full pickle from now on: code in a file will run.

    Only for files from a source you trust (``--trust-checkpoint`` in the tools).
    """
    os.environ[TRUST_VARIABLE] = '1'


def checkpoints_trusted() -> bool:
    """Whether :func:`trust_checkpoints` (or torch's variable) switched the protection off."""
    return os.environ.get(TRUST_VARIABLE, '0').lower() in ('1', 'y', 'yes', 'true')


def refused_checkpoint_error(path: str, err: Exception) -> pickle.UnpicklingError:
    """The error for a checkpoint that holds objects outside the allow-list."""
    lines = [line.strip() for line in str(err).splitlines() if line.strip()]
    # torch puts the refused global on a line of its own after its generic advice.
    detail = next((line for line in lines if 'Unsupported global' in line or
                   'Unsupported operand' in line), lines[0] if lines else type(err).__name__)
    return pickle.UnpicklingError(
        f'{path} holds objects outside the safe allow-list, so it was not loaded ({detail}). '
        'If the file comes from a source you trust, pass --trust-checkpoint to the tool '
        f'(or set {TRUST_VARIABLE}=1); this lets the file run code.')


@contextmanager
def explain_refused_checkpoints(path: str | None) -> Iterator[None]:
    """Turn torch's refusal of an unsafe checkpoint inside MMEngine into :func:`refused_checkpoint_error`."""
    try:
        yield
    except pickle.UnpicklingError as err:
        raise refused_checkpoint_error(path or 'The checkpoint', err) from None
