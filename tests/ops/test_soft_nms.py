"""soft_nms against the definition of docs/published_code.md §9 step 7, on hand cases."""
import math

import pytest
import torch

from gaf_mmaction.ops import batched_soft_nms, soft_nms
from tests.helpers import ops_rtol


def rows(*values):
    return torch.tensor(values, dtype=torch.float32)


def per_group(groups: list, sigma: float, top_k: int, **kwargs) -> list:
    """batched_soft_nms over ``groups`` (a list of [N_g, 3]), as one [K_g, 3] result per group."""
    if not groups:
        return []
    segments = torch.cat(groups)
    ids = torch.repeat_interleave(torch.arange(len(groups)), torch.tensor([len(g) for g in groups]))
    keep, scores = batched_soft_nms(segments, ids, sigma, top_k, **kwargs)
    kept = torch.cat([segments[keep, :2], scores[:, None]], 1)
    return [kept[ids[keep] == g] for g in range(len(groups))]


def same(a: torch.Tensor, b: torch.Tensor) -> None:
    """Bitwise equal, NaN where the other has NaN."""
    torch.testing.assert_close(a, b, rtol=0, atol=0, equal_nan=True)


# A decayed score against its formula: the IoU (intersection 3 operations, union 3, quotient
# 1), its square over sigma (2), exp (2), the product (1) and the expected value's own rounding
# to float32 (1): 13 rounded operations; kept rows and segments are copied exactly.
DECAY_RTOL = ops_rtol(16)


def close(out: torch.Tensor, expected: list) -> bool:
    return out.shape == (len(expected), 3) and torch.allclose(out, rows(*expected),
                                                              rtol=DECAY_RTOL, atol=0)


def test_lone_candidate_is_dropped_by_the_reference_only():
    one = rows([0.0, 1.0, 0.9], [5.0, 6.0, 0.0005])  # the second is below the threshold
    assert soft_nms(one, sigma=0.5, top_k=10).shape == (0, 3)
    assert close(soft_nms(one, sigma=0.5, top_k=10, variant='fixed'), [[0.0, 1.0, 0.9]])


def test_decay_by_overlap_and_last_candidate():
    segments = rows([0, 2, 0.9], [1, 3, 0.8], [10, 11, 0.5])
    # Keep [0, 2]; [1, 3] overlaps it by IoU 1 / 3: 0.8 * exp(-(1/9) / 0.5); [10, 11] keeps 0.5.
    # Keep the decayed [1, 3] (0.64 > 0.5); [10, 11] is then the last candidate: dropped.
    decayed = 0.8 * math.exp(-(1 / 9) / 0.5)
    assert close(soft_nms(segments, sigma=0.5, top_k=10), [[0, 2, 0.9], [1, 3, decayed]])
    assert close(soft_nms(segments, sigma=0.5, top_k=10, variant='fixed'),
                 [[0, 2, 0.9], [1, 3, decayed], [10, 11, 0.5]])
    assert close(soft_nms(segments, sigma=0.5, top_k=1), [[0, 2, 0.9]])


def test_output_keeps_input_order_and_drops_decayed_below_threshold():
    segments = rows([1, 3, 0.5], [0, 2, 0.9], [0, 2, 0.0012], [20, 21, 0.1], [30, 31, 0.05])
    # [0, 2] first; its twin decays to 0.0012 * exp(-1 / 0.01) < 0.001 and leaves;
    # [1, 3] (IoU 1/3) decays to 0.5 * exp(-(1/9) / 0.01) = 7e-6: also leaves.
    before = segments.clone()
    out = soft_nms(segments, sigma=0.01, top_k=10)
    assert close(out, [[0, 2, 0.9], [20, 21, 0.1]])
    assert torch.equal(segments, before)  # input untouched


def test_ties_take_the_first_row():
    out = soft_nms(rows([0, 1, 0.7], [0, 1, 0.7], [5, 6, 0.2]), sigma=1.0, top_k=1)
    assert close(out, [[0, 1, 0.7]])


def test_zero_width_kept_segment_uses_the_minimum_width():
    # Kept [1, 1]: width clamped to 1e-5; the other [0, 2] has inter 0 -> IoU 0, no decay.
    out = soft_nms(rows([1, 1, 0.9], [0, 2, 0.8]), sigma=0.5, top_k=10, variant='fixed')
    assert close(out, [[1, 1, 0.9], [0, 2, 0.8]])


def test_bad_input():
    with pytest.raises(ValueError, match=r'expects \[N, 3\]'):
        soft_nms(torch.zeros(4, 2), sigma=0.5, top_k=1)
    with pytest.raises(ValueError, match='variant must be one of'):
        soft_nms(torch.zeros(1, 3), sigma=0.5, top_k=1, variant='greedy')
    with pytest.raises(ValueError, match='sigma must be > 0'):
        batched_soft_nms(torch.zeros(1, 3), torch.zeros(1), sigma=0.0, top_k=1)
    with pytest.raises(ValueError, match=r'groups must be \[N=2\]'):
        batched_soft_nms(torch.zeros(2, 3), torch.zeros(3), sigma=0.5, top_k=1)


