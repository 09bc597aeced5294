"""Readers of the THUMOS14 annotation files (docs/published_code.md §8.2).

Every reader names the file, the row and the column of whatever it cannot use.
"""
import csv
import json
import logging
import math
import os.path as osp
from dataclasses import dataclass
from pathlib import Path

from mmengine.logging import print_log

from ..structures import FIRST_ACTION
from ..utils.cli import lost_spaces_hint

SHIPPED = Path(__file__).resolve().parents[1] / 'annotations'


def shipped_file(dataset: str, name: str) -> str:
    """Path of an annotation file shipped inside the package (``gaf_mmaction/annotations``)."""
    path = SHIPPED / dataset / name
    if not path.is_file():
        raise FileNotFoundError(f'No shipped annotation file {name!r} for {dataset} in {path.parent}')
    return str(path)


def read_json(path: str | Path, what: str) -> object:
    """The content of a JSON file.

    Raises:
        FileNotFoundError: ``No such <what>: <path>``.
        ValueError: Naming the file when it is not JSON.
    """
    try:
        with open(path) as f:
            return json.load(f)
    except FileNotFoundError:
        raise FileNotFoundError(f'No such {what}: {path}{lost_spaces_hint(path)}') from None
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        raise ValueError(f'{path} is not valid JSON ({err})') from None


@dataclass(frozen=True)
class VideoInfo:
    """One row of a ``*_video_info.csv``: original and sampled frame counts."""

    fps: float
    sample_fps: float
    count: float
    sample_count: int


def _read_rows(path: str, columns: tuple[str, ...]) -> list[dict[str, str]]:
    try:
        with open(path, newline='') as f:
            reader = csv.DictReader(f)
            missing = [c for c in columns if c not in (reader.fieldnames or [])]
            if missing:
                raise ValueError(f'{path}: missing column(s) {missing}; '
                                 f'found {reader.fieldnames}')
            return list(reader)
    except FileNotFoundError:
        raise FileNotFoundError(f'Annotation file not found: {path}{lost_spaces_hint(path)}'
                                ) from None


def _number(path: str, row: int, column: str, value: str, kind: type = float,
            minimum: float | None = 0.0, above: bool = False) -> float | int:
    """``value`` as a finite number of ``kind``, or an error naming the file, row and column.

    It must be at least ``minimum`` (more than it, with ``above``); None
    accepts any finite number.
    """
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError(f'{path}, row {row}: column {column!r} is not a number '
                         f'({value!r})') from None
    if not math.isfinite(number):
        raise ValueError(f'{path}, row {row}: column {column!r} is {value!r}, not a finite number')
    if minimum is not None and (number <= minimum if above else number < minimum):
        raise ValueError(f'{path}, row {row}: column {column!r} must be '
                         f'{">" if above else ">="} {minimum:g}, got {value!r}')
    return kind(number)


def read_lines(path: str, what: str) -> list[str]:
    """The lines of a text file.

    Raises:
        FileNotFoundError: ``No such <what>: <path>``.
    """
    try:
        with open(path) as f:
            return f.read().splitlines()
    except FileNotFoundError:
        raise FileNotFoundError(f'No such {what}: {path}{lost_spaces_hint(path)}') from None


def read_class_list(path: str) -> list[str]:
    """One class name per line (ActivityNet's ``action_name.txt``, your own ``classes.txt``;
    blank lines skipped): line order gives labels 1..N."""
    return [line.strip() for line in read_lines(path, 'class list file') if line.strip()]


def read_class_index(path: str) -> dict[int, int]:
    """``Class Index_Detection.txt`` lines "origIdx Name" -> {origIdx: label}, in file order."""
    labels: dict[int, int] = {}
    names: set[str] = set()
    for row, line in enumerate(read_lines(path, 'class index file'), start=1):
        parts = line.split()
        if not parts:
            continue
        if len(parts) != 2:
            raise ValueError(f'{path}, line {row}: expected "index name", got {line!r}')
        index = _number(path, row, 'index', parts[0], int, minimum=None)
        # A repeated index or name would silently merge two classes into one label.
        if index in labels or parts[1] in names:
            raise ValueError(f'{path}, line {row}: class index {index} or name '
                             f'{parts[1]!r} appears twice')
        labels[index] = len(labels) + FIRST_ACTION
        names.add(parts[1])
    return labels


def read_class_names(path: str) -> list[str]:
    """Class names in label order (``FIRST_ACTION`` first) from a class index file."""
    return [line.split()[-1] for line in read_lines(path, 'class index file') if line.strip()]


