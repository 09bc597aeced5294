"""Draw ground truth vs detections as one timeline PNG per video.

Example:
    python tools/visualize_detections.py results.json \
        --gt gaf_mmaction/annotations/thumos14/thumos_gt.json --out vis/
"""
import argparse
import json
from pathlib import Path

from gaf_mmaction.datasets.annotation_files import read_video_info
from gaf_mmaction.evaluation import load_ground_truth
from gaf_mmaction.visualization import plot_video_timeline


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('results', help='detections JSON ({"results": {video: [...]}})')
    parser.add_argument('--gt', required=True, help='ground truth in the ActivityNet layout')
    parser.add_argument('--subset', default='test', help='ground-truth subset (default: test)')
    parser.add_argument('--out', required=True, help='output folder')
    parser.add_argument('--video-info', help='video-info CSV, for each video\'s duration')
    parser.add_argument('--top', type=int, default=15, help='detections drawn per video')
    args = parser.parse_args()
    results = json.loads(Path(args.results).read_text())['results']
    ground_truth = load_ground_truth(args.gt, args.subset)
    classes = list(dict.fromkeys(label for actions in ground_truth.values()
                                 for _, _, label in actions))
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    infos = read_video_info(args.video_info) if args.video_info else {}
    for video, actions in ground_truth.items():
        info = infos.get(video)
        plot_video_timeline(video, actions, results.get(video, []), classes,
                            out / f'timeline_{video}.png', max_detections=args.top,
                            duration=info.sample_count / info.sample_fps if info else None)
    print(f'Wrote {len(ground_truth)} timelines to {out}')


if __name__ == '__main__':
    main()
