"""MMEngine's DefaultSampler that can start a pass after the samples a stopped run has seen."""
from collections.abc import Iterator

import torch
from mmaction.registry import DATA_SAMPLERS
from mmengine.dataset import DefaultSampler


@DATA_SAMPLERS.register_module()
class ResumableSampler(DefaultSampler):
    """``DefaultSampler`` (same shuffle, rounding up and split over the ranks) with :meth:`skip`.

    A pass's order is the permutation drawn from ``seed + epoch``, repeated
    to a multiple of the world size and dealt out to the ranks in turn (rank
    ``r`` takes entries ``r, r + W, ...``). After ``k`` batches of ``B`` on
    each of ``W`` ranks, the first ``k * B * W`` entries of that order have
    been seen: the next pass, after ``skip(k * B * W)``, deals out the rest
    alone, so each rank continues with exactly the samples it would have
    drawn next. A loop that stops mid-pass (:class:`PreemptionHook`) uses this
    to resume without repeating or leaving out a window.

    Args:
        dataset: The dataset.
        shuffle: Draw a new order each epoch. Defaults to True.
        seed: Shuffling seed, the same on every rank (None: one drawn and
            shared by the ranks). Defaults to None.
        round_up: Repeat samples so that every rank gets as many. Defaults
            to True.
    """

    def __init__(self, dataset, shuffle: bool = True, seed: int | None = None,
                 round_up: bool = True) -> None:
        super().__init__(dataset, shuffle, seed, round_up)
        self._skip = 0

    def skip(self, samples: int) -> None:
        """Leave out the first ``samples`` entries (over all ranks) of the next pass only.

        Raises:
            ValueError: When ``samples`` is not a multiple of the world size
                (every rank must leave out as many) or exceeds the pass.
        """
        if samples % self.world_size or not 0 <= samples <= self.total_size:
            raise ValueError(f'Cannot skip {samples} samples of a pass of {self.total_size} '
                             f'over {self.world_size} ranks: give a multiple of the world size '
                             'within the pass')
        self._skip = samples

    def _order(self) -> list[int]:
        """This epoch's order over all ranks, repeated to ``total_size`` when rounding up."""
        if self.shuffle:
            generator = torch.Generator()
            generator.manual_seed(self.seed + self.epoch)
            order = torch.randperm(len(self.dataset), generator=generator).tolist()
        else:
            order = list(range(len(self.dataset)))
        if self.round_up and order:
            repeats = -(-self.total_size // len(order))
            order = (order * repeats)[:self.total_size]
        return order

    def __iter__(self) -> Iterator[int]:
        """This rank's indices of the pass, after the skipped ones."""
        skip, self._skip = self._skip, 0
        return iter(self._order()[skip:][self.rank::self.world_size])
