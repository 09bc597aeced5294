"""Loading state dicts so that every key is accounted for."""
from collections.abc import Iterable, Mapping
from fnmatch import fnmatchcase
from pathlib import Path

import torch
from mmengine.logging import MMLogger
from torch import Tensor, nn

from ..utils.errors import UserError
from .safe_loading import load_checkpoint_file


class CheckpointMismatchError(UserError, RuntimeError):
    """A state dict does not fit a model: lists each missing, unexpected or mis-shaped key."""


def mismatch_report(expected: Mapping[str, torch.Size], given: Mapping[str, Tensor],
                    source: str, allow_missing: Iterable[str] = ()) -> list[str]:
    """Describe every difference between expected shapes and a state dict.

    Args:
        expected: Key -> shape the model needs.
        given: Key -> tensor from the checkpoint.
        source: Where ``given`` came from (a path), named in each line.
        allow_missing: Patterns (``fnmatch``) of keys that may be absent,
            e.g. ``'*.num_batches_tracked'``.

    Returns:
        One line per problem, empty when the two fit exactly.
    """
    allow = tuple(allow_missing)
    missing = [k for k in expected
               if k not in given and not any(fnmatchcase(k, pattern) for pattern in allow)]
    unexpected = [k for k in given if k not in expected]
    mis_shaped = [
        f'{k}: checkpoint {tuple(given[k].shape)} vs model {tuple(expected[k])}'
        for k in expected if k in given and tuple(given[k].shape) != tuple(expected[k])]
    lines = []
    if missing:
        lines.append(f'{len(missing)} key(s) missing from {source}: ' + ', '.join(missing))
    if unexpected:
        lines.append(f'{len(unexpected)} unexpected key(s) in {source}: ' + ', '.join(unexpected))
    if mis_shaped:
        lines.append(f'{len(mis_shaped)} shape mismatch(es) in {source}: ' + '; '.join(mis_shaped))
    return lines


def load_state_dict_exact(module: nn.Module, state_dict: Mapping[str, Tensor], source: str,
                          allow_missing: Iterable[str] = ()) -> None:
    """Load ``state_dict`` into ``module`` or raise naming every misfit key.

    Args:
        module: Target module.
        state_dict: Tensors keyed as ``module.state_dict()``.
        source: Where the tensors came from, for the error message.
        allow_missing: Patterns of keys that may be absent and keep their values.

    Raises:
        CheckpointMismatchError: On any missing, unexpected or mis-shaped key.
    """
    expected = {k: v.shape for k, v in module.state_dict().items()}
    problems = mismatch_report(expected, state_dict, source, allow_missing)
    if problems:
        raise CheckpointMismatchError(
            f'{type(module).__name__} cannot load {source}:\n  ' + '\n  '.join(problems))
    # Every key is checked above; strict=False only tolerates the allowed absences.
    module.load_state_dict(state_dict, strict=False)


def read_state_dict(path: str | Path) -> dict[str, Tensor]:
    """The state dict of a checkpoint file: MMEngine's ``state_dict`` entry or the whole file
    (see :func:`read_checkpoint`)."""
    return read_checkpoint(path)[0]


def read_checkpoint(path: str | Path) -> tuple[dict[str, Tensor], dict]:
    """The state dict of a checkpoint file (MMEngine's ``state_dict`` entry or the whole
    file) and its ``meta`` ({} for a plain state dict).

    Read by :func:`~.safe_loading.load_checkpoint_file` (weights-only, so a
    file holding code is refused unless
    :func:`~.safe_loading.trust_checkpoints` was called).

    Raises:
        FileNotFoundError: Naming the missing file.
        CheckpointFileError: Naming an empty, truncated or foreign file.
        pickle.UnpicklingError: Naming the file and the flag that would load it.
        TypeError: If the file holds no dict of tensors.
    """
    checkpoint = load_checkpoint_file(path, map_location='cpu')
    state = checkpoint.get('state_dict', checkpoint) if isinstance(checkpoint, dict) else None
    if not isinstance(state, dict) or not all(isinstance(v, Tensor) for v in state.values()):
        raise TypeError(f'{path} holds no state dict of tensors (got {type(checkpoint).__name__})')
    meta = checkpoint.get('meta') if 'state_dict' in checkpoint else None
    return state, meta if isinstance(meta, dict) else {}


def load_checkpoint_exact(module: nn.Module, path: str, allow_missing: Iterable[str] = (),
                          drop_prefixes: Iterable[str] = ()) -> dict:
    """Load an MMEngine checkpoint (or a plain state dict file) exactly into ``module``.

    Read by :func:`read_checkpoint`; see :func:`load_state_dict_exact`.
    Keys under ``drop_prefixes`` are removed first (and logged), for a model
    that deliberately lacks a part the checkpoint has.

    Returns:
        The checkpoint's ``meta`` ({} for a plain state dict).
    """
    state, meta = read_checkpoint(path)
    prefixes = tuple(drop_prefixes)
    dropped = [k for k in state if k.startswith(prefixes)] if prefixes else []
    if dropped:
        state = {k: v for k, v in state.items() if not k.startswith(prefixes)}
        MMLogger.get_current_instance().info(
            f'{path}: left out {len(dropped)} tensors under {prefixes}')
    load_state_dict_exact(module, state, path, allow_missing)
    return meta
