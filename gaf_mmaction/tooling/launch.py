"""Runner set-up shared by the train and test tools (MMEngine 0.10 with current torch)."""
import argparse
import datetime
import logging
import os
import sys

import torch
import torch.distributed as dist
from mmengine.config import Config
from mmengine.logging import print_log
from mmengine.model import is_model_wrapper
from mmengine.runner import Runner
from torch import nn

from ..checkpoint.exact_load import CheckpointMismatchError, mismatch_report
from ..checkpoint.safe_loading import (
    allow_mmengine_checkpoints,
    load_checkpoint_file,
    trust_checkpoints,
    warn_if_unprotected,
)
from ..engine.checkpoint_files import find_resume_checkpoint
from ..engine.preemption_hook import restart_resume_checkpoint
from ..structures import CVAE_KEYS
from ..utils.cli import PathDictAction
from ..utils.errors import ConfigMismatchError, OutputPathError


def init_cpu_distributed(cfg: Config, launcher: str) -> None:
    """Start a gloo process group when launched distributed on a machine without CUDA.

    MMEngine's own initialisation calls ``torch.cuda.set_device``, which fails
    on CPU; with the group already up the Runner skips it. A plain DDP
    wrapper then must not be given ``device_ids`` (our two-pass wrapper
    chooses them itself).
    """
    if launcher == 'none' or torch.cuda.is_available():
        return
    if not dist.is_initialized():
        timeout = cfg.get('env_cfg', {}).get('dist_cfg', {}).get('timeout')
        dist.init_process_group('gloo', timeout=None if timeout is None
                                else datetime.timedelta(seconds=timeout))
    cfg.setdefault('model_wrapper_cfg', dict(type='MMDistributedDataParallel'))
    if cfg.model_wrapper_cfg.get('type') != 'TwoPassDistributedDataParallel':
        cfg.model_wrapper_cfg.update(device_ids=None, broadcast_buffers=False)


# How long the last barrier waits for a rank that does not come (it died, or hangs).
FINAL_BARRIER_SECONDS = 120


def finish_distributed() -> None:
    """Meet every rank once more, close the process group and end this process at once.

    A rank that fails before the end makes the others fail too, naming it: on gloo a
    monitored barrier names the ranks that did not arrive within
    ``FINAL_BARRIER_SECONDS`` (a dead peer's closed connection is named at once); NCCL's
    barrier fails within the collective timeout (``env_cfg.dist_cfg.timeout``). Past the
    barrier every rank leaves through ``os._exit(0)`` once its logs are flushed: nothing in
    the interpreter's teardown (where CPU runs of several processes were seen to abort) can
    then fail one node after the others finished - torchrun on each of the others would wait
    300 s for it in its exit barrier. Does nothing outside a distributed run.
    """
    if not (dist.is_available() and dist.is_initialized()):
        return
    if dist.get_backend() == 'gloo':
        dist.monitored_barrier(timeout=datetime.timedelta(seconds=FINAL_BARRIER_SECONDS),
                               wait_all_ranks=True)
    else:
        dist.barrier()
    dist.destroy_process_group()
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


def use_amp(cfg: Config) -> None:
    """Switch the optimizer wrappers of ``cfg`` to bf16 ``AmpOptimWrapper``.

    Set at the top of ``optim_wrapper``, as MMAction2's ``--amp`` does;
    :class:`GAFOptimWrapperConstructor` applies it to both passes.
    """
    cfg.optim_wrapper.type = 'AmpOptimWrapper'
    cfg.optim_wrapper.setdefault('dtype', 'bfloat16')


SPLITS = ('train', 'val', 'test')


def load_config(path: str, cfg_options: dict | None, launcher: str,
                work_dir: str | None, data_root: str | None = None) -> Config:
    """Read a config, apply ``--data-root`` and ``--cfg-options``, set the launcher and work dir.

    ``data_root`` becomes every split's ``dataset.data_root``. Validation
    follows the test split: in a config whose validation data (evaluator) is
    its test data (evaluator), as the GAF configs have it, a ``--cfg-options``
    key of ``test_dataloader`` (``test_evaluator``) that names no
    ``val_dataloader`` (``val_evaluator``) key applies to both. The work dir
    defaults to the config's own, else ``work_dirs/<config name>`` (MMAction2's
    default).
    """
    cfg = Config.fromfile(path)
    options = dict(cfg_options or {})
    if data_root is not None:
        options.update({f'{split}_dataloader.dataset.data_root': data_root
                        for split in SPLITS if cfg.get(f'{split}_dataloader')})
    for part in ('dataloader', 'evaluator'):
        test, val = cfg.get(f'test_{part}'), cfg.get(f'val_{part}')
        if test is not None and test == val and not any(
                k.startswith(f'val_{part}.') for k in options):
            options.update({f'val_{k[5:]}': v for k, v in list(options.items())
                            if k.startswith(f'test_{part}.')})
    if options:
        cfg.merge_from_dict(options)
    cfg.launcher = launcher
    cfg.work_dir = work_dir or cfg.get('work_dir') or os.path.join(
        'work_dirs', os.path.splitext(os.path.basename(path))[0])
    return cfg


