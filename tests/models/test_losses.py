"""Matcher and loss terms against hand computations and docs/published_code.md §5.4-§5.9.

Tolerances (tests/helpers.py): a value the code makes with a handful of float32 operations
meets its hand value within torch.allclose's default relative 1e-5 (168 roundings of 2^-24);
sums and formulas with more operations have their bound written beside them."""
import math

import pytest
import torch
import torch.nn.functional as F

from gaf_mmaction.models.heads import AFSDHead
from gaf_mmaction.models.losses import (
    BackgroundLoss,
    BoundaryBCELoss,
    BoundaryTripletLoss,
    CVAELoss,
    MultiSegmentLoss,
    ReconstructionLoss,
    softmax_focal_loss,
)
from gaf_mmaction.models.task_modules import (
    CentreInSegmentMatcher,
    distance_giou,
    distance_iou,
    match_priors,
    pad_targets,
)
from tests.helpers import ops_rtol, sum_rtol


def matched(loss: MultiSegmentLoss, outputs: dict, segments: list, labels: list,
            clip_length: int) -> dict:
    """``loss`` on the targets the head's default matcher assigns."""
    loc_t, conf_t = CentreInSegmentMatcher()(outputs['priors'][:, 0], segments, labels,
                                             clip_length)
    return loss(outputs, loc_t, conf_t)


def test_match_priors_by_hand():
    priors = torch.tensor([0.05, 0.25, 0.45, 0.65, 0.85])
    segments = torch.tensor([[[0.2, 0.5], [0.4, 0.9]]])
    labels = torch.tensor([[2, 3]])
    loc_t, conf_t = match_priors(priors, segments, labels, clip_length=10)
    # 0.05 lies in no segment; 0.25 only in A; 0.45 in both, A is shorter (3 < 5);
    # 0.65 and 0.85 only in B.
    assert conf_t.tolist() == [[0, 2, 2, 3, 3]]
    assert torch.allclose(loc_t[0, 1:], torch.tensor([[0.5, 2.5], [2.5, 0.5], [2.5, 2.5],
                                                      [4.5, 0.5]]))


def test_match_ties_go_to_the_first_segment_and_padding_never_matches():
    segments, labels = pad_targets([torch.tensor([[0.0, 1.0], [0.0, 1.0]]),
                                    torch.zeros(0, 2)], [torch.tensor([1, 2]),
                                                         torch.zeros(0, dtype=torch.long)])
    assert labels.tolist() == [[1, 2], [-1, -1]]
    _, conf_t = match_priors(torch.tensor([0.5]), segments, labels, clip_length=8)
    assert conf_t.tolist() == [[1], [0]]


def test_distance_iou_by_hand():
    pred = torch.tensor([[2.0, 3.0], [1.0, 1.0]])
    target = torch.tensor([[1.0, 5.0], [3.0, 0.5]])
    # inter 1 + 3 = 4, union 5 + 6 - 4 = 7, enclosing 2 + 5 = 7;
    # inter 1 + 0.5, union 2 + 3.5 - 1.5 = 4, enclosing 3 + 1 = 4.
    assert torch.allclose(distance_iou(pred, target), torch.tensor([4 / 7, 0.375]))
    assert torch.allclose(distance_giou(pred, target), torch.tensor([4 / 7, 0.375]))
    # Enclosing longer than the union: pred (1, 0), target (0, 1) -> iou 0, giou 0 - 0.
    assert distance_giou(torch.tensor([3.0, 0.0]), torch.tensor([0.0, 1.0])) == pytest.approx(0)


def test_focal_by_hand():
    logits = torch.tensor([[0.0, math.log(3.0)]])  # softmax = (0.25, 0.75)
    one = softmax_focal_loss(logits, torch.tensor([1]))
    zero = softmax_focal_loss(logits, torch.tensor([0]))
    # p_y + eps enters both the log and the modulating factor, as published.
    # p carries at most 6 roundings (log 3 to float32, exp 2, sum, quotient, + eps); the
    # factor (1 - p)^2 scales p's relative error by 2 p / (1 - p) <= 6 and log(p) by
    # 1 / |log p| <= 3.5 (p = 0.75); with the log (2) and the products (3): at most
    # 6 x (6 + 3.5) + 5 = 62 roundings against the float64 formula.
    rtol = ops_rtol(62)
    assert one.item() == pytest.approx(-0.75 * (0.25 - 1e-6) ** 2 * math.log(0.75 + 1e-6),
                                       rel=rtol)
    assert zero.item() == pytest.approx(-0.25 * (0.75 - 1e-6) ** 2 * math.log(0.25 + 1e-6),
                                        rel=rtol)


