"""The two-pass loop's ETA, the optimizer constructor's shared settings, the tools' flags."""
import pytest
import torch
from mmengine.config import Config
from mmengine.optim import OptimWrapper
from torch import nn

from gaf_mmaction.engine import GAFOptimWrapperConstructor, TwoPassTrainLoop
from gaf_mmaction.tooling.launch import apply_test_options, apply_train_options
from tests.engine.conftest import TINY_CONFIG


def loop_at(epoch: int, phase: str, phase_iter: int, interleave: bool = False):
    """A TwoPassTrainLoop's bookkeeping without a runner: 10 batches, 3 epochs, timed steps."""
    loop = TwoPassTrainLoop.__new__(TwoPassTrainLoop)
    loop.dataloader, loop._max_epochs, loop._epoch = range(10), 3, epoch
    loop.interleave, loop.phase, loop.phase_iter = interleave, phase, phase_iter
    loop.step_seconds, loop.step_counts = {'cvae': 10.0, 'detector': 30.0}, {'cvae': 10,
                                                                             'detector': 10}
    return loop


@pytest.mark.parametrize('epoch,phase,idx,interleave,cvae_left,det_left', [
    (0, 'cvae', 4, False, 5 + 20, 10 + 20),     # mid first CVAE pass
    (0, 'detector', 0, False, 20, 9 + 20),      # first detector step of epoch 1
    (2, 'detector', 9, False, 0, 0),            # the very last step
    (1, 'cvae', 3, True, 6 + 10, 7 + 10),       # interleaved: this batch's detector step left
    (1, 'detector', 3, True, 6 + 10, 6 + 10),
])
def test_eta_counts_both_passes_at_their_own_speed(epoch, phase, idx, interleave, cvae_left,
                                                   det_left):
    loop = loop_at(epoch, phase, idx, interleave)
    assert loop.remaining_steps() == {'cvae': cvae_left, 'detector': det_left}
    # 1 s per CVAE step, 3 s per detector step (10 / 10 and 30 / 10: whole numbers, so the
    # float arithmetic is exact).
    assert loop.eta_seconds() == cvae_left * 1.0 + det_left * 3.0


def test_eta_before_any_detector_step_assumes_the_timed_speed():
    loop = loop_at(0, 'cvae', 0)
    loop.step_seconds, loop.step_counts = {'cvae': 2.0, 'detector': 0.0}, {'cvae': 1,
                                                                           'detector': 0}
    assert loop.eta_seconds() == 2.0 * (9 + 10 + 20 + 20)


class TwoParts(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.head = nn.Linear(2, 2)
        self.attention = nn.Module()
        self.attention.cvae = nn.Linear(2, 2)

    def phase_parameters(self, phase):
        part = self.attention.cvae if phase == 'cvae' else self.head
        return list(part.named_parameters())


def test_top_level_wrapper_settings_apply_to_both_passes():
    # MMAction2's --amp sets optim_wrapper.type and loss_scale at the top: both passes get them.
    constructor = GAFOptimWrapperConstructor(dict(
        type='OptimWrapper', clip_grad=dict(max_norm=1.0),
        detector=dict(type='SkipNonFiniteOptimWrapper', optimizer=dict(type='SGD', lr=0.1)),
        cvae=dict(type='SkipNonFiniteOptimWrapper', optimizer=dict(type='Adam', lr=0.01))))
    wrappers = constructor(TwoParts())
    for name in ('detector', 'cvae'):
        assert type(wrappers[name]) is OptimWrapper
        assert wrappers[name].clip_grad_kwargs == dict(max_norm=1.0)
    assert [p.shape for p in wrappers['cvae'].optimizer.param_groups[0]['params']] == [
        torch.Size([2, 2]), torch.Size([2])]
    with pytest.raises(ValueError, match=r"needs the keys \['cvae'\]"):
        GAFOptimWrapperConstructor(dict(detector=dict(optimizer=dict(type='SGD', lr=0.1))))
    # The split is the model's: one without phase_parameters is no two-pass model.
    with pytest.raises(TypeError, match='Linear has no phase_parameters'):
        constructor(nn.Linear(2, 2))


def test_train_flags_as_mmaction2_applies_them():
    cfg = Config.fromfile(TINY_CONFIG)
    assert cfg.val_cfg == dict(type='ValLoop') and cfg.auto_scale_lr.base_batch_size == 8
    apply_train_options(cfg, no_validate=True, auto_scale_lr=True, seed=7, diff_rank_seed=True,
                        deterministic=True)
    assert cfg.val_cfg is None and cfg.val_dataloader is None and cfg.val_evaluator is None
    assert cfg.auto_scale_lr.enable
    assert cfg.randomness == dict(seed=7, diff_rank_seed=True, deterministic=True)
    cfg = Config.fromfile(TINY_CONFIG)
    apply_train_options(cfg)
    assert cfg.randomness == dict(seed=0) and cfg.val_cfg is not None
    cfg.auto_scale_lr = dict(enable=False)
    with pytest.raises(KeyError, match='base_batch_size'):
        apply_train_options(cfg, auto_scale_lr=True)


def test_test_flags():
    cfg = Config.fromfile(TINY_CONFIG)
    apply_test_options(cfg, dump='windows.pkl', show_dir='pictures')
    assert [e['type'] for e in cfg.test_evaluator] == ['TemporalDetectionMetric', 'DumpResults']
    assert cfg.default_hooks.visualization == dict(type='TimelineVisualizationHook', enable=True,
                                                   out_dir='pictures')
    with pytest.raises(ValueError, match='.pkl'):
        apply_test_options(cfg, dump='windows.json')
