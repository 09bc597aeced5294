"""Loading a window of frames from a memory-mapped per-video npy file (or from memory)."""
import numpy as np
import torch
import torch.nn.functional as F
from mmaction.registry import TRANSFORMS
from mmcv.transforms import BaseTransform

from ..file_checks import open_array, open_features


def resample_steps(features: np.ndarray, length: int) -> np.ndarray:
    """[T, C] features linearly resampled to [length, C]: output step i samples the input at
    its bin's centre, ``(i + 0.5) * T / length - 0.5`` (the resampling ActionFormer applies to
    ActivityNet features; ends held)."""
    steps = torch.from_numpy(np.array(features, dtype=np.float32)).T[None]
    return F.interpolate(steps, size=length, mode='linear', align_corners=False)[0].T.numpy()


@TRANSFORMS.register_module()
class LoadFrameWindow(BaseTransform):
    """Read a window of frames at ``offset`` from ``filename`` ([T, H, W, C] uint8).

    The file is memory-mapped, so only the window is read. A window running
    past the end of the video is padded with ``pad_value`` (uint8; the
    published training pads raw zeros, i.e. -1 after normalisation).
    Streaming inference gives the window's own frames instead of files:
    ``window_frames``, a dict that holds, under the file's key
    (``filename_key``), its frames [n, H, W, C] uint8, n <= clip_length,
    from ``offset`` on.

    Required keys: ``filename_key`` (or ``window_frames[filename_key]``),
    ``offset``, and ``clip_length`` (which the datasets put in every window)
    unless given here. Added keys: ``out_key`` [C, clip_length, H, W] uint8,
    ``valid_length`` (frames read).

    Args:
        clip_length: Frames per window. Defaults to None: the window's own.
        pad_value: Value of padded frames. Defaults to 0.
        filename_key: Key of the npy path. Defaults to 'filename'
            ('flow_filename' for the flow of a two-stream dataset).
        out_key: Key of the clip. Defaults to 'imgs'.
    """

    def __init__(self, clip_length: int | None = None, pad_value: int = 0,
                 filename_key: str = 'filename', out_key: str = 'imgs') -> None:
        self.clip_length = clip_length
        self.pad_value = pad_value
        self.filename_key = filename_key
        self.out_key = out_key

    def transform(self, results: dict) -> dict:
        length = self.clip_length or results['clip_length']
        in_memory = results.get('window_frames', {})
        if self.filename_key in in_memory:
            frames = in_memory.pop(self.filename_key)
            window = frames[:length]
        else:
            frames = open_array(results[self.filename_key], ndim=4,
                                layout='[T, H, W, C] uint8 frames', dtype=np.uint8)
            window = np.asarray(frames[results['offset']:results['offset'] + length])
        clip = np.full((length, *frames.shape[1:]), self.pad_value, dtype=np.uint8)
        clip[:len(window)] = window
        results[self.out_key] = np.ascontiguousarray(clip.transpose(3, 0, 1, 2))
        results['valid_length'] = len(window)
        return results


@TRANSFORMS.register_module()
class LoadFeatureWindow(BaseTransform):
    """Read a window of feature steps at ``offset`` from ``filename`` ([T, C] float).

    Memory-mapped like :class:`LoadFrameWindow` (an ``.npz`` file: its
    ``feats``); padded with ``pad_value``. The window becomes ``imgs``
    [C, window_length, 1, 1] float32: a map with a 1 x 1 spatial extent, so
    GAF's modules run on it unchanged. A window with ``channel_range``
    keeps those channels (one stream of two-stream features); one with
    ``resize_length`` reads the video's features resampled to that many
    steps (:func:`resample_steps`).

    Args:
        window_length: Feature steps per window. Defaults to None: the
            window's own ``clip_length``.
        pad_value: Value of padded steps. Defaults to 0.
    """

    def __init__(self, window_length: int | None = None, pad_value: float = 0.0) -> None:
        self.window_length = window_length
        self.pad_value = pad_value

    def transform(self, results: dict) -> dict:
        features = open_features(results['filename'])
        if 'channel_range' in results:
            start, stop = results['channel_range']
            if features.shape[1] < stop:
                raise ValueError(f'{results["filename"]} has {features.shape[1]} channels; '
                                 f'channel_range {start}-{stop} needs {stop}')
            features = features[:, start:stop]
        if 'resize_length' in results:
            features = resample_steps(features, results['resize_length'])
        offset, length = results['offset'], self.window_length or results['clip_length']
        window = np.asarray(features[offset:offset + length], dtype=np.float32)
        out = np.full((length, features.shape[1]), self.pad_value, np.float32)
        out[:len(window)] = window
        results['imgs'] = np.ascontiguousarray(out.T[:, :, None, None])
        results['valid_length'] = len(window)
        return results
