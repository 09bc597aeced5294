"""What a NaN or infinite loss does: raise, warn, or nothing (``non_finite_loss``)."""
import logging
import math
from collections.abc import Sequence

import torch
from mmengine.logging import print_log
from torch import Tensor

NON_FINITE_POLICIES = ('stop', 'skip', 'ignore')


def check_finite_losses(losses: dict[str, Tensor], data_samples: Sequence | None, policy: str,
                        phase: str, epoch: int) -> None:
    """Apply ``policy`` to the loss terms of one step, naming each NaN/inf term and the windows.

    Checking costs one host synchronisation per step.

    Args:
        losses: The step's loss terms.
        data_samples: The batch's samples (their ``video_name`` and ``offset`` are named).
        policy: 'stop' raises ``FloatingPointError``; 'skip' logs a warning (the optimizer
            wrapper then drops the step if its gradients are non-finite); 'ignore' does not
            check.
        phase: The training pass ('cvae' or 'detector'), for the message.
        epoch: The 1-based epoch, for the message.
    """
    if policy == 'ignore':
        return
    values = torch.stack([v.detach().float().sum() for v in losses.values()])
    if bool(torch.isfinite(values).all()):
        return
    bad = [k for k, v in zip(losses, values.tolist()) if not math.isfinite(v)]
    windows = [f"{s.metainfo.get('video_name', '?')}@{s.metainfo.get('offset', '?')}"
               for s in data_samples or []]
    message = (f'Non-finite loss {bad} in the {phase} pass of epoch {epoch}; batch windows '
               f'(video@offset): {windows}')
    if policy == 'stop':
        raise FloatingPointError(
            f"{message}. Set model.non_finite_loss='skip' to drop such steps instead.")
    # Whether the step is dropped is decided after the gradients are (under DDP, all-reduced
    # and) checked by the optimizer wrapper, which logs each step it drops.
    print_log(f"{message}. non_finite_loss='skip': the optimizer wrapper drops the step if its "
              'gradients are non-finite', logger='current', level=logging.WARNING)
