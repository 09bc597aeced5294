"""Backbone features of frame arrays, in the ``[T, C]`` layout the feature configs read."""
from collections.abc import Callable, Iterator

import numpy as np
import torch
from torch import Tensor, nn


def snippet_starts(num_frames: int, stride: int) -> range:
    """The first frame of each feature's snippet: every ``stride`` frames, ``ceil(num_frames /
    stride)`` of them (feature t covers frames ``t * stride`` on)."""
    return range(0, num_frames, stride)


def normalizer_of(data_preprocessor: nn.Module | None) -> Callable[[Tensor], Tensor]:
    """How a model's preprocessor maps uint8 clips [B, C, T, H, W] to its inputs: GAF's
    ``ClipDataPreprocessor.normalize`` ([-1, 1]), MMAction2's ``mean`` / ``std``, else /255."""
    if hasattr(data_preprocessor, 'normalize'):
        return data_preprocessor.normalize
    mean, std = (getattr(data_preprocessor, k, None) for k in ('mean', 'std'))
    if mean is not None and std is not None:
        return lambda clips: (clips.float() - mean.view(1, -1, 1, 1, 1).to(clips.device)) / (
            std.view(1, -1, 1, 1, 1).to(clips.device))
    return lambda clips: clips.float() / 255.0


class FeatureExtractor:
    """One feature vector per ``stride`` frames: the backbone's last map on the snippet of
    ``snippet`` frames starting there, averaged over its time and space.

    Snippets running past the video's end repeat its last frame. Frames are
    centre-cropped to ``crop`` first (None: as they are).

    Args:
        backbone: Takes [B, C, snippet, h, w] clips, returns a map or a tuple of
            maps ([B, C_out, t, h', w'] or [B, C_out, t]); the last one is used.
        normalize: uint8 clips [B, C, T, H, W] to the backbone's inputs.
        snippet: Frames per snippet. Defaults to 16.
        stride: Frames between features. Defaults to 4.
        crop: Side of the centre crop in pixels. Defaults to None.
        batch_size: Snippets per forward pass. Defaults to 32.
        device: Where the backbone runs. Defaults to the CPU.
    """

    def __init__(self, backbone: nn.Module, normalize: Callable[[Tensor], Tensor],
                 snippet: int = 16, stride: int = 4, crop: int | None = None,
                 batch_size: int = 32, device: str | torch.device = 'cpu') -> None:
        if snippet < 1 or stride < 1:
            raise ValueError(f'snippet and stride must be >= 1, got {snippet} and {stride}')
        self.backbone = backbone.eval()
        self.normalize = normalize
        self.snippet, self.stride, self.crop = snippet, stride, crop
        self.batch_size = batch_size
        self.device = torch.device(device)

    def snippets(self, frames: np.ndarray) -> Iterator[np.ndarray]:
        """Batches of snippets [n, C, snippet, h, w] uint8 of ``frames`` [T, H, W, C]."""
        count, height, width = frames.shape[:3]
        top, left = ((height - self.crop) // 2, (width - self.crop) // 2) if self.crop else (0, 0)
        bottom, right = (top + self.crop, left + self.crop) if self.crop else (height, width)
        if self.crop and (top < 0 or left < 0):
            raise ValueError(f'Frames of {width}x{height} pixels are smaller than the crop '
                             f'({self.crop}): extract from larger frames or set --crop')
        starts = list(snippet_starts(count, self.stride))
        for begin in range(0, len(starts), self.batch_size):
            batch = []
            for start in starts[begin:begin + self.batch_size]:
                index = np.minimum(np.arange(start, start + self.snippet), count - 1)
                batch.append(np.asarray(frames[index, top:bottom, left:right]))
            yield np.stack(batch).transpose(0, 4, 1, 2, 3)

    @torch.no_grad()
    def __call__(self, frames: np.ndarray) -> np.ndarray:
        """[ceil(T / stride), C_out] float32 features of ``frames`` [T, H, W, C] uint8."""
        if frames.ndim != 4 or not len(frames):
            raise ValueError(f'expected [T, H, W, C] frames, got shape {frames.shape}')
        features = []
        for batch in self.snippets(frames):
            clips = self.normalize(torch.from_numpy(batch).to(self.device))
            out = self.backbone(clips)
            out = out[-1] if isinstance(out, tuple | list) else out
            features.append(out.flatten(2).mean(2).float().cpu())
        return torch.cat(features).numpy()
