"""Softmax focal loss of AFSD (summed, class-balanced by alpha)."""
import torch
from torch import Tensor

from ...structures import BACKGROUND


def softmax_focal_loss(logits: Tensor, targets: Tensor, alpha: float = 0.25,
                       gamma: float = 2.0, eps: float = 1e-6, reduction: str = 'sum') -> Tensor:
    """Summed focal loss on softmax probabilities.

    ``-a_y (1 - p_y)^gamma log(p_y + eps)`` per element, with
    ``a_y = alpha`` for the background (``BACKGROUND``) and ``1 - alpha`` for
    every action class; summed over all elements (normalise outside).

    Args:
        logits: [..., C] class logits.
        targets: [...] class indices (``gaf_mmaction.structures.labels``).
        alpha: Weight of the background class. Defaults to 0.25.
        gamma: Focusing exponent. Defaults to 2.
        eps: Added to p_y before the log. Defaults to 1e-6.
        reduction: 'sum' (a scalar) or 'none' (the [...] terms).
    """
    prob = torch.softmax(logits.float(), dim=-1).gather(-1, targets[..., None]).squeeze(-1) + eps
    weight = torch.where(targets == BACKGROUND, alpha, 1.0 - alpha)
    terms = -(weight * (1.0 - prob).pow(gamma) * prob.log())
    return terms if reduction == 'none' else terms.sum()
