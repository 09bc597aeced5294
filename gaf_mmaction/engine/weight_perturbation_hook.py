"""A tiny seeded change of the initial weights: another CPU's rounding, on this one."""
import torch
from mmaction.registry import HOOKS
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper
from torch import nn


def perturb_parameters(model: nn.Module, scale: float, seed: int) -> int:
    """Add ``scale * rms(p) * N(0, 1)`` to every parameter ``p`` of ``model``, in place.

    The noise is relative to each tensor's root mean square (1 for an all-zero
    tensor, whose change is then absolute), because rounding differences are
    relative: float32 keeps 24 bits, so two CPUs that sum or fuse in another
    order differ by a few units of 2**-24 ~ 6e-8 of the values involved, and
    after a few steps by a multiple of that. ``scale=1e-6`` (~17 units in the
    last place) stands for such a difference without changing the initial
    distribution measurably. The noise comes from its own generator seeded by
    ``seed``, so the global random state (data order, dropout) is untouched.

    Args:
        model: Its parameters change in place (a wrapper is unwrapped).
        scale: Noise standard deviation relative to each tensor's RMS.
        seed: Seed of the noise; tensors are visited in ``parameters()`` order.

    Returns:
        The number of parameter tensors changed.
    """
    model = model.module if is_model_wrapper(model) else model
    generator = torch.Generator().manual_seed(seed)
    count = 0
    with torch.no_grad():
        for param in model.parameters():
            rms = param.detach().float().pow(2).mean().sqrt().item()
            reference = rms if rms > 0 else 1.0
            noise = torch.randn(param.shape, generator=generator, dtype=torch.float32)
            param.add_((noise * (scale * reference)).to(param.device, param.dtype))
            count += 1
    return count


@HOOKS.register_module()
class WeightPerturbationHook(Hook):
    """Perturb the freshly initialised weights once, before the first training step.

    Runs in ``before_train``, after MMEngine's weight initialisation and any
    ``load_from`` (and before an averaging hook copies the weights); a
    resumed run (``runner.iter > 0``) is left as its checkpoint has it. Used
    to measure how much a training recipe depends on rounding
    (:mod:`gaf_mmaction.tooling.demo_study`).

    Args:
        seed: Seed of the noise; each seed emulates another machine.
        scale: Noise standard deviation relative to each parameter tensor's
            RMS. Defaults to 1e-6.
    """

    priority = 'VERY_HIGH'

    def __init__(self, seed: int, scale: float = 1e-6) -> None:
        self.seed = seed
        self.scale = scale

    def before_train(self, runner) -> None:
        if runner.iter > 0:
            return
        count = perturb_parameters(runner.model, self.scale, self.seed)
        runner.logger.info(f'WeightPerturbationHook: {count} parameter tensors changed by '
                           f'{self.scale:g} x their RMS x N(0, 1), seed {self.seed}')