def loop_reference(outputs, targets, clip_length, piou):
    """§5.5 term by term, one clip and one prior at a time."""
    priors = outputs['priors'][:, 0]
    sums = dict(l=0.0, c=0.0, pl=0.0, pc=0.0, ct=0.0)
    n_pos = n_prop = 0
    for b, target in enumerate(targets):
        for k, p in enumerate(priors.tolist()):
            best, best_area = None, 2 * clip_length
            for j, (s, e, _) in enumerate(target.tolist()):
                left, right = (p - s) * clip_length, (e - p) * clip_length
                if left >= 0 and right >= 0 and left + right < best_area:
                    best, best_area = j, left + right
            s, e, label = target[best].tolist() if best is not None else (0, 0, 0)
            lt = torch.tensor([(p - s) * clip_length, (e - p) * clip_length])
            label = int(label) if best is not None else 0
            loc = outputs['loc'][b, k]
            pre = loc.detach()
            inter = torch.minimum(pre, lt).sum()
            iou = inter / (pre.sum() + lt.sum() - inter)
            prop_label = label if iou >= piou else 0
            probs = outputs['conf'][b, k].softmax(-1)
            prop_probs = outputs['prop_conf'][b, k].softmax(-1)

            def focal(pr, y):
                a = 0.25 if y == 0 else 0.75
                return -a * (1 - pr[y] - 1e-6) ** 2 * torch.log(pr[y] + 1e-6)
            sums['c'] = sums['c'] + focal(probs, label)
            sums['pc'] = sums['pc'] + focal(prop_probs, prop_label)
            if label > 0:
                n_pos += 1
                inter = torch.minimum(loc, lt).sum()
                union = loc.sum() + lt.sum() - inter
                enclose = torch.maximum(loc, lt).sum()
                sums['l'] = sums['l'] + 1 - (inter / union - (enclose - union) / enclose)
                refined = loc + 0.5 * loc.sum() * outputs['prop_loc'][b, k]
                inter = torch.minimum(refined, lt).sum()
                target_iou = (inter / (refined.sum() + lt.sum() - inter)).clamp(min=0)
                sums['ct'] = sums['ct'] + F.binary_cross_entropy_with_logits(
                    outputs['center'][b, k, 0], target_iou)
            if prop_label > 0:
                n_prop += 1
                prop_t = (lt - pre) / (0.5 * pre.sum())
                sums['pl'] = sums['pl'] + (outputs['prop_loc'][b, k] - prop_t).abs().sum()
    n, pn = max(n_pos, 1), max(n_prop, 1)
    return dict(loss_loc=sums['l'] / n, loss_conf=sums['c'] / n, loss_prop_loc=sums['pl'] / pn,
                loss_prop_conf=sums['pc'] / pn, loss_center=sums['ct'] / n)


def random_outputs(batch: int = 2, classes: int = 4, seed: int = 0):
    gen = torch.Generator().manual_seed(seed)
    priors = AFSDHead.priors([8, 4, 2])
    k = len(priors)
    return dict(
        priors=priors,
        loc=(torch.rand(batch, k, 2, generator=gen) * 6 + 0.5).requires_grad_(),
        conf=torch.randn(batch, k, classes, generator=gen).requires_grad_(),
        prop_loc=(torch.randn(batch, k, 2, generator=gen) * 0.3).requires_grad_(),
        prop_conf=torch.randn(batch, k, classes, generator=gen).requires_grad_(),
        center=torch.randn(batch, k, 1, generator=gen).requires_grad_())


