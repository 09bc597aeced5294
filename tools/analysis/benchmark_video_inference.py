"""Peak memory and time of ``inference_detector`` on generated videos of several lengths.

Each length runs in a fresh process (so that each peak resident set is its own) on a video of a
square moving over a grey background, written once into ``--work-dir``. The model is the
config's, randomly initialised: its weights change neither the memory nor the time much. Prints
one JSON line per length and a last one with the ratio of the longest's peak to the shortest's.

Example:
    python tools/analysis/benchmark_video_inference.py tests/data/configs/gaf_tiny.py \
        --minutes 1 30
"""
import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

from gaf_mmaction.testing import write_moving_square


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('config', help='config of the model')
    parser.add_argument('--minutes', type=float, nargs='+', default=[1.0, 30.0],
                        help='video lengths (default 1 30)')
    parser.add_argument('--fps', type=float, default=30.0, help="the videos' frame rate")
    parser.add_argument('--size', type=int, nargs=2, default=(160, 120), metavar=('W', 'H'),
                        help="the videos' frame size (default 160 120)")
    parser.add_argument('--work-dir', default='work_dirs/video_inference',
                        help='where the videos are written (and kept for later runs)')
    parser.add_argument('--device', default='cpu')
    parser.add_argument('--batch-size', type=int, default=8, help='windows per forward pass')
    parser.add_argument('--run', help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def measure(config: str, video: str, device: str, batch_size: int) -> dict:
    """Build the model, detect in ``video``; the detections, seconds and peak memory."""
    from gaf_mmaction.apis import inference_detector, init_detector

    model = init_detector(config, None, device)
    start = time.perf_counter()
    detections = inference_detector(model, video, batch_size=batch_size)
    seconds = time.perf_counter() - start
    scale = 1 if sys.platform == 'darwin' else 1024  # ru_maxrss: bytes on macOS, else KiB
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale / 2**20
    return dict(video=Path(video).name, seconds=round(seconds, 1), peak_rss_mib=round(peak),
                detections=len(detections))


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.run:
        print(json.dumps(measure(args.config, args.run, args.device, args.batch_size)))
        return 0
    peaks = []
    for minutes in args.minutes:
        video = write_moving_square(Path(args.work_dir) / f'square_{minutes:g}min.avi',
                                    minutes * 60, args.fps, *args.size)
        proc = subprocess.run([sys.executable, __file__, args.config, '--run', str(video),
                               '--device', args.device, '--batch-size', str(args.batch_size)],
                              capture_output=True, text=True, check=False)
        if proc.returncode:
            print(proc.stderr[-3000:], file=sys.stderr)
            return proc.returncode
        result = dict(json.loads(proc.stdout.splitlines()[-1]), minutes=minutes)
        peaks.append(result['peak_rss_mib'])
        print(json.dumps(result), flush=True)
    print(json.dumps(dict(peak_ratio=round(peaks[-1] / peaks[0], 3))))
    return 0


if __name__ == '__main__':
    raise SystemExit(main())
