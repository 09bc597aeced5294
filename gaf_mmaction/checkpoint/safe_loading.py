"""Let ``torch.load(weights_only=True)`` read MMEngine's own checkpoints.

Since torch 2.6 ``torch.load`` refuses pickled objects it does not know, and
MMEngine 0.10 calls it without ``weights_only``: resuming then fails on the
message hub's ``HistoryBuffer``, numpy arrays and the ``getattr`` calls that
pickle a buffer's statistics methods. Rather than switching the protection
off (``TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD=1``), we allow exactly the types that
MMEngine writes into a checkpoint, and ``getattr`` only for those methods.
A checkpoint holding anything else is refused unless the user says they
trust it (``--trust-checkpoint``, i.e. :func:`trust_checkpoints`).

:func:`load_checkpoint_file` is the one loader: it also tells an empty,
truncated or foreign file from an unsafe one, and MMEngine's loaders for
local files, URLs and model-zoo names are replaced by it
(:func:`register_safe_checkpoint_loaders`).
"""
import logging
import os
import pickle
import zipfile
from pathlib import Path
from urllib.parse import urlparse

import mmengine.runner.checkpoint as mmengine_checkpoint
import numpy as np
import torch
from mmengine.logging import print_log
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


class CheckpointFileError(ValueError):
    """A checkpoint file that cannot be read: empty, truncated or not a torch checkpoint."""


ZIP_MAGIC = b'PK\x03\x04'
PICKLE_PROTO = 0x80  # torch's legacy (non-zip) format starts with a pickle protocol marker


def checkpoint_file_problem(path: str | Path) -> str | None:
    """What makes ``path`` unreadable as a torch checkpoint, from its size and first bytes.

    Only the zip directory is read (not the tensors), so this is cheap even
    for a 1.83 GB training checkpoint. None when nothing is wrong that can be seen
    without unpickling.
    """
    path = Path(path)
    size = path.stat().st_size
    if size == 0:
        return 'is empty (0 bytes): an interrupted save or copy leaves such a file'
    with open(path, 'rb') as f:
        head = f.read(4)
    if head == ZIP_MAGIC:
        try:
            with zipfile.ZipFile(path):
                return None
        except zipfile.BadZipFile:
            return f'is truncated or corrupt ({size} bytes, an incomplete zip archive)'
    if head[:1] != bytes([PICKLE_PROTO]):
        return f'is not a torch checkpoint (it starts with {head!r})'
    return None


_warned_unprotected = False


def warn_if_unprotected() -> None:
    """Log once that torch's protection is off when its environment variable turns it off."""
    global _warned_unprotected
    if checkpoints_trusted() and not _warned_unprotected:
        _warned_unprotected = True
        print_log(f'{TRUST_VARIABLE} is set (or --trust-checkpoint was given): checkpoints are '
                  'loaded with full pickle, so a file can run code. Unset it unless every '
                  'checkpoint comes from a source you trust.', logger='current',
                  level=logging.WARNING)


def load_checkpoint_file(path: str | Path, map_location=None, source: str | None = None):
    """``torch.load`` with the weights-only protection and errors that name the file.

    Every checkpoint this project reads goes through here: our tools, and
    MMEngine's ``load_from`` / ``resume`` / ``Pretrained`` for local files and
    URLs alike (:func:`register_safe_checkpoint_loaders`).

    Args:
        path: Local file.
        map_location: As :func:`torch.load`.
        source: What to call the file in errors (a URL it was downloaded
            from); defaults to ``path``.

    Raises:
        FileNotFoundError: No such file.
        CheckpointFileError: Empty, truncated or not a torch checkpoint.
        pickle.UnpicklingError: It holds objects outside the allow-list
            (:func:`refused_checkpoint_error`).
    """
    source = source or str(path)
    if not Path(path).is_file():
        raise FileNotFoundError(f'Checkpoint not found: {source}')
    problem = checkpoint_file_problem(path)
    if problem:
        raise CheckpointFileError(f'{source} {problem}')
    warn_if_unprotected()
    allow_mmengine_checkpoints()
    try:
        return torch.load(path, map_location=map_location, weights_only=not checkpoints_trusted())
    except pickle.UnpicklingError as err:
        if checkpoints_trusted():
            raise CheckpointFileError(f'{source} is not a torch checkpoint or is corrupt '
                                      f'({err})') from None
        raise refused_checkpoint_error(source, err) from None
    except (EOFError, RuntimeError, zipfile.BadZipFile) as err:
        raise CheckpointFileError(f'{source} is truncated or corrupt ({err})') from None


def _download(url: str) -> str:
    """``url`` fetched once into torch hub's checkpoint folder; the local path."""
    folder = Path(torch.hub.get_dir()) / 'checkpoints'
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / (Path(urlparse(url).path).name or 'checkpoint.pth')
    if not target.is_file():
        print_log(f'Downloading {url} to {target}', logger='current')
        torch.hub.download_url_to_file(url, str(target), progress=False)
    return str(target)


def load_checkpoint_url(url: str, map_location=None):
    """A checkpoint from ``http(s)://``: downloaded, then :func:`load_checkpoint_file`."""
    return load_checkpoint_file(_download(url), map_location, source=url)


def _resolve_model_zoo(filename: str) -> str:
    """The URL (or file) of a ``torchvision://``, ``open-mmlab://`` or ``mmcls://`` name."""
    scheme, name = filename.split('://', 1)
    if scheme in ('modelzoo', 'torchvision'):
        urls = mmengine_checkpoint.get_torchvision_models()
    elif scheme == 'mmcls':
        urls = mmengine_checkpoint.get_mmcls_models()
    else:
        name = mmengine_checkpoint.get_deprecated_model_names().get(name, name)
        urls = mmengine_checkpoint.get_external_models()
    if name not in urls:
        raise KeyError(f'{filename}: no such model in the {scheme} model zoo')
    url = urls[name]
    if url.startswith(('http://', 'https://')):
        return url
    return os.path.join(mmengine_checkpoint._get_mmengine_home(), url)


def load_checkpoint_model_zoo(filename: str, map_location=None):
    """A checkpoint named by a model-zoo scheme, through the same safe loading."""
    location = _resolve_model_zoo(filename)
    if location.startswith(('http://', 'https://')):
        return load_checkpoint_url(location, map_location)
    return load_checkpoint_file(location, map_location, source=filename)


def register_safe_checkpoint_loaders() -> None:
    """Make MMEngine load local files, URLs and model-zoo names through the safe loader.

    MMEngine's own loaders fetch URLs through ``torch.hub`` with full pickle
    (a file served from anywhere could run code) and load local files
    without naming them in errors. Importing ``gaf_mmaction`` calls this,
    so MMAction2's tools get the same protection as ours.
    """
    register = mmengine_checkpoint.CheckpointLoader.register_scheme
    register(prefixes='', loader=load_checkpoint_file, force=True)
    register(prefixes=('http://', 'https://'), loader=load_checkpoint_url, force=True)
    register(prefixes=('modelzoo://', 'torchvision://', 'open-mmlab://', 'openmmlab://',
                       'mmcls://'), loader=load_checkpoint_model_zoo, force=True)
