"""Temporal attention head of GAF (docs/published_code.md §5.1)."""
import torch.nn.functional as F
from mmaction.registry import MODELS
from torch import Tensor, nn

from ..layers import Unit1D, spatial_reduce


@MODELS.register_module()
class TemporalAttentionHead(nn.Module):
    """Predict a per-channel, per-time attention map in (0, 1) for one backbone map.

    The map is reduced over space, nearest-upsampled in time to
    ``upsample_length`` steps, widened back to ``in_channels`` and mixed
    across time by a linear layer back to ``temporal_size`` steps.

    Args:
        in_channels: Channels C of the backbone map.
        temporal_size: Time steps T of the backbone map (the Linear's
            output size, so it is fixed by the clip length).
        spatial_size: Spatial size S of the backbone map, covered by the
            reducing convolution; None averages over space instead (any size).
        reduce_channels: Width after the spatial reduction. Defaults to 512.
        upsample_length: Time steps after upsampling (the Linear's input
            size). Defaults to None, meaning ``in_channels`` as published.
        num_groups: GroupNorm groups. Defaults to 32.
    """

    def __init__(self, in_channels: int, temporal_size: int, spatial_size: int | None,
                 reduce_channels: int = 512, upsample_length: int | None = None,
                 num_groups: int = 32) -> None:
        super().__init__()
        self.temporal_size = temporal_size
        self.upsample_length = upsample_length or in_channels
        self.reduce = nn.Sequential(
            spatial_reduce(in_channels, reduce_channels, spatial_size),
            nn.GroupNorm(num_groups, reduce_channels),
            nn.ReLU(inplace=True))
        self.attend = nn.Sequential(
            Unit1D(reduce_channels, in_channels, 3),
            nn.GroupNorm(num_groups, in_channels),
            nn.ReLU(inplace=True),
            nn.Linear(self.upsample_length, temporal_size),
            nn.Sigmoid())

    def forward(self, feat: Tensor) -> Tensor:
        """[B, C, T, S, S] backbone map -> [B, C, T] attention in (0, 1)."""
        if feat.shape[2] != self.temporal_size:
            raise ValueError(
                f'{type(self).__name__} was built for {self.temporal_size} time steps '
                f'(its Linear layer fixes the clip length) but got a map of shape '
                f'{tuple(feat.shape)}')
        x = self.reduce(feat).flatten(2)
        # Legacy 'nearest' (floor index), as the published model (§11 Q25).
        x = F.interpolate(x, size=self.upsample_length, mode='nearest')
        return self.attend(x)
