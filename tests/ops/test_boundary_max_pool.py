"""boundary_max_pool against a direct loop over the definition of docs/published_code.md §4."""
import math

import pytest
import torch

from gaf_mmaction.ops import boundary_max_pool


def loop_reference(x: torch.Tensor, segments: torch.Tensor) -> torch.Tensor:
    """Per (n, c, k): truncate bounds toward zero, clamp, max over [l, r]; r < l gives x[l]."""
    batch, channels, length = x.shape
    out = x.new_empty(batch, channels, segments.shape[1])
    for n in range(batch):
        for c in range(channels):
            half = 0 if c < channels // 2 else 1
            for k in range(segments.shape[1]):
                left = min(max(math.trunc(float(segments[n, k, 2 * half])), 0), length - 1)
                right = min(max(math.trunc(float(segments[n, k, 2 * half + 1])), 0), length - 1)
                if right < left:
                    out[n, c, k] = x[n, c, left]
                else:
                    out[n, c, k] = x[n, c, left:right + 1].max()
    return out


def random_segments(batch: int, num: int, length: int, generator: torch.Generator):
    """Bounds spanning negatives, fractions, values past the end and reversed pairs."""
    return torch.rand(batch, num, 4, generator=generator) * (length + 8) - 4


@pytest.mark.parametrize('length', [1, 2, 7, 16, 33])
def test_matches_loop_definition(length):
    gen = torch.Generator().manual_seed(length)
    x = torch.randn(3, 6, length, generator=gen)
    segments = random_segments(3, 9, length, gen)
    segments[0, 0] = torch.tensor([-0.7, 0.9, 2.5, 1.2])  # truncation to 0; r < l
    segments[1, 1] = torch.tensor([-1.5, -0.2, length + 3.0, length + 9.0])  # clamping
    assert torch.equal(boundary_max_pool(x, segments), loop_reference(x, segments))


def test_halves_pool_their_own_region():
    x = torch.arange(10.0).repeat(1, 4, 1)  # every channel is 0..9
    segments = torch.tensor([[[1.0, 3.0, 6.0, 8.0]]])
    out = boundary_max_pool(x, segments)
    assert out.flatten().tolist() == [3.0, 3.0, 8.0, 8.0]


def test_integer_segments_and_dtype_kept():
    x = torch.randn(2, 4, 12, dtype=torch.float64)
    segments = torch.tensor([[[0, 3, 5, 11]], [[2, 2, 11, 4]]])
    out = boundary_max_pool(x, segments)
    assert out.dtype == torch.float64
    assert torch.equal(out, loop_reference(x, segments))


def test_gradcheck_float64():
    gen = torch.Generator().manual_seed(0)
    x = torch.randn(2, 4, 13, dtype=torch.float64, generator=gen, requires_grad=True)
    segments = random_segments(2, 5, 13, gen).double()
    assert torch.autograd.gradcheck(lambda t: boundary_max_pool(t, segments), (x,))


def test_gradient_goes_to_each_region_argmax():
    gen = torch.Generator().manual_seed(3)
    x = torch.randn(2, 4, 20, generator=gen, requires_grad=True)
    segments = random_segments(2, 6, 20, gen)
    boundary_max_pool(x, segments).sum().backward()
    expected = torch.zeros_like(x)
    out = loop_reference(x.detach(), segments)
    for n, c, k in torch.cartesian_prod(torch.arange(2), torch.arange(4), torch.arange(6)):
        expected[n, c] += (x.detach()[n, c] == out[n, c, k]).float()
    assert torch.equal(x.grad, expected)


def test_bad_shapes_name_the_problem():
    with pytest.raises(ValueError, match='even channel count'):
        boundary_max_pool(torch.zeros(1, 3, 5), torch.zeros(1, 2, 4))
    with pytest.raises(ValueError, match=r'segments of shape \[B=2, S, 4\]'):
        boundary_max_pool(torch.zeros(2, 4, 5), torch.zeros(1, 2, 4))


@pytest.mark.skipif(not torch.cuda.is_available(), reason='needs CUDA')
def test_cuda_matches_cpu_forward_and_backward():
    gen = torch.Generator().manual_seed(1)
    x = torch.randn(4, 64, 256, generator=gen)
    segments = random_segments(4, 126, 256, gen)
    xc = x.cuda().requires_grad_()
    xs = x.clone().requires_grad_()
    out_cpu = boundary_max_pool(xs, segments)
    out_gpu = boundary_max_pool(xc, segments.cuda())
    assert torch.equal(out_gpu.cpu(), out_cpu)
    out_cpu.sum().backward()
    out_gpu.sum().backward()
    # Exact, though CUDA adds the routed gradients in another order: each output's gradient 1
    # is halved at ties of a maximum at most 9 times (8 merges of the 256-step table and the
    # final maximum), and an element collects at most the 126 outputs of its row, so every
    # partial sum is a multiple of 2^-9 below 126 (fewer than 2^24 such units): float32 holds
    # it exactly, in any order.
    assert torch.equal(xc.grad.cpu(), xs.grad)


def test_bad_input_message_shows_the_shape_and_nan_bounds_count_as_zero():
    with pytest.raises(ValueError, match=r'expects x of shape \[B, C, T\], got \(4, 5\)'):
        boundary_max_pool(torch.zeros(4, 5), torch.zeros(1, 2, 4))
    # A NaN bound (a broken prediction) reads position 0, never an arbitrary one: the start
    # region is [0, 0], the end region [0, 2].
    x = torch.tensor([[[5.0, 1.0, 2.0, 3.0], [6.0, 0.0, 7.0, 9.0]]])
    nan = float('nan')
    out = boundary_max_pool(x, torch.tensor([[[nan, nan, nan, 2.0]]]))
    assert out.flatten().tolist() == [5.0, 7.0]