def test_multi_segment_loss_matches_the_definition():
    outputs = random_outputs()
    targets = [torch.tensor([[0.1, 0.45, 1], [0.3, 0.5, 3], [0.6, 0.95, 2]]),
               torch.tensor([[0.2, 0.7, 2]])]
    loss = MultiSegmentLoss(piou=0.3, loc_weight=1.0, conf_weight=1.0)
    ours = matched(loss, outputs, [t[:, :2] for t in targets], [t[:, 2].long() for t in targets],
                   16)
    with torch.no_grad():
        expected = loop_reference(outputs, targets, 16, 0.3)
    # Vectorised against the loop: sums of non-negative terms (one per prior and class at
    # most), each made by at most 20 roundings (softmax, log, pow, products), in another order.
    rtol = sum_rtol(outputs['conf'].numel(), operations=20)
    for key, value in expected.items():
        assert ours[key].item() == pytest.approx(torch.as_tensor(value).item(), rel=rtol), key
    assert ours['loss_prop_loc'] > 0 and ours['loss_loc'] > 0

    weighted = matched(MultiSegmentLoss(piou=0.3), outputs, [t[:, :2] for t in targets],
                                          [t[:, 2].long() for t in targets], 16)
    # One rounding of the product by 10 (2^-24 relative), against the exact product.
    assert weighted['loss_loc'].item() == pytest.approx(10 * ours['loss_loc'].item(),
                                                        rel=ops_rtol(1))
    assert weighted['loss_center'].item() == ours['loss_center'].item()  # weight 1: the same


@pytest.mark.parametrize('detach', [False, True])
def test_center_target_gradient(detach):
    outputs = random_outputs(batch=1, seed=3)
    targets = [torch.tensor([[0.1, 0.8]])]
    loss = MultiSegmentLoss(detach_center_target=detach)
    matched(loss, outputs, targets, [torch.tensor([1])], 16)['loss_center'].backward()
    grad = outputs['prop_loc'].grad
    # Only through the (undetached) target does the centre loss reach prop_loc.
    assert (grad is not None and bool(grad.abs().sum() > 0)) is not detach


def test_boundary_bce():
    half = torch.full((1, 16, 8), math.atanh(0.5))  # tanh -> 0.5 everywhere
    outputs = dict(start=half, end=half, start_loc_prop=half[:, :4], end_loc_prop=half[:, :4],
                   start_conf_prop=half[:, :4], end_conf_prop=half[:, :4])
    boundaries = torch.randint(0, 2, (1, 2, 16)).float()
    losses = BoundaryBCELoss(proposal_weight=0.1)(outputs, boundaries)
    # Means of 16 (frames) and 4 (cells) BCE terms, each of tanh, log and a product.
    rtol = sum_rtol(16, operations=6)
    assert losses['loss_start'].item() == pytest.approx(1.2 * math.log(2), rel=rtol)
    # Proposal-level targets are every 4th frame: make those 0 and the prop features ~0.
    boundaries = torch.zeros(1, 2, 16)
    boundaries[..., 1::4] = 1
    low = torch.full((1, 4, 8), 1e-4)
    outputs.update(start_loc_prop=low, start_conf_prop=low)
    losses = BoundaryBCELoss(proposal_weight=0.1)(outputs, boundaries)
    # Frames: log 2 each; both proposal terms: -log(1 - tanh(1e-4)) at every (zero) target.
    proposal = -math.log1p(-math.tanh(1e-4))
    assert losses['loss_start'].item() == pytest.approx(math.log(2) + 0.1 * 2 * proposal,
                                                        rel=rtol)


def test_boundary_bce_equals_torch_bce_including_its_clamp():
    from gaf_mmaction.models.losses.boundary_bce_loss import _boundary_bce
    # Post-ReLU features; the last two frames are all zero: p = 0 and log(p) clamps at -100.
    feat = torch.cat([torch.randn(1, 6, 4), torch.zeros(1, 2, 4)], dim=1).clamp(min=0)
    target = torch.tensor([[0, 1, 1, 0, 1, 0, 1, 0]], dtype=torch.float32)
    expected = F.binary_cross_entropy(torch.tanh(feat).mean(-1), target)
    # log1p(-p) here, log(1 - p) in torch: the means of 8 terms differ by their roundings.
    assert _boundary_bce(feat, target).item() == pytest.approx(
        expected.item(), rel=sum_rtol(target.numel(), operations=6))


