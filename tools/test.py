"""Test a GAF model with MMEngine's Runner and report detection mAP.

Examples:
    python tools/test.py configs/gaf/gaf_i3d_1xb8-256x96x96-300e_thumos14-rgb.py \
        work_dirs/gaf_i3d_1xb8-256x96x96-300e_thumos14-rgb/epoch_300.pth \
        --out results/thumos14_rgb.json --show-dir timelines
    python tools/fuse_checkpoints.py RGB.pth FLOW.pth fused.pth
    python tools/test.py configs/gaf/gaf_i3d_256x96x96_thumos14-rgb-flow-fusion.py fused.pth
"""
import argparse
import os.path as osp

from mmengine.model import is_model_wrapper

from gaf_mmaction.checkpoint import load_checkpoint_exact
from gaf_mmaction.deployment import EXPORTED_DETECTORS, exported_model_config
from gaf_mmaction.structures import CVAE_KEYS
from gaf_mmaction.tooling.config_loading import add_runner_args, load_config
from gaf_mmaction.tooling.distributed import finish_distributed
from gaf_mmaction.tooling.launch import build_runner, check_run_inputs
from gaf_mmaction.tooling.run_options import apply_test_options, check_writable
from gaf_mmaction.utils import user_errors


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description='Test a GAF detector')
    parser.add_argument('config', help='test config file path')
    parser.add_argument('checkpoint', help='checkpoint to test (for the fusion config, one made '
                                           'by tools/fuse_checkpoints.py), or with --backend '
                                           'onnxruntime or openvino the .onnx file of '
                                           'tools/deployment/export_onnx.py')
    parser.add_argument('--backend', choices=('pytorch', *EXPORTED_DETECTORS),
                        default='pytorch',
                        help='what runs the network (default pytorch)')
    parser.add_argument('--work-dir', help='where logs go')
    parser.add_argument('--out', help='write the detections here as JSON')
    parser.add_argument('--dump', help='dump the window predictions to this .pkl file')
    parser.add_argument('--show-dir', help='draw one timeline PNG per test video here '
                                           '(relative to the run\'s log folder unless absolute)')
    add_runner_args(parser, 'test_evaluator.post_processor.nms_sigma=0.5')
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    cfg = load_config(args.config, args.cfg_options, args.launcher, args.work_dir,
                      args.data_root)
    if args.out:
        check_writable(args.out)
        cfg.test_evaluator.out_file = osp.abspath(args.out)
    apply_test_options(cfg, args.dump, args.show_dir)
    cfg.load_from = None
    check_run_inputs(cfg, training=False, checkpoint=args.checkpoint)
    if args.backend in EXPORTED_DETECTORS:
        cfg.model = exported_model_config(cfg.model, args.checkpoint, args.backend)
    runner = build_runner(cfg, args.trust_checkpoint)
    model = runner.model.module if is_model_wrapper(runner.model) else runner.model
    if args.backend == 'pytorch':
        # Testing needs no CVAE: a converted published detector checkpoint lacks it.
        load_checkpoint_exact(model, args.checkpoint, allow_missing=(CVAE_KEYS, ))
    runner.test()
    finish_distributed()


if __name__ == '__main__':
    with user_errors():
        main()
