"""An optimizer wrapper that leaves out steps with non-finite gradients."""
import logging

import torch
from mmaction.registry import OPTIM_WRAPPERS
from mmengine.logging import print_log
from mmengine.optim import OptimWrapper


@OPTIM_WRAPPERS.register_module()
class SkipNonFiniteOptimWrapper(OptimWrapper):
    """``OptimWrapper`` whose ``step`` does nothing when a gradient holds NaN or inf.

    A NaN or infinite loss gives such gradients, so with the detector's
    ``non_finite_loss='skip'`` (which names the loss terms and windows) the
    step is dropped and training goes on. Under DDP the gradients are
    already averaged over the ranks when they are checked, so every rank
    drops the same steps without further communication. ``AmpOptimWrapper``
    (``--amp``) drops such steps by itself, through its gradient scaler.

    Attributes:
        skipped_steps: Steps dropped so far.
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.skipped_steps = 0

    def step(self, **kwargs) -> None:
        """``optimizer.step`` unless a gradient is non-finite."""
        grads = [p.grad for group in self.optimizer.param_groups for p in group['params']
                 if p.grad is not None]
        if grads and not bool(torch.isfinite(torch.nn.utils.get_total_norm(grads))):
            self.skipped_steps += 1
            print_log(f'Skipped an optimizer step with non-finite gradients '
                      f'({self.skipped_steps} so far)', logger='current', level=logging.WARNING)
            return
        super().step(**kwargs)
