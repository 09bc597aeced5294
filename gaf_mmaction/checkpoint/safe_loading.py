"""Let ``torch.load(weights_only=True)`` read MMEngine's own checkpoints.

Since torch 2.6 ``torch.load`` refuses pickled objects it does not know, and
MMEngine 0.10 calls it without ``weights_only``: resuming then fails on the
message hub's ``HistoryBuffer``, numpy arrays and the ``getattr`` calls that
pickle a buffer's statistics methods. Rather than switching the protection
off (``TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD=1``), we allow exactly the types that
MMEngine writes into a checkpoint, and ``getattr`` only for those methods.
"""
import pickle

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
