"""A stand-in backbone for pre-extracted features."""
from mmaction.registry import MODELS
from mmengine.model import BaseModule
from torch import Tensor

from .feature_maps import FeatureMap


@MODELS.register_module()
class PrecomputedFeatures(BaseModule):
    """Pass pre-extracted snippet features through as the one backbone map.

    Args:
        in_channels: Feature channels C. Defaults to 2048 (I3D RGB + flow).
    """

    def __init__(self, in_channels: int = 2048, init_cfg: dict | None = None) -> None:
        super().__init__(init_cfg=init_cfg)
        self.in_channels = in_channels

    @property
    def output_maps(self) -> tuple[FeatureMap]:
        """The one map: the features, a step per input step, without spatial extent."""
        return (FeatureMap(self.in_channels, 1, None), )

    def forward(self, x: Tensor) -> tuple[Tensor]:
        """[B, C, T, 1, 1] features -> ([B, C, T, 1, 1],)."""
        if x.dim() != 5 or x.shape[1] != self.in_channels or x.shape[-2:] != (1, 1):
            raise ValueError(f'{type(self).__name__} expects [B, {self.in_channels}, T, 1, 1] '
                             f'features, got {tuple(x.shape)}')
        return (x, )