def add_runner_args(parser: argparse.ArgumentParser, example: str) -> None:
    """``--data-root``, ``--cfg-options`` (``example`` shows one), ``--launcher`` and
    ``--local-rank``."""
    parser.add_argument('--data-root', help="the data folder of every split (each dataset's "
                        'data_root)')
    parser.add_argument('--cfg-options', nargs='+', action=PathDictAction,
                        help=f'override config settings, e.g. {example} (test_dataloader.* '
                             'and test_evaluator.* keys apply to validation too, unless the '
                             'config validates on other data)')
    parser.add_argument('--launcher', choices=['none', 'pytorch', 'slurm', 'mpi'],
                        default='none', help='job launcher')
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)
    parser.add_argument('--trust-checkpoint', action='store_true',
                        help='load checkpoints with full pickle, which can run code: only for '
                             'files from a source you trust (default: weights-only loading)')


def apply_train_options(cfg: Config, no_validate: bool = False, auto_scale_lr: bool = False,
                        seed: int | None = None, diff_rank_seed: bool = False,
                        deterministic: bool = False) -> None:
    """The training flags MMAction2's ``tools/train.py`` has, applied as it applies them.

    ``no_validate`` drops validation; ``auto_scale_lr`` scales both
    optimizers' learning rates by the total batch over
    ``auto_scale_lr.base_batch_size``; ``seed``, ``diff_rank_seed`` and
    ``deterministic`` set ``randomness`` (a given seed overrides the config's).
    """
    if no_validate:
        cfg.val_cfg = cfg.val_dataloader = cfg.val_evaluator = None
    if auto_scale_lr:
        if 'base_batch_size' not in cfg.get('auto_scale_lr', {}):
            raise KeyError('--auto-scale-lr needs auto_scale_lr.base_batch_size in the config')
        cfg.auto_scale_lr.enable = True
    randomness = cfg.get('randomness') or dict(seed=None)
    if seed is not None:
        randomness['seed'] = seed
    if diff_rank_seed:
        randomness['diff_rank_seed'] = True
    if deterministic:
        randomness['deterministic'] = True
        # cuBLAS is deterministic only with a fixed workspace, set before CUDA starts.
        os.environ.setdefault('CUBLAS_WORKSPACE_CONFIG', ':4096:8')
    cfg.randomness = randomness


# Modules whose backward on CUDA has no deterministic kernel: torch raises at the first
# backward pass under randomness.deterministic (torch.use_deterministic_algorithms).
NONDETERMINISTIC_ON_CUDA = (nn.AvgPool3d, nn.AdaptiveAvgPool2d, nn.AdaptiveAvgPool3d,
                            nn.AdaptiveMaxPool2d, nn.FractionalMaxPool2d, nn.FractionalMaxPool3d,
                            nn.ReflectionPad1d, nn.ReflectionPad2d, nn.ReflectionPad3d,
                            nn.CTCLoss)
INTERPOLATING = ('linear', 'bilinear', 'bicubic', 'trilinear')


def nondeterministic_modules(model: nn.Module) -> list[str]:
    """'name (Type)' of each module of ``model`` that deterministic CUDA training refuses."""
    model = model.module if is_model_wrapper(model) else model
    return [f'{name} ({type(module).__name__})' for name, module in model.named_modules()
            if isinstance(module, NONDETERMINISTIC_ON_CUDA)
            or (isinstance(module, nn.Upsample) and module.mode in INTERPOLATING)]


def check_deterministic(model: nn.Module, cfg: Config) -> None:
    """Refuse deterministic CUDA training of a model that torch cannot run deterministically,
    before the first step (instead of a RuntimeError deep in its backward pass).

    Raises:
        ValueError: Naming each such module and the config key that holds it.
    """
    if not (cfg.get('randomness') or {}).get('deterministic') or not torch.cuda.is_available():
        return
    found = nondeterministic_modules(model)
    if found:
        keys = sorted({f"model.{name.split('.')[0]}" for name in found})
        raise ConfigMismatchError(
            f'--deterministic (randomness.deterministic=True): on CUDA, torch has no '
            f'deterministic backward pass for {", ".join(found)}. Give {", ".join(keys)} a '
            'part without it (GAF\'s own modules average by SpatialMean), or train without '
            '--deterministic.')


