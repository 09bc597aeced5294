"""Test a GAF model with MMEngine's Runner and report detection mAP.

Examples:
    python tools/test.py configs/gaf_thumos14_rgb.py work_dirs/gaf_thumos14_rgb/epoch_15.pth \
        --out results/thumos14_rgb.json
    python tools/test.py configs/gaf_thumos14_fusion.py \
        --cfg-options model.rgb_checkpoint=RGB.pth model.flow_checkpoint=FLOW.pth
"""
import argparse
import os.path as osp

from mmengine.model import is_model_wrapper

from gaf_mmaction.checkpoint import load_checkpoint_exact
from gaf_mmaction.engine.launch import (
    add_runner_args,
    build_runner,
    finish_distributed,
    load_config,
)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description='Test a GAF detector')
    parser.add_argument('config', help='test config file path')
    parser.add_argument('checkpoint', nargs='?',
                        help='checkpoint to test (a fusion config names its own two)')
    parser.add_argument('--work-dir', help='where logs go')
    parser.add_argument('--out', help='write the detections here as JSON')
    add_runner_args(parser, 'test_evaluator.nms_sigma=0.5')
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    cfg = load_config(args.config, args.cfg_options, args.launcher, args.work_dir)
    if args.out:
        cfg.test_evaluator.out_file = osp.abspath(args.out)
    cfg.load_from = None
    runner = build_runner(cfg, args.trust_checkpoint)
    if args.checkpoint:
        model = runner.model.module if is_model_wrapper(runner.model) else runner.model
        # Testing needs no CVAE: a converted published detector checkpoint lacks it.
        load_checkpoint_exact(model, args.checkpoint, allow_missing=('attention.cvae.*',))
    runner.test()
    finish_distributed()


if __name__ == '__main__':
    main()
