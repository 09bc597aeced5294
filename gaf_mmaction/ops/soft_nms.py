"""Gaussian soft-NMS of 1-D segments, as the published test (docs/published_code.md §9 step 7)."""

import torch
from torch import Tensor

SOFT_NMS_VARIANTS = ('reference', 'fixed')
# Padded rows of one chunk of batched_soft_nms (~40 MB of its loop's tensors).
CHUNK_ROWS = 4_000_000


def _check_arguments(segments: Tensor, sigma: float, variant: str) -> None:
    if variant not in SOFT_NMS_VARIANTS:
        raise ValueError(f'variant must be one of {SOFT_NMS_VARIANTS}, got {variant!r}')
    if not sigma > 0:
        raise ValueError(f'soft-NMS sigma must be > 0, got {sigma}')
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
    _check_arguments(segments, sigma, variant)
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


def batched_soft_nms(segments: Tensor, groups: Tensor, sigma: float, top_k: int,
                     score_threshold: float = 0.001, variant: str = 'reference',
                     max_chunk_rows: int = CHUNK_ROWS) -> tuple[Tensor, Tensor]:
    """:func:`soft_nms` of many independent groups (e.g. every video and class) at once.

    Exact, not approximate: for every group ``g``, the rows ``keep`` selects
    from it, with ``scores``, are bitwise what ``soft_nms(segments[groups ==
    g])`` returns. How (docs/performance.md, "Post-processing"): a candidate
    that overlaps no other candidate of its group is never decayed (its factor
    is ``exp(0) = 1`` exactly), so each group splits into the connected
    components of its overlap graph. Each component runs soft-NMS to its end
    alone, all components at once in padded chunks, smallest first, so a
    chunk loops only as often as its largest component selects; then each
    group's selections are merged in the order the one-group loop makes them
    (score, then row), which is where its stopping rule (``top_k``, and the
    reference's last candidate) applies. Groups with a non-finite or reversed
    candidate segment (whose IoU can be NaN even without overlap) run as one
    component.

    Args:
        segments: [N, 3] float (start, end, score), on any device.
        groups: [N] integer group of each row; a group's rows, in row order,
            are its :func:`soft_nms` input.
        sigma, top_k, score_threshold, variant: See :func:`soft_nms`.
        max_chunk_rows: Most padded rows (components x largest component) of
            one chunk; bounds the loop's memory (~10 bytes a row).

    Returns:
        ``keep`` [K] long, the kept rows of ``segments`` in ascending order,
        and ``scores`` [K], the (decayed) score each had when it was kept.
    """
    _check_arguments(segments, sigma, variant)
    if groups.shape != segments.shape[:1]:
        raise ValueError(f'groups must be [N={len(segments)}], got {tuple(groups.shape)}')
    index = (segments[:, 2] >= score_threshold).nonzero().squeeze(1)
    if not len(index):
        return index, segments.new_zeros(0)
    rows = segments[index]
    _, group = torch.unique(groups[index], return_inverse=True)
    component = _overlap_components(rows[:, :2], group)
    picked, pick_score, drops = _run_components(rows, component, sigma, top_k,
                                                score_threshold, max_chunk_rows)
    chosen = _merge_selections(picked, pick_score, drops, group, top_k,
                               last=1 if variant == 'reference' else 0)
    return index[chosen], pick_score[chosen]


def _overlap_components(bounds: Tensor, group: Tensor) -> Tensor:
    """[M] component of each candidate: no two overlapping rows of a group are apart.

    Rows sorted by (group, start) start a new component where their start is at
    or past the furthest end before them. The comparisons use the ranks of the
    float values (exact), offset per group so that one cumulative maximum
    serves every group.
    """
    start, end = bounds[:, 0], bounds[:, 1]
    irregular = ~(torch.isfinite(start) & torch.isfinite(end) & (end >= start))
    num_groups = int(group.max()) + 1
    whole = torch.zeros(num_groups, dtype=torch.long, device=group.device).index_add_(
        0, group, irregular.long()) > 0
    values, rank = torch.unique(torch.where(irregular[:, None], 0, bounds), return_inverse=True)
    key = rank + group[:, None] * (len(values) + 1)
    order = torch.argsort(key[:, 0], stable=True)
    reach = torch.cummax(key[order, 1], 0).values
    starts_new = key[order, 0] >= torch.cat([reach.new_full((1, ), -1), reach[:-1]])
    sorted_group = group[order]
    first_of_group = torch.ones_like(starts_new)
    first_of_group[1:] = sorted_group[1:] != sorted_group[:-1]
    starts_new = torch.where(whole[sorted_group], first_of_group, starts_new)
    component = torch.empty_like(order)
    component[order] = torch.cumsum(starts_new, 0) - 1
    return component


