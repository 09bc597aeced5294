"""Assigning ground-truth segments to priors, a whole batch at once (docs/published_code.md §5.5)."""
from collections.abc import Sequence

import torch
from mmaction.registry import TASK_UTILS
from torch import Tensor
from torch.nn.utils.rnn import pad_sequence

from ...structures import BACKGROUND


def pad_targets(segments: Sequence[Tensor], labels: Sequence[Tensor]) -> tuple[Tensor, Tensor]:
    """Per-clip targets -> padded [B, N, 2] segments and [B, N] labels (-1 = padding).

    N is the largest count in the batch (at least 1), known on the host
    from the list lengths, so padding needs no device synchronisation.
    """
    if all(len(s) == 0 for s in segments):
        device = segments[0].device
        return (torch.zeros(len(segments), 1, 2, device=device),
                torch.full((len(segments), 1), -1, dtype=torch.long, device=device))
    return (pad_sequence(list(segments), batch_first=True),
            pad_sequence(list(labels), batch_first=True, padding_value=-1))


def match_priors(priors: Tensor, segments: Tensor, labels: Tensor, clip_length: int,
                 ranges: Tensor | None = None) -> tuple[Tensor, Tensor]:
    """Give every prior the shortest ground truth that contains its centre.

    Args:
        priors: [K] prior centres in [0, 1].
        segments: [B, N] x 2 (start, end) in [0, 1] (padded, see
            :func:`pad_targets`).
        labels: [B, N] class labels >= 1; -1 marks padding.
        clip_length: Frames per clip.
        ranges: Optional [K, 2] (low, high) frames per prior: a prior then
            only takes a segment whose larger distance from its centre,
            max(left, right), lies in (low, high].

    Returns:
        ``loc_t`` [B, K, 2]: frames from each prior to its segment's start
        and end. ``conf_t`` [B, K]: its label, ``BACKGROUND`` if no segment
        contains the centre. Ties go to the first segment.
    """
    centre = priors.view(1, -1, 1)
    left = (centre - segments[:, None, :, 0]) * clip_length
    right = (segments[:, None, :, 1] - centre) * clip_length
    outside = (left < 0) | (right < 0) | (labels[:, None, :] < 0)
    if ranges is not None:
        reach = torch.maximum(left, right)
        ranges = ranges.to(reach).view(1, -1, 1, 2)
        outside |= (reach <= ranges[..., 0]) | (reach > ranges[..., 1])
    area = torch.where(outside, torch.full_like(left, 2.0 * clip_length), left + right)
    best_area, best = area.min(-1)
    loc_t = torch.stack([left.gather(-1, best[..., None]).squeeze(-1),
                         right.gather(-1, best[..., None]).squeeze(-1)], dim=-1)
    conf_t = labels.gather(1, best)
    conf_t = torch.where(best_area >= 2.0 * clip_length, torch.full_like(conf_t, BACKGROUND),
                         conf_t)
    return loc_t, conf_t


@TASK_UTILS.register_module()
class CentreInSegmentMatcher:
    """AFSD's target assignment: each prior takes the shortest ground truth around its centre.

    A registered task module (``head.matcher``), so that a head can swap the rule and its
    losses stay functions of predictions and targets.
    """

    def __call__(self, priors: Tensor, segments: Sequence[Tensor], labels: Sequence[Tensor],
                 clip_length: int, prior_levels: Tensor | None = None) -> tuple[Tensor, Tensor]:
        """Targets of every prior of a batch.

        Args:
            priors: [K] prior centres in [0, 1].
            segments: Per clip, [N_i, 2] (start, end) in [0, 1].
            labels: Per clip, [N_i] action labels.
            clip_length: Frames per clip.
            prior_levels: [K] pyramid level of each prior (unused by this rule).

        Returns:
            ``loc_t`` [B, K, 2] (frames) and ``conf_t`` [B, K], see :func:`match_priors`.
        """
        padded_segments, padded_labels = pad_targets(segments, labels)
        return match_priors(priors, padded_segments.to(priors), padded_labels, clip_length,
                            self.prior_ranges(prior_levels))

    def prior_ranges(self, prior_levels: Tensor | None) -> Tensor | None:
        """[K, 2] frame ranges of the priors' reach (None: any reach)."""
        return None


@TASK_UTILS.register_module()
class LevelRangeMatcher(CentreInSegmentMatcher):
    """AFSD's ActivityNet assignment: as :class:`CentreInSegmentMatcher`, per level only
    the segments whose reach fits that level (docs/published_code.md §8.5).

    A prior of level i takes a segment only if the larger of its distances
    to the segment's start and end, in frames, lies in ``(low_i, high_i]``.

    Args:
        level_ranges: (low, high) frames per pyramid level. Defaults to the
            published ActivityNet ranges for 768-frame clips.
    """

    def __init__(self, level_ranges: Sequence[Sequence[float]] = (
            (0, 30), (15, 60), (30, 120), (60, 240), (96, 768), (256, 768))) -> None:
        self.level_ranges = torch.tensor([list(r) for r in level_ranges], dtype=torch.float32)
        if self.level_ranges.ndim != 2 or self.level_ranges.shape[1] != 2:
            raise ValueError(f'level_ranges must be (low, high) pairs, got {level_ranges}')
        # Prior counts whose levels were checked: reading the largest level waits for the
        # device, so a head's layout is checked once, not at every training step.
        self._checked_counts: set[int] = set()
        # The ranges on each device they were asked for on: a copy from the host every step
        # would wait for the device.
        self._ranges_on: dict[torch.device, Tensor] = {}

    def prior_ranges(self, prior_levels: Tensor | None) -> Tensor:
        if prior_levels is None:
            raise ValueError('LevelRangeMatcher needs the pyramid level of every prior')
        if len(prior_levels) not in self._checked_counts:
            self._check_levels(prior_levels)
        device = prior_levels.device
        if device not in self._ranges_on:
            self._ranges_on[device] = self.level_ranges.to(device)
        return self._ranges_on[device][prior_levels]

    def _check_levels(self, prior_levels: Tensor) -> None:
        if int(prior_levels.max()) >= len(self.level_ranges):
            raise ValueError(f'LevelRangeMatcher has ranges for {len(self.level_ranges)} '
                             f'pyramid levels, but the head has {int(prior_levels.max()) + 1}; '
                             'give one (low, high) pair per level in matcher.level_ranges')
        self._checked_counts.add(len(prior_levels))
