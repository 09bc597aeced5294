"""AFSD's coarse and boundary-refined detection heads (docs/published_code.md §3)."""
from collections.abc import Sequence

import torch
from mmaction.registry import MODELS
from mmengine.model import BaseModule
from torch import Tensor, nn

from ..layers import Unit1D, conv1d_gn_relu
from .proposal_branch import ProposalBranch
from .segment_regions import frame_segments, level_segments


class ScaleExp(nn.Module):
    """``exp(scale * x)`` with a learnable scalar ``scale`` (initially 1)."""

    def __init__(self, init_value: float = 1.0) -> None:
        super().__init__()
        self.scale = nn.Parameter(torch.tensor([init_value]))

    def forward(self, x: Tensor) -> Tensor:
        """Elementwise; any shape."""
        return torch.exp(x * self.scale)


@MODELS.register_module()
class AFSDHead(BaseModule):
    """Anchor-free coarse predictions refined by boundary max pooling.

    Towers, heads and proposal branches are shared by all pyramid levels;
    only the ``ScaleExp`` of the coarse distances is per level.

    Args:
        num_classes: Classes including background (index 0). Defaults to 21.
        in_channels: Channels of pyramid levels and frame-level features.
            Defaults to 512.
        proposal_channels: Width of the boundary-pooled features.
            Defaults to 512.
        num_levels: Pyramid levels. Defaults to 6.
        clip_length: Frames per clip; distances are in frames of it.
            Defaults to 256.
        num_groups: GroupNorm groups. Defaults to 32.
        init_cfg: MMEngine init config. Defaults to None.
    """

    def __init__(self, num_classes: int = 21, in_channels: int = 512,
                 proposal_channels: int = 512, num_levels: int = 6, clip_length: int = 256,
                 num_groups: int = 32, init_cfg: dict | None = None) -> None:
        super().__init__(init_cfg=init_cfg)
        self.num_classes = num_classes
        self.clip_length = clip_length
        self.loc_tower = nn.Sequential(*(
            conv1d_gn_relu(in_channels, in_channels, 3, num_groups=num_groups)
            for _ in range(2)))
        self.conf_tower = nn.Sequential(*(
            conv1d_gn_relu(in_channels, in_channels, 3, num_groups=num_groups)
            for _ in range(2)))
        self.loc_head = Unit1D(in_channels, 2, 3)
        self.conf_head = Unit1D(in_channels, num_classes, 3)
        self.loc_heads = nn.ModuleList(ScaleExp() for _ in range(num_levels))
        self.loc_proposal_branch = ProposalBranch(in_channels, proposal_channels, num_groups)
        self.conf_proposal_branch = ProposalBranch(in_channels, proposal_channels, num_groups)
        self.prop_loc_head = Unit1D(in_channels, 2, 1)
        self.prop_conf_head = Unit1D(in_channels, num_classes, 1)
        self.center_head = Unit1D(in_channels, 1, 3)
        self._reset_parameters()

    def _reset_parameters(self) -> None:
        # Appendix B: every head convolution ~ N(0, 0.01), bias 0.
        for module in self.modules():
            if isinstance(module, nn.Conv1d):
                nn.init.normal_(module.weight, std=0.01)
                nn.init.zeros_(module.bias)

    @staticmethod
    def priors(level_lengths: Sequence[int], device: torch.device | None = None) -> Tensor:
        """[K, 1] prior centres (c + 0.5) / t, normalised to [0, 1], level 0 first."""
        return torch.cat([
            (torch.arange(t, device=device, dtype=torch.float32) + 0.5) / t
            for t in level_lengths]).unsqueeze(-1)

    def forward_level(self, level: int, feat: Tensor, frame_feat: Tensor) -> dict[str, Tensor]:
        """Predictions of one pyramid level.

        Args:
            level: Level index (selects the ``ScaleExp``).
            feat: [B, in_channels, t] level features.
            frame_feat: [B, in_channels, clip_length] frame-level features.

        Returns:
            ``loc`` [B, t, 2] (frames to start, to end), ``conf`` [B, t,
            num_classes] logits, ``prop_loc`` [B, t, 2] refinement offsets
            in units of half the coarse length, ``prop_conf`` [B, t,
            num_classes] logits, ``center`` [B, t, 1] logits, and the
            boundary features ``loc_lr`` / ``conf_lr`` [B, 2P, t].
        """
        loc_feat = self.loc_tower(feat)
        conf_feat = self.conf_tower(feat)
        loc = self.loc_heads[level](self.loc_head(loc_feat)).transpose(1, 2)
        conf = self.conf_head(conf_feat).transpose(1, 2)
        with torch.no_grad():
            segments = level_segments(loc.detach(), self.clip_length)
            frame_segs = frame_segments(loc.detach(), self.clip_length)
        loc_prop, loc_lr = self.loc_proposal_branch(loc_feat, frame_feat, segments, frame_segs)
        conf_prop, conf_lr = self.conf_proposal_branch(conf_feat, frame_feat, segments,
                                                       frame_segs)
        return dict(
            loc=loc, conf=conf,
            prop_loc=self.prop_loc_head(loc_prop).transpose(1, 2),
            prop_conf=self.prop_conf_head(conf_prop).transpose(1, 2),
            center=self.center_head(loc_prop).transpose(1, 2),
            loc_lr=loc_lr, conf_lr=conf_lr)

    def forward_conf(self, levels: Sequence[Tensor]) -> Tensor:
        """Coarse class logits only, [B, K, num_classes] (what the bg pass needs)."""
        return torch.cat([self.conf_head(self.conf_tower(feat)).transpose(1, 2)
                          for feat in levels], dim=1)

    def boundary_features(self, feat: Tensor) -> tuple[Tensor, Tensor]:
        """Unpooled boundary features of one level, loc and conf branch, [B, 2P, t] each."""
        return (self.loc_proposal_branch.lr_conv(self.loc_tower(feat)),
                self.conf_proposal_branch.lr_conv(self.conf_tower(feat)))

    def forward(self, levels: Sequence[Tensor], frame_feat: Tensor) -> dict[str, Tensor]:
        """Predictions over all levels.

        Args:
            levels: Pyramid maps [B, in_channels, t_l].
            frame_feat: [B, in_channels, clip_length] frame-level features.

        Returns:
            Per-prior outputs concatenated over levels (K = sum t_l, 126 for
            the 256-frame defaults): ``loc`` [B, K, 2], ``conf`` [B, K,
            num_classes], ``prop_loc`` [B, K, 2], ``prop_conf`` [B, K,
            num_classes], ``center`` [B, K, 1], ``priors`` [K, 1];
            frame-level boundary features ``start`` / ``end`` [B,
            clip_length, in_channels / 2]; and level-0 proposal boundary
            features ``start_loc_prop``, ``end_loc_prop``,
            ``start_conf_prop``, ``end_conf_prop`` [B, t_0, P].
        """
        per_level = [self.forward_level(i, feat, frame_feat) for i, feat in enumerate(levels)]
        outputs = {key: torch.cat([out[key] for out in per_level], dim=1)
                   for key in ('loc', 'conf', 'prop_loc', 'prop_conf', 'center')}
        outputs['priors'] = self.priors([feat.shape[-1] for feat in levels], frame_feat.device)
        half = frame_feat.shape[1] // 2
        outputs['start'] = frame_feat[:, :half].transpose(1, 2)
        outputs['end'] = frame_feat[:, half:].transpose(1, 2)
        for branch in ('loc', 'conf'):
            lr = per_level[0][f'{branch}_lr']
            width = lr.shape[1] // 2
            outputs[f'start_{branch}_prop'] = lr[:, :width].transpose(1, 2)
            outputs[f'end_{branch}_prop'] = lr[:, width:].transpose(1, 2)
        return outputs
