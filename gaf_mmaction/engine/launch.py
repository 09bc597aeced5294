"""Runner set-up shared by the train and test tools (MMEngine 0.10 with current torch)."""
import argparse
import os

import torch
import torch.distributed as dist
from mmengine.config import Config, DictAction
from mmengine.runner import Runner

from ..checkpoint.safe_loading import allow_mmengine_checkpoints, trust_checkpoints
from .checkpoint_files import find_resume_checkpoint


def init_cpu_distributed(cfg: Config, launcher: str) -> None:
    """Start a gloo process group when launched distributed on a machine without CUDA.

    MMEngine's own initialisation calls ``torch.cuda.set_device`` and its DDP
    wrapper passes ``device_ids``, both of which fail on CPU; with the group
    already up the Runner skips the former, and the wrapper config below
    avoids the latter.
    """
    if launcher == 'none' or torch.cuda.is_available():
        return
    if not dist.is_initialized():
        dist.init_process_group('gloo')
    cfg.setdefault('model_wrapper_cfg', dict(type='MMDistributedDataParallel'))
    cfg.model_wrapper_cfg.update(device_ids=None, broadcast_buffers=False,
                                 find_unused_parameters=True)


def finish_distributed() -> None:
    """Synchronise and close the process group (avoids aborts at exit on CPU)."""
    if dist.is_available() and dist.is_initialized():
        dist.barrier()
        dist.destroy_process_group()


def use_amp(cfg: Config) -> None:
    """Switch every optimizer wrapper of ``cfg`` to ``AmpOptimWrapper`` (bf16 where supported)."""
    wrappers = [cfg.optim_wrapper[k] for k in ('detector', 'cvae') if k in cfg.optim_wrapper]
    for wrapper in wrappers or [cfg.optim_wrapper]:
        wrapper.type = 'AmpOptimWrapper'
        wrapper.setdefault('dtype', 'bfloat16')


def load_config(path: str, cfg_options: dict | None, launcher: str,
                work_dir: str | None) -> Config:
    """Read a config, apply ``--cfg-options`` and set the launcher and work dir.

    The work dir defaults to the config's own, else ``work_dirs/<config name>``
    (MMAction2's default).
    """
    cfg = Config.fromfile(path)
    if cfg_options:
        cfg.merge_from_dict(cfg_options)
    cfg.launcher = launcher
    cfg.work_dir = work_dir or cfg.get('work_dir') or os.path.join(
        'work_dirs', os.path.splitext(os.path.basename(path))[0])
    return cfg


def add_runner_args(parser: argparse.ArgumentParser, example: str) -> None:
    """``--cfg-options`` (``example`` shows one), ``--launcher`` and ``--local-rank``."""
    parser.add_argument('--cfg-options', nargs='+', action=DictAction,
                        help=f'override config settings, e.g. {example}')
    parser.add_argument('--launcher', choices=['none', 'pytorch', 'slurm', 'mpi'],
                        default='none', help='job launcher')
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)
    parser.add_argument('--trust-checkpoint', action='store_true',
                        help='load checkpoints with full pickle, which can run code: only for '
                             'files from a source you trust (default: weights-only loading)')


def set_resume(cfg: Config, resume: str | None) -> None:
    """Apply ``--resume`` (a path, or 'auto' for the work dir's newest complete checkpoint)."""
    if resume is None:
        return
    path = find_resume_checkpoint(cfg.work_dir) if resume == 'auto' else os.path.abspath(resume)
    cfg.resume, cfg.load_from = path is not None, path


def build_runner(cfg: Config, trust_checkpoint: bool = False) -> Runner:
    """MMEngine's Runner for ``cfg``, with safe checkpoint loading and CPU-distributed support.

    ``trust_checkpoint`` switches the weights-only protection off (see
    :func:`~gaf_mmaction.checkpoint.safe_loading.trust_checkpoints`).
    """
    allow_mmengine_checkpoints()
    if trust_checkpoint:
        trust_checkpoints()
    init_cpu_distributed(cfg, cfg.launcher)
    return Runner.from_cfg(cfg)
