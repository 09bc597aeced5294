"""Train a GAF model with MMEngine's Runner (MMAction2's tools/train.py, for this plugin).

Examples:
    python tools/train.py configs/gaf/gaf_i3d_1xb8-256x96x96-300e_thumos14-rgb.py
    python tools/train.py configs/gaf/gaf_i3d_1xb8-256x96x96-300e_thumos14-rgb.py --resume
    python tools/train.py configs/gaf/gaf_i3d_1xb8-256x96x96-300e_thumos14-rgb.py \
        --cfg-options train_dataloader.batch_size=4
"""
import argparse

from gaf_mmaction.tooling.config_loading import add_runner_args, load_config
from gaf_mmaction.tooling.distributed import finish_distributed
from gaf_mmaction.tooling.launch import build_runner, check_run_inputs
from gaf_mmaction.tooling.run_options import (
    allow_partial_load,
    apply_time_budget,
    apply_train_options,
    set_resume,
    use_amp,
)
from gaf_mmaction.utils import user_errors
from gaf_mmaction.utils.cli import duration


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description='Train a GAF detector')
    parser.add_argument('config', help='train config file path')
    parser.add_argument('--work-dir', help='where logs and checkpoints go')
    parser.add_argument('--resume', nargs='?', type=str, const='auto',
                        help='resume from a checkpoint, or from the newest complete one in '
                             'the work dir when no path is given')
    parser.add_argument('--amp', action='store_true', help='mixed precision (bf16) training')
    parser.add_argument('--no-validate', action='store_true',
                        help='do not validate during training')
    parser.add_argument('--auto-scale-lr', action='store_true',
                        help='scale the learning rates by the total batch size over the '
                             "config's auto_scale_lr.base_batch_size")
    parser.add_argument('--seed', type=int, help="random seed (overrides the config's)")
    parser.add_argument('--diff-rank-seed', action='store_true',
                        help='a different seed on each rank')
    parser.add_argument('--deterministic', action='store_true',
                        help='deterministic algorithms (cuDNN, cuBLAS and every torch op)')
    parser.add_argument('--allow-partial-load', action='store_true',
                        help='start from a load_from checkpoint that fits the model only in '
                             'part (default: refuse it, listing the misfit keys)')
    parser.add_argument('--time-budget', metavar='DURATION', type=duration,
                        help='stop cleanly (checkpoint, exit status 75) before this much '
                             'wall-clock time has passed since the launch, e.g. 23:30:00 '
                             '(seconds, M:SS, H:MM:SS or D-HH:MM:SS)')
    add_runner_args(parser, 'train_cfg.max_epochs=20')
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    cfg = load_config(args.config, args.cfg_options, args.launcher, args.work_dir,
                      args.data_root)
    if args.amp:
        use_amp(cfg)
    apply_train_options(cfg, args.no_validate, args.auto_scale_lr, args.seed,
                        args.diff_rank_seed, args.deterministic)
    apply_time_budget(cfg, args.time_budget)
    set_resume(cfg, args.resume)
    if args.allow_partial_load:
        allow_partial_load(cfg)
    check_run_inputs(cfg, training=True)
    # The checks of the built run (checkpoint fit, channels, class counts, determinism) are
    # the config's hooks, which MMAction2's tools/train.py runs too.
    runner = build_runner(cfg, args.trust_checkpoint)
    runner.train()
    finish_distributed()


if __name__ == '__main__':
    with user_errors():
        main()
