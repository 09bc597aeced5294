"""Convert videos into GAF's frame arrays: 10 fps, 112x112, one .npy per video.

Writes OUT_DIR/<video>.npy ([T, 112, 112, 3] uint8 RGB), optionally the TV-L1 flow arrays
([T, 112, 112, 2] uint8) and the video-info CSV the datasets read. Takes video files and
folders of videos; converts them in parallel (--num-workers, default: every core); a video
whose arrays exist (and whose row the existing --info-csv has) is skipped, so an interrupted
extraction resumes where it stopped. Arrays are written under a temporary name and renamed,
so a killed run leaves no half file. On SIGTERM or SIGUSR1 the videos being converted are
finished, the info CSV is written and the tool exits with status 75.

--shard I/N converts share I (from 0) of N: every N-th video by name, so N runs (array tasks,
machines) convert each video once; each writes its rows to INFO.shard-I-of-N.csv, and a last
run without --shard (it converts nothing more) writes the whole --info-csv. --shard auto takes
I and N from torchrun (RANK, WORLD_SIZE) or a Slurm array (tools/data/slurm_prepare.sh).

Example (THUMOS14 validation videos):
    python tools/data/videos_to_npy.py data/thumos14/videos/validation \
        data/thumos14/validation_npy --flow-dir data/thumos14/validation_flow_npy \
        --info-csv data/thumos14/val_video_info.csv --num-workers 16

ActivityNet-1.3 (docs/activitynet.md): every video re-encoded to at most 768 frames at
fps x min(768 / frames, 1), files named by their YouTube id (the 'v_' of the downloads dropped):
    python tools/data/videos_to_npy.py data/activitynet/videos data/activitynet/train_val_npy \
        --max-frames 768 --strip-prefix v_ --info-csv data/activitynet/encoded.csv
"""
import argparse
import multiprocessing
import os
import sys
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

import cv2
from mmengine.utils import ProgressBar

from gaf_mmaction.datasets.annotation_files import VideoInfo
from gaf_mmaction.preparation import read_video, tvl1_flow
from gaf_mmaction.preparation.output_files import (
    info_csv_part,
    partial_file,
    read_info_parts,
    save_array,
    write_info,
)
from gaf_mmaction.preparation.shards import add_shard_option
from gaf_mmaction.utils.stop_signals import STOPPED_EXIT_STATUS, StopSignals, ignore_stop_signals

VIDEO_SUFFIXES = ('.mp4', '.avi', '.mkv', '.webm', '.mov')


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('inputs', nargs='+', help='video files and/or folders of videos')
    parser.add_argument('out_dir', help='folder for the RGB .npy files')
    parser.add_argument('--flow-dir', help='also write TV-L1 flow .npy files here')
    parser.add_argument('--info-csv', help='write the video-info CSV here')
    parser.add_argument('--fps', type=float, default=10.0, help='sampling rate (default 10)')
    parser.add_argument('--max-frames', type=int,
                        help='instead of --fps, keep at most this many frames per video, at '
                        'fps x min(MAX / frames, 1) (ActivityNet: 768)')
    parser.add_argument('--strip-prefix', default='',
                        help='drop this prefix from the video names (ActivityNet: v_)')
    parser.add_argument('--size', type=int, default=112, help='frame side (default 112)')
    parser.add_argument('--num-workers', type=int, default=os.cpu_count() or 1,
                        help='videos converted at once (default: every core)')
    parser.add_argument('--allow-truncated', action='store_true',
                        help='convert what decodes of a video that decodes to fewer frames '
                             'than its container states (default: list it as bad, write '
                             'nothing for it)')
    add_shard_option(parser, 'convert')
    return parser.parse_args(argv)


def find_videos(inputs: list[str]) -> list[Path]:
    """The video files named, and those in the folders named, sorted within each folder."""
    videos = []
    for item in map(Path, inputs):
        if item.is_dir():
            videos += sorted(p for p in item.iterdir() if p.suffix.lower() in VIDEO_SUFFIXES)
        else:
            videos.append(item)
    return videos


