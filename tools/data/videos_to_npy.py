"""Convert videos into GAF's frame arrays: 10 fps, 112x112, one .npy per video.

Writes OUT_DIR/<video>.npy ([T, 112, 112, 3] uint8 RGB), optionally the TV-L1
flow arrays ([T, 112, 112, 2] uint8) and the video-info CSV the datasets read.

Example (THUMOS14 validation videos):
    python tools/data/videos_to_npy.py data/thumos14/videos/validation \
        data/thumos14/validation_npy --flow-dir data/thumos14/validation_flow_npy \
        --info-csv data/thumos14/val_video_info.csv
"""
import argparse
import sys
from pathlib import Path

import numpy as np
from mmengine.utils import ProgressBar

from gaf_mmaction.datasets.annotation_writer import write_video_info
from gaf_mmaction.preparation import read_video, tvl1_flow

VIDEO_SUFFIXES = ('.mp4', '.avi', '.mkv', '.webm', '.mov')


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('video_dir', help='folder of videos')
    parser.add_argument('out_dir', help='folder for the RGB .npy files')
    parser.add_argument('--flow-dir', help='also write TV-L1 flow .npy files here')
    parser.add_argument('--info-csv', help='write the video-info CSV here')
    parser.add_argument('--fps', type=float, default=10.0, help='sampling rate (default 10)')
    parser.add_argument('--size', type=int, default=112, help='frame side (default 112)')
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    videos = sorted(p for p in Path(args.video_dir).iterdir()
                    if p.suffix.lower() in VIDEO_SUFFIXES)
    if not videos:
        print(f'No videos ({", ".join(VIDEO_SUFFIXES)}) in {args.video_dir}', file=sys.stderr)
        return 1
    out_dir = Path(args.out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    if args.flow_dir:
        Path(args.flow_dir).mkdir(parents=True, exist_ok=True)
    infos, failed = {}, {}
    progress = ProgressBar(len(videos))
    for video in videos:
        # One unreadable video must not cost the others (or the info CSV): list it at the end.
        try:
            frames, info = read_video(video, args.fps, args.size)
            np.save(out_dir / f'{video.stem}.npy', frames)
            if args.flow_dir:
                np.save(Path(args.flow_dir) / f'{video.stem}.npy', tvl1_flow(frames))
            infos[video.stem] = info
        except (OSError, ValueError, RuntimeError) as err:
            failed[video] = err
        progress.update()
    if args.info_csv and infos:
        write_video_info(args.info_csv, infos)
    print(f'\nWrote {len(infos)} videos to {out_dir}')
    if failed:
        print(f'{len(failed)} video(s) could not be converted (left out of '
              f'{args.info_csv or "the output"}):', file=sys.stderr)
        for video, err in failed.items():
            print(f'  {video}: {err}', file=sys.stderr)
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
