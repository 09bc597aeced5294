"""Draw detections (and, with --gt, the ground truth above them) as one timeline PNG per video.

Example:
    python tools/visualize_detections.py results.json \
        --gt gaf_mmaction/annotations/thumos14/thumos_gt.json --out vis/
"""
import argparse
import json
import sys
from pathlib import Path

from gaf_mmaction.datasets.annotation_files import read_video_info
from gaf_mmaction.evaluation import load_ground_truth
from gaf_mmaction.visualization import plot_video_timeline


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('results', help='detections JSON ({"results": {video: [...]}})')
    parser.add_argument('--gt', help='ground truth in the ActivityNet layout (optional)')
    parser.add_argument('--subset', default='test', help='ground-truth subset (default: test)')
    parser.add_argument('--out', required=True, help='output folder')
    parser.add_argument('--video-info', help='video-info CSV, for each video\'s duration')
    parser.add_argument('--top', type=int, default=15, help='detections drawn per video')
    args = parser.parse_args(argv)
    try:
        results = json.loads(Path(args.results).read_text())['results']
        ground_truth = load_ground_truth(args.gt, args.subset) if args.gt else {}
        infos = read_video_info(args.video_info) if args.video_info else {}
    except (OSError, KeyError, ValueError) as err:
        print(f'error: {err}', file=sys.stderr)
        return 1
    # Every video with ground truth or detections; classes in first-seen order.
    videos = list(dict.fromkeys([*ground_truth, *results]))
    classes = list(dict.fromkeys(
        [label for actions in ground_truth.values() for _, _, label in actions]
        + [det['label'] for dets in results.values() for det in dets]))
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    for video in videos:
        info = infos.get(video)
        plot_video_timeline(video, ground_truth.get(video, []), results.get(video, []), classes,
                            out / f'timeline_{video}.png', max_detections=args.top,
                            duration=info.sample_count / info.sample_fps if info else None)
    print(f'Wrote {len(videos)} timelines to {out}')
    return 0


if __name__ == '__main__':
    raise SystemExit(main())
