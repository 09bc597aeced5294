"""tools/analysis/get_flops.py: per-part FLOPs (2 per multiply-add) and parameters."""
import json

import torch
from mmaction.registry import MODELS
from mmengine.config import Config
from mmengine.registry import init_default_scope
from torch.utils.flop_counter import FlopCounterMode

from gaf_mmaction.tooling.complexity import (
    checkpoint_bytes,
    part_complexity,
    retained_checkpoints,
)
from tests.helpers import CONFIGS, run_tool


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
    # A FLOP count is an integer: the published 163 G to the digits it is given in.
    assert round(rows['backbone']['flops'] / 1e9) == 163
    # The test path's parts add up to the whole forward pass; the parameters to the model's.
    assert sum(r['flops'] for p, r in rows.items() if p != 'cvae') == whole.get_total_flops()
    assert sum(r['params'] for r in rows.values()) == sum(p.numel() for p in model.parameters())


def test_the_tool_prints_the_table():
    out = run_tool('tools/analysis/get_flops.py', CONFIGS / 'gaf_thumos14_rgb.py', '--json').output
    report = json.loads(next(line for line in out.splitlines() if line.startswith('{"')))
    assert report['clip'] == [3, 256, 96, 96] and report['flops_per_multiply_add'] == 2
    assert [p['part'] for p in report['parts']] == ['backbone', 'attention', 'neck', 'head',
                                                     'cvae']
    disk = report['disk']
    assert disk['checkpoint'] == disk['weights'] + disk['optimizer']
    assert (disk['epochs'], disk['kept_files'], disk['peak_files']) == (300, 2, 3)
    assert disk['kept'] == 2 * disk['checkpoint'] and disk['every_epoch'] == 300 * disk[
        'checkpoint']
    table = run_tool('tools/analysis/get_flops.py', CONFIGS / 'gaf_thumos14_rgb.py').output
    assert 'backbone         12.29    163.32' in table


class TwoPasses(torch.nn.Module):
    """A detector part and a CVAE part, each trained by its pass, and a buffer."""

    def __init__(self) -> None:
        super().__init__()
        self.head = torch.nn.Sequential(torch.nn.Linear(4, 3), torch.nn.BatchNorm1d(3))
        self.attention = torch.nn.Module()
        self.attention.cvae = torch.nn.Linear(3, 2)

    def pass_parameters(self, name):
        part = self.attention.cvae if name == 'cvae' else self.head
        return list(part.named_parameters())


def test_checkpoint_bytes_are_the_state_dict_and_what_the_optimizers_keep():
    model = TwoPasses()
    optim_wrapper = dict(constructor='GAFOptimWrapperConstructor',
                         detector=dict(optimizer=dict(type='Adam', lr=0.1)),
                         cvae=dict(optimizer=dict(type='SGD', lr=0.1, momentum=0.9)))
    # The truth: each optimizer's state after a step (0-d step counters aside), and the
    # state dict's tensors (BN statistics included).
    kept = 0
    for name, optimizer in (('detector', torch.optim.Adam), ('cvae', torch.optim.SGD)):
        params = [p for _, p in model.pass_parameters(name)]
        kwargs = dict(momentum=0.9) if optimizer is torch.optim.SGD else {}
        step = optimizer(params, lr=0.1, **kwargs)
        for p in params:
            p.grad = torch.ones_like(p)
        step.step()
        kept += sum(t.numel() * t.element_size() for state in step.state.values()
                    for name, t in state.items() if name != 'step')
    weights = sum(t.numel() * t.element_size() for t in model.state_dict().values())
    assert checkpoint_bytes(model, optim_wrapper) == dict(weights=weights, optimizer=kept)
    assert kept == 4 * (2 * (15 + 6) + 8)  # Adam: two tensors per parameter; SGD: one


def test_checkpoints_kept_by_the_hook():
    # (files kept at the end, at most while one is written): MMEngine's CheckpointHook saves
    # every interval epochs, removes the oldest beyond max_keep_ckpts, keeps one best.
    hook = dict(interval=1, max_keep_ckpts=1, save_best='detection/mAP_avg')
    assert retained_checkpoints(hook, 300) == (2, 3)
    assert retained_checkpoints(dict(interval=2), 10) == (5, 5)  # max_keep_ckpts -1: all
    assert retained_checkpoints(dict(max_keep_ckpts=3, save_best='auto'), 2) == (3, 3)
