"""Boundary-consistency triplet loss of the splice clips (docs/published_code.md §5.7)."""
from collections.abc import Sequence

import torch
from mmaction.registry import MODELS
from torch import Tensor, nn


@MODELS.register_module()
class BoundaryTripletLoss(nn.Module):
    """Weighted triplet margin losses over feature levels, times ``loss_weight``.

    The anchor is the end boundary of the action part before the splice,
    the positive the start of the part after it, the negative the start of
    the inserted background.

    Args:
        level_weights: Weight per feature level (frame-level, level-0 loc,
            level-0 conf). Defaults to (1, 0.1, 0.1).
        margin: Triplet margin. Defaults to 1.
        loss_weight: Overall weight (the published ``ssl``). Defaults to 0.1.
    """

    def __init__(self, level_weights: Sequence[float] = (1.0, 0.1, 0.1), margin: float = 1.0,
                 loss_weight: float = 0.1) -> None:
        super().__init__()
        self.level_weights = tuple(level_weights)
        self.triplet = nn.TripletMarginLoss(margin=margin, p=2)
        self.loss_weight = loss_weight

    def forward(self, anchors: Sequence[Tensor], positives: Sequence[Tensor],
                negatives: Sequence[Tensor]) -> Tensor:
        """Per level, [M, C_i] features of M spliced clips -> scalar."""
        total = torch.stack([w * self.triplet(a, p, n) for w, a, p, n in
                             zip(self.level_weights, anchors, positives, negatives)]).sum()
        return self.loss_weight * total
