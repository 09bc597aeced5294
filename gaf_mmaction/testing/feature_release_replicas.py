"""Small replicas of the public feature releases, in each release's own layout.

Each replica's feature file has the release's name, shape and dtype, and is made from its
snippet definition alone: snippet ``s`` takes frames ``[s * stride, s * stride + length)`` of a
video of ``round(duration * fps)`` frames, ``T = (frames - length) // stride + 1`` snippets.
The values say what each snippet shows: channel 0 is the time of its centre frame (seconds),
channel ``1 + k`` the fraction of its frames inside an action of class ``k``; the rest are 0.
"""
import json
from pathlib import Path

import numpy as np

from ..datasets.feature_releases import FEATURE_RELEASES

THUMOS_CLASSES = ('BaseballPitch', 'BasketballDunk', 'Billiards')
# {video: (fps, duration s, [(start s, end s, class)])}, at THUMOS14's four frame rates.
REPLICA_VIDEOS = {
    'video_validation_0000051': (30.0, 40.0, [(3.1, 9.7, 0), (20.2, 27.9, 2)]),
    'video_validation_0000311': (25.0, 36.0, [(5.3, 12.6, 1), (24.1, 31.8, 0)]),
    'video_validation_0000420': (29.97, 33.0, [(2.2, 10.4, 2), (18.7, 25.5, 1)]),
    'video_validation_0000930': (24.0, 30.0, [(4.4, 11.3, 0), (16.9, 24.6, 2)]),
}
# ActivityNet-like videos whose frames at 15 fps are whole 16-frame snippets (32 s = 30
# snippets, 25.6 s = 24), so the span of the snippets is the duration under either layout.
REPLICA_ANET_VIDEOS = {
    'abc123': (30.0, 32.0, [(4.0, 17.5, 0), (21.0, 29.0, 1)]),
    'xyz789': (25.0, 25.6, [(1.5, 20.0, 2)]),
}


def snippet_features(fps: float, duration: float, actions: list, length: int, stride: int,
                     channels: int, classes: int, with_time: bool = True) -> np.ndarray:
    """[T, channels] float32 features of one video (see the module docstring).

    Raises:
        ValueError: Fewer than ``classes + 1`` channels.
    """
    if channels < classes + 1:
        raise ValueError(f'{channels} channels cannot hold the time and {classes} classes')
    frames = round(duration * fps)
    starts = np.arange((frames - length) // stride + 1, dtype=np.float64) * stride
    features = np.zeros((len(starts), channels), np.float32)
    if with_time:
        features[:, 0] = (starts + length / 2) / fps
    for start, end, label in actions:
        inside = (np.minimum(starts + length, end * fps) - np.maximum(starts, start * fps))
        features[:, 1 + label] += np.clip(inside, 0, None) / length
    return features


def _features(release: str, fps: float, duration: float, actions: list,
              channels: int | None, classes: int, with_time: bool) -> np.ndarray:
    preset = FEATURE_RELEASES[release]
    geometry = preset.geometry
    return snippet_features(geometry.fps or fps, duration, actions, geometry.snippet_length,
                            geometry.snippet_stride, channels or preset.channels, classes,
                            with_time)


def _save(folder: Path, release: str, video: str, features: np.ndarray) -> None:
    preset = FEATURE_RELEASES[release]
    path = folder / f'{preset.file_prefix}{video}{preset.file_ext}'
    if preset.file_ext == '.npz':
        np.savez(path, feats=features)
    else:
        np.save(path, features)


def write_actionformer_replica(root: str | Path, release: str = 'actionformer_thumos14_i3d',
                               videos: dict | None = None, classes: tuple = THUMOS_CLASSES,
                               subsets: tuple[str, str] = ('Validation', 'Test'),
                               channels: int | None = None, feature_dir: str = 'i3d_features',
                               ann_name: str = 'thumos14.json',
                               with_time: bool = True) -> dict[str, str]:
    """ActionFormer's layout: ``annotations/<ann_name>`` and ``<feature_dir>/<video>.npy``.

    Every video is written twice, once per subset of ``subsets`` (the test copy named with
    ``_test``), so one replica trains and tests. ``channels`` replaces the release's count
    (small models); without ``with_time``, channel 0 stays 0.

    Returns:
        ``ann_file``, ``feature_dir``.
    """
    root = Path(root)
    (root / 'annotations').mkdir(parents=True, exist_ok=True)
    (root / feature_dir).mkdir(parents=True, exist_ok=True)
    database = {}
    for subset, suffix in zip(subsets, ('', '_test')):
        for video, (fps, duration, actions) in (videos or REPLICA_VIDEOS).items():
            name = video + suffix
            database[name] = dict(subset=subset, duration=duration, fps=fps, annotations=[
                {'label': classes[k], 'segment': [s, e], 'segment(frames)': [s * fps, e * fps],
                 'label_id': k} for s, e, k in actions])
            _save(root / feature_dir, release, name, _features(
                release, fps, duration, actions, channels, len(classes), with_time))
    ann_file = root / 'annotations' / ann_name
    ann_file.write_text(json.dumps({'version': 'replica', 'database': database}))
    return dict(ann_file=str(ann_file), feature_dir=str(root / feature_dir))


def write_opentad_replica(root: str | Path, release: str = 'opentad_thumos14_i3d',
                          videos: dict | None = None, classes: tuple = THUMOS_CLASSES,
                          subsets: tuple[str, str] = ('training', 'validation'),
                          channels: int | None = None, ambiguous: bool = True,
                          with_time: bool = True,
                          feature_dir: str = 'features/i3d_actionformer_stride4_thumos',
                          ann_name: str = 'thumos_14_anno.json') -> dict[str, str]:
    """OpenTAD's layout: ``annotations/<ann_name>`` ("frame" counts, no fps),
    ``annotations/category_idx.txt`` and ``<feature_dir>/<video>.npy``; with ``ambiguous``,
    each video also has an ``Ambiguous`` segment (not a class), as THUMOS14's files do.
    Other arguments: see :func:`write_actionformer_replica`.

    Returns:
        ``ann_file``, ``class_map``, ``feature_dir``.
    """
    root = Path(root)
    (root / 'annotations').mkdir(parents=True, exist_ok=True)
    (root / feature_dir).mkdir(parents=True, exist_ok=True)
    database = {}
    for subset, suffix in zip(subsets, ('', '_test')):
        for video, (fps, duration, actions) in (videos or REPLICA_VIDEOS).items():
            name = video + suffix
            annotations = [{'label': classes[k], 'segment': [s, e]} for s, e, k in actions]
            if ambiguous:
                annotations.append({'label': 'Ambiguous', 'segment': [0.5, 1.5]})
            # A real video's duration is its frame count over its rate.
            frames = round(duration * fps)
            database[name] = dict(subset=subset, duration=frames / fps, frame=frames,
                                  annotations=annotations)
            _save(root / feature_dir, release, name, _features(
                release, fps, duration, actions, channels, len(classes), with_time))
    (root / 'annotations' / ann_name).write_text(json.dumps({'database': database}))
    (root / 'annotations' / 'category_idx.txt').write_text('\n'.join(classes) + '\n')
    return dict(ann_file=str(root / 'annotations' / ann_name),
                class_map=str(root / 'annotations' / 'category_idx.txt'),
                feature_dir=str(root / feature_dir))
