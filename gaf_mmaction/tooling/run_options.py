"""The train and test tools' flags, applied to the config as MMAction2's tools apply theirs."""
import os
import tempfile

from mmengine.config import Config

from ..engine.checkpoint_files import find_resume_checkpoint
from ..engine.preemption_hook import restart_resume_checkpoint
from ..utils.errors import ConfigMismatchError, OutputPathError


def use_amp(cfg: Config) -> None:
    """Switch the optimizer wrappers of ``cfg`` to bf16 ``AmpOptimWrapper``.

    Set at the top of ``optim_wrapper``, as MMAction2's ``--amp`` does;
    :class:`GAFOptimWrapperConstructor` applies it to both passes.
    """
    cfg.optim_wrapper.type = 'AmpOptimWrapper'
    cfg.optim_wrapper.setdefault('dtype', 'bfloat16')


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


def allow_partial_load(cfg: Config) -> None:
    """``--allow-partial-load``: the config's ``StartCheckpointHook`` loads what fits of a
    ``load_from`` checkpoint, logging the rest.

    Raises:
        KeyError: When the config has no ``default_hooks.start_checkpoint``.
    """
    hook = cfg.get('default_hooks', {}).get('start_checkpoint')
    if not hook:
        raise KeyError('--allow-partial-load needs default_hooks.start_checkpoint in the config '
                       "(dict(type='StartCheckpointHook'), configs/_base_/default_runtime.py)")
    hook.allow_partial = True


def check_writable(path: str) -> None:
    """Fail now, not after an hour of testing, if ``path`` cannot be written.

    An existing ``path`` is opened for appending; otherwise a file of this
    process's own is created and removed in its folder, so that the ranks of
    a distributed test, which all check the same path at once, never create
    or remove each other's files.

    Raises:
        OutputPathError: Naming the path (its folder cannot be made, or the
            file or its folder cannot be written).
    """
    folder = os.path.dirname(os.path.abspath(path))
    try:
        os.makedirs(folder, exist_ok=True)
        if os.path.lexists(path):
            with open(path, 'a'):
                pass
        else:
            with tempfile.NamedTemporaryFile(dir=folder, prefix='.write-check-'):
                pass
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
