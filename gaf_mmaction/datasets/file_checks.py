"""Checks of the per-video npy files a dataset will read, before training or testing starts.

A dataset inspects every file's header once when it is built (no frames are
read), so a bad file stops a run in its first second with every culprit
named, not hours later inside a data-loader worker.
"""
import logging
import os.path as osp

import numpy as np
from mmengine.dist import all_gather_object, get_world_size
from mmengine.logging import print_log

from ..utils.cli import lost_spaces_hint

BAD_VIDEO_POLICIES = ('error', 'skip')

# What states a video's length, for the messages of a frame count that differs.
COUNT_SOURCE = 'the video-info file'


def open_array(path: str, ndim: int, layout: str, dtype: type | None = None) -> np.ndarray:
    """Memory-map an npy file, with errors that name it.

    Raises:
        FileNotFoundError: The file is missing.
        ValueError: It is empty (what an interrupted extraction leaves),
            truncated or not an npy array, has another rank than ``ndim``,
            or (with ``dtype``) another element type.
    """
    try:
        array = np.load(path, mmap_mode='r')
    except FileNotFoundError:
        raise FileNotFoundError(f'No such npy file: {path}{lost_spaces_hint(path)}') from None
    except EOFError:
        raise ValueError(f'{path} is empty (0 bytes or no array data): re-extract it') from None
    except (OSError, ValueError) as err:
        raise ValueError(f'{path} is not a readable npy array ({err})') from None
    if array.ndim != ndim:
        raise ValueError(f'{path}: expected {layout}, got an array of shape {array.shape}')
    if dtype is not None and array.dtype != dtype:
        raise ValueError(f'{path}: expected {layout}, got elements of type {array.dtype} '
                         f'(frames must be {np.dtype(dtype)} in 0..255, as the data tools write)')
    return array


def open_features(path: str) -> np.ndarray:
    """[T, C] features of an npy file (memory-mapped) or of an npz file's ``feats`` array
    (EPIC-Kitchens releases), with errors that name the file (see :func:`open_array`)."""
    if not path.endswith('.npz'):
        return open_array(path, 2, '[T, C] features')
    try:
        archive = np.load(path)
    except FileNotFoundError:
        raise FileNotFoundError(f'No such npz file: {path}{lost_spaces_hint(path)}') from None
    except (OSError, EOFError, ValueError) as err:
        raise ValueError(f'{path} is not a readable npz archive ({err})') from None
    if getattr(archive, 'files', None) is None:
        raise ValueError(f'{path}: expected an npz archive holding "feats" [T, C], found a '
                         'bare array')
    with archive:
        if 'feats' not in archive.files:
            raise ValueError(f'{path}: expected an npz archive holding "feats" [T, C], found '
                             f'{sorted(archive.files)}')
        features = archive['feats']
    if features.ndim != 2:
        raise ValueError(f'{path}: expected "feats" [T, C], got shape {features.shape}')
    return features


def stream_files(data_prefix: dict, video: str) -> dict[str, str]:
    """A video's npy files: ``filename`` under ``data_prefix['video']`` and, with a
    ``flow`` folder, ``flow_filename`` under it."""
    files = dict(filename=osp.join(data_prefix.get('video', ''), f'{video}.npy'))
    if 'flow' in data_prefix:
        files['flow_filename'] = osp.join(data_prefix['flow'], f'{video}.npy')
    return files


def stream_file_problems(files: dict[str, str], channels: dict[str, int],
                         expected_frames: int | None, tolerance: int,
                         count_source: str = COUNT_SOURCE,
                         frame_size: int | None = None) -> list[str | None]:
    """:func:`frame_file_problem` of each of :func:`stream_files`' files, checking the
    channels ``channels`` gives its stream ('video' or 'flow') and the ``frame_size``."""
    return [frame_file_problem(path, channels.get('video' if key == 'filename' else 'flow'),
                               expected_frames, tolerance, count_source, frame_size)
            for key, path in files.items()]


