"""Measure a config's inference, training step, data loading, post-processing or video speed.

Prints one JSON line per case: items (windows or clips) per second, ms per step, peak memory
(GiB), dtype, device and torch version. With --baseline a second case runs the model the way
the published code was measured (fp32, eager, batch 1 for test and 8 for train;
docs/performance.md) and a last line gives the ratios (memory only on CUDA, where the peak is the
allocator's; on the CPU it is the process's peak resident set). --mode video runs a generated
video (--video-minutes, default 5) through the video API the default way (on the CPU: ONNX
Runtime when the deploy extras are installed, and PyTorch's default beside it) and the
published way (batch 1, fp32, eager, default layout), interleaved, and prints them, the ratios
and how far their detections are apart.

Examples:
    python tools/benchmark.py configs/gaf/gaf_i3d_1xb8-256x96x96-300e_thumos14-rgb.py \
        --mode test --batch-size 16 --amp --device cuda --baseline
    python tools/benchmark.py configs/gaf/gaf_i3d_1xb8-256x96x96-300e_thumos14-rgb.py --mode post
    python tools/benchmark.py configs/gaf/gaf_i3d_1xb8-256x96x96-300e_thumos14-rgb.py \
        --mode video --batch-size 2 --device cpu
"""
import argparse
import json

import torch
from mmengine.config import Config

from gaf_mmaction.deployment import RUNTIMES
from gaf_mmaction.structures.two_pass import DETECTOR_PASS, PASSES
from gaf_mmaction.tooling.benchmark import CASES, MODES
from gaf_mmaction.tooling.video_benchmark import VIDEO_DIR, bench_video
from gaf_mmaction.utils import PathDictAction

BASELINE_BATCH = dict(test=1, train=8)
DEFAULT_ITERS = dict(post=1, video=1)
DEFAULT_WARMUP = dict(test=2, train=2, video=0)
# The published measurement: torch's default (per-tensor) Adam, no splice clips.
BASELINE_OPTIONS = dict(train=dict(fused_adam=False, with_splice=False))


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('config', help='config file')
    parser.add_argument('--mode', choices=(*MODES, 'video'), default='test')
    parser.add_argument('--batch-size', type=int, default=8, help='clips or windows per step')
    parser.add_argument('--amp', action='store_true', help='bf16 autocast (test and train)')
    parser.add_argument('--compile', action='store_true', help='torch.compile the model')
    parser.add_argument('--compile-backend', default='inductor',
                        help="torch.compile's backend (default inductor)")
    parser.add_argument('--pass', dest='train_pass', choices=PASSES, default=DETECTOR_PASS,
                        help='train mode: the pass whose step is timed (default detector)')
    parser.add_argument('--sync-debug', action='store_true',
                        help='train mode, CUDA: count the host synchronisations of one step')
    parser.add_argument('--channels-last', action='store_true',
                        help='channels-last-3d clips and 3-D convolutions (test and train)')
    parser.add_argument('--iters', type=int, default=None,
                        help='timed steps after warm-up (default 10; post mode 1: a whole '
                             'test set per step)')
    parser.add_argument('--warmup', type=int, default=None,
                        help='test and train modes: untimed steps first (default 2); video '
                             'mode: untimed runs of each way (default 0)')
    parser.add_argument('--video-minutes', type=float, default=5.0,
                        help='video mode: length of the generated video (default 5)')
    parser.add_argument('--checkpoint', help='video mode: weights of the model (default: '
                                             'random, seeded)')
    parser.add_argument('--runtime', choices=RUNTIMES, default='auto',
                        help="video mode: the default way's runtime (default auto: as the "
                             'video API, OpenVINO on the CPU when the deploy extras are '
                             'installed; then PyTorch and ONNX Runtime are measured too)')
    parser.add_argument('--video-dir', default=VIDEO_DIR,
                        help=f'video mode: where the generated video is written once and kept '
                             f'(default {VIDEO_DIR})')
    parser.add_argument('--device', default='cuda' if torch.cuda.is_available() else 'cpu')
    parser.add_argument('--videos', type=int, default=None,
                        help='data and post modes: number of videos (default 4 and all 212)')
    parser.add_argument('--baseline', action='store_true',
                        help='also run fp32 eager at the published batch size; print the ratio')
    parser.add_argument('--cfg-options', nargs='+', action=PathDictAction,
                        help='override config settings, as in tools/train.py')
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    cfg = Config.fromfile(args.config)
    if args.cfg_options:
        cfg.merge_from_dict(args.cfg_options)
    device = torch.device(args.device)
    case = dict(CASES, video=bench_video)[args.mode]
    warmup = DEFAULT_WARMUP.get(args.mode, 0) if args.warmup is None else args.warmup
    options = dict(num_videos=args.videos)
    if args.mode in ('test', 'train'):
        options = dict(amp=args.amp, channels_last=args.channels_last, warmup=warmup,
                       compile_model=args.compile and dict(backend=args.compile_backend))
    if args.mode == 'video':
        options = dict(warmup=warmup, minutes=args.video_minutes, checkpoint=args.checkpoint,
                       video_dir=args.video_dir, runtime=args.runtime)
    if args.mode == 'train':
        options.update(train_pass=args.train_pass, sync_debug=args.sync_debug)
    iters = args.iters or DEFAULT_ITERS.get(args.mode, 10)
    result = case(cfg, device, args.batch_size, iters=iters, **options)
    print(json.dumps(result), flush=True)
    if args.baseline and args.mode in BASELINE_BATCH:
        baseline = case(cfg, device, BASELINE_BATCH[args.mode], iters=iters,
                        warmup=warmup, **BASELINE_OPTIONS.get(args.mode, {}))
        baseline['baseline'] = True
        print(json.dumps(baseline), flush=True)
        ratios = dict(mode=args.mode, speedup=result['items_per_s'] / baseline['items_per_s'])
        if device.type == 'cuda':
            ratios['memory_ratio'] = result['peak_gib'] / baseline['peak_gib']
        print(json.dumps(ratios), flush=True)
    return 0


if __name__ == '__main__':
    raise SystemExit(main())
