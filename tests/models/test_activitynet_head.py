"""AFSD's ActivityNet head and loss (docs/activitynet.md): level ranges and stride scaling by
hand, and the loss of the ActivityNet config against the published formulas, term by term."""
import math

import pytest
import torch
import torch.nn.functional as F
from mmaction.registry import MODELS, TASK_UTILS
from mmengine.config import Config

from gaf_mmaction.models.heads import AFSDHead
from gaf_mmaction.models.task_modules import LevelRangeMatcher, distance_iou
from tests.helpers import CONFIGS, sum_rtol

ANET_CONFIG = CONFIGS / 'gaf' / 'gaf_i3d_1xb1-768x96x96-16e_activitynet-rgb.py'
LEVELS = (96, 48, 24, 12, 6, 3)
RANGES = ((0, 30), (15, 60), (30, 120), (60, 240), (96, 768), (256, 768))


def priors_and_levels():
    return AFSDHead.priors(LEVELS)[:, 0], AFSDHead.prior_levels(LEVELS)


def test_level_ranges_by_hand():
    # One action over frames [96, 144] of a 768-frame clip. Level i has cells of 8 * 2^i frames
    # with centres (c + 0.5) * 8 * 2^i; a centre inside the action is positive only if
    # max(centre - 96, 144 - centre) lies in the level's range.
    #   level 0 (30 max): centres 100..140 reach 44, 36, 28, 28, 36, 44 -> cells 14, 15
    #   level 1 (15, 60]: centres 104, 120, 136 reach 40, 24, 40       -> cells 6, 7, 8
    #   level 2 (30, 120]: centres 112, 144 reach 32, 48                -> cells 3, 4
    #   level 3 (60, 240]: centre 96 reaches 48                          -> none
    #   level 5 (256, 768]: centre 128 reaches 32                        -> none
    priors, levels = priors_and_levels()
    segment = torch.tensor([[96.0, 144.0]]) / 768
    loc_t, conf_t = LevelRangeMatcher(RANGES)(priors, [segment], [torch.tensor([1])], 768,
                                                levels)
    positives = conf_t[0].nonzero().squeeze(1).tolist()
    assert positives == [14, 15, 96 + 6, 96 + 7, 96 + 8, 144 + 3, 144 + 4]
    # Frames from float32 fractions of the clip (116 / 768 rounds; 96 / 768, 144 / 768 do
    # not): a rounding of 2^-24 of the centre, times 768, well inside approx's 1e-6.
    assert loc_t[0, 14].tolist() == pytest.approx([20.0, 28.0])  # centre 116
    assert loc_t[0, 148].tolist() == pytest.approx([48.0, 0.0])  # centre 144: on the end
    # The ranges are open below and closed above. Exactly, with dyadic centres: a 64-frame clip,
    # levels of 8 and 4 cells (centres 4, 12, ... and 8, 24, ...), ranges (0, 8] and (4, 16].
    # Over frames [4, 12], level 0's centres 4 and 12 reach exactly 8 (kept) and level 1's
    # centre 8 reaches exactly 4 (left out).
    small = AFSDHead.priors((8, 4))[:, 0], AFSDHead.prior_levels((8, 4))
    _, conf_t = LevelRangeMatcher(((0, 8), (4, 16)))(
        small[0], [torch.tensor([[4.0, 12.0]]) / 64], [torch.tensor([1])], 64, small[1])
    assert conf_t[0].nonzero().squeeze(1).tolist() == [0, 1]
    # Without ranges (THUMOS14's matcher) every centre inside the action is positive.
    _, all_inside = TASK_UTILS.build(dict(type='CentreInSegmentMatcher'))(
        priors, [segment], [torch.tensor([1])], 768, levels)
    assert int(all_inside.sum()) == 6 + 3 + 2 + 1 + 1


