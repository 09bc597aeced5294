"""Compare a trained model's detections in bf16 (model.test_cfg.autocast_dtype) with float32.

Runs the config's test twice (float32, then under autocast) and prints one JSON line: each
run's mAPs, their change in points, and the detections matched at tIoU 0.9 (how many, the
score and boundary differences). --parity-videos tests on the two generated videos of the
behaviour-pin and parity tests (gaf_mmaction.testing.TINY_VIDEOS) instead of the config's data.

Example:
    python tools/analysis/compare_precision.py \
        configs/gaf/gaf_i3d_1xb4-64x32x32-18e_synthetic-demo.py work_dirs/demo/epoch_18.pth
"""
import argparse
import json
import tempfile

from gaf_mmaction.testing import TINY_VIDEOS, data_options, write_thumos_like
from gaf_mmaction.tooling.precision_comparison import compare_precisions
from gaf_mmaction.utils import PathDictAction, user_errors


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('config', help='config of the model (its test data and evaluator)')
    parser.add_argument('checkpoint', help='trained checkpoint')
    parser.add_argument('--dtype', default='bfloat16', help='autocast dtype (default bfloat16)')
    parser.add_argument('--tiou', type=float, default=0.9,
                        help='least temporal IoU of a matched pair (default 0.9)')
    parser.add_argument('--parity-videos', action='store_true',
                        help="test on the parity tests' two generated videos")
    parser.add_argument('--work-dir', help='where the runs log (default: a temporary folder)')
    parser.add_argument('--cfg-options', nargs='+', action=PathDictAction,
                        help='override config settings, as in tools/test.py')
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    options = dict(args.cfg_options or {})
    with tempfile.TemporaryDirectory() as tmp:
        if args.parity_videos:
            files = write_thumos_like(tmp, TINY_VIDEOS)
            options = {**data_options(files, ('test', )), **options}
        result = compare_precisions(args.config, args.checkpoint, options, args.dtype,
                                    args.tiou, args.work_dir)
    result['data'] = 'parity videos' if args.parity_videos else 'the config\'s test set'
    print(json.dumps(result))


if __name__ == '__main__':
    with user_errors():
        main()