def video_name(video: Path, strip_prefix: str) -> str:
    """The name of a video's arrays: its file's stem, less ``strip_prefix``."""
    stem = video.stem
    return stem[len(strip_prefix):] if strip_prefix and stem.startswith(strip_prefix) else stem


def convert(video: Path, name: str, out_dir: Path, flow_dir: Path | None, fps: float,
            size: int, max_frames: int | None, allow_truncated: bool) -> VideoInfo:
    """Decode one video and write its arrays; raises what :func:`read_video` raises."""
    frames, info = read_video(video, fps, size, max_frames, allow_truncated)
    if flow_dir:
        save_array(flow_dir / f'{name}.npy', tvl1_flow(frames))
    save_array(out_dir / f'{name}.npy', frames)
    return info


def frame_count(video: Path) -> int:
    """The container's frame count (for the progress bar; 1 if it does not say)."""
    capture = cv2.VideoCapture(str(video))
    count = int(capture.get(cv2.CAP_PROP_FRAME_COUNT)) if capture.isOpened() else 0
    capture.release()
    return max(count, 1)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    videos = find_videos(args.inputs)
    if not videos:
        print(f'No videos ({", ".join(VIDEO_SUFFIXES)}) in {", ".join(args.inputs)}',
              file=sys.stderr)
        return 1
    out_dir = Path(args.out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    flow_dir = Path(args.flow_dir) if args.flow_dir else None
    if flow_dir:
        flow_dir.mkdir(parents=True, exist_ok=True)
    names = {video: video_name(video, args.strip_prefix) for video in videos}
    if args.shard:
        chosen = set(args.shard.select(list(names.values())))
        names = {video: name for video, name in names.items() if name in chosen}
    known = read_info_parts(args.info_csv) if args.info_csv else {}
    infos: dict[str, VideoInfo | None] = {}
    failed = {}
    todo = []
    for video, name in names.items():
        outputs = [out_dir / f'{name}.npy'] + ([flow_dir / f'{name}.npy'] if flow_dir else [])
        if all(p.exists() for p in outputs) and (name in known or not args.info_csv):
            infos[name] = known.get(name)
            continue
        todo.append(video)
        for path in outputs:  # left by a run killed while writing
            partial_file(path).unlink(missing_ok=True)
    done_before = len(infos)
    share = f' (shard {args.shard} of {len(videos)})' if args.shard else ''
    print(f'{done_before} of {len(names)} videos{share} already converted; converting '
          f'{len(todo)} with {args.num_workers} worker(s)')
    sizes = {video: frame_count(video) for video in todo}
    progress = ProgressBar(sum(sizes.values()))
    context = multiprocessing.get_context('spawn')
    with StopSignals() as stop, ProcessPoolExecutor(
            max(args.num_workers, 1), mp_context=context,
            initializer=ignore_stop_signals) as pool:
        jobs = {pool.submit(convert, video, names[video], out_dir, flow_dir, args.fps,
                            args.size, args.max_frames, args.allow_truncated): video
                for video in todo}
        for job in as_completed(jobs):
            if stop.received:  # the videos being converted finish; the others wait
                for waiting in jobs:
                    waiting.cancel()
            if job.cancelled():
                continue
            video = jobs[job]
            # One unreadable video must not cost the others (or the info CSV): list it at the end.
            try:
                infos[names[video]] = job.result()
            except (OSError, ValueError, RuntimeError) as err:
                failed[video] = err
            progress.update(sizes[video])
    if args.info_csv and infos:
        write_info(info_csv_part(args.info_csv, args.shard),
                   {k: v for k, v in infos.items() if v is not None})
    converted = len(infos) - done_before
    print(f'\nWrote {converted} videos to {out_dir}')
    if stop.received:
        print(f'Stopped by {stop.received.name}: {len(todo) - converted - len(failed)} videos '
              'left; run the same command again to convert them', file=sys.stderr)
        return STOPPED_EXIT_STATUS
    if failed:
        print(f'{len(failed)} video(s) could not be converted (left out of '
              f'{args.info_csv or "the output"}):', file=sys.stderr)
        for video, err in sorted(failed.items()):
            print(f'  {video}: {err}', file=sys.stderr)
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
