"""TensorFlow "same" padding, as Inception-I3D and the AFSD heads use it."""
from collections.abc import Sequence

import torch.nn.functional as F
from torch import Tensor


def same_padding(size: int, kernel: int, stride: int) -> tuple[int, int]:
    """Front and back padding that makes a strided window cover ``size``.

    The total is ``max(kernel - stride, 0)`` when ``size`` is a multiple of
    ``stride`` and ``max(kernel - size % stride, 0)`` otherwise; the odd
    element goes to the back (TensorFlow's convention).
    """
    remainder = size % stride
    total = max(kernel - (stride if remainder == 0 else remainder), 0)
    return total // 2, total - total // 2


def pad_same(x: Tensor, kernel: Sequence[int], stride: Sequence[int]) -> Tensor:
    """Zero-pad the trailing ``len(kernel)`` dims of ``x`` for a "same" window."""
    pads: list[int] = []
    sizes = x.shape[-len(kernel):]
    for size, k, s in zip(reversed(sizes), reversed(kernel), reversed(stride)):
        pads.extend(same_padding(size, k, s))
    if not any(pads):
        return x
    return F.pad(x, pads)