def test_background_loss_by_hand():
    conf = torch.zeros(2, 5, 4)  # p(background) = 0.25 at every prior
    per_prior = -0.25 * (1 - 0.25 - 1e-6) ** 2 * math.log(0.25 + 1e-6)
    # A sum of 10 equal focal terms of about 12 roundings each, times 35.
    assert BackgroundLoss(loss_weight=35)(conf).item() == pytest.approx(
        35 * 10 * per_prior, rel=sum_rtol(10, operations=13))


def test_triplet_weights():
    gen = torch.Generator().manual_seed(0)
    feats = [[torch.randn(2, 6, generator=gen) for _ in range(3)] for _ in range(3)]
    anchors, positives, negatives = zip(*feats)
    expected = sum(w * F.triplet_margin_loss(a, p, n, margin=1.0)
                   for w, a, p, n in zip((1, 0.1, 0.1), anchors, positives, negatives))
    # The same three torch losses, weighted and summed in another order: a few roundings
    # (at most 2^-24 each), well inside pytest.approx's relative 1e-6.
    assert BoundaryTripletLoss()(anchors, positives, negatives).item() == pytest.approx(
        0.1 * expected.item(), rel=ops_rtol(8))


def test_reconstruction_weight_schedule():
    loss = ReconstructionLoss(max_weight=0.5, warmup_epochs=300)
    # min(e, 300) / 300 x 0.5 in float64: one rounding (2^-53) from these values.
    assert [loss.weight(e) for e in (1, 15, 300, 400)] == pytest.approx(
        [1 / 600, 0.025, 0.5, 0.5])
    generated, target = [torch.ones(2, 3), torch.zeros(4)], [torch.zeros(2, 3), torch.ones(4)]
    assert loss(generated, target, 300).item() == 0.5 * 2  # means of ones: exact


def test_a_prior_on_a_segment_boundary_is_inside_it():
    # A 64-frame window; the prior at 0.25 (frame 16) sits exactly on the start of an action
    # at frames 16..32, the prior at 0.5 (frame 32) exactly on its end: both are inside.
    segments = torch.tensor([[[16 / 64, 32 / 64]]])
    loc_t, conf_t = match_priors(torch.tensor([0.25, 0.5, 0.5 + 1 / 64]), segments,
                                 torch.tensor([[4]]), clip_length=64)
    assert conf_t.tolist() == [[4, 4, 0]]
    assert loc_t[0, :2].tolist() == [[0.0, 16.0], [16.0, 0.0]]


def test_a_padding_row_that_contains_the_prior_never_matches():
    # The padding row (label -1) is the shortest segment around the prior; it must be ignored.
    segments = torch.tensor([[[0.0, 1.0], [0.4, 0.6]]])
    _, conf_t = match_priors(torch.tensor([0.5]), segments, torch.tensor([[2, -1]]),
                             clip_length=10)
    assert conf_t.tolist() == [[2]]


def test_loss_details_by_hand():
    # Background: loss_weight x conf_weight x the focal sum (conf_weight 2 doubles it).
    conf = torch.zeros(1, 2, 4)
    per_prior = -0.25 * (1 - 0.25 - 1e-6) ** 2 * math.log(0.25 + 1e-6)
    assert BackgroundLoss(loss_weight=3, conf_weight=2)(conf).item() == pytest.approx(
        3 * 2 * 2 * per_prior, rel=sum_rtol(2, operations=14))
    # Reconstruction: the difference, not the sum, is squared (2 - 1 = 1, not 3).
    loss = ReconstructionLoss(max_weight=1.0, warmup_epochs=1)
    assert loss([torch.full((2, 2), 2.0)], [torch.ones(2, 2)], 1).item() == 1.0  # exact
    # Triplet: the configured margin (not torch's default 1) and the Euclidean distance.
    a, p, n = torch.zeros(1, 2), torch.tensor([[3.0, 4.0]]), torch.tensor([[1.0, 0.0]])
    triplet = BoundaryTripletLoss(level_weights=(1.0, ), margin=0.25, loss_weight=1.0)
    # torch's distance adds eps = 1e-6 to each difference: |(-3, -4) + eps| - |(-1, 0) + eps|.
    eps = 1e-6
    expected = math.hypot(-3 + eps, -4 + eps) - math.hypot(-1 + eps, eps) + 0.25
    assert triplet([a], [p], [n]).item() == pytest.approx(expected, rel=ops_rtol(12))
    # Boundary BCE takes the log of a probability of exactly 1 (or 0) as -100, like torch.
    ones = torch.full((1, 16, 8), 50.0)  # tanh -> 1.0 exactly
    outputs = dict(start=ones, end=ones, start_loc_prop=ones[:, :4], end_loc_prop=ones[:, :4],
                   start_conf_prop=ones[:, :4], end_conf_prop=ones[:, :4])
    losses = BoundaryBCELoss(proposal_weight=0.0)(outputs, torch.zeros(1, 2, 16))
    assert losses['loss_start'].item() == 100.0  # the clamp's -100 at every term: exact


