"""Background-path loss: every prior is background (docs/published_code.md §5.8, §11 Q8)."""
import torch
from mmaction.registry import MODELS
from torch import Tensor, nn

from ...structures import BACKGROUND
from .focal_loss import softmax_focal_loss
from .multi_segment_loss import NORMALIZATIONS


@MODELS.register_module()
class BackgroundLoss(nn.Module):
    """``loss_weight * conf_weight * sum(focal(conf, background))`` over all priors.

    The published bg targets all carry label 0, so its loss reduces to this
    unnormalised sum (its localisation term is identically zero).

    Args:
        loss_weight: Weight of the bg pass (35 THUMOS14, 700 ActivityNet).
            Defaults to 35.
        conf_weight: Classification weight ``cw``. Defaults to 1.
        normalization: 'batch' sums over the whole batch (THUMOS14);
            'per_sample' averages the clips' sums (the published ActivityNet
            loss, which averages its per-clip losses). Defaults to 'batch'.
    """

    def __init__(self, loss_weight: float = 35.0, conf_weight: float = 1.0,
                 normalization: str = 'batch') -> None:
        super().__init__()
        if normalization not in NORMALIZATIONS:
            raise ValueError(f"normalization must be 'batch' or 'per_sample', got "
                             f'{normalization!r}')
        self.loss_weight = loss_weight
        self.conf_weight = conf_weight
        self.normalization = normalization

    def forward(self, conf: Tensor) -> Tensor:
        """``conf`` [B, K, num_classes] logits of the bg path -> scalar."""
        targets = torch.full(conf.shape[:-1], BACKGROUND, dtype=torch.long, device=conf.device)
        total = softmax_focal_loss(conf, targets)
        if self.normalization == 'per_sample':
            total = total / conf.shape[0]
        return self.loss_weight * self.conf_weight * total
