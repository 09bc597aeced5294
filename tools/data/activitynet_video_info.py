"""Turn ActivityNet-1.3's official annotation file into GAF's ActivityNet video-info JSON.

Reads `activity_net.v1-3.min.json` (the official release: {"database": {id: {subset, duration,
annotations: [{segment, label}]}}}) and the info CSV that `tools/data/videos_to_npy.py
--max-frames 768 --strip-prefix v_` wrote for the re-encoded videos, and writes
{id: {subset, duration, frame_num, fps, annotations: [{start_frame, end_frame, label,
label_id}]}} for the training and validation videos: frame counts and rates of the re-encoded
videos, annotations in their frames, label ids from the class list (the shipped one by default).
Videos of those subsets that were not converted (ActivityNet videos go missing from YouTube)
are left out and listed.

Example:
    python tools/data/activitynet_video_info.py data/activitynet/activity_net.v1-3.min.json \
        data/activitynet/encoded.csv data/activitynet/video_info_train_val.json
"""
import argparse
import json
import sys
from pathlib import Path

from gaf_mmaction.datasets.annotation_files import (
    read_class_list,
    read_json,
    read_video_info,
    shipped_file,
)
from gaf_mmaction.engine.checkpoint_files import AtomicLocalBackend
from gaf_mmaction.preparation import activitynet_video_info


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('annotations', help='the official activity_net.v1-3.min.json')
    parser.add_argument('encoded_csv', help='the info CSV of the re-encoded videos')
    parser.add_argument('out', help='the video-info JSON to write')
    parser.add_argument('--class-list', help='class names, one per line (label ids 1..N in '
                        'line order); default: the shipped action_name.txt')
    parser.add_argument('--subsets', nargs='+', default=['training', 'validation'],
                        help='subsets to keep (default: training validation)')
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        official = read_json(args.annotations, 'annotation file')
    except (OSError, ValueError) as err:
        print(err, file=sys.stderr)
        return 1
    if not isinstance(official, dict) or 'database' not in official:
        print(f'{args.annotations}: no "database" key (the official ActivityNet annotation '
              'file expected)', file=sys.stderr)
        return 1
    classes = read_class_list(args.class_list or shipped_file('activitynet', 'action_name.txt'))
    try:
        info, missing = activitynet_video_info(official['database'],
                                               read_video_info(args.encoded_csv), classes,
                                               args.subsets, args.annotations)
    except (OSError, KeyError, ValueError) as err:
        print(err.args[0] if isinstance(err, KeyError) and err.args else err, file=sys.stderr)
        return 1
    if not info:
        print(f'None of the {len(missing)} {"/".join(args.subsets)} videos of '
              f'{args.annotations} is in {args.encoded_csv}: convert the videos first (see '
              'the docstring)', file=sys.stderr)
        return 1
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    AtomicLocalBackend().put_text(json.dumps(info), args.out)
    counts = {s: sum(v['subset'] == s for v in info.values()) for s in args.subsets}
    print(f'Wrote {len(info)} videos ({", ".join(f"{n} {s}" for s, n in counts.items())}) '
          f'to {args.out}')
    if missing:
        print(f'{len(missing)} videos of {args.annotations} are not in {args.encoded_csv} and '
              f'were left out, e.g. {", ".join(missing[:5])}', file=sys.stderr)
    return 0


if __name__ == '__main__':
    sys.exit(main())
