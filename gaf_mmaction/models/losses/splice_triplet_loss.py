"""The splice augmentation's loss: which splice clips count, and their triplet loss (§5.7)."""
from collections.abc import Sequence

import torch
from mmaction.registry import MODELS
from torch import Tensor

from .triplet_loss import BoundaryTripletLoss

SPLICE_MODES = ('first', 'all')


def host_index(rows: list[int], device: torch.device) -> Tensor | slice:
    """Rows to index a device tensor with, without waiting for the device.

    A list index is copied to the device from pageable memory, which waits for
    the work queued before it; consecutive rows are a slice instead, others a
    pinned, asynchronous copy.
    """
    if rows == list(range(rows[0], rows[-1] + 1)):
        return slice(rows[0], rows[-1] + 1)
    index = torch.tensor(rows)
    if device.type == 'cuda':
        index = index.pin_memory()
    return index.to(device, non_blocking=True)


@MODELS.register_module()
class SpliceTripletLoss(BoundaryTripletLoss):
    """:class:`BoundaryTripletLoss` of the splice clips that count.

    The detector runs every splice clip of the batch through the network (the
    published batch-sum attention normalisation couples them), asks the head
    for their boundary features and gives them here with the batch's samples.

    Args:
        mode: 'first' counts the first clip of the batch when its splice
            succeeded (published; fixed for batches > 1, §11 Q7); 'all' every
            clip whose splice succeeded (the published ActivityNet code).
            Defaults to 'first'.
        **kwargs: ``level_weights``, ``margin``, ``loss_weight`` of
            :class:`BoundaryTripletLoss`.
    """

    def __init__(self, mode: str = 'first', **kwargs) -> None:
        if mode not in SPLICE_MODES:
            raise ValueError(f'splice mode must be one of {SPLICE_MODES}, got {mode!r}')
        super().__init__(**kwargs)
        self.mode = mode

    def rows(self, data_samples: Sequence) -> list[int]:
        """The batch rows whose splice counts (from each sample's ``splice_valid``)."""
        valid = [bool(s.metainfo.get('splice_valid', False)) for s in data_samples]
        if self.mode == 'first':
            return [0] if valid[0] else []
        return [i for i, ok in enumerate(valid) if ok]

    def forward(self, anchors: Sequence[Tensor], positives: Sequence[Tensor],
                negatives: Sequence[Tensor], rows: list[int]) -> Tensor:
        """The triplet loss of the features' ``rows`` (per level, [M, C_i] for M clips)."""
        index = host_index(rows, anchors[0].device)
        return super().forward(*([feat[index] for feat in features]
                                 for features in (anchors, positives, negatives)))
