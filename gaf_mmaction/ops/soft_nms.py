"""Gaussian soft-NMS of 1-D segments, as the published test (docs/published_code.md §9 step 7)."""
from collections.abc import Sequence

import torch
from torch import Tensor

SOFT_NMS_VARIANTS = ('reference', 'fixed')


def _check_arguments(groups: Sequence[Tensor], variant: str) -> None:
    if variant not in SOFT_NMS_VARIANTS:
        raise ValueError(f'variant must be one of {SOFT_NMS_VARIANTS}, got {variant!r}')
    for segments in groups:
        if segments.dim() != 2 or segments.shape[1] != 3:
            raise ValueError(f'soft_nms expects [N, 3] (start, end, score), got '
                             f'{tuple(segments.shape)}')


def soft_nms(segments: Tensor, sigma: float, top_k: int, score_threshold: float = 0.001,
             variant: str = 'reference') -> Tensor:
    """Select segments greedily by score, decaying the others by their overlap.

    Candidates are the rows scoring at least ``score_threshold``. While
    candidates remain (see below) and fewer than ``top_k`` are kept, the
    best-scoring candidate (first one on ties) is kept and every other
    candidate's score is multiplied by ``exp(-IoU^2 / sigma)``; those
    falling below ``score_threshold`` stop being candidates. IoU is
    ``inter / (max(w_kept, 1e-5) + w_other - inter)``.

    With ``variant='reference'`` the loop runs while more than one
    candidate remains, so the last one is never kept (a lone candidate is
    dropped), as in the published code. ``'fixed'`` keeps it too.

    Args:
        segments: [N, 3] float (start, end, score).
        sigma: Gaussian decay parameter.
        top_k: Most rows to keep.
        score_threshold: Candidate threshold. Defaults to 0.001.
        variant: 'reference' or 'fixed'. Defaults to 'reference'.

    Returns:
        [K, 3] the kept rows in their input order, each with the (decayed)
        score it had when it was kept. The input is not modified.
    """
    _check_arguments([segments], variant)
    start, end = segments[:, 0], segments[:, 1]
    score = segments[:, 2].clone()
    candidate = score >= score_threshold
    kept = torch.zeros_like(candidate)
    last = 1 if variant == 'reference' else 0
    num_kept = 0
    # Tensors are read on the host once per selection; the loop is inherently sequential.
    while int(candidate.sum()) > last and num_kept < top_k:
        best = int(torch.where(candidate, score, score.new_tensor(-float('inf'))).argmax())
        candidate[best] = False
        kept[best] = True
        num_kept += 1
        width = (end[best] - start[best]).clamp(min=1e-5)
        inter = (torch.minimum(end, end[best]) - torch.maximum(start, start[best])).clamp(min=0)
        iou = inter / (width + (end - start) - inter)
        score = torch.where(candidate, score * torch.exp(-iou.pow(2) / sigma), score)
        candidate &= score >= score_threshold
    return torch.stack([start[kept], end[kept], score[kept]], dim=-1)


def batched_soft_nms(groups: Sequence[Tensor], sigma: float, top_k: int,
                     score_threshold: float = 0.001, variant: str = 'reference') -> list[Tensor]:
    """:func:`soft_nms` of many independent groups at once (e.g. every class of a video).

    Each step selects and decays in every group that is still running, so the Python loop
    runs as many times as the most selections of one group rather than their sum. Every
    group's arithmetic is :func:`soft_nms`'s, element by element, so the kept rows are the
    same and their scores agree to float32 rounding.

    Args:
        groups: [N_g, 3] float (start, end, score) per group, on one device.
        sigma, top_k, score_threshold, variant: See :func:`soft_nms`.

    Returns:
        Per group, what :func:`soft_nms` returns for it.
    """
    _check_arguments(groups, variant)
    if not groups:
        return []
    sizes = [len(g) for g in groups]
    padded = groups[0].new_zeros(len(groups), max(max(sizes), 1), 3)
    valid = torch.zeros(padded.shape[:2], dtype=torch.bool, device=padded.device)
    for row, group in enumerate(groups):
        padded[row, :len(group)] = group
        valid[row, :len(group)] = True
    start, end, score = padded[..., 0], padded[..., 1], padded[..., 2].clone()
    candidate = valid & (score >= score_threshold)
    kept = torch.zeros_like(candidate)
    num_kept = torch.zeros(len(groups), dtype=torch.long, device=padded.device)
    last = 1 if variant == 'reference' else 0
    while True:
        running = ((candidate.sum(1) > last) & (num_kept < top_k)).nonzero().squeeze(1)
        if not len(running):
            break
        best = torch.where(candidate[running], score[running],
                           score.new_tensor(-float('inf'))).argmax(1)
        candidate[running, best] = False
        kept[running, best] = True
        num_kept[running] += 1
        best_start, best_end = start[running, best, None], end[running, best, None]
        width = (best_end - best_start).clamp(min=1e-5)
        starts, ends = start[running], end[running]
        inter = (torch.minimum(ends, best_end) - torch.maximum(starts, best_start)).clamp(min=0)
        iou = inter / (width + (ends - starts) - inter)
        still = candidate[running]
        decayed = torch.where(still, score[running] * torch.exp(-iou.pow(2) / sigma),
                              score[running])
        score[running] = decayed
        candidate[running] = still & (decayed >= score_threshold)
    return [torch.stack([start[row, kept[row]], end[row, kept[row]], score[row, kept[row]]],
                        dim=-1) for row in range(len(groups))]
