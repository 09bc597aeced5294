"""AFSD's coarse and boundary-refined detection heads, their losses and decoding.

See docs/published_code.md §3 (network), §5.5-§5.8 (losses) and §9 (decoding).
"""
from collections.abc import Sequence

import torch
from mmaction.registry import MODELS, TASK_UTILS
from mmengine.structures import InstanceData
from torch import Tensor, nn

from ...ops import boundary_max_pool, range_max_table
from ...structures import splice_triplet
from ..layers import Unit1D, conv1d_gn_relu
from ..task_modules import frame_segments, level_segments, segment_regions, window_detections
from .base_temporal_head import BaseTemporalHead
from .proposal_branch import ProposalBranch


class ScaleExp(nn.Module):
    """``exp(scale * x)`` with a learnable scalar ``scale`` (initially 1)."""

    def __init__(self, init_value: float = 1.0) -> None:
        super().__init__()
        self.scale = nn.Parameter(torch.tensor([init_value]))

    def forward(self, x: Tensor) -> Tensor:
        """Elementwise; any shape."""
        return torch.exp(x * self.scale)


@MODELS.register_module()
class AFSDHead(BaseTemporalHead):
    """Anchor-free coarse predictions refined by boundary max pooling.

    Towers, heads and proposal branches are shared by all pyramid levels;
    only the ``ScaleExp`` of the coarse distances is per level. The head
    owns its training targets (``matcher``) and losses: detection and
    boundary terms of the foreground path (:meth:`loss_by_feat`), and both
    optional capabilities of :class:`BaseTemporalHead`: the background
    path's loss (:meth:`background_loss`) and the splice clip's boundary
    features for the triplet loss (:meth:`splice_features`); it turns its
    outputs into detections (:meth:`predict_by_feat`).

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
        level_strides: Per level, a factor on the coarse distances. The
            published ActivityNet head multiplies by the level's stride in
            frames (4, 8, ..., 128); None (THUMOS14) multiplies by 1.
            Defaults to None.
        matcher: Config of the prior matcher (``TASK_UTILS``). Defaults to
            ``CentreInSegmentMatcher``.
        loss_det: Config of the detection loss. Defaults to ``MultiSegmentLoss``.
        loss_boundary: Config of the boundary BCE. Defaults to ``BoundaryBCELoss``.
        loss_background: Config of the background path's loss. Defaults to
            ``BackgroundLoss``.
        test_cfg: ``score_threshold`` of a detection, see
            :class:`BaseTemporalHead`. Defaults to 0.01.
        init_cfg: MMEngine init config. Defaults to None.
    """

    def __init__(self, num_classes: int = 21, in_channels: int = 512,
                 proposal_channels: int = 512, num_levels: int = 6, clip_length: int = 256,
                 num_groups: int = 32, level_strides: Sequence[float] | None = None,
                 matcher: dict | None = None, loss_det: dict | None = None,
                 loss_boundary: dict | None = None, loss_background: dict | None = None,
                 test_cfg: dict | None = None, init_cfg: dict | None = None) -> None:
        super().__init__(test_cfg=test_cfg, init_cfg=init_cfg)
        self.num_classes = num_classes
        self.clip_length = clip_length
        if level_strides is not None and len(level_strides) != num_levels:
            raise ValueError(f'level_strides needs one factor per level ({num_levels}), got '
                             f'{list(level_strides)}')
        self.level_strides = tuple(level_strides or [1] * num_levels)
        self.matcher = TASK_UTILS.build(matcher or dict(type='CentreInSegmentMatcher'))
        self.loss_det = MODELS.build(loss_det or dict(type='MultiSegmentLoss'))
        self.loss_boundary = MODELS.build(loss_boundary or dict(type='BoundaryBCELoss'))
        self.loss_background = MODELS.build(loss_background or dict(type='BackgroundLoss'))
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

    @staticmethod
    def prior_levels(level_lengths: Sequence[int], device: torch.device | None = None) -> Tensor:
        """[K] pyramid level index of every prior, in the order of :meth:`priors`."""
        return torch.cat([torch.full((t, ), i, device=device, dtype=torch.long)
                          for i, t in enumerate(level_lengths)])

    def forward_level(self, level: int, feat: Tensor, frame_feat: Tensor,
                      frame_table: Tensor) -> dict[str, Tensor]:
        """Predictions of one pyramid level.

        Args:
            level: Level index (selects the ``ScaleExp`` and stride factor).
            feat: [B, in_channels, t] level features.
            frame_feat: [B, in_channels, clip_length] frame-level features.
            frame_table: ``range_max_table(frame_feat)``, shared by the levels.

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
        if self.level_strides[level] != 1:
            loc = loc * self.level_strides[level]
        conf = self.conf_head(conf_feat).transpose(1, 2)
        with torch.no_grad():
            segments = level_segments(loc.detach(), self.clip_length)
            frame_segs = frame_segments(loc.detach(), self.clip_length)
        loc_prop, loc_lr = self.loc_proposal_branch(loc_feat, frame_feat, segments, frame_segs,
                                                    frame_table)
        conf_prop, conf_lr = self.conf_proposal_branch(conf_feat, frame_feat, segments,
                                                       frame_segs, frame_table)
        return dict(
            loc=loc, conf=conf,
            prop_loc=self.prop_loc_head(loc_prop).transpose(1, 2),
            prop_conf=self.prop_conf_head(conf_prop).transpose(1, 2),
            center=self.center_head(loc_prop).transpose(1, 2),
            loc_lr=loc_lr, conf_lr=conf_lr)

    def forward(self, levels: Sequence[Tensor], frame_feat: Tensor) -> dict[str, Tensor]:
        """Predictions over all levels.

        Args:
            levels: Pyramid maps [B, in_channels, t_l].
            frame_feat: [B, in_channels, clip_length] frame-level features.

        Returns:
            Per-prior outputs concatenated over levels (K = sum t_l, 126 for
            the 256-frame defaults): ``loc`` [B, K, 2], ``conf`` [B, K,
            num_classes], ``prop_loc`` [B, K, 2], ``prop_conf`` [B, K,
            num_classes], ``center`` [B, K, 1], ``priors`` [K, 1],
            ``prior_levels`` [K] (long);
            frame-level boundary features ``start`` / ``end`` [B,
            clip_length, in_channels / 2]; and level-0 proposal boundary
            features ``start_loc_prop``, ``end_loc_prop``,
            ``start_conf_prop``, ``end_conf_prop`` [B, t_0, P].
        """
        # One table of frame-level maxima serves both branches of every level.
        frame_table = range_max_table(frame_feat)
        per_level = [self.forward_level(i, feat, frame_feat, frame_table)
                     for i, feat in enumerate(levels)]
        outputs = {key: torch.cat([out[key] for out in per_level], dim=1)
                   for key in ('loc', 'conf', 'prop_loc', 'prop_conf', 'center')}
        lengths = [feat.shape[-1] for feat in levels]
        outputs['priors'] = self.priors(lengths, frame_feat.device)
        outputs['prior_levels'] = self.prior_levels(lengths, frame_feat.device)
        half = frame_feat.shape[1] // 2
        outputs['start'] = frame_feat[:, :half].transpose(1, 2)
        outputs['end'] = frame_feat[:, half:].transpose(1, 2)
        for branch in ('loc', 'conf'):
            lr = per_level[0][f'{branch}_lr']
            width = lr.shape[1] // 2
            outputs[f'start_{branch}_prop'] = lr[:, :width].transpose(1, 2)
            outputs[f'end_{branch}_prop'] = lr[:, width:].transpose(1, 2)
        return outputs

    def loss_by_feat(self, outputs: dict[str, Tensor],
                     data_samples: Sequence) -> dict[str, Tensor]:
        """Detection and boundary losses of the foreground path.

        Args:
            outputs: :meth:`forward`'s outputs for the batch.
            data_samples: Per clip, ``gt_instances`` (``segments`` [N_i, 2]
                in [0, 1] of the clip, ``labels`` [N_i]) and
                ``gt_boundaries`` [2, clip_length] (start, end indicators).

        Returns:
            ``loss_loc``, ``loss_conf``, ``loss_prop_loc``,
            ``loss_prop_conf``, ``loss_center``, ``loss_start``, ``loss_end``.
        """
        with torch.no_grad():
            loc_t, conf_t = self.matcher(
                outputs['priors'][:, 0], [s.gt_instances.segments for s in data_samples],
                [s.gt_instances.labels for s in data_samples], self.clip_length,
                outputs['prior_levels'])
        losses = self.loss_det(outputs, loc_t, conf_t)
        losses.update(self.loss_boundary(
            outputs, torch.stack([s.gt_boundaries for s in data_samples])))
        return losses

    def background_loss(self, levels: Sequence[Tensor]) -> dict[str, Tensor]:
        """``loss_bg``: every prior of the background path's pyramid is background.

        Only the coarse classification runs; ``levels`` are pyramid maps
        [B, in_channels, t_l] of the background features.
        """
        conf = torch.cat([self.conf_head(self.conf_tower(feat)).transpose(1, 2)
                          for feat in levels], dim=1)
        return dict(loss_bg=self.loss_background(conf))

    def splice_features(self, levels: Sequence[Tensor], frame_feat: Tensor,
                        segments: Tensor) -> tuple[list[Tensor], list[Tensor], list[Tensor]]:
        """Boundary features of splice clips for the triplet loss.

        The frame-level features and level 0's unpooled boundary features
        (loc and conf branch) are max-pooled at the boundary regions of the
        three splice segments and split into the triplet
        (``gaf_mmaction.structures.splice``).

        Args:
            levels: Pyramid maps of the M splice clips [M, in_channels, t_l].
            frame_feat: Their frame-level features [M, in_channels, clip_length].
            segments: [M, 3, 2] splice segments in frames of the clip.

        Returns:
            Anchors, positives and negatives, one [M, C_i / 2] tensor per
            feature map (frame level, level-0 loc, level-0 conf).
        """
        maps = [frame_feat,
                self.loc_proposal_branch.lr_conv(self.loc_tower(levels[0])),
                self.conf_proposal_branch.lr_conv(self.conf_tower(levels[0]))]
        regions = segment_regions(segments)
        triplets = [splice_triplet(boundary_max_pool(feat, regions * (feat.shape[-1]
                                                                      / self.clip_length)))
                    for feat in maps]
        return ([a for a, _, _ in triplets], [p for _, p, _ in triplets],
                [n for _, _, n in triplets])

    def predict_by_feat(self, outputs: dict[str, Tensor],
                        score_threshold: float | None = None) -> list[InstanceData]:
        """Each window's detections, in frames of the window (see ``window_detections``)."""
        threshold = self.test_cfg['score_threshold'] if score_threshold is None else (
            score_threshold)
        return window_detections(outputs, self.clip_length, threshold)
