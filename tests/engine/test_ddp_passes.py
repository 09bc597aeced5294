"""The per-pass DDP wrapper trains exactly as one DDP wrapper over the whole model does."""
import sys

import pytest
import torch

from tests.helpers import run_tool

pytestmark = pytest.mark.distributed


def test_per_pass_wrappers_equal_one_wrapper(tmp_path):
    run_tool([sys.executable, '-m', 'torch.distributed.run', '--nproc_per_node', '2',
              '--master_port', '29531', 'tests/engine/ddp_passes_worker.py', tmp_path])
    states = {(name, rank): torch.load(tmp_path / f'{name}_rank{rank}.pth', weights_only=True)
              for name in ('single', 'per_pass') for rank in (0, 1)}
    reference = states['single', 0]
    torch.manual_seed(0)
    for key, state in states.items():
        assert state.keys() == reference.keys()
        unequal = [k for k in reference if not torch.equal(state[k], reference[k])]
        assert not unequal, f'{key}: {unequal[:5]}'
