"""Spatial crops and flips applied to a whole clip ([C, T, H, W])."""
import numpy as np
from mmaction.registry import TRANSFORMS
from mmcv.transforms import BaseTransform


@TRANSFORMS.register_module()
class RandomCropClip(BaseTransform):
    """Crop ``size`` x ``size`` at one random position for every frame of ``imgs``.

    Args:
        size: Crop side in pixels. Defaults to 96.
    """

    def __init__(self, size: int = 96) -> None:
        self.size = size

    def transform(self, results: dict) -> dict:
        imgs = results['imgs']
        top = np.random.randint(0, imgs.shape[2] - self.size + 1)
        left = np.random.randint(0, imgs.shape[3] - self.size + 1)
        results['imgs'] = np.ascontiguousarray(
            imgs[:, :, top:top + self.size, left:left + self.size])
        return results


@TRANSFORMS.register_module()
class CenterCropClip(BaseTransform):
    """Crop ``size`` x ``size`` at the centre (offset rounded) of every frame.

    Args:
        size: Crop side in pixels. Defaults to 96.
    """

    def __init__(self, size: int = 96) -> None:
        self.size = size

    def transform(self, results: dict) -> dict:
        imgs = results['imgs']
        top = round((imgs.shape[2] - self.size) / 2.0)
        left = round((imgs.shape[3] - self.size) / 2.0)
        results['imgs'] = np.ascontiguousarray(
            imgs[:, :, top:top + self.size, left:left + self.size])
        return results


@TRANSFORMS.register_module()
class FlipClip(BaseTransform):
    """Flip every frame of ``imgs`` horizontally with probability ``prob``.

    Flow's x component is not negated, as in the published training (§11 Q15).

    Args:
        prob: Flip probability. Defaults to 0.5.
    """

    def __init__(self, prob: float = 0.5) -> None:
        self.prob = prob

    def transform(self, results: dict) -> dict:
        if np.random.rand() < self.prob:
            results['imgs'] = np.ascontiguousarray(results['imgs'][..., ::-1])
        return results