def test_bad_ranges_and_options_are_named():
    priors, levels = priors_and_levels()
    empty = ([torch.zeros(0, 2)], [torch.zeros(0, dtype=torch.long)], 768)
    with pytest.raises(ValueError, match=r'ranges for 5 pyramid levels, but the head has 6; '
                                         r'give one \(low, high\) pair per level'):
        LevelRangeMatcher(RANGES[:5])(priors, *empty, levels)
    with pytest.raises(ValueError, match='^LevelRangeMatcher needs the pyramid level of every prior$'):
        LevelRangeMatcher(RANGES)(priors, *empty)
    with pytest.raises(ValueError, match=r'level_ranges must be \(low, high\) pairs'):
        LevelRangeMatcher(((0, 30, 60), ))
    for name in ('refined_piou', 'refined_loc_loss', 'normalization'):
        with pytest.raises(ValueError, match=f"{name} must be one of .*, got 'x'"):
            MODELS.build(dict(type='MultiSegmentLoss', **{name: 'x'}))
    with pytest.raises(ValueError, match="normalization must be 'batch' or 'per_sample', got 'x'"):
        MODELS.build(dict(type='BackgroundLoss', normalization='x'))


def test_stride_scaling():
    # With the distance convolution zeroed, exp(scale * 0) = 1: each level predicts its stride.
    head = AFSDHead(num_classes=2, in_channels=32, proposal_channels=32, num_groups=4,
                    clip_length=64, level_strides=(4, 8, 16, 32, 64, 128))
    torch.nn.init.zeros_(head.loc_head.conv1d.weight)
    torch.nn.init.zeros_(head.loc_head.conv1d.bias)
    lengths = (8, 4, 2, 1, 1, 1)
    with torch.no_grad():
        out = head([torch.rand(1, 32, t) for t in lengths], torch.rand(1, 32, 64))
    expected = torch.cat([torch.full((t, 2), float(s)) for t, s in
                          zip(lengths, (4, 8, 16, 32, 64, 128))])
    assert torch.equal(out['loc'][0], expected)
    assert out['prior_levels'].tolist() == [i for i, t in enumerate(lengths) for _ in range(t)]
    with pytest.raises(ValueError, match='one factor per level'):
        AFSDHead(level_strides=(4, 8))


def published_loss(outputs, targets, piou, clip_length=768):
    """The published ActivityNet MultiSegmentLoss and background loss, one clip and one prior
    at a time (docs/activitynet.md): per-level ranges, refined positives at IoU >=
    min(piou, best positive IoU), smooth-L1 offsets, per-clip normalisation averaged over the
    batch; the background path's focal sum toward background, per clip, averaged."""
    priors = outputs['priors'][:, 0].tolist()
    levels = outputs['prior_levels'].tolist()
    terms = {k: [] for k in ('loss_loc', 'loss_conf', 'loss_prop_loc', 'loss_prop_conf',
                             'loss_center', 'loss_bg')}

    def focal(logits, y):
        p = logits.softmax(-1)[y] + 1e-6
        return -(0.25 if y == 0 else 0.75) * (1 - p) ** 2 * torch.log(p)

    def iou(a, b):
        inter = torch.minimum(a, b).sum()
        return inter / (a.sum() + b.sum() - inter)

    for b, target in enumerate(targets):
        matched = []
        for k, p in enumerate(priors):
            low, high = RANGES[levels[k]]
            best, best_area = None, 2 * clip_length
            for j, (s, e, _) in enumerate(target.tolist()):
                left, right = (p - s) * clip_length, (e - p) * clip_length
                if left < 0 or right < 0 or not low < max(left, right) <= high:
                    continue
                if left + right < best_area:
                    best, best_area = j, left + right
            if best is None:
                matched.append((0, torch.zeros(2)))
            else:
                s, e, label = target[best].tolist()
                matched.append((int(label), torch.tensor([(p - s) * clip_length,
                                                          (e - p) * clip_length])))
        loc = outputs['loc'][b]
        ious = [float(iou(loc[k].detach(), lt)) for k, (_, lt) in enumerate(matched)]
        pos_ious = [ious[k] for k, (label, _) in enumerate(matched) if label > 0]
        threshold = min(piou, max(pos_ious) if pos_ious else 2.0)
        sums = dict.fromkeys(terms, 0.0)
        n = n_prop = 0
        for k, (label, lt) in enumerate(matched):
            prop_label = label if ious[k] >= threshold else 0
            sums['loss_conf'] += focal(outputs['conf'][b, k], label)
            sums['loss_prop_conf'] += focal(outputs['prop_conf'][b, k], prop_label)
            sums['loss_bg'] += focal(outputs['bg_conf'][b, k], 0)
            if label > 0:
                n += 1
                inter = torch.minimum(loc[k], lt).sum()
                union = loc[k].sum() + lt.sum() - inter
                enclose = torch.maximum(loc[k], lt).sum()
                sums['loss_loc'] += 1 - (inter / union - (enclose - union) / enclose)
                refined = loc[k] + 0.5 * loc[k].sum() * outputs['prop_loc'][b, k]
                sums['loss_center'] += F.binary_cross_entropy_with_logits(
                    outputs['center'][b, k, 0], iou(refined, lt).clamp(min=0))
            if prop_label > 0:
                n_prop += 1
                pre = loc[k].detach()
                target_offsets = (lt - pre) / (0.5 * pre.sum())
                sums['loss_prop_loc'] += F.smooth_l1_loss(outputs['prop_loc'][b, k],
                                                          target_offsets, reduction='sum')
        n, n_prop = max(n, 1), max(n_prop, 1)
        for key, norm in (('loss_loc', n), ('loss_conf', n), ('loss_center', n),
                          ('loss_prop_loc', n_prop), ('loss_prop_conf', n_prop),
                          ('loss_bg', 1)):
            terms[key].append(sums[key] / norm)
    # lw = 10 on the distances, cw = 1 on the rest, the background path x700.
    weights = dict(loss_loc=10, loss_prop_loc=10, loss_bg=700)
    return {k: weights.get(k, 1) * sum(v) / len(v) for k, v in terms.items()}


