"""The two-pass loop's converted schedules, the two-pass log processor's ETA, the optimizer
constructor's shared settings, the tools' flags."""
from types import SimpleNamespace

import pytest
import torch
from mmengine.config import Config
from mmengine.hooks import Hook
from mmengine.model import BaseModel
from mmengine.optim import OptimWrapper, OptimWrapperDict
from mmengine.runner import Runner
from torch import nn
from torch.utils.data import DataLoader

from gaf_mmaction.engine import GAFOptimWrapperConstructor, TwoPassLogProcessor
from gaf_mmaction.tooling.run_options import apply_test_options, apply_train_options
from tests.helpers import TINY_CONFIG


def loop_at(epoch: int, pass_name: str, pass_iter: int, interleave: bool = False):
    """Where a TwoPassTrainLoop is, without a runner: 10 batches, 3 epochs."""
    return SimpleNamespace(dataloader=range(10), _max_epochs=3, _epoch=epoch,
                           interleave=interleave, current_pass=pass_name, pass_iter=pass_iter)


def books(step_seconds: dict, step_counts: dict) -> TwoPassLogProcessor:
    """A log processor that has timed these steps."""
    processor = TwoPassLogProcessor()
    processor.step_seconds, processor.step_counts = step_seconds, step_counts
    return processor


@pytest.mark.parametrize('epoch,pass_name,idx,interleave,cvae_left,det_left', [
    (0, 'cvae', 4, False, 5 + 20, 10 + 20),     # mid first CVAE pass
    (0, 'detector', 0, False, 20, 9 + 20),      # first detector step of epoch 1
    (2, 'detector', 9, False, 0, 0),            # the very last step
    (1, 'cvae', 3, True, 6 + 10, 7 + 10),       # interleaved: this batch's detector step left
    (1, 'detector', 3, True, 6 + 10, 6 + 10),
])
def test_eta_counts_both_passes_at_their_own_speed(epoch, pass_name, idx, interleave,
                                                   cvae_left, det_left):
    loop = loop_at(epoch, pass_name, idx, interleave)
    processor = books({'cvae': 10.0, 'detector': 30.0}, {'cvae': 10, 'detector': 10})
    assert processor.remaining_steps(loop) == {'cvae': cvae_left, 'detector': det_left}
    # 1 s per CVAE step, 3 s per detector step.
    assert processor.eta_seconds(loop) == pytest.approx(cvae_left * 1.0 + det_left * 3.0)


def test_eta_before_any_detector_step_assumes_the_timed_speed():
    processor = books({'cvae': 2.0, 'detector': 0.0}, {'cvae': 1, 'detector': 0})
    assert processor.eta_seconds(loop_at(0, 'cvae', 0)) == pytest.approx(
        2.0 * (9 + 10 + 20 + 20))


def test_the_books_time_each_pass_and_copy_its_clipped_gradient_norm(monkeypatch):
    # The loop reports each step; the processor times it from the previous one (or from the
    # pass's start) and copies the shared grad_norm of a clipping wrapper to the pass's name.
    clock = iter([100.0, 103.0, 104.5, 110.0])
    monkeypatch.setattr('gaf_mmaction.engine.log_processor.time.perf_counter',
                        lambda: next(clock))
    processor = TwoPassLogProcessor()            # 100.0
    hub = SimpleNamespace(scalars={'train/grad_norm': 7.0}, updates={})
    hub.log_scalars = hub.scalars
    hub.get_scalar = lambda key: SimpleNamespace(current=lambda: hub.scalars[key])
    hub.update_scalar = hub.updates.__setitem__
    runner = SimpleNamespace(message_hub=hub)
    clipping = SimpleNamespace(clip_grad_kwargs=dict(max_norm=1.0), grad_name='grad_norm')
    processor.step_done(runner, 'cvae', SimpleNamespace(clip_grad_kwargs={}))   # 103.0
    processor.pass_started(runner)                                              # 104.5
    processor.step_done(runner, 'detector', clipping)                           # 110.0
    assert processor.step_seconds == {'cvae': 3.0, 'detector': 5.5}
    assert processor.step_counts == {'cvae': 1, 'detector': 1}
    assert hub.updates == {'train/det/grad_norm': 7.0}


class TwoParts(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.head = nn.Linear(2, 2)
        self.attention = nn.Module()
        self.attention.cvae = nn.Linear(2, 2)

    def pass_parameters(self, pass_name):
        part = self.attention.cvae if pass_name == 'cvae' else self.head
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
    # The split is the model's: one without pass_parameters is no two-pass model.
    with pytest.raises(TypeError, match='Linear has no pass_parameters'):
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


class ToyTwoPassModel(BaseModel):
    """The least a TwoPassTrainLoop trains: one linear layer, both passes stepping it."""

    def __init__(self) -> None:
        super().__init__()
        self.weight = nn.Parameter(torch.zeros(1))

    def set_train_state(self, pass_name: str, epoch: int) -> None:
        pass

    def forward(self, inputs, data_samples=None, mode: str = 'tensor'):
        return inputs

    def train_step(self, data, optim_wrapper) -> dict:
        loss = (self.weight - data).square().mean()
        optim_wrapper.update_params(loss)
        return dict(loss=loss)


class LRRecorder(Hook):
    """Appends each optimizer's learning rate before every step."""

    def __init__(self, lrs: list) -> None:
        self.lrs = lrs

    def before_train_iter(self, runner, batch_idx: int, data_batch=None) -> None:
        self.lrs.append({name: wrapper.optimizer.param_groups[0]['lr']
                         for name, wrapper in runner.optim_wrapper.items()})


@pytest.mark.parametrize('interleave', [False, True])
def test_a_converted_warm_up_lasts_its_epochs_of_both_passes(tmp_path, interleave):
    # LinearLR from 0.5x over 2 epochs, converted to iterations: N = 2 epochs x (3 batches x
    # 2 passes) = 12 steps, and MMEngine's LinearLR reaches the base rate at step N - 1:
    # lr_k = base * (0.5 + 0.5 * k / 11). Converted at the loader's length, it would at step 5.
    lrs = []
    base = dict(cvae=0.2, detector=0.1)
    model = ToyTwoPassModel()
    runner = Runner(
        model=model, work_dir=str(tmp_path), default_scope='mmaction',
        train_dataloader=DataLoader(torch.arange(3.0), batch_size=1),
        optim_wrapper=OptimWrapperDict(**{
            name: OptimWrapper(torch.optim.SGD(model.parameters(), lr=lr))
            for name, lr in base.items()}),
        param_scheduler=dict(type='LinearLR', start_factor=0.5, by_epoch=True, begin=0, end=2,
                             convert_to_iter_based=True),
        train_cfg=dict(type='TwoPassTrainLoop', max_epochs=3, interleave=interleave),
        default_hooks=dict(checkpoint=None, logger=None),
        custom_hooks=[LRRecorder(lrs)])
    runner.train()
    factors = [min(0.5 + 0.5 * k / 11, 1.0) for k in range(18)]
    for name, lr in base.items():
        assert [step[name] for step in lrs] == pytest.approx([lr * f for f in factors])
