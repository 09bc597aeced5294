"""Foreground / background weighting of backbone features (docs/published_code.md §5.2)."""
from torch import Tensor

ATTENTION_NORMS = ('batch_sum', 'per_sample', 'per_sample_mean')


def split_foreground_background(feat: Tensor, att: Tensor,
                                norm: str = 'batch_sum') -> tuple[Tensor, Tensor]:
    """Weight a backbone map by its attention and by its complement.

    ``fg = feat * a / sum(a)`` and ``bg = feat * (1 - a) / sum(1 - a)``.
    With ``norm='batch_sum'`` (the published behaviour, needed by its
    checkpoints) each sum runs over the whole batch's attention tensor, so
    the scale depends on the batch size (§11 Q1); with ``'per_sample'`` it
    runs over each clip's own attention. Either sum makes the maps ~1e-5 of
    the backbone's, below the neck's GroupNorm epsilon (§11 Q1), which a
    pretrained backbone tolerates but training from scratch does not:
    ``'per_sample_mean'`` divides by the clip's mean attention instead
    (``sum / (C * T)``), keeping the maps at the backbone's scale.

    Args:
        feat: [B, C, T, H, W] backbone map.
        att: [B, C, T] attention in (0, 1).
        norm: 'batch_sum', 'per_sample' or 'per_sample_mean'.

    Returns:
        (fg, bg), each [B, C, T, H, W].
    """
    if norm not in ATTENTION_NORMS:
        raise ValueError(f'attention norm must be one of {ATTENTION_NORMS}, got {norm!r}')
    dims = tuple(range(att.dim())) if norm == 'batch_sum' else tuple(range(1, att.dim()))
    def total(weights: Tensor) -> Tensor:
        if norm == 'per_sample_mean':
            return weights.mean(dims, keepdim=True)
        return weights.sum(dims, keepdim=True)

    fg_weight, bg_weight = att / total(att), (1 - att) / total(1 - att)
    return feat * fg_weight[..., None, None], feat * bg_weight[..., None, None]
