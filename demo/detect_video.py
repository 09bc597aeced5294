"""Detect actions in one video with a trained GAF model: a table, a JSON file and a timeline.

Example:
    python demo/detect_video.py my_video.mp4 \
        configs/gaf/gaf_i3d_1xb8-256x96x96-300e_thumos14-rgb.py gaf_rgb.pth \
        --out-json detections.json --out-png timeline.png
"""
import argparse
import json
import sys
from pathlib import Path

from gaf_mmaction.apis import detect_video, init_detector
from gaf_mmaction.deployment import RUNTIMES
from gaf_mmaction.evaluation import load_ground_truth
from gaf_mmaction.utils import PathDictAction
from gaf_mmaction.visualization import plot_video_timeline


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('video', help='video file, or npy frame file ([T, H, W, C] uint8 at the '
                        "rate and size of the config's test frames)")
    parser.add_argument('config', help='config of the model')
    parser.add_argument('checkpoint', help='checkpoint of the model')
    parser.add_argument('--out-json', help='write the detections here')
    parser.add_argument('--out-png', help='draw the timeline here')
    parser.add_argument('--device', help='e.g. cpu, cuda, cuda:1 (default: cuda:0 when CUDA is '
                        'available, else cpu)')
    parser.add_argument('--score-thr', type=float, default=0.0, help='keep detections above')
    parser.add_argument('--flow', help='for a model that takes flow: the flow npy of the video '
                        '(default: TV-L1 flow computed from the frames)')
    parser.add_argument('--gt', help='ground truth (ActivityNet layout) to draw above')
    parser.add_argument('--subset', default='test', help='its subset (default: test)')
    parser.add_argument('--top', type=int, default=10, help='detections in the table and picture')
    parser.add_argument('--batch-size', type=int, help='windows per forward pass (default: the '
                        "config's test_dataloader.batch_size, as tools/test.py batches them)")
    parser.add_argument('--runtime', choices=RUNTIMES, default='auto',
                        help='what runs the network: auto (default) is OpenVINO on the CPU '
                             "when the deploy extras are installed (the checkpoint is exported "
                             'once, to its name with .onnx), else PyTorch')
    parser.add_argument('--cfg-options', nargs='+', action=PathDictAction,
                        help='override config settings, as in tools/test.py')
    parser.add_argument('--allow-truncated', action='store_true',
                        help='detect in what decodes of a video that decodes to fewer frames '
                             'than its container states (default: refuse it)')
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    name = Path(args.video).stem
    try:
        ground_truth = load_ground_truth(args.gt, args.subset).get(name, []) if args.gt else []
        model = init_detector(args.config, args.checkpoint, args.device, args.cfg_options,
                              args.runtime)
        detections, duration = detect_video(model, args.video, args.batch_size, progress=True,
                                            flow=args.flow, allow_truncated=args.allow_truncated)
        detections = [d for d in detections if d['score'] > args.score_thr]
    except (OSError, KeyError, ValueError) as err:
        print(f'error: {err.args[0] if isinstance(err, KeyError) and err.args else err}',
              file=sys.stderr)
        return 1
    print(f'\n{name}: {duration:.1f} s, {len(detections)} detections; the best {args.top}:')
    print(f'{"start (s)":>10} {"end (s)":>10} {"score":>7}  label')
    for det in detections[:args.top]:
        print(f'{det["segment"][0]:10.2f} {det["segment"][1]:10.2f} {det["score"]:7.3f}  '
              f'{det["label"]}')
    if args.out_json:
        Path(args.out_json).write_text(json.dumps(dict(video=name, duration=duration,
                                                       detections=detections), indent=1))
    if args.out_png:
        classes = list(dict.fromkeys([label for _, _, label in ground_truth]
                                     + [d['label'] for d in detections[:args.top]]))
        plot_video_timeline(name, ground_truth, detections, classes, args.out_png,
                            duration=duration, max_detections=args.top)
    return 0


if __name__ == '__main__':
    raise SystemExit(main())