def read_video_info(path: str) -> dict[str, VideoInfo]:
    """``*_video_info.csv`` -> {video: VideoInfo}."""
    columns = ('video', 'fps', 'sample_fps', 'count', 'sample_count')
    infos = {}
    for row, record in enumerate(_read_rows(path, columns), start=2):
        infos[record['video']] = VideoInfo(
            fps=_number(path, row, 'fps', record['fps'], above=True),
            sample_fps=_number(path, row, 'sample_fps', record['sample_fps'], above=True),
            count=_number(path, row, 'count', record['count'], above=True),
            sample_count=_number(path, row, 'sample_count', record['sample_count'], int,
                                 above=True))
    return infos


def read_annotations(path: str, video_infos: dict[str, VideoInfo],
                     class_index_file: str) -> dict[str, list[tuple[float, float, int]]]:
    """``*_Annotation_ours.csv`` -> {video: [(start, end, label)]} in sampled frames.

    Labels come from the ``type_idx`` column through ``class_index_file``; a
    ``type`` column (the class name) must name the same class. Frames at the
    original rate are scaled by ``sample_count / count``.
    Annotations that end (or even start) after the video's last frame are
    kept, as published - the real THUMOS14 files have such rows and they
    take part in windows that run past the end - and listed in one warning.
    """
    columns = ('video', 'type_idx', 'startFrame', 'endFrame')
    class_index = read_class_index(class_index_file)
    names = read_class_names(class_index_file)
    annotations: dict[str, list[tuple[float, float, int]]] = {}
    overrun = []
    for row, record in enumerate(_read_rows(path, columns), start=2):
        video = record['video']
        info = video_infos.get(video)
        if info is None:
            raise ValueError(f'{path}, row {row}: video {video!r} is not in the video info file')
        origin = _number(path, row, 'type_idx', record['type_idx'], int, minimum=None)
        if origin not in class_index:
            raise ValueError(f'{path}, row {row}: video {video!r} has unknown class index '
                             f'{origin} (known: {sorted(class_index)})')
        name = names[class_index[origin] - FIRST_ACTION]
        if record.get('type') not in (None, name):
            raise ValueError(f'{path}, row {row}: video {video!r} has class name '
                             f'{record["type"]!r} but class index {origin}, which '
                             f'{class_index_file} gives to {name!r}: fix the row\'s type or '
                             'type_idx')
        ratio = info.sample_count / info.count
        start = _number(path, row, 'startFrame', record['startFrame']) * ratio
        end = _number(path, row, 'endFrame', record['endFrame']) * ratio
        if end <= start:
            raise ValueError(f'{path}, row {row}: video {video!r} has an annotation with '
                             f'end <= start ({start:.1f} >= {end:.1f} frames)')
        if end > info.sample_count + 1:
            overrun.append(f'row {row} ({video}: {start:.0f}-{end:.0f} of {info.sample_count})')
        annotations.setdefault(video, []).append((start, end, class_index[origin]))
    if overrun:
        print_log(f'{path}: {len(overrun)} annotation(s) end after their video (kept, as '
                  f'published; frames): {"; ".join(overrun)}', logger='current', level=logging.WARNING)
    return annotations


def under_root(root: str, path: str | None) -> str | None:
    """``path`` joined to ``root`` unless absolute (None stays None)."""
    return None if path is None else osp.join(root, path)


@dataclass(frozen=True)
class Segment:
    """One row of a segment CSV: an action of ``video`` from ``start`` to ``end`` seconds."""

    video: str
    label: str
    start: float
    end: float
    subset: str | None = None


def read_segment_csv(path: str) -> list[Segment]:
    """``video,label,start,end`` rows (seconds; an optional ``subset`` column), checked.

    Raises:
        ValueError: Naming the file, row and column of a missing column, a
            value that is not a number, or a segment whose end is not after
            its start.
    """
    segments = []
    for row, record in enumerate(_read_rows(path, ('video', 'label', 'start', 'end')), start=2):
        start = _number(path, row, 'start', record['start'])
        end = _number(path, row, 'end', record['end'])
        if end <= start:
            raise ValueError(f'{path}, row {row}: the segment of video {record["video"]!r} '
                             f'ends ({end:g} s) before it starts ({start:g} s)')
        segments.append(Segment(record['video'].strip(), record['label'].strip(), start, end,
                                (record.get('subset') or '').strip() or None))
    return segments
