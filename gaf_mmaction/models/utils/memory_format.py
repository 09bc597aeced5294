"""Channels-last-3d for a model's backbones at test time.

In the channels-last-3d layout a clip [B, C, T, H, W] is stored as N, T, H, W, C: the layout
oneDNN's CPU kernels and cuDNN's tensor-core kernels for 3-D convolutions want. A layout is
not a value: batch norm, ReLU, max pooling, padding and concatenation give the same values
bit for bit; a convolution sums the same products in another order (float32 rounding).

The region is the backbone: its 3-D convolution weights are laid out channels-last once (on
the first test-time call), its input with them, and its output maps go back to the default
layout, so that everything after the backbone (attention, neck, head) computes as it does
without it. Training computes in the default layout: a backbone that runs in training mode
puts its weights back first (after a validation, say); so does a test-time call with the
switch off (:func:`use_default_layout`).
"""
from collections.abc import Iterator

import torch
from torch import Tensor, nn

CHANNELS_LAST = torch.channels_last_3d
# Where a backbone keeps the handles of the hooks below (outside its state dict).
_HOOKS = '_channels_last_hooks'


def backbones(model: nn.Module) -> list[nn.Module]:
    """The modules named ``backbone`` in ``model`` (one, or one per stream of a fusion)."""
    return [module for name, module in model.named_modules()
            if name.rsplit('.', 1)[-1] == 'backbone']


def _volume_weights(module: nn.Module) -> Iterator[nn.Parameter]:
    """The 5-D parameters (3-D convolution weights) of ``module`` and its children."""
    return (param for param in module.parameters() if param.dim() == 5)


def lay_out_weights(module: nn.Module, memory_format: torch.memory_format) -> None:
    """Store every 5-D parameter of ``module`` in ``memory_format`` (those already in it stay:
    a copy is made only on a change)."""
    for param in _volume_weights(module):
        if not param.is_contiguous(memory_format=memory_format):
            param.data = param.data.contiguous(memory_format=memory_format)


def _default_layout_for_training(backbone: nn.Module, args: tuple) -> None:
    if backbone.training:
        lay_out_weights(backbone, torch.contiguous_format)


def _default_layout_outputs(backbone: nn.Module, args: tuple, maps: object) -> object:
    """The backbone's maps (a tensor, or a tuple or list of them) in the default layout."""
    if isinstance(maps, Tensor):
        return maps.contiguous()
    if isinstance(maps, tuple | list):
        return type(maps)(m.contiguous() if isinstance(m, Tensor) else m for m in maps)
    return maps


def use_channels_last(model: nn.Module) -> None:
    """Run the backbones of ``model`` channels-last from now on (see the module docstring).

    Converts the backbones' 3-D convolution weights where they are not channels-last yet
    (the first call, or the first after training) and, once per backbone, hooks it: its
    output maps go back to the default layout; in training mode its weights do.
    """
    for backbone in backbones(model):
        lay_out_weights(backbone, CHANNELS_LAST)
        if _HOOKS not in backbone.__dict__:
            backbone.__dict__[_HOOKS] = (
                backbone.register_forward_pre_hook(_default_layout_for_training),
                backbone.register_forward_hook(_default_layout_outputs))


def use_default_layout(model: nn.Module) -> None:
    """Put the weights of the backbones that :func:`use_channels_last` laid out back in the
    default layout (nothing to do for the others)."""
    for backbone in backbones(model):
        if _HOOKS in backbone.__dict__:
            lay_out_weights(backbone, torch.contiguous_format)
