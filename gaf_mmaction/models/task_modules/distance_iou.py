"""IoU of segments given as distances (left, right) from a shared anchor point."""
import torch
from torch import Tensor

_EPS = torch.finfo(torch.float32).eps


def distance_iou(pred: Tensor, target: Tensor) -> Tensor:
    """IoU of [..., 2] (left, right) distances from the same anchor; [...]."""
    inter = torch.minimum(pred[..., 0], target[..., 0]) + torch.minimum(pred[..., 1],
                                                                        target[..., 1])
    union = pred.sum(-1) + target.sum(-1) - inter
    return inter / union.clamp(min=_EPS)


def distance_giou(pred: Tensor, target: Tensor) -> Tensor:
    """Generalised IoU, ``IoU - (C - U) / C`` with C the enclosing length; [...]."""
    inter = torch.minimum(pred[..., 0], target[..., 0]) + torch.minimum(pred[..., 1],
                                                                        target[..., 1])
    union = pred.sum(-1) + target.sum(-1) - inter
    enclose = torch.maximum(pred[..., 0], target[..., 0]) + torch.maximum(pred[..., 1],
                                                                          target[..., 1])
    return inter / union.clamp(min=_EPS) - (enclose - union) / enclose.clamp(min=_EPS)
