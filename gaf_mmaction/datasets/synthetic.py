"""A small synthetic dataset in the THUMOS14 on-disk format, for demos and tests.

Untrimmed videos show a textured, drifting grey background; three action
classes appear as visually distinct spatio-temporal patterns (a red square
sliding sideways, a green disc pulsing, a blue bar sweeping down) of varied
length and position, some overlapping in time, some videos shorter than a
window. The background has no colour, so that colour and motion identify a
class: the demo's I3D starts from scratch and has a few CPU minutes to learn.
"""
import json
from pathlib import Path

import cv2
import numpy as np

from .annotation_writer import write_class_index, write_ground_truth, write_split

CLASSES = ((1, 'SlidingSquare'), (2, 'PulsingDisc'), (3, 'SweepingBar'))
FPS = 30.0  # the "original" frame rate the CSVs describe
SAMPLE_FPS = 10.0  # the rate of the stored frames
# The generator's arguments, written beside the data: which seed made a folder.
SETTINGS_FILE = 'synthetic_dataset.json'


def _background(rng: np.random.Generator, frames: int, size: int) -> np.ndarray:
    """[T, size, size, 3] uint8: a blurred grey noise texture drifting at a constant velocity."""
    big = size * 2
    grey = cv2.GaussianBlur(rng.integers(50, 190, (big, big), dtype=np.uint8), (0, 0), 2)
    texture = np.repeat(grey[..., None], 3, axis=-1)
    velocity = rng.uniform(-1.0, 1.0, 2)
    out = np.empty((frames, size, size, 3), np.uint8)
    for t in range(frames):
        dy, dx = (velocity * t).astype(int) % size
        out[t] = texture[dy:dy + size, dx:dx + size]
    return out


def _draw(frame: np.ndarray, label: int, phase: float, rng_pos: tuple[int, int]) -> None:
    """Draw class ``label``'s pattern at progress ``phase`` in [0, 1] into ``frame``."""
    size = frame.shape[0]
    y, x = rng_pos
    if label == 1:  # red square sliding left to right
        left = int(phase * (size - 14))
        cv2.rectangle(frame, (left, y), (left + 13, y + 13), (230, 30, 30), -1)
    elif label == 2:  # green disc pulsing in place
        radius = int(6 + 6 * abs(np.sin(phase * 3 * np.pi)))
        cv2.circle(frame, (x, y + 4), radius, (30, 220, 30), -1)
    else:  # blue horizontal bar sweeping down
        top = int(phase * (size - 6))
        cv2.rectangle(frame, (0, top), (size - 1, top + 5), (30, 30, 230), -1)


def make_video(rng: np.random.Generator, frames: int, size: int, max_actions: int = 4,
               action_frames: tuple[int, int] = (6, 24)
               ) -> tuple[np.ndarray, list[tuple[int, int, int]]]:
    """One video ([T, size, size, 3] uint8 at 10 fps) and its (start, end, label) frames.

    Action lengths are drawn from ``action_frames`` (inclusive, frames).
    """
    video = _background(rng, frames, size)
    actions = []
    for _ in range(rng.integers(1, max_actions + 1)):
        length = int(rng.integers(action_frames[0], min(action_frames[1], frames - 2) + 1))
        start = int(rng.integers(0, frames - length))
        label = int(rng.integers(1, len(CLASSES) + 1))
        actions.append((start, start + length, label))
        pos = (int(rng.integers(4, size - 18)), int(rng.integers(12, size - 12)))
        for t in range(start, start + length):
            _draw(video[t], label, (t - start) / max(length - 1, 1), pos)
    return video, sorted(actions)


def make_synthetic_dataset(out_dir: str | Path, seed: int = 0, num_train: int = 24,
                           num_test: int = 16, size: int = 40,
                           frame_range: tuple[int, int] = (24, 200),
                           action_frames: tuple[int, int] = (6, 24)) -> dict[str, str]:
    """Write a train ('validation' split, as THUMOS14) and a test split under ``out_dir``.

    Training and test videos come from independent random streams of the
    seed. Videos have ``frame_range`` frames (10 fps; upper bound
    exclusive), actions ``action_frames`` (inclusive). Files: ``validation_npy/``,
    ``test_npy/`` ([T, size, size, 3] uint8 at 10 fps), ``val_video_info.csv``, ``test_video_info.csv``,
    ``val_Annotation_ours.csv``, ``test_Annotation_ours.csv``,
    ``Class_Index_Detection.txt``, ``gt.json`` (ActivityNet layout) and
    ``synthetic_dataset.json`` (these arguments, see :func:`read_settings`;
    written last, so it marks a complete folder).

    Returns:
        The paths, keyed as above without extensions (the last as ``settings``).
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = {'class_index': out / 'Class_Index_Detection.txt', 'gt': out / 'gt.json',
             'settings': out / SETTINGS_FILE}
    write_class_index(paths['class_index'], CLASSES)
    subsets = {}
    for split, prefix, count, stream in (('val', 'video_validation', num_train, 0),
                                         ('test', 'video_test', num_test, 1)):
        rng = np.random.default_rng([seed, stream])
        videos = {}
        for i in range(count):
            frames, actions = make_video(rng, int(rng.integers(*frame_range)), size,
                                         action_frames=action_frames)
            videos[f'{prefix}_{i:07d}'] = frames, [
                (start / SAMPLE_FPS, end / SAMPLE_FPS, label) for start, end, label in actions]
        written = write_split(out, split, 'validation_npy' if split == 'val' else 'test_npy',
                              videos, CLASSES, fps=FPS, sample_fps=SAMPLE_FPS)
        paths[f'{split}_video_info'] = written['video_info_file']
        paths[f'{split}_annotations'] = written['ann_file']
        subsets['train' if split == 'val' else 'test'] = {
            video: actions for video, (_, actions) in videos.items()}
    write_ground_truth(paths['gt'], subsets, CLASSES)
    settings = dict(seed=seed, num_train=num_train, num_test=num_test, size=size,
                    frame_range=list(frame_range), action_frames=list(action_frames))
    paths['settings'].write_text(json.dumps(settings, indent=2))
    return {k: str(v) for k, v in paths.items()}


def read_settings(out_dir: str | Path) -> dict | None:
    """The arguments :func:`make_synthetic_dataset` wrote ``out_dir`` with (``seed``, ...),
    or None when ``out_dir`` holds no complete synthetic dataset."""
    path = Path(out_dir) / SETTINGS_FILE
    return json.loads(path.read_text()) if path.is_file() else None