def _run_components(rows: Tensor, component: Tensor, sigma: float, top_k: int,
                    score_threshold: float,
                    max_chunk_rows: int) -> tuple[Tensor, Tensor, Tensor]:
    """Soft-NMS of every component to its end (at most ``top_k`` selections).

    Components of up to 2^k rows run side by side, padded to 2^k: the loop's
    Python steps number about twice the largest component, however many there
    are.

    Returns, per row: whether it was selected, its score when selected, and
    how many candidates its selection's decay pushed below the threshold.
    """
    device = rows.device
    picked = torch.zeros(len(rows), dtype=torch.bool, device=device)
    pick_score = rows[:, 2].clone()
    drops = torch.zeros(len(rows), dtype=torch.long, device=device)
    sizes = torch.bincount(component)
    # A lone candidate is selected as it is.
    picked[(sizes[component] == 1) & (top_k > 0)] = True
    by_size = torch.argsort(sizes, stable=True)
    rank = torch.empty_like(by_size)
    rank[by_size] = torch.arange(len(sizes), device=device)
    order = torch.argsort(rank[component], stable=True)
    sorted_sizes = sizes[by_size]
    row_starts = torch.cumsum(sorted_sizes, 0) - sorted_sizes
    buckets = torch.ceil(torch.log2(sorted_sizes.double())).long()
    bucket_ids, counts = torch.unique_consecutive(buckets, return_counts=True)
    first = 0
    for bucket, count in zip(bucket_ids.tolist(), counts.tolist()):
        if bucket > 0:
            width = 2 ** bucket
            per_chunk = max(1, max_chunk_rows // width)
            for begin in range(first, first + count, per_chunk):
                chunk = slice(begin, min(begin + per_chunk, first + count))
                _run_chunk(rows, order, row_starts[chunk], sorted_sizes[chunk], width, sigma,
                           top_k, score_threshold, picked, pick_score, drops)
        first += count
    return picked, pick_score, drops


def _run_chunk(rows: Tensor, order: Tensor, row_starts: Tensor, sizes: Tensor, width: int,
               sigma: float, top_k: int, score_threshold: float, picked: Tensor,
               pick_score: Tensor, drops: Tensor) -> None:
    """Soft-NMS of components of at most ``width`` rows, side by side; results in place."""
    device = rows.device
    offsets = torch.arange(width, device=device)
    valid = offsets < sizes[:, None]
    where = order[(row_starts[:, None] + offsets).clamp(max=len(order) - 1)]
    start, end, score = rows[where, 0], rows[where, 1], rows[where, 2].clone()
    candidate = valid.clone()
    kept = torch.zeros_like(candidate)
    dropped = torch.zeros_like(where)
    num_kept = torch.zeros(len(where), dtype=torch.long, device=device)
    while True:
        running = (candidate.any(1) & (num_kept < top_k)).nonzero().squeeze(1)
        if not len(running):
            break
        still = candidate[running]
        best = torch.where(still, score[running], score.new_tensor(-float('inf'))).argmax(1)
        still[torch.arange(len(running), device=device), best] = False
        kept[running, best] = True
        num_kept[running] += 1
        best_start, best_end = start[running, best, None], end[running, best, None]
        best_width = (best_end - best_start).clamp(min=1e-5)
        starts, ends = start[running], end[running]
        inter = (torch.minimum(ends, best_end) - torch.maximum(starts, best_start)).clamp(min=0)
        iou = inter / (best_width + (ends - starts) - inter)
        decayed = torch.where(still, score[running] * torch.exp(-iou.pow(2) / sigma),
                              score[running])
        remain = still & (decayed >= score_threshold)
        dropped[running, best] = (still & ~remain).sum(1)
        score[running] = decayed
        candidate[running] = remain
    picked[where[kept]] = True
    pick_score[where[kept]] = score[kept]
    drops[where[kept]] = dropped[kept]


def _merge_selections(picked: Tensor, pick_score: Tensor, drops: Tensor, group: Tensor,
                      top_k: int, last: int) -> Tensor:
    """The rows the one-group loop keeps, from each component's selections.

    That loop selects, among all its candidates, the best score (first row on
    ties); the components' selections interleave in that order. Before each
    selection it requires more than ``last`` candidates left and fewer than
    ``top_k`` kept; a selection removes itself and the candidates its decay
    pushed below the threshold.
    """
    rows = picked.nonzero().squeeze(1)
    order = torch.sort(pick_score[rows], descending=True, stable=True).indices
    order = order[torch.sort(group[rows[order]], stable=True).indices]
    rows = rows[order]
    row_group = group[rows]
    candidates = torch.bincount(group)
    selections = torch.bincount(row_group, minlength=len(candidates))
    group_start = torch.cumsum(selections, 0) - selections
    step = torch.arange(len(rows), device=rows.device) - group_start[row_group]
    removed = 1 + drops[rows]
    before = torch.cumsum(removed, 0) - removed
    before = before - before[group_start[row_group]]
    keep = (step < top_k) & (candidates[row_group] - before > last)
    return torch.sort(rows[keep]).values
