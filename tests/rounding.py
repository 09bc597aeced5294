"""Float32 rounding bounds for tests that compare two evaluations of the same network.

A convolution (or linear layer) output is a dot product of K = C_in / groups x prod(kernel)
products (K = in_features) plus a bias.
Computed in float32 in any order (recursive, blocked, pairwise, with or without FMA), it lies
within gamma(K + 1) * sum(|w| |x|) (+ |b|) of the exact value (Higham, Accuracy and Stability
of Numerical Algorithms, 2nd ed., §3.1, eq. 3.5), gamma(n) = n u / (1 - n u), u = 2^-24. Two
evaluations in different orders therefore differ by at most twice that: the bound of
:func:`conv_reorder_bound`.

How such differences grow through the rest of a network (normalisations, the attention's
division by its sum, boundary pooling) has no useful closed form, so :func:`rounding_envelope`
measures it: the network is run once with every convolution's output moved by its full
reordering bound (signs drawn at random, seeded); the distance of those outputs from the
unperturbed ones is the envelope a reordering of the convolutions' sums stays within.
"""
import math
from collections.abc import Callable, Iterable

import torch
import torch.nn.functional as F
from torch import Tensor, nn

UNIT_ROUNDOFF = 2.0 ** -24  # float32
REDUCING = (nn.Conv1d, nn.Conv3d, nn.Linear)


def gamma(n: int) -> float:
    """Higham's gamma_n = n u / (1 - n u) for float32."""
    return n * UNIT_ROUNDOFF / (1 - n * UNIT_ROUNDOFF)


def conv_reorder_bound(conv: nn.Module, x: Tensor) -> Tensor:
    """Elementwise bound on |a - b| for two float32 evaluations of ``conv(x)`` (a Conv1d,
    Conv3d or Linear) that sum the same products in different orders: 2 gamma(K + 1)
    (|W| * |x| + |b|), in float64."""
    weight = conv.weight.detach().double().abs()
    x = x.detach().double().abs()
    terms = math.prod(weight.shape[1:]) + 1
    if isinstance(conv, nn.Linear):
        magnitude = F.linear(x, weight)
        shape = (-1, )
    else:
        convolve = F.conv1d if isinstance(conv, nn.Conv1d) else F.conv3d
        magnitude = convolve(x, weight, None, conv.stride, conv.padding, conv.dilation,
                             conv.groups)
        shape = (1, -1) + (1, ) * (magnitude.dim() - 2)
    if conv.bias is not None:
        magnitude = magnitude + conv.bias.detach().double().abs().view(shape)
    return 2 * gamma(terms) * magnitude


def reducing_layers(model: nn.Module) -> list[nn.Module]:
    """The convolutions and linear layers of ``model``."""
    return [m for m in model.modules() if isinstance(m, REDUCING)]


def rounding_envelope(run: Callable[[], dict[str, Tensor]], convolutions: Iterable[nn.Module],
                      seed: int = 0) -> dict[str, Tensor]:
    """Per output of ``run()``, the largest change that moving each of ``convolutions``'
    outputs by its :func:`conv_reorder_bound` (random signs, ``seed``) makes (float64)."""
    reference = {k: v.double() for k, v in run().items()}
    generator = torch.Generator().manual_seed(seed)

    def perturb(conv: nn.Module, args: tuple, output: Tensor) -> Tensor:
        bound = conv_reorder_bound(conv, args[0])
        signs = torch.randint(0, 2, output.shape, generator=generator).to(bound) * 2 - 1
        return (output.double() + signs * bound).to(output.dtype)

    handles = [conv.register_forward_hook(perturb) for conv in convolutions]
    try:
        perturbed = run()
    finally:
        for handle in handles:
            handle.remove()
    return {k: (perturbed[k].double() - reference[k]).abs().max() for k in reference}


def decoded_tolerances(envelope: dict[str, Tensor], outputs: dict[str, Tensor],
                       clip_length: int) -> tuple[float, float]:
    """Tolerances of decoded scores and segments (frames) that follow from an ``envelope`` of
    the raw ``outputs`` (``task_modules.decode_outputs``): softmax and sigmoid move by at most
    the largest change of their logits, a product of two probabilities by at most the sum of
    their changes; a segment end is centre -/+ loc (1 + prop_loc sum / 2), clamped to the clip."""
    score = float(envelope['conf'] + envelope['prop_conf'] + envelope['center'])
    loc = float(outputs['loc'].abs().max())
    prop = float(outputs['prop_loc'].abs().max())
    e_loc, e_prop = float(envelope['loc']), float(envelope['prop_loc'])
    # An end moves by |d(loc_k + (loc_s + loc_e) prop_k / 2)| <= e_loc (1 + prop + e_prop)
    # + loc e_prop; clamping to the clip only brings ends closer.
    segment = e_loc * (1 + prop + e_prop) + loc * e_prop
    return score, min(segment, clip_length)
