"""``torch.compile`` of the detector's forward gives the eager outputs (issue "Performance").

On the CPU the graph is captured and run through AOTAutograd without code generation
('aot_eager': Inductor's C++ build of the tiny model takes minutes there); on CUDA, Inductor
itself (tools/gpu_check.sh runs it).
"""
import pytest
import torch

from tests.helpers import build_from_config, network_atol
from tests.models.test_mixed_precision import TINY


def compare_compiled(device: str, backend: str, exact: bool) -> None:
    torch._dynamo.reset()
    model = build_from_config('gaf/gaf_i3d_1xb8-256x96x96-300e_thumos14-rgb.py', **TINY).to(
        device)
    clips = torch.rand(2, 3, 64, 32, 32, device=device) * 2 - 1
    compiled = torch.compile(model.forward_outputs, backend=backend)
    with torch.no_grad():
        eager = model.forward_outputs(clips)
        outputs = compiled(clips)
    assert sorted(outputs) == sorted(eager)
    for key, value in eager.items():
        if exact or not value.is_floating_point():
            assert torch.equal(outputs[key], value), key
        else:
            assert torch.allclose(outputs[key], value, rtol=0,
                                  atol=network_atol(model, value)), key


def test_compiled_forward_equals_eager_on_the_cpu():
    # aot_eager runs the captured graph's ATen operations one by one, as eager does: the same
    # arithmetic, the same bits.
    compare_compiled('cpu', 'aot_eager', exact=True)


@pytest.mark.skipif(not torch.cuda.is_available(), reason='needs CUDA')
def test_inductor_forward_equals_eager_on_cuda(monkeypatch):
    # TF32 off (PyTorch's default for convolutions is on): compare like with like. Inductor
    # fuses and reorders the arithmetic: within the rounding bound of the model's layers
    # (tests/helpers.py network_atol).
    monkeypatch.setattr(torch.backends.cudnn, 'allow_tf32', False)
    compare_compiled('cuda', 'inductor', exact=False)
