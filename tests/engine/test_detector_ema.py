"""DetectorEMAHook: the average of the detector steps' weights, by hand, across a resume, and
what a test after training uses."""
from typing import ClassVar

import torch
from mmaction.registry import HOOKS
from mmengine.config import Config
from mmengine.hooks import Hook
from mmengine.runner import Runner

from tests.helpers import TINY_CONFIG, U32

MOMENTUM = 0.25
DETECTOR_WEIGHT = 'head.conf_head.conv1d.weight'
CVAE_WEIGHT = 'attention.cvae.0.encoder.fc1.weight'


@HOOKS.register_module()
class WeightRecorder(Hook):
    """Copies, after every step, of a detector weight and a CVAE weight, and their averages."""

    priority = 'LOWEST'
    steps: ClassVar[list] = []
    tested: ClassVar[list] = []

    def after_train_iter(self, runner, batch_idx, data_batch=None, outputs=None) -> None:
        model, ema = runner.model, next(h for h in runner.hooks
                                        if type(h).__name__ == 'DetectorEMAHook').ema_model
        trained, averaged = dict(model.named_parameters()), dict(ema.module.named_parameters())
        WeightRecorder.steps.append(dict(
            pass_name=runner.train_loop.current_pass,
            weight=trained[DETECTOR_WEIGHT].detach().clone(),
            average=averaged[DETECTOR_WEIGHT].detach().clone(),
            cvae=trained[CVAE_WEIGHT].detach().clone(),
            cvae_average=averaged[CVAE_WEIGHT].detach().clone()))

    def before_test_epoch(self, runner) -> None:
        WeightRecorder.tested.append(
            dict(runner.model.named_parameters())[DETECTOR_WEIGHT].detach().clone())


def runner_of(data_options, work_dir, epochs: int, resume: bool = False) -> Runner:
    cfg = Config.fromfile(TINY_CONFIG)
    cfg.merge_from_dict(dict(option.split('=', 1) for option in data_options))
    cfg.merge_from_dict({'train_cfg.max_epochs': epochs, 'train_cfg.val_interval': 10})
    cfg.custom_hooks = [dict(type='DetectorEMAHook', momentum=MOMENTUM),
                        dict(type='WeightRecorder')]
    cfg.work_dir = str(work_dir)
    if resume:
        cfg.resume, cfg.load_from = True, str(work_dir / 'epoch_1.pth')
    return Runner.from_cfg(cfg)


def test_the_average_of_the_detector_steps_across_a_resume(data_options, tmp_path):
    WeightRecorder.steps, WeightRecorder.tested = [], []
    first = runner_of(data_options, tmp_path, epochs=1)
    first.train()
    first.test()
    first_run = len(WeightRecorder.steps)
    saved = torch.load(tmp_path / 'epoch_1.pth', weights_only=False)
    runner_of(data_options, tmp_path, epochs=2, resume=True).train()
    steps = WeightRecorder.steps
    detector = [s for s in steps if s['pass_name'] == 'detector']
    assert 0 < sum(s['pass_name'] == 'detector' for s in steps[:first_run]) < len(detector)
    # By hand: the first detector step copies, each later one moves a quarter of the way.
    # MMEngine computes a + m (w - a) (lerp), this (1 - m) a + m w: each step, each rounds at
    # most twice, by at most u of the largest weight M each time; the gap between the two is
    # scaled by 1 - m at every step, so it stays below 4 u M / m.
    largest = max(step['weight'].abs().max().item() for step in detector)
    average = None
    for step in detector:
        average = step['weight'] if average is None else (
            (1 - MOMENTUM) * average + MOMENTUM * step['weight'])
        assert torch.allclose(step['average'], average, rtol=0,
                              atol=4 * U32 * largest / MOMENTUM)
    assert not torch.allclose(average, detector[-1]['weight'])
    # The averaged model's CVAE is the trained one after every step.
    assert all(torch.equal(s['cvae'], s['cvae_average']) for s in steps)
    # The checkpoint holds the averaged weights (what testing uses) and the trained ones.
    last_of_first = [s for s in steps[:first_run] if s['pass_name'] == 'detector'][-1]
    assert torch.equal(saved['state_dict'][DETECTOR_WEIGHT], last_of_first['average'])
    assert torch.equal(saved['ema_state_dict'][f'module.{DETECTOR_WEIGHT}'],
                       last_of_first['weight'])
    # Testing on the runner that trained uses the average too, not the trained weights.
    assert len(WeightRecorder.tested) == 1
    assert torch.equal(WeightRecorder.tested[0], last_of_first['average'])
