"""A ``load_from`` or resume checkpoint that does not fit the model, refused before MMEngine
loads it (non-strictly: with a warning only)."""
import logging

import torch
from mmaction.registry import HOOKS
from mmengine.hooks import Hook
from mmengine.logging import print_log
from mmengine.model import is_model_wrapper
from mmengine.runner import find_latest_checkpoint

from ..checkpoint.exact_load import CheckpointMismatchError, mismatch_report
from ..checkpoint.safe_loading import load_checkpoint_file
from ..structures import CVAE_KEYS
from ..utils import InputPath, require_inputs


def start_checkpoint_input(path: str, resume: bool) -> InputPath:
    """The checkpoint a run starts from, as an input that must exist."""
    return InputPath(path, '--resume' if resume else 'load_from',
                     'checkpoint to resume from' if resume else 'checkpoint to start from',
                     'give a checkpoint of tools/train.py, or a published one converted as '
                     'docs/model_zoo.md#converting says')


def check_start_checkpoint(model: torch.nn.Module, path: str | None, resume: bool,
                           allow_partial: bool = False) -> None:
    """Refuse a ``load_from`` / ``--resume`` checkpoint that does not fit, before it is loaded.

    MMEngine loads it non-strictly: a checkpoint of another architecture
    would only log a warning and train (or test) mostly random weights, and
    one without training state fails on a bare ``KeyError: 'epoch'`` when
    resumed. For ``load_from`` the CVAE keys may be absent (a converted
    published detector has none; the CVAEs then start from their
    initialisation). The file is read here once more than MMEngine reads it.

    Args:
        model: The runner's model (unwrapped here if wrapped).
        path: ``load_from``; nothing to check when None.
        resume: ``path`` must then be a training checkpoint.
        allow_partial: Accept a ``load_from`` checkpoint that fits only in
            part (``--allow-partial-load``), as MMEngine does; the misfit
            keys are logged.

    Raises:
        MissingInputError: When ``path`` does not exist.
        CheckpointMismatchError: Listing every missing, unexpected and
            mis-shaped key, or naming the missing training state.
    """
    if not path:
        return
    if '://' not in path:
        require_inputs([start_checkpoint_input(path, resume)])
    checkpoint = load_checkpoint_file(path, map_location='cpu')
    if not isinstance(checkpoint, dict):
        raise CheckpointMismatchError(f'{path} holds no state dict (a {type(checkpoint).__name__})')
    if resume:
        absent = [k for k in ('epoch', 'iter') if k not in checkpoint.get('meta', {})]
        if absent or 'optimizer' not in checkpoint:
            raise CheckpointMismatchError(
                f'{path} is not a training checkpoint (no meta {absent} or optimizer state), so '
                'training cannot resume from it; to start from its weights use --cfg-options '
                f'load_from={path} without --resume')
    model = model.module if is_model_wrapper(model) else model
    expected = {k: v.shape for k, v in model.state_dict().items()}
    allow_missing = () if resume else (CVAE_KEYS, )
    problems = mismatch_report(expected, checkpoint.get('state_dict', checkpoint), path,
                               allow_missing)
    if not problems:
        return
    message = f'{type(model).__name__} cannot load {path}:\n  ' + '\n  '.join(problems)
    if allow_partial and not resume:
        print_log(f'{message}\nLoading what fits (--allow-partial-load).', logger='current',
                  level=logging.WARNING)
        return
    raise CheckpointMismatchError(
        f'{message}\nUse a checkpoint of this config, convert a published one '
        '(tools/convert_gaf_checkpoint.py), or pass --allow-partial-load to load what fits.')


@HOOKS.register_module()
class StartCheckpointHook(Hook):
    """:func:`check_start_checkpoint` of the runner's ``load_from`` / ``resume``, in
    ``before_run``: the runner loads the checkpoint right after (training and testing alike;
    MMAction2's ``tools/test.py`` tests its checkpoint as ``load_from``).

    Args:
        allow_partial: Start from a ``load_from`` checkpoint that fits only in
            part, logging the misfit keys (``tools/train.py
            --allow-partial-load`` sets it). Defaults to False.
    """

    def __init__(self, allow_partial: bool = False) -> None:
        self.allow_partial = allow_partial

    def before_run(self, runner) -> None:
        path, resume = runner.cfg.get('load_from'), bool(runner.cfg.get('resume'))
        if resume and not path:
            # Resume from the work dir's newest checkpoint, as MMEngine will.
            path = find_latest_checkpoint(runner.work_dir)
        check_start_checkpoint(runner.model, path, resume, self.allow_partial)