def test_activitynet_config_loss_matches_the_published_formulas():
    cfg = Config.fromfile(ANET_CONFIG).model.head
    matcher = TASK_UTILS.build(cfg.matcher)
    loss_det, loss_bg = MODELS.build(cfg.loss_det), MODELS.build(cfg.loss_background)
    gen = torch.Generator().manual_seed(0)
    priors, levels = priors_and_levels()
    k, batch = len(priors), 2
    # Distances of every level's scale (the level strides 4 .. 128 times exp(.)); clip 1's are
    # far too short, so that its best IoU stays below piou and the adaptive rule decides.
    strides = torch.tensor([4.0, 8, 16, 32, 64, 128])[levels]
    scale = torch.tensor([3.0, 0.3])[:, None, None]
    outputs = dict(
        priors=priors[:, None], prior_levels=levels,
        loc=(strides[None, :, None] * torch.rand(batch, k, 2, generator=gen) * scale + 1)
        .requires_grad_(),
        conf=torch.randn(batch, k, 2, generator=gen).requires_grad_(),
        prop_loc=(torch.randn(batch, k, 2, generator=gen) * 0.8).requires_grad_(),
        prop_conf=torch.randn(batch, k, 2, generator=gen).requires_grad_(),
        center=torch.randn(batch, k, 1, generator=gen).requires_grad_(),
        bg_conf=torch.randn(batch, k, 2, generator=gen))
    # Frames: short (level 0/1), medium, long actions; clip 1 has one long action only.
    targets = [torch.tensor([[20, 60, 1], [100, 130, 1], [200, 500, 1], [520, 760, 1]]),
               torch.tensor([[50, 700, 1]])]
    targets = [torch.cat([t[:, :2] / 768, t[:, 2:]], 1).float() for t in targets]
    loc_t, conf_t = matcher(priors, [t[:, :2] for t in targets],
                            [t[:, 2].long() for t in targets], 768, levels)
    ours = loss_det(outputs, loc_t, conf_t)
    ours['loss_bg'] = loss_bg(outputs['bg_conf'])
    with torch.no_grad():
        expected = published_loss(outputs, targets, piou=cfg.loss_det.get('piou', 0.5))
    # Vectorised against the loop: sums of non-negative terms (one per prior and class at
    # most), each of at most 20 roundings, in another order (tests/helpers.py sum_rtol).
    rtol = sum_rtol(outputs['conf'].numel(), operations=20)
    for key, value in expected.items():
        assert ours[key].item() == pytest.approx(float(value), rel=rtol), key
    # The adaptive threshold decides clip 1 (its best IoU is below piou), and both clips have
    # refined positives (smooth-L1 terms).
    best = distance_iou(outputs['loc'][1].detach(), loc_t[1])[conf_t[1] > 0].max()
    assert 0 < best < 0.5
    prop_conf_t = loss_det.refined_targets(outputs['loc'].detach(), loc_t, conf_t)
    assert (prop_conf_t > 0).sum(1).min() >= 1
    assert ours['loss_prop_loc'] > 0 and not math.isclose(ours['loss_loc'].item(), 0)
