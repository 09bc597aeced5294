"""Reading a config as the train and test tools do: ``--data-root``, ``--cfg-options`` (test
options reaching validation), the launcher and the work dir."""
import argparse
import os

from mmengine.config import Config

from ..utils.cli import PathDictAction

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
    """``--data-root``, ``--cfg-options`` (``example`` shows one), ``--launcher``,
    ``--local-rank`` and ``--trust-checkpoint``."""
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