def frame_file_problem(path: str, channels: int | None = None,
                       expected_frames: int | None = None, tolerance: int = 0,
                       count_source: str = COUNT_SOURCE,
                       frame_size: int | None = None) -> str | None:
    """What is wrong with a ``[T, H, W, C]`` uint8 frame file, or None if nothing.

    Args:
        path: The npy file.
        channels: Expected C (3 RGB, 2 flow); None accepts any.
        expected_frames: T the annotations state; None accepts any.
        tolerance: Largest accepted ``|T - expected_frames|``, frames.
        count_source: What states ``expected_frames``, for the message.
        frame_size: Expected H = W (the dataset's ``frame_size``); None accepts any.
    """
    try:
        frames = open_array(path, ndim=4, layout='[T, H, W, C] uint8 frames', dtype=np.uint8)
    except (FileNotFoundError, ValueError) as err:
        return str(err)
    num, height, width, found = frames.shape
    if num == 0:
        return f'{path} has no frames (shape {frames.shape})'
    if frame_size is not None and (height, width) != (frame_size, frame_size):
        return (f'{path} has {width}x{height} frames, but the dataset\'s frame_size is '
                f'{frame_size} (what the data preparation wrote: tools/data/videos_to_npy.py '
                '--size); set frame_size to the files\' size')
    if channels is not None and found != channels:
        return (f'{path} has {found} channel(s) per frame, expected {channels} '
                f'(3 for RGB, 2 for optical flow)')
    if expected_frames is not None and abs(num - expected_frames) > tolerance:
        return (f'{path} has {num} frames but {count_source} says {expected_frames} '
                f'(tolerance {tolerance})')
    return None


def feature_file_problem(path: str, expected_steps: int | None = None, tolerance: int = 0,
                         count_source: str = COUNT_SOURCE) -> str | None:
    """What is wrong with a ``[T, C]`` feature file, or None if nothing (arguments as
    :func:`frame_file_problem`'s, in feature steps)."""
    try:
        steps = open_features(path).shape[0]
    except (FileNotFoundError, ValueError) as err:
        return str(err)
    if steps == 0:
        return f'{path} has no feature steps'
    if expected_steps is not None and abs(steps - expected_steps) > tolerance:
        return (f'{path} has {steps} feature steps but {count_source} says {expected_steps} '
                f'(tolerance {tolerance})')
    return None


def handle_bad_videos(problems: dict[str, list[str | None]], policy: str,
                      source: str) -> set[str]:
    """Raise on, or warn about and return, the videos with problems.

    Args:
        problems: {video: [description or None, ...]}; Nones are ignored.
        policy: 'error' raises ``ValueError`` listing every problem; 'skip'
            logs one warning listing them and returns the videos to leave out.
        source: What is being built, for the message (e.g. the dataset class
            and its video-info file).

    Under ``torch.distributed`` the problems of all ranks are merged first,
    so that every rank decides alike.

    Returns:
        The names of the videos to skip.
    """
    if policy not in BAD_VIDEO_POLICIES:
        raise ValueError(f'on_bad_video must be one of {BAD_VIDEO_POLICIES}, got {policy!r}')
    bad = {video: [text for text in found if text] for video, found in problems.items()}
    bad = {video: found for video, found in bad.items() if found}
    if get_world_size() > 1:
        # Ranks may see different files (a node-local copy, a file that appeared meanwhile):
        # decide once, on the union, so every rank builds the same dataset and raises or skips
        # together, and the main process's log lists the bad videos of every rank.
        union: dict[str, list[str]] = {}
        for rank_bad in all_gather_object(bad):
            for video, found in rank_bad.items():
                union.setdefault(video, [])
                union[video] += [text for text in found if text not in union[video]]
        bad = union
    if not bad:
        return set()
    listing = '\n'.join(f'  {video}: {text}' for video, found in bad.items() for text in found)
    if policy == 'error':
        raise ValueError(f'{len(bad)} bad video(s) in {source}:\n{listing}\nFix or remove them, '
                         "or set the dataset's on_bad_video='skip' to leave them out.")
    print_log(f'Leaving out {len(bad)} bad video(s) of {source} (on_bad_video=skip):\n{listing}',
              logger='current', level=logging.WARNING)
    return set(bad)
