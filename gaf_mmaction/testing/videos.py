"""Real video files for tests and benchmarks: MP4 with its index at the front, as web downloads
have it, and long MJPEG videos of a moving square."""
import struct
from collections.abc import Iterator
from pathlib import Path

import cv2
import numpy as np


def write_mp4(path: str | Path, frames: np.ndarray, fps: float) -> Path:
    """Encode [T, H, W, 3] uint8 RGB frames as an MP4 (MPEG-4 part 2) at ``fps``.

    The index (``moov``) is moved before the frame data (``mdat``), as streaming
    ("faststart") files are: a copy cut short then still opens and reports
    every frame, but decodes only to where the cut is.
    """
    path = Path(path)
    height, width = frames.shape[1:3]
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*'mp4v'), fps, (width, height))
    if not writer.isOpened():
        raise OSError(f'OpenCV cannot write MP4 files here ({path})')
    for frame in frames:
        writer.write(np.ascontiguousarray(frame[..., ::-1]))
    writer.release()
    path.write_bytes(index_first(path.read_bytes()))
    return path


def _boxes(data: bytes, start: int = 0, end: int | None = None) -> list[tuple[bytes, int, int]]:
    """(type, start, end) of the MP4 boxes in ``data[start:end]``."""
    boxes, position, end = [], start, len(data) if end is None else end
    while position + 8 <= end:
        size, kind = struct.unpack('>I4s', data[position:position + 8])
        size = size or end - position
        boxes.append((kind, position, position + size))
        position += size
    return boxes


def index_first(data: bytes) -> bytes:
    """An MP4 with its ``moov`` box moved right after ``ftyp``, chunk offsets shifted."""
    boxes = _boxes(data)
    moov = next((b for b in boxes if b[0] == b'moov'), None)
    if moov is None or moov[1] < next(b[1] for b in boxes if b[0] == b'mdat'):
        return data
    index = bytearray(data[moov[1]:moov[2]])
    shift = len(index)
    # Chunk offset tables (stco, 32-bit; co64, 64-bit) point into mdat, which moves by |moov|.
    for kind, fmt, width in ((b'stco', '>I', 4), (b'co64', '>Q', 8)):
        position = index.find(kind)
        while position >= 4:
            count = struct.unpack('>I', index[position + 8:position + 12])[0]
            for i in range(count):
                at = position + 12 + i * width
                index[at:at + width] = struct.pack(fmt, struct.unpack(fmt, index[at:at + width])[0]
                                                   + shift)
            position = index.find(kind, position + 4)
    ftyp = next(b for b in boxes if b[0] == b'ftyp')
    rest = b''.join(data[s:e] for kind, s, e in boxes if kind not in (b'ftyp', b'moov'))
    return data[ftyp[1]:ftyp[2]] + bytes(index) + rest


def moving_square(count: int, width: int, height: int) -> Iterator[np.ndarray]:
    """``count`` BGR frames of a bright square crossing a grey background every 300 frames."""
    side = height // 4
    for index in range(count):
        frame = np.full((height, width, 3), 96, np.uint8)
        left = int((index % 300) / 300 * (width - side))
        frame[height // 3:height // 3 + side, left:left + side] = 230
        yield frame


def write_moving_square(path: str | Path, seconds: float, fps: float = 30.0, width: int = 160,
                        height: int = 120) -> Path:
    """An MJPEG video of :func:`moving_square` frames, ``seconds`` long at ``fps``; an existing
    file is kept (long videos are written once and reused)."""
    path = Path(path)
    if path.is_file():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix('.partial.avi')
    writer = cv2.VideoWriter(str(partial), cv2.VideoWriter_fourcc(*'MJPG'), fps,
                             (width, height))
    if not writer.isOpened():
        raise OSError(f'OpenCV cannot write {partial}')
    for frame in moving_square(round(seconds * fps), width, height):
        writer.write(frame)
    writer.release()
    partial.rename(path)
    return path