def test_a_score_equal_to_the_threshold_is_a_candidate():
    # Disjoint rows (no decay): 0.25 == score_threshold stays, 0.125 < it goes.
    rows = torch.tensor([[0.0, 1.0, 0.75], [5.0, 6.0, 0.25], [10.0, 11.0, 0.125]])
    kept = soft_nms(rows, sigma=0.5, top_k=10, score_threshold=0.25, variant='fixed')
    assert kept[:, 2].tolist() == [0.75, 0.25]
    # The batched version alike, at the start and after a decay by exp(0) = 1: with the
    # reference's rule (the last candidate is never kept), 0.25 must stay a candidate through
    # two steps for 0.5 to be kept.
    rows = torch.tensor([[0.0, 1.0, 0.75], [5.0, 6.0, 0.25], [10.0, 11.0, 0.5]])
    for variant in ('reference', 'fixed'):
        [batched] = per_group([rows], 0.5, 10, score_threshold=0.25, variant=variant)
        assert torch.equal(batched, soft_nms(rows, 0.5, 10, score_threshold=0.25,
                                             variant=variant))
    assert batched[:, 2].tolist() == [0.75, 0.25, 0.5]  # 'fixed': all three, in input order
    [reference] = per_group([rows], 0.5, 10, score_threshold=0.25)
    assert reference[:, 2].tolist() == [0.75, 0.5]


def test_top_k_and_the_decay_width():
    # Four disjoint rows: top_k = 2 keeps the two best, whatever remains.
    rows = torch.tensor([[0.0, 1.0, 0.5], [2.0, 3.0, 0.75], [4.0, 5.0, 0.625], [6.0, 7.0, 0.25]])
    kept = soft_nms(rows, sigma=0.5, top_k=2, score_threshold=0.001, variant='fixed')
    assert kept[:, 2].tolist() == [0.75, 0.625]
    # Overlap away from 0: best [10, 14], other [12, 16]: IoU 2 / (4 + 4 - 2) = 1/3, so the
    # other decays to 0.5 * exp(-(1/3)^2 / 0.5).
    rows = torch.tensor([[10.0, 14.0, 0.9], [12.0, 16.0, 0.5]])
    kept = soft_nms(rows, sigma=0.5, top_k=10, score_threshold=0.001, variant='fixed')
    assert kept[1, 2].item() == pytest.approx(0.5 * math.exp(-(1 / 9) / 0.5), rel=DECAY_RTOL)
    # A kept segment of width 0.5 (< 1) is used at its width: [0, 0.5] vs [0, 0.25] have
    # IoU 0.5, so 0.5 * exp(-0.25 / 0.5).
    rows = torch.tensor([[0.0, 0.5, 0.9], [0.0, 0.25, 0.5]])
    kept = soft_nms(rows, sigma=0.5, top_k=10, score_threshold=0.001, variant='fixed')
    assert kept[1, 2].item() == pytest.approx(0.5 * math.exp(-0.25 / 0.5), rel=DECAY_RTOL)


@pytest.mark.parametrize('variant,sigma,top_k', [('reference', 0.5, 5000), ('fixed', 0.01, 30),
                                                 ('reference', 0.95, 3)])
def test_batched_soft_nms_equals_one_group_at_a_time(variant, sigma, top_k):
    # Groups of different sizes (an empty one, a lone candidate, exact ties, rows below the
    # threshold) run together; each must come out exactly as soft_nms gives it alone.
    gen = torch.Generator().manual_seed(0)
    groups = []
    for size in (0, 1, 3, 40, 250):
        start = torch.rand(size, generator=gen) * 50
        width = torch.rand(size, generator=gen) * 8
        groups.append(torch.stack([start, start + width,
                                   torch.rand(size, generator=gen) ** 3], 1))
    groups.append(torch.tensor([[1.0, 2.0, 0.5], [1.0, 2.0, 0.5], [5.0, 6.0, 0.0005]]))
    for group, result in zip(groups, per_group(groups, sigma, top_k, variant=variant)):
        assert torch.equal(result, soft_nms(group, sigma, top_k, variant=variant))
    keep, scores = batched_soft_nms(torch.zeros(0, 3), torch.zeros(0), sigma, top_k)
    assert keep.shape == scores.shape == (0, )


def test_batched_soft_nms_equals_one_group_on_random_layouts():
    # The overlap components, their padded chunks and the merge that applies the stopping
    # rule must reproduce soft_nms exactly: dense and sparse overlaps, integer bounds (rows
    # that touch without overlapping), tied scores, top_k cutting in, a reversed and a NaN
    # segment (their group runs as one component), chunks of one component.
    gen = torch.Generator().manual_seed(1)
    for trial in range(60):
        groups = []
        for _ in range(int(torch.randint(1, 5, (1, ), generator=gen))):
            size = int(torch.randint(0, 80, (1, ), generator=gen))
            start = torch.rand(size, generator=gen) * (1 + 99 * float(torch.rand(1, generator=gen)))
            width = torch.rand(size, generator=gen) * 10 * float(torch.rand(1, generator=gen))
            score = torch.rand(size, generator=gen) ** 2
            if trial % 3 == 0:
                start, width = start.round(), width.round()
            if trial % 4 == 0:
                score = (score * 4).round() / 4
            group = torch.stack([start, start + width, score], 1)
            if trial % 7 == 0 and size > 3:
                group[0, 1] = group[0, 0] - 1
                group[1, 0] = float('nan')
            groups.append(group)
        options = dict(sigma=(0.01, 0.5, 0.95)[trial % 3], top_k=(5000, 3, 1, 0, 10)[trial % 5],
                       variant=('reference', 'fixed')[trial % 2],
                       score_threshold=(0.001, 0.1)[trial % 2])
        results = per_group(groups, max_chunk_rows=(4_000_000, 3)[trial % 2], **options)
        for group, result in zip(groups, results):
            same(result, soft_nms(group, **options))
