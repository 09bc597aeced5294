"""Writing a dataset in the THUMOS14 on-disk layout, as :mod:`.annotation_files` reads it.

One writer for every producer of that layout: the video preparation tool (video-info CSV),
the synthetic demo dataset and the test datasets (``gaf_mmaction.testing``).
"""
import csv
import io
import json
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np

from .annotation_files import VideoInfo

# An action of a video: (start, end) in seconds and the class index of the class list.
Action = tuple[float, float, int]


def format_video_info(infos: Mapping[str, VideoInfo]) -> str:
    """``video,fps,sample_fps,count,sample_count`` rows, one per video, by name, as text."""
    text = io.StringIO()
    writer = csv.writer(text, lineterminator='\n')
    writer.writerow(['video', 'fps', 'sample_fps', 'count', 'sample_count'])
    for video, info in sorted(infos.items()):
        writer.writerow([video, info.fps, info.sample_fps, info.count, info.sample_count])
    return text.getvalue()


def write_video_info(path: str | Path, infos: Mapping[str, VideoInfo]) -> None:
    """Write the video-info CSV of ``infos`` (see :func:`format_video_info`)."""
    Path(path).write_text(format_video_info(infos), newline='')


def write_annotations(path: str | Path, actions: Mapping[str, Sequence[Action]],
                      classes: Sequence[tuple[int, str]], fps: float) -> None:
    """Write ``video,type,type_idx,start,end,startFrame,endFrame`` rows (frames at ``fps``)."""
    names = dict(classes)
    with open(path, 'w', newline='') as f:
        writer = csv.writer(f, lineterminator='\n')
        writer.writerow(['video', 'type', 'type_idx', 'start', 'end', 'startFrame', 'endFrame'])
        for video, rows in actions.items():
            for start, end, index in rows:
                writer.writerow([video, names[index], index, float(start), float(end),
                                 round(start * fps), round(end * fps)])


def write_class_index(path: str | Path, classes: Sequence[tuple[int, str]]) -> None:
    """Write ``Class_Index_Detection.txt``: "index name" lines, in label order."""
    Path(path).write_text(''.join(f'{index} {name}\n' for index, name in classes))


def write_ground_truth(path: str | Path, subsets: Mapping[str, Mapping[str, Sequence[Action]]],
                       classes: Sequence[tuple[int, str]]) -> None:
    """Write the ground truth in the ActivityNet JSON layout (segments as strings, seconds).

    Args:
        path: Output file.
        subsets: {subset name ('train', 'test', ...): {video: actions}}.
        classes: (index, name) pairs of the class list.
    """
    names = dict(classes)
    database = {video: {'subset': subset, 'annotations': [
        {'segment': [str(float(start)), str(float(end))], 'label': names[index]}
        for start, end, index in actions]}
        for subset, videos in subsets.items() for video, actions in videos.items()}
    Path(path).write_text(json.dumps({'database': database}))


def write_split(root: str | Path, prefix: str, frame_folder: str,
                videos: Mapping[str, tuple[np.ndarray, Sequence[Action]]],
                classes: Sequence[tuple[int, str]], fps: float = 30.0,
                sample_fps: float = 10.0) -> dict[str, str]:
    """Write one split: frames, video-info CSV and annotation CSV.

    Args:
        root: Dataset folder.
        prefix: File name prefix of the split ('val', 'test').
        frame_folder: Folder (under ``root``) of the ``<video>.npy`` frame arrays.
        videos: {video: ([T, H, W, C] uint8 frames sampled at ``sample_fps``, actions)}; the
            original video is taken to run at ``fps``.
        classes: (index, name) pairs of the class list.
        fps: Frame rate of the original videos. Defaults to 30.
        sample_fps: Frame rate of the stored frames. Defaults to 10.

    Returns:
        ``video_dir``, ``video_info_file`` and ``ann_file``.
    """
    root = Path(root)
    video_dir = root / frame_folder
    video_dir.mkdir(parents=True, exist_ok=True)
    infos = {}
    for video, (frames, _) in videos.items():
        np.save(video_dir / f'{video}.npy', frames)
        infos[video] = VideoInfo(fps=fps, sample_fps=sample_fps,
                                 count=len(frames) * fps / sample_fps, sample_count=len(frames))
    paths = dict(video_dir=str(video_dir), video_info_file=str(root / f'{prefix}_video_info.csv'),
                 ann_file=str(root / f'{prefix}_Annotation_ours.csv'))
    write_video_info(paths['video_info_file'], infos)
    write_annotations(paths['ann_file'], {v: actions for v, (_, actions) in videos.items()},
                      classes, fps)
    return paths
