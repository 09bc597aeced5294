"""tools/analysis/get_flops.py: per-part FLOPs (2 per multiply-add) and parameters."""
import json
import sys

import pytest
import torch
from mmaction.registry import MODELS
from mmengine.config import Config
from mmengine.registry import init_default_scope
from torch.utils.flop_counter import FlopCounterMode

from gaf_mmaction.tooling.complexity import part_complexity
from tests.engine.conftest import run_tool
from tests.helpers import CONFIGS


def test_parts_of_the_thumos14_rgb_model():
    init_default_scope('mmaction')
    cfg = Config.fromfile(CONFIGS / 'gaf_thumos14_rgb.py')
    with torch.device('meta'):
        model = MODELS.build(cfg.model).eval()
        clip = torch.zeros(1, 3, 256, 96, 96)
        rows = {r['part']: r for r in part_complexity(model, clip)}
        with FlopCounterMode(display=False) as whole:
            model.forward_outputs(clip)
        with FlopCounterMode(display=False) as first:
            model.backbone.Conv3d_1a_7x7(clip)
    assert list(rows) == ['backbone', 'attention', 'neck', 'head', 'cvae']
    # The first convolution by hand: 64 filters of 3x7x7x7 over a 128x48x48 output, 2 FLOPs
    # per multiply-add (the layer's BN and ReLU add their element-wise share).
    conv = 2 * 64 * 3 * 7 ** 3 * 128 * 48 * 48
    assert conv <= first.get_total_flops() < 1.01 * conv
    assert rows['backbone']['flops'] == pytest.approx(163e9, rel=0.05)
    # The test path's parts add up to the whole forward pass; the parameters to the model's.
    assert sum(r['flops'] for p, r in rows.items() if p != 'cvae') == whole.get_total_flops()
    assert sum(r['params'] for r in rows.values()) == sum(p.numel() for p in model.parameters())


def test_the_tool_prints_the_table():
    out = run_tool([sys.executable, 'tools/analysis/get_flops.py',
                    str(CONFIGS / 'gaf_thumos14_rgb.py'), '--json'])
    report = json.loads(next(line for line in out.splitlines() if line.startswith('{"')))
    assert report['clip'] == [3, 256, 96, 96] and report['flops_per_multiply_add'] == 2
    assert [p['part'] for p in report['parts']] == ['backbone', 'attention', 'neck', 'head',
                                                     'cvae']
    table = run_tool([sys.executable, 'tools/analysis/get_flops.py',
                      str(CONFIGS / 'gaf_thumos14_rgb.py')])
    assert 'backbone         12.29    163.32' in table