def test_multi_segment_normalisers_and_refined_threshold():
    # The published defaults: the centerness target is not detached.
    assert MultiSegmentLoss().detach_center_target is False
    # One clip whose only action contains only the first prior's centre (1/16): N = PN = 1, so
    # the sums are divided by 1 (max(count, 1)), as in the reference loop.
    outputs = random_outputs(batch=1, seed=5)
    segments, labels = [torch.tensor([[0.05, 0.08]])], [torch.tensor([2])]
    ours = matched(MultiSegmentLoss(piou=0.0, loc_weight=1.0, conf_weight=1.0), outputs,
                   segments, labels, 16)
    expected = loop_reference(outputs, [torch.tensor([[0.05, 0.08, 2.0]])], 16, 0.0)
    rtol = sum_rtol(outputs['conf'].numel(), operations=20)  # as in the test above
    for key, value in expected.items():
        assert ours[key].item() == pytest.approx(torch.as_tensor(value).item(), rel=rtol), key
    # The refined target is positive at IoU >= piou: at piou equal to that prior's IoU it still
    # is (same loss as piou 0), just above it it is not.
    loc_t, _ = match_priors(outputs['priors'][:, 0], segments[0][None], labels[0][None], 16)
    iou = float(distance_iou(outputs['loc'][0, :1].detach(), loc_t[0, :1]))

    def prop_conf(piou: float) -> float:
        loss = MultiSegmentLoss(piou=piou, loc_weight=1.0, conf_weight=1.0)
        return matched(loss, outputs, segments, labels, 16)['loss_prop_conf'].item()
    assert prop_conf(iou) == prop_conf(0.0) != prop_conf(iou + 1e-4)


def test_pad_targets_of_a_batch_without_actions():
    segments, labels = pad_targets([torch.zeros(0, 2)], [torch.zeros(0, dtype=torch.long)])
    assert segments.shape == (1, 1, 2) and segments.eq(0).all()
    assert labels.tolist() == [[-1]]
    # Nothing matches: every prior is background.
    _, conf_t = match_priors(torch.tensor([0.0, 0.5]), segments, labels, clip_length=8)
    assert conf_t.tolist() == [[0, 0]]


def test_loss_defaults_are_the_published_values():
    # docs/published_code.md §5.4-§5.10 (THUMOS14): lw 10, cw 1, piou 0.5, proposal-level
    # boundary terms x0.1, bg x35, triplet 0.1 x (1, 0.1, 0.1) with margin 1, KLD x0.1,
    # reconstruction up to 0.5 over 300 epochs.
    det = MultiSegmentLoss()
    assert (det.piou, det.loc_weight, det.conf_weight) == (0.5, 10.0, 1.0)
    assert BoundaryBCELoss().proposal_weight == 0.1
    assert (BackgroundLoss().loss_weight, BackgroundLoss().conf_weight) == (35.0, 1.0)
    triplet = BoundaryTripletLoss()
    assert (triplet.level_weights, triplet.triplet.margin, triplet.loss_weight) == (
        (1.0, 0.1, 0.1), 1.0, 0.1)
    assert (CVAELoss().kld_weight, CVAELoss().recon_weight) == (0.1, 1.0)
    recon = ReconstructionLoss()
    assert (recon.max_weight, recon.warmup_epochs) == (0.5, 300)
