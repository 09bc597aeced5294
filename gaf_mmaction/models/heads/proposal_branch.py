"""AFSD's proposal branch: boundary-pooled features for refinement (docs/published_code.md §3.3)."""
import torch
from torch import Tensor, nn

from ...ops import boundary_max_pool
from ..layers import conv1d_gn_relu


class ProposalBranch(nn.Module):
    """Pool each cell's start and end regions and fuse them with the cell.

    Args:
        in_channels: Channels of the level and frame-level features.
            Defaults to 512.
        proposal_channels: Width of the pooled features. Defaults to 512.
        num_groups: GroupNorm groups. Defaults to 32.
    """

    def __init__(self, in_channels: int = 512, proposal_channels: int = 512,
                 num_groups: int = 32) -> None:
        super().__init__()
        self.cur_point_conv = conv1d_gn_relu(in_channels, proposal_channels, 1,
                                             num_groups=num_groups)
        self.lr_conv = conv1d_gn_relu(in_channels, 2 * proposal_channels, 1,
                                      num_groups=num_groups)
        self.roi_conv = conv1d_gn_relu(in_channels, proposal_channels, 1, num_groups=num_groups)
        self.proposal_conv = conv1d_gn_relu(4 * proposal_channels, in_channels, 1,
                                            num_groups=num_groups)

    def forward(self, feat: Tensor, frame_feat: Tensor, segments: Tensor,
                frame_segments: Tensor, frame_table: Tensor | None = None
                ) -> tuple[Tensor, Tensor]:
        """Refinement features for one pyramid level.

        Args:
            feat: [B, in_channels, t] tower output of the level.
            frame_feat: [B, in_channels, L] frame-level features.
            segments: [B, t, 4] boundary regions in level cells.
            frame_segments: [B, t, 4] boundary regions in frames.
            frame_table: ``range_max_table(frame_feat)``, shared by every
                level and branch of a forward pass. Defaults to None: built here.

        Returns:
            ``proposal``: [B, in_channels, t] fused features.
            ``lr``: [B, 2 * proposal_channels, t] boundary features before
            pooling (first half start, second half end).
        """
        short = self.cur_point_conv(feat)
        lr = self.lr_conv(feat)
        pooled = boundary_max_pool(lr, segments)
        roi = self.roi_conv(boundary_max_pool(frame_feat, frame_segments, frame_table))
        return self.proposal_conv(torch.cat([roi, pooled, short], dim=1)), lr
