"""Spatial crops and flips applied to a whole clip ([C, T, H, W])."""
import numpy as np
from mmaction.registry import TRANSFORMS
from mmcv.transforms import BaseTransform


def _crop(results: dict, keys: tuple[str, ...], top: int, left: int, size: int) -> dict:
    for key in keys:
        clip = results[key]
        if clip.shape[2] < top + size or clip.shape[3] < left + size:
            raise ValueError(f'{results.get("filename", key)}: frames of {clip.shape[2]}x'
                             f'{clip.shape[3]} are smaller than the {size}x{size} crop')
        results[key] = np.ascontiguousarray(clip[:, :, top:top + size, left:left + size])
    return results


@TRANSFORMS.register_module()
class RandomCropClip(BaseTransform):
    """Crop ``size`` x ``size`` at one random position for every frame of the clips.

    Args:
        size: Crop side in pixels. Defaults to 96.
        keys: Clips ([C, T, H, W], same H and W) cropped alike. Defaults to ('imgs',).
    """

    def __init__(self, size: int = 96, keys: tuple[str, ...] = ('imgs', )) -> None:
        self.size = size
        self.keys = tuple(keys)

    def transform(self, results: dict) -> dict:
        height, width = results[self.keys[0]].shape[2:]
        # Frames smaller than the crop reach _crop's error, which names the file.
        top = np.random.randint(0, max(height - self.size, 0) + 1)
        left = np.random.randint(0, max(width - self.size, 0) + 1)
        return _crop(results, self.keys, top, left, self.size)


@TRANSFORMS.register_module()
class CenterCropClip(BaseTransform):
    """Crop ``size`` x ``size`` at the centre (offset rounded) of every frame.

    Args:
        size: Crop side in pixels. Defaults to 96.
        keys: Clips cropped alike. Defaults to ('imgs',).
    """

    def __init__(self, size: int = 96, keys: tuple[str, ...] = ('imgs', )) -> None:
        self.size = size
        self.keys = tuple(keys)

    def transform(self, results: dict) -> dict:
        height, width = results[self.keys[0]].shape[2:]
        top = round((height - self.size) / 2.0)
        left = round((width - self.size) / 2.0)
        return _crop(results, self.keys, top, left, self.size)


@TRANSFORMS.register_module()
class FlipClip(BaseTransform):
    """Flip every frame of ``imgs`` horizontally with probability ``prob``.

    Flow's x component is not negated, as published (docs/published_code.md §11 Q15).

    Args:
        prob: Flip probability. Defaults to 0.5.
        keys: Clips flipped alike. Defaults to ('imgs',).
    """

    def __init__(self, prob: float = 0.5, keys: tuple[str, ...] = ('imgs', )) -> None:
        self.prob = prob
        self.keys = tuple(keys)

    def transform(self, results: dict) -> dict:
        if np.random.rand() < self.prob:
            for key in self.keys:
                results[key] = np.ascontiguousarray(results[key][..., ::-1])
        return results
