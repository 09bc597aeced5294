"""Files of the preparation tools, written whole or not at all, and the parts of a sharded run."""
import io
from collections.abc import Mapping
from pathlib import Path

import numpy as np

from ..datasets.annotation_files import VideoInfo, read_video_info
from ..datasets.annotation_writer import format_video_info
from ..engine.checkpoint_files import AtomicLocalBackend
from .shards import Shard


def save_array(path: str | Path, array: np.ndarray) -> None:
    """``np.save`` to ``<path>.part``, renamed to ``path`` once complete: a run killed while
    writing leaves no ``path`` that a later run would take as done."""
    buffer = io.BytesIO()
    np.save(buffer, array)
    AtomicLocalBackend().put(buffer.getvalue(), path)


def partial_file(path: str | Path) -> Path:
    """Where :func:`save_array` writes ``path`` until it is complete."""
    path = Path(path)
    return path.with_name(path.name + '.part')


def info_csv_part(path: str | Path, shard: Shard | None) -> Path:
    """The video-info CSV a shard writes: ``info.shard-1-of-3.csv`` beside ``info.csv``."""
    path = Path(path)
    if shard is None:
        return path
    return path.with_name(f'{path.stem}.shard-{shard.index}-of-{shard.count}{path.suffix}')


def read_info_parts(path: str | Path) -> dict[str, VideoInfo]:
    """The rows of the video-info CSV ``path`` and of every shard's part beside it."""
    path = Path(path)
    infos: dict[str, VideoInfo] = {}
    for part in [path, *sorted(path.parent.glob(f'{path.stem}.shard-*-of-*{path.suffix}'))]:
        if part.is_file():
            infos.update(read_video_info(str(part)))
    return infos


def write_info(path: str | Path, infos: Mapping[str, VideoInfo]) -> None:
    """Write a video-info CSV whole (see :func:`save_array`)."""
    AtomicLocalBackend().put_text(format_video_info(infos), path)
