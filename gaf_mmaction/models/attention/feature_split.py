"""Foreground / background weighting of backbone features (§5.2)."""
from torch import Tensor

ATTENTION_NORMS = ('batch_sum', 'per_sample')


def split_foreground_background(feat: Tensor, att: Tensor,
                                norm: str = 'batch_sum') -> tuple[Tensor, Tensor]:
    """Weight a backbone map by its attention and by its complement.

    ``fg = feat * a / sum(a)`` and ``bg = feat * (1 - a) / sum(1 - a)``.
    With ``norm='batch_sum'`` (the published behaviour, needed by its
    checkpoints) each sum runs over the whole batch's attention tensor, so
    the scale depends on the batch size (§11 Q1); with ``'per_sample'`` it
    runs over each clip's own attention.

    Args:
        feat: [B, C, T, H, W] backbone map.
        att: [B, C, T] attention in (0, 1).
        norm: 'batch_sum' or 'per_sample'.

    Returns:
        (fg, bg), each [B, C, T, H, W].
    """
    if norm not in ATTENTION_NORMS:
        raise ValueError(f'attention norm must be one of {ATTENTION_NORMS}, got {norm!r}')
    dims = tuple(range(att.dim())) if norm == 'batch_sum' else tuple(range(1, att.dim()))
    inv = 1 - att
    fg_weight = att / att.sum(dims, keepdim=True)
    bg_weight = inv / inv.sum(dims, keepdim=True)
    return feat * fg_weight[..., None, None], feat * bg_weight[..., None, None]
