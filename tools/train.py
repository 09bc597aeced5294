"""Train a GAF model with MMEngine's Runner (MMAction2's tools/train.py, for this plugin).

Examples:
    python tools/train.py configs/gaf_thumos14_rgb.py
    python tools/train.py configs/gaf_thumos14_rgb.py --resume            # latest checkpoint
    python tools/train.py configs/gaf_thumos14_rgb.py --cfg-options train_dataloader.batch_size=4
"""
import argparse

from gaf_mmaction.checkpoint.safe_loading import explain_refused_checkpoints
from gaf_mmaction.engine.launch import (
    add_runner_args,
    build_runner,
    finish_distributed,
    load_config,
    set_resume,
    use_amp,
)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description='Train a GAF detector')
    parser.add_argument('config', help='train config file path')
    parser.add_argument('--work-dir', help='where logs and checkpoints go')
    parser.add_argument('--resume', nargs='?', type=str, const='auto',
                        help='resume from a checkpoint, or from the newest complete one in '
                             'the work dir when no path is given')
    parser.add_argument('--amp', action='store_true', help='mixed precision (bf16) training')
    add_runner_args(parser, 'train_cfg.max_epochs=20')
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    cfg = load_config(args.config, args.cfg_options, args.launcher, args.work_dir)
    if args.amp:
        use_amp(cfg)
    set_resume(cfg, args.resume)
    runner = build_runner(cfg, args.trust_checkpoint)
    with explain_refused_checkpoints(cfg.load_from):
        runner.train()
    finish_distributed()


if __name__ == '__main__':
    main()