def check_writable(path: str) -> None:
    """Fail now, not after an hour of testing, if ``path`` cannot be written.

    Raises:
        OutputPathError: Naming the path (its folder cannot be made, or the
            file cannot be opened for writing).
    """
    try:
        os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
        existed = os.path.exists(path)
        with open(path, 'a'):
            pass
        if not existed:
            os.remove(path)
    except OSError as err:
        raise OutputPathError(f'Cannot write the results to {path} ({err.strerror}); '
                              'choose another --out / --dump path') from None


def apply_test_options(cfg: Config, dump: str | None = None, show_dir: str | None = None) -> None:
    """MMAction2's test flags: ``--dump`` (window predictions to a pickle) and ``--show-dir``.

    ``show_dir`` switches on the config's ``default_hooks.visualization``
    (:class:`TimelineVisualizationHook`: a timeline PNG per test video).
    """
    if dump is not None:
        if not dump.endswith(('.pkl', '.pickle')):
            raise ValueError(f'--dump writes a pickle: give a .pkl file, got {dump!r}')
        check_writable(dump)
        evaluators = cfg.test_evaluator
        evaluators = list(evaluators) if isinstance(evaluators, (list, tuple)) else [evaluators]
        cfg.test_evaluator = [*evaluators, dict(type='DumpResults', out_file_path=dump)]
    if show_dir is not None:
        if 'visualization' not in cfg.get('default_hooks', {}):
            raise KeyError('--show-dir needs default_hooks.visualization in the config '
                           "(e.g. dict(type='TimelineVisualizationHook'))")
        cfg.default_hooks.visualization.update(enable=True, out_dir=show_dir)


def set_resume(cfg: Config, resume: str | None) -> None:
    """Apply ``--resume`` (a path, or 'auto' for the work dir's newest complete checkpoint).

    Without ``--resume``, a process that torchrun restarted or whose Slurm job
    was requeued resumes from the newest complete checkpoint as 'auto' would.
    """
    if resume is None:
        path = restart_resume_checkpoint(cfg.work_dir)
    else:
        path = find_resume_checkpoint(cfg.work_dir) if resume == 'auto' else os.path.abspath(
            resume)
    if resume is not None or path is not None:
        cfg.resume, cfg.load_from = path is not None, path


def apply_time_budget(cfg: Config, seconds: float | None) -> None:
    """``--time-budget``: training stops cleanly (checkpoint, status 75) before ``seconds``
    have passed since the launch (see :class:`PreemptionHook`).

    Raises:
        ConfigMismatchError: When the config has no ``default_hooks.preemption`` to apply it.
    """
    if seconds is None:
        return
    if not (cfg.get('default_hooks') or {}).get('preemption'):
        raise ConfigMismatchError(
            "--time-budget needs default_hooks.preemption=dict(type='PreemptionHook') in the "
            'config (configs/_base_/default_runtime.py has it)')
    cfg.default_hooks.preemption.time_budget = seconds


def build_runner(cfg: Config, trust_checkpoint: bool = False) -> Runner:
    """MMEngine's Runner for ``cfg``, with safe checkpoint loading and CPU-distributed support.

    ``trust_checkpoint`` switches the weights-only protection off (see
    :func:`~gaf_mmaction.checkpoint.safe_loading.trust_checkpoints`).
    """
    allow_mmengine_checkpoints()
    if trust_checkpoint:
        trust_checkpoints()
    warn_if_unprotected()
    init_cpu_distributed(cfg, cfg.launcher)
    return Runner.from_cfg(cfg)


def check_start_checkpoint(model: torch.nn.Module, path: str | None, resume: bool,
                           allow_partial: bool = False) -> None:
    """Refuse a ``load_from`` / ``--resume`` checkpoint that does not fit, before training.

    MMEngine loads it non-strictly: a checkpoint of another architecture
    would only log a warning and train from mostly random weights, and one
    without training state fails on a bare ``KeyError: 'epoch'`` when
    resumed. For ``load_from`` the CVAE keys may be absent (a converted
    published detector has none; the CVAEs then start from their
    initialisation). The file is read here once more than MMEngine reads it.

    Args:
        model: The runner's model (unwrapped here if wrapped).
        path: ``cfg.load_from``; nothing to check when None.
        resume: ``cfg.resume``: ``path`` must then be a training checkpoint.
        allow_partial: Accept a ``load_from`` checkpoint that fits only in
            part (``--allow-partial-load``), as MMEngine does; the misfit
            keys are logged.

    Raises:
        CheckpointMismatchError: Listing every missing, unexpected and
            mis-shaped key, or naming the missing training state.
    """
    if not path:
        return
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
