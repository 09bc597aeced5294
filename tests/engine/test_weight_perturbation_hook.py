"""WeightPerturbationHook: each initial weight tensor moves by 1e-6 of its RMS, seeded, after
MMEngine's initialisation, and nothing else about the run changes."""
import math
from types import SimpleNamespace
from typing import ClassVar

import torch
from mmaction.registry import HOOKS, MODELS
from mmengine.config import Config
from mmengine.hooks import Hook
from mmengine.logging import MMLogger
from mmengine.registry import init_default_scope
from mmengine.runner import Runner
from torch import nn

from gaf_mmaction.engine import WeightPerturbationHook
from gaf_mmaction.engine.weight_perturbation_hook import perturb_parameters
from tests.helpers import TINY_CONFIG

SCALE = 1e-6


def relative_change(before: torch.Tensor, after: torch.Tensor) -> float:
    """RMS of the change over the RMS of the tensor before (its absolute RMS if all zero)."""
    rms = before.pow(2).mean().sqrt().item()
    return (after - before).pow(2).mean().sqrt().item() / (rms or 1.0)


def within_sampling_error(ratio: float, count: int) -> bool:
    """Whether ``ratio`` (the change's relative RMS over SCALE) is 1 within 6 standard errors:
    the RMS of n standard normal draws is 1 with standard error ~1/sqrt(2n). Float64
    weights make the rounding of ``w + change`` (~1e-16 of w, 1e-10 of the change) negligible."""
    return abs(ratio - 1) < 6 / math.sqrt(2 * count)


def model() -> nn.Module:
    torch.manual_seed(0)
    net = nn.Sequential(nn.Linear(200, 300), nn.BatchNorm1d(300), nn.Linear(300, 5))
    nn.init.zeros_(net[0].bias)
    return net.double()


def test_each_tensor_moves_by_the_stated_fraction_of_its_rms():
    net = model()
    before = {k: v.clone() for k, v in net.state_dict().items()}
    rng_state = torch.get_rng_state()
    assert perturb_parameters(net, SCALE, seed=3) == 6
    after = net.state_dict()
    for name, param in net.named_parameters():
        # Random (Linear weights), constant 1 (BN weight), all zero (bias: an absolute change).
        ratio = relative_change(before[name], after[name]) / SCALE
        assert within_sampling_error(ratio, param.numel()), (name, ratio)
        change = (after[name] - before[name]) / SCALE
        assert abs(change.mean().item()) < 6 / math.sqrt(param.numel())
    # Buffers (BN statistics) are not parameters and stay; the global random state too.
    for name in ('1.running_mean', '1.running_var'):
        assert torch.equal(after[name], before[name])
    assert torch.equal(torch.get_rng_state(), rng_state)


def test_a_seed_gives_one_perturbation():
    a, b, c = model(), model(), model()
    perturb_parameters(a, SCALE, seed=3)
    perturb_parameters(b, SCALE, seed=3)
    perturb_parameters(c, SCALE, seed=4)
    for (name, pa), pb, pc in zip(a.named_parameters(), b.parameters(), c.parameters()):
        assert torch.equal(pa, pb), name
        assert not torch.equal(pa, pc), name


def test_a_resumed_run_keeps_its_checkpoint_weights():
    net = model()
    before = [p.clone() for p in net.parameters()]
    runner = SimpleNamespace(model=net, iter=5, logger=MMLogger.get_current_instance())
    WeightPerturbationHook(seed=1).before_train(runner)
    assert all(torch.equal(p, q) for p, q in zip(net.parameters(), before))


@HOOKS.register_module()
class StartRecorder(Hook):
    """The weights and the random state as the first training step would find them."""

    priority = 'LOWEST'
    seen: ClassVar[list] = []

    def before_train(self, runner) -> None:
        StartRecorder.seen.append((
            {k: v.detach().clone() for k, v in runner.model.named_parameters()},
            torch.get_rng_state()))


def test_in_a_runner_it_perturbs_the_weights_training_starts_from(data_options, tmp_path):
    """After MMEngine's initialisation and ``load_from`` (which would erase a change made
    before them), before the first step; with it the random state is the unperturbed run's
    (the same data order and augmentation)."""
    StartRecorder.seen = []

    def train(name: str, perturbation: int | None, load_from: str | None = None) -> None:
        cfg = Config.fromfile(TINY_CONFIG)
        cfg.merge_from_dict(dict(option.split('=', 1) for option in data_options))
        cfg.merge_from_dict({'train_cfg.max_epochs': 0, 'load_from': load_from})
        cfg.custom_hooks = [dict(type='StartRecorder')] + (
            [] if perturbation is None else [dict(type='WeightPerturbationHook',
                                                  seed=perturbation)])
        cfg.work_dir = str(tmp_path / name)
        Runner.from_cfg(cfg).train()

    train('plain', None)
    plain, plain_rng = StartRecorder.seen[0]
    # A start of other weights than the initialisation's: the perturbation must apply to them.
    start = {name: 1.5 * weight for name, weight in plain.items()}
    # A whole checkpoint (buffers too): the start-checkpoint check refuses a partial one.
    init_default_scope('mmaction')
    whole = MODELS.build(Config.fromfile(TINY_CONFIG).model).state_dict()
    torch.save(dict(state_dict={**whole, **start}), tmp_path / 'start.pth')
    train('one', 1, str(tmp_path / 'start.pth'))
    train('two', 2, str(tmp_path / 'start.pth'))
    (_, _), (one, one_rng), (two, _) = StartRecorder.seen
    assert torch.equal(plain_rng, one_rng)
    for name, weight in start.items():
        ratio = relative_change(weight.double(), one[name].double()) / SCALE
        # Float32 weights: storing w + d rounds to within 2**-24 |w| of it, so the change's RMS
        # is off by at most 2**-24 of the weights' RMS, 2**-24 / 1e-6 = 6 % of the change.
        slack = 6 / math.sqrt(2 * weight.numel()) + 2**-24 / SCALE
        assert abs(ratio - 1) < slack, (name, ratio)
        assert not torch.equal(one[name], two[name])
