"""Turn a CSV of your videos' actions into the JSON and class list OwnVideosDataset reads.

The CSV has a header and one row per action, ``video,label,start,end`` in seconds (video names
without extension; an optional ``subset`` column). The video-info CSV is what
``tools/data/videos_to_npy.py --info-csv`` wrote; every video in it goes into the JSON (those
without actions too). Videos named by --test-videos are the 'testing' subset, the others
'training', unless the CSV's subset column says otherwise.

Example (docs/your_own_data.md):
    python tools/data/segments_to_json.py data/my_videos/segments.csv \
        data/my_videos/video_info.csv data/my_videos/annotations.json \
        --classes data/my_videos/classes.txt --test-videos clip_07 clip_08
"""
import argparse
import json
import sys
from pathlib import Path

from gaf_mmaction.datasets.annotation_files import read_segment_csv, read_video_info
from gaf_mmaction.preparation.own_videos import own_videos_database


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('segments', help='CSV of video,label,start,end (seconds)')
    parser.add_argument('video_info', help='video-info CSV of tools/data/videos_to_npy.py')
    parser.add_argument('out', help='the JSON to write')
    parser.add_argument('--classes', help='also write the class list here (one per line, '
                        'sorted; the label order of the models trained on it)')
    parser.add_argument('--test-videos', nargs='*', default=[],
                        help="videos of the 'testing' subset (the others are 'training')")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        segments = read_segment_csv(args.segments)
        database = own_videos_database(segments, read_video_info(args.video_info),
                                       args.test_videos)
    except (OSError, ValueError) as err:
        print(f'error: {err}', file=sys.stderr)
        return 1
    Path(args.out).write_text(json.dumps(database, indent=1))
    entries = database['database'].values()
    counts = {s: sum(e['subset'] == s for e in entries) for s in {e['subset'] for e in entries}}
    print(f'Wrote {args.out}: {len(segments)} actions of {len(entries)} videos '
          f'({", ".join(f"{n} {s}" for s, n in sorted(counts.items()))})')
    if args.classes:
        classes = sorted({s.label for s in segments})
        Path(args.classes).write_text(''.join(f'{name}\n' for name in classes))
        print(f'Wrote {args.classes}: {len(classes)} classes')
    return 0


if __name__ == '__main__':
    raise SystemExit(main())
