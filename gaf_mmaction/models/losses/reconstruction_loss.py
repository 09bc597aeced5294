"""Generative (reconstruction) loss of the detector pass (docs/published_code.md §5.9)."""
from collections.abc import Sequence

import torch
from mmaction.registry import MODELS
from torch import Tensor, nn


@MODELS.register_module()
class ReconstructionLoss(nn.Module):
    """``min(epoch, warmup_epochs) / warmup_epochs * max_weight * sum_i MSE(gen_i, target_i)``.

    Args:
        max_weight: Weight once warmed up. Defaults to 0.5.
        warmup_epochs: Epochs over which the weight grows linearly; the
            published code uses its ``max_epoch`` (300 for THUMOS14 RGB,
            §11 Q26). Defaults to 300.
    """

    def __init__(self, max_weight: float = 0.5, warmup_epochs: int = 300) -> None:
        super().__init__()
        self.max_weight = max_weight
        self.warmup_epochs = warmup_epochs

    def weight(self, epoch: int) -> float:
        """Weight at 1-based ``epoch``."""
        return min(epoch, self.warmup_epochs) / self.warmup_epochs * self.max_weight

    def forward(self, generated: Sequence[Tensor], targets: Sequence[Tensor],
                epoch: int) -> Tensor:
        """Maps generated from attention vs their targets (same shapes) -> scalar."""
        mse = torch.stack([(g - t).pow(2).mean() for g, t in zip(generated, targets)]).sum()
        return self.weight(epoch) * mse
