"""Deterministic CUDA training of a model torch cannot run deterministically, refused before
the first step (instead of a RuntimeError deep in its first backward pass)."""
import torch
from mmaction.registry import HOOKS
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper
from torch import nn

from ..utils import ConfigMismatchError

# Modules whose backward on CUDA has no deterministic kernel: torch raises at the first
# backward pass under randomness.deterministic (torch.use_deterministic_algorithms).
NONDETERMINISTIC_ON_CUDA = (nn.AvgPool3d, nn.AdaptiveAvgPool2d, nn.AdaptiveAvgPool3d,
                            nn.AdaptiveMaxPool2d, nn.FractionalMaxPool2d, nn.FractionalMaxPool3d,
                            nn.ReflectionPad1d, nn.ReflectionPad2d, nn.ReflectionPad3d,
                            nn.CTCLoss)
INTERPOLATING = ('linear', 'bilinear', 'bicubic', 'trilinear')


def nondeterministic_modules(model: nn.Module) -> list[str]:
    """'name (Type)' of each module of ``model`` that deterministic CUDA training refuses."""
    model = model.module if is_model_wrapper(model) else model
    return [f'{name} ({type(module).__name__})' for name, module in model.named_modules()
            if isinstance(module, NONDETERMINISTIC_ON_CUDA)
            or (isinstance(module, nn.Upsample) and module.mode in INTERPOLATING)]


def check_deterministic(model: nn.Module, randomness: dict | None) -> None:
    """Refuse deterministic CUDA training (``randomness.deterministic``) of a model that
    torch cannot run deterministically. Nothing to check without CUDA.

    Raises:
        ConfigMismatchError: Naming each such module and the config key that holds it.
    """
    if not (randomness or {}).get('deterministic') or not torch.cuda.is_available():
        return
    found = nondeterministic_modules(model)
    if found:
        keys = sorted({f"model.{name.split('.')[0]}" for name in found})
        raise ConfigMismatchError(
            f'--deterministic (randomness.deterministic=True): on CUDA, torch has no '
            f'deterministic backward pass for {", ".join(found)}. Give {", ".join(keys)} a '
            'part without it (GAF\'s own modules average by SpatialMean), or train without '
            '--deterministic.')


@HOOKS.register_module()
class DeterministicCheckHook(Hook):
    """:func:`check_deterministic` of the runner's model and ``randomness`` config, before
    training (the failure it prevents comes at the first backward pass)."""

    def before_train(self, runner) -> None:
        check_deterministic(runner.model, runner.cfg.get('randomness'))
