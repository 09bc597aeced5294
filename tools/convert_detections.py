"""Convert a detections JSON (ours, tools/test.py --out) to ActionFormer's or OpenTAD's format.

Examples:
    python tools/convert_detections.py results/thumos14.json actionformer eval_results.pkl \
        --classes data/thumos/annotations/thumos14.json
    python tools/convert_detections.py results/thumos14.json opentad result_detection.json
"""
import argparse
import sys

from gaf_mmaction.evaluation import read_results
from gaf_mmaction.evaluation.result_formats import FORMATS, class_ids, write_results


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('pred', help='detections: {"results": {video: [{label, score, segment}]}}')
    parser.add_argument('format', choices=FORMATS, help='the format to write')
    parser.add_argument('out', help='output file (eval_results.pkl / result_detection.json)')
    parser.add_argument('--classes', help='actionformer: the annotation JSON whose label_id '
                                          'numbers the classes, or a class list (line order)')
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        results, dropped = read_results(args.pred)
        label_ids = ({name: i for i, name in enumerate(class_ids(args.classes))}
                     if args.classes else None)
        write_results(results, args.out, args.format, label_ids)
    except (OSError, ValueError, KeyError) as err:
        print(f'error: {err}', file=sys.stderr)
        return 1
    count = sum(map(len, results.values()))
    print(f'Wrote {count} detections of {len(results)} videos to {args.out} ({args.format})'
          + (f'; left out {dropped} unusable ones' if dropped else ''))
    return 0


if __name__ == '__main__':
    sys.exit(main())
