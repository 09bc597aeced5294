"""On CUDA: the batch reaches the GPU without waiting for it, and a training step waits once.

Skipped without CUDA; ``tools/gpu_check.sh`` runs them on a GPU machine.
"""
import copy

import pytest
import torch
from mmaction.registry import MODELS
from mmengine.config import Config
from mmengine.optim import build_optim_wrapper

from gaf_mmaction.tooling.benchmark import count_host_syncs, synthetic_train_batch
from tests.helpers import TEST_DATA

pytestmark = pytest.mark.skipif(not torch.cuda.is_available(), reason='needs CUDA')


@pytest.fixture(scope='module')
def tiny():
    cfg = Config.fromfile(TEST_DATA / 'configs' / 'gaf_tiny.py')
    torch.manual_seed(0)
    model = MODELS.build(cfg.model).cuda().train()
    return cfg, model, synthetic_train_batch(2, 3, 64, 32, 32)


def tensors(element) -> list[torch.Tensor]:
    found = []
    for value in element.values():
        found += tensors(value) if hasattr(value, 'values') else [value]
    return [t for t in found if isinstance(t, torch.Tensor)]


def test_pinned_batch_reaches_cuda_without_a_wait(tiny):
    _, model, batch = tiny
    # The loader's pinning thread pins each sample's tensors, nested ones too.
    assert all(clip.is_pinned() for clip in batch['inputs'])
    assert all(t.is_pinned() for s in batch['data_samples'] for t in tensors(s))
    torch.cuda.synchronize()
    torch.cuda.set_sync_debug_mode('error')
    try:
        data = model.data_preprocessor(batch, training=True)
    finally:
        torch.cuda.set_sync_debug_mode('default')
    assert data['inputs'].is_cuda and data['data_samples'][0].gt_boundaries.is_cuda
    # The splice clips stay pinned on the host until the splice pass moves them.
    assert not data['data_samples'][0].splice_inputs.is_cuda


@pytest.mark.parametrize('pass_name', ['cvae', 'detector'])
def test_a_training_step_waits_for_the_device_once(tiny, pass_name):
    # The one wait is NonFiniteLossHook's read of the logged values (not run here).
    cfg, model, batch = tiny
    model = copy.deepcopy(model)
    wrappers = build_optim_wrapper(model, cfg.optim_wrapper)
    model.set_train_state(pass_name, 1)

    def step():
        model.train_step(batch, optim_wrapper=wrappers[pass_name])
    step()
    step()
    syncs = count_host_syncs(step)
    print(f'{pass_name} pass: {syncs} host synchronisations per step')
    assert syncs == 0
