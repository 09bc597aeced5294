"""Evaluate a detection JSON (ours or the published code's) against ground truth.

Example:
    python tools/eval_detections.py results/thumos14_rgb.json \
        --gt gaf_mmaction/annotations/thumos14/thumos_gt.json --out results/thumos14_rgb_map.json
"""
import argparse
import json
import sys

from gaf_mmaction.evaluation import (
    THUMOS14_AVERAGE_TIOUS,
    Protocol,
    detection_map,
    load_ground_truth,
    map_table,
    read_results,
)


def tiou(value: str) -> float:
    """A temporal IoU threshold: a number in (0, 1]."""
    number = float(value)
    if not 0 < number <= 1:
        raise argparse.ArgumentTypeError(f'a tIoU threshold lies in (0, 1], got {value}')
    return number


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('pred', help='detections: {"results": {video: [{label, score, segment}]}}')
    parser.add_argument('--gt', required=True, help='ground truth in the ActivityNet layout')
    parser.add_argument('--subset', default='test', help='ground-truth subset (default: test)')
    parser.add_argument('--tiou', type=tiou, nargs='+', default=list(THUMOS14_AVERAGE_TIOUS),
                        help='temporal IoU thresholds; mAP_avg is their mean '
                             '(default: 0.3 ... 0.7, the THUMOS14 protocol)')
    parser.add_argument('--duplicates', choices=('keep', 'drop'), default='keep',
                        help='keep repeated ground-truth annotations (default, the published '
                             'evaluator) or drop them (ActionFormer, OpenTAD)')
    parser.add_argument('--ignore-label', nargs='+', default=[], metavar='LABEL',
                        help='ground-truth labels to leave out (OpenTAD: Ambiguous)')
    parser.add_argument('--out', help='write the figures here as JSON')
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        results, dropped = read_results(args.pred)
        protocol = Protocol(args.duplicates, args.ignore_label)
        ground_truth = load_ground_truth(args.gt, args.subset, protocol)
    except (OSError, ValueError, KeyError) as err:
        print(f'error: {err}', file=sys.stderr)
        return 1
    if dropped:
        print(f'Left out {dropped} detections with a non-finite or reversed segment or a '
              'non-finite score', file=sys.stderr)
    mean_ap, per_class = detection_map(ground_truth, results, args.tiou)
    metrics, table = map_table(args.tiou, mean_ap)
    print(f'Detection mAP (%), {args.pred} ({protocol.describe()}):\n{table}')
    for name, ap in per_class.items():
        print(f'  {name:20s} ' + ' '.join(f'{100 * v:6.2f}' for v in ap))
    if args.out:
        with open(args.out, 'w') as f:
            json.dump(metrics, f, indent=2)
    return 0


if __name__ == '__main__':
    sys.exit(main())
