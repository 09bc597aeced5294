"""AFSD's temporal feature pyramid with its frame-level branch (docs/published_code.md §2)."""
from collections.abc import Sequence

import torch.nn.functional as F
from mmaction.registry import MODELS
from mmengine.model import BaseModule
from torch import Tensor, nn

from ..layers import SpatialReduce3D, conv1d_gn_relu, spatial_reduce


@MODELS.register_module()
class TemporalPyramidNeck(BaseModule):
    """Turn backbone maps into a temporal pyramid and a frame-level map.

    With two maps (THUMOS14), level 0 is the finer map plus the
    nearest-upsampled coarser one and level 1 the coarser map; with one map
    (ActivityNet, Mixed_5c only) level 0 is that map. Every further level is
    a stride-2 convolution of the one before. The frame-level branch
    upsamples level 0 to the clip length.

    Args:
        in_channels: Channels of the (finer, coarser) backbone maps, or of
            the single map. Defaults to (832, 1024) (Mixed_4f, Mixed_5c).
        spatial_sizes: Spatial sizes of the maps, which the reducing
            convolutions cover entirely; None (or a None entry) averages over
            space instead, for any backbone and crop. Defaults to (6, 3), the
            sizes for a 96x96 crop with Inception-I3D.
        channels: Width of every pyramid level. Defaults to 512.
        num_levels: Pyramid levels, two of them from the backbone.
            Defaults to 6.
        clip_length: Frames per clip, the length of the frame-level map.
            Defaults to 256.
        num_groups: GroupNorm groups. Defaults to 32.
        init_cfg: MMEngine init config. Defaults to None.
    """

    def __init__(self, in_channels: Sequence[int] = (832, 1024),
                 spatial_sizes: Sequence[int | None] | None = (6, 3), channels: int = 512,
                 num_levels: int = 6, clip_length: int = 256, num_groups: int = 32,
                 init_cfg: dict | None = None) -> None:
        super().__init__(init_cfg=init_cfg)
        spatial_sizes = spatial_sizes or [None] * len(in_channels)
        if len(in_channels) not in (1, 2) or len(spatial_sizes) != len(in_channels):
            raise ValueError('TemporalPyramidNeck takes one or two backbone maps; got '
                             f'in_channels={in_channels}, spatial_sizes={spatial_sizes}')
        if num_levels < len(in_channels):
            raise ValueError(f'num_levels must be >= {len(in_channels)}, got {num_levels}')
        self.clip_length = clip_length
        self.out_channels = channels
        self.num_levels = num_levels
        self.spatial_sizes = tuple(spatial_sizes)
        self.pyramids = nn.ModuleList([
            nn.Sequential(
                SpatialReduce3D(c, channels, (1, s, s)) if s is not None
                else spatial_reduce(c, channels, s),
                nn.GroupNorm(num_groups, channels),
                nn.ReLU(inplace=True))
            for c, s in zip(in_channels, spatial_sizes)])
        self.num_inputs = len(in_channels)
        self.pyramids.extend(
            conv1d_gn_relu(channels, channels, 3, stride=2, num_groups=num_groups)
            for _ in range(num_levels - self.num_inputs))
        self.frame_level = nn.Sequential(
            *conv1d_gn_relu(channels, channels, 3, num_groups=num_groups),
            *conv1d_gn_relu(channels, channels, 3, num_groups=num_groups),
            *conv1d_gn_relu(channels, channels, 1, num_groups=num_groups))
        self._reset_parameters()

    def _reset_parameters(self) -> None:
        # The published model Xavier-initialises every convolution of the
        # pyramid and frame-level branch (Appendix B).
        for module in self.modules():
            if isinstance(module, (nn.Conv1d, nn.Conv3d)):
                nn.init.xavier_uniform_(module.weight)
                nn.init.zeros_(module.bias)

    def forward(self, feats: Sequence[Tensor]) -> tuple[list[Tensor], Tensor]:
        """Build the pyramid.

        Args:
            feats: (finer, coarser) maps, [B, C0, T0, S0, S0] and
                [B, C1, T1, S1, S1] (256-frame defaults: T0 = 64, T1 = 32),
                or the single map.

        Returns:
            ``levels``: ``num_levels`` maps [B, channels, T_l], T_0 = T0,
            (T_1 = T1 with two maps), T_l = ceil(T_{l-1} / 2) after that.
            ``frame_feat``: [B, channels, clip_length].
        """
        if len(feats) != self.num_inputs:
            raise ValueError(f'{type(self).__name__} was built for {self.num_inputs} backbone '
                             f'map(s) but got {len(feats)}')
        for feat, size in zip(feats, self.spatial_sizes):
            if size is not None and tuple(feat.shape[-2:]) != (size, size):
                raise ValueError(
                    f'{type(self).__name__} was configured for {self.spatial_sizes} spatial maps '
                    f'but got {[tuple(f.shape) for f in feats]}: set spatial_sizes from the crop '
                    '(crop // 16, crop // 32 for Inception-I3D)')
        levels = [p(f).flatten(2) for p, f in zip(self.pyramids, feats)]
        if len(levels) == 2:
            # Legacy 'nearest' (floor index), as the published model (§11 Q25).
            levels[0] = levels[0] + F.interpolate(levels[1], size=levels[0].shape[-1],
                                                  mode='nearest')
        fine = levels[0]
        for conv in self.pyramids[self.num_inputs:]:
            levels.append(conv(levels[-1]))
        frame_feat = F.interpolate(fine, size=self.clip_length, mode='nearest')
        return levels, self.frame_level(frame_feat)
