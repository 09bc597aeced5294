"""A second detection head, as small as the head interface allows: each pyramid cell scores
the classes and regresses its distances to the action's start and end."""
from collections.abc import Sequence

import torch
import torch.nn.functional as F
from mmaction.registry import MODELS
from mmengine.structures import InstanceData
from torch import Tensor, nn

from gaf_mmaction.models.heads import BaseTemporalHead
from gaf_mmaction.structures import BACKGROUND, FIRST_ACTION


@MODELS.register_module()
class CellHead(BaseTemporalHead):
    """Per cell of every level: ``num_classes`` logits and 2 log-distances (in cells).

    Args:
        in_channels: Channels of the neck's levels (the detector fills it in).
        clip_length: Frames per clip (the detector fills it in).
        num_classes: Classes, background included.
    """

    def __init__(self, in_channels: int, clip_length: int, num_classes: int,
                 test_cfg: dict | None = None, init_cfg: dict | None = None) -> None:
        super().__init__(test_cfg=test_cfg, init_cfg=init_cfg)
        self.clip_length = clip_length
        self.predict_layer = nn.Conv1d(in_channels, num_classes + 2, 1)

    def forward(self, levels: Sequence[Tensor], frame_feat: Tensor) -> dict[str, Tensor]:
        """``logits`` [B, K, num_classes], ``segments`` [B, K, 2] (frames of the clip) and
        ``centres`` [K] (frames) for the K cells of all levels."""
        outs, centres, strides = [], [], []
        for level in levels:
            stride = self.clip_length / level.shape[-1]
            outs.append(self.predict_layer(level).transpose(1, 2))
            centres.append((torch.arange(level.shape[-1], device=level.device) + 0.5) * stride)
            strides.append(torch.full_like(centres[-1], stride))
        out, centre, stride = torch.cat(outs, 1), torch.cat(centres), torch.cat(strides)
        distance = out[..., -2:].exp() * stride[:, None]
        return dict(logits=out[..., :-2], centres=centre, distance=distance,
                    segments=torch.stack([centre - distance[..., 0],
                                          centre + distance[..., 1]], -1))

    def loss_by_feat(self, outputs: dict[str, Tensor], data_samples: Sequence) -> dict:
        labels, targets = [], []
        for sample in data_samples:
            segments = sample.gt_instances.segments.to(outputs['centres']) * self.clip_length
            inside = ((outputs['centres'][:, None] >= segments[:, 0])
                      & (outputs['centres'][:, None] <= segments[:, 1]))
            owner = inside.float().argmax(1)
            labels.append(torch.where(inside.any(1), sample.gt_instances.labels.to(
                owner.device)[owner], BACKGROUND))
            targets.append(torch.stack([outputs['centres'] - segments[owner, 0],
                                        segments[owner, 1] - outputs['centres']], -1))
        labels, targets = torch.stack(labels), torch.stack(targets)
        positive = labels != BACKGROUND
        loss_cls = F.cross_entropy(outputs['logits'].flatten(0, 1), labels.flatten())
        loss_reg = F.l1_loss(outputs['distance'][positive], targets[positive]) / (
            self.clip_length) if positive.any() else outputs['distance'].sum() * 0
        return dict(loss_cls=loss_cls, loss_reg=loss_reg)

    def predict_by_feat(self, outputs: dict[str, Tensor],
                        score_threshold: float | None = None) -> list[InstanceData]:
        threshold = self.test_cfg['score_threshold'] if score_threshold is None else (
            score_threshold)
        scores = outputs['logits'].softmax(-1)
        segments = outputs['segments'].clamp(0, self.clip_length)
        windows = []
        for b in range(len(scores)):
            cell, action = (scores[b, :, FIRST_ACTION:] > threshold).nonzero(as_tuple=True)
            label = action + FIRST_ACTION
            windows.append(InstanceData(segments=segments[b, cell],
                                        scores=scores[b, cell, label], labels=label))
        return windows
