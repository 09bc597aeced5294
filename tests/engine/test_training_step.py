"""One optimisation step of each pass changes exactly the parameters it should."""
import copy
from types import SimpleNamespace

import pytest
import torch
from mmaction.registry import DATASETS, MODELS
from mmengine.config import Config
from mmengine.dataset import pseudo_collate
from mmengine.optim import build_optim_wrapper
from mmengine.registry import init_default_scope

from gaf_mmaction.engine import NonFiniteLossHook
from gaf_mmaction.models.losses.triplet_loss import BoundaryTripletLoss
from gaf_mmaction.testing import TINY_VIDEOS, write_thumos_like
from tests.helpers import TEST_DATA


@pytest.fixture(scope='module')
def setup(module_tmp):
    init_default_scope('mmaction')
    files = write_thumos_like(module_tmp('thumos'), TINY_VIDEOS)
    cfg = Config.fromfile(TEST_DATA / 'configs' / 'gaf_tiny.py')
    cfg.train_dataloader.dataset.update(
        data_prefix=dict(video=files['video_dir']), video_info_file=files['video_info_file'],
        ann_file=files['ann_file'], class_index_file=files['class_index_file'])
    torch.manual_seed(0)
    dataset = DATASETS.build(cfg.train_dataloader.dataset)
    batch = pseudo_collate([dataset[0], dataset[4]])
    model = MODELS.build(cfg.model)
    return cfg, model, batch


def snapshot(model):
    return {k: v.detach().clone() for k, v in model.state_dict().items()}


def changed(before, after):
    return {k for k in before if not torch.equal(before[k], after[k])}


def test_each_pass_updates_its_own_parameters(setup):
    cfg, model, batch = setup
    model = copy.deepcopy(model).train()
    wrappers = build_optim_wrapper(model, cfg.optim_wrapper)
    cvae_keys = {k for k, _ in model.named_parameters() if k.startswith('attention.cvae.')}
    assert {id(p) for g in wrappers['cvae'].param_groups for p in g['params']} == {
        id(p) for k, p in model.named_parameters() if k in cvae_keys}

    before = snapshot(model)
    model.set_train_state('cvae', 1)
    log_vars = model.train_step(batch, optim_wrapper=wrappers['cvae'])
    assert set(log_vars) == {'cvae/loss', 'cvae/loss_cvae_0', 'cvae/loss_cvae_1'}
    assert changed(before, snapshot(model)) == cvae_keys

    before = snapshot(model)
    model.set_train_state('detector', 1)
    log_vars = model.train_step(batch, optim_wrapper=wrappers['detector'])
    assert {'det/loss_loc', 'det/loss_conf', 'det/loss_prop_loc', 'det/loss_prop_conf',
            'det/loss_center', 'det/loss_start', 'det/loss_end', 'det/loss_bg',
            'det/loss_recon'} <= set(log_vars)
    moved = changed(before, snapshot(model))
    assert not moved & cvae_keys
    trainable = {k for k, p in model.named_parameters() if not k.startswith('attention.cvae.')}
    # Every detector parameter moves (BN statistics stay frozen).
    assert moved == trainable
    assert all(p.requires_grad for p in model.attention.cvae.parameters())


def captured_triplet_rows(model, batch, monkeypatch):
    rows = []
    # The triplet loss of the rows that count (SpliceTripletLoss picks them).
    monkeypatch.setattr(BoundaryTripletLoss, 'forward',
                        lambda self, a, p, n: rows.append(a[0].shape[0]) or a[0].sum() * 0)
    with torch.no_grad():
        data = model.data_preprocessor(batch, training=True)
        model.set_train_state('detector', 1)
        losses = model(**data, mode='loss')
    return rows, losses


@pytest.mark.parametrize('mode,valid,rows', [
    ('first', [True, True], [1]), ('first', [False, True], []),
    ('all', [False, True], [1]), ('all', [True, True], [2])])
def test_splice_modes(setup, monkeypatch, mode, valid, rows):
    _, model, batch = setup
    model = copy.deepcopy(model)
    model.splice.mode = mode
    batch = copy.deepcopy(batch)
    for sample, ok in zip(batch['data_samples'], valid):
        sample.set_metainfo(dict(splice_valid=ok))
    seen, losses = captured_triplet_rows(model, batch, monkeypatch)
    assert seen == rows
    assert ('loss_triplet' in losses) is bool(rows)


@pytest.mark.parametrize('target', ['aliased', 'raw'])
def test_reconstruction_target(setup, monkeypatch, target):
    _, model, batch = setup
    model = copy.deepcopy(model)
    model.attention.recon_target = target
    model.splice = None
    seen = []
    monkeypatch.setattr(model.attention.loss_recon, 'forward',
                        lambda gen, tgt, epoch: seen.append(tgt) or gen[0].sum() * 0)
    with torch.no_grad():
        data = model.data_preprocessor(batch, training=True)
        feats = model.backbone(data['inputs'])
        _, bg = model.attention.split(feats, model.attention(feats))
        model(**data, mode='loss')
    expected = bg if target == 'aliased' else feats
    # The same modules on the same batch: the same arithmetic, the same bits.
    assert all(torch.equal(a, b) for a, b in zip(seen[0], expected))


def step(model, batch, wrapper, hook, epoch=3):
    """One detector step as the runner makes it: train_step, then the hook after it."""
    runner = SimpleNamespace(train_loop=SimpleNamespace(current_pass='detector'), epoch=epoch - 1,
                             optim_wrapper=dict(detector=wrapper))
    log_vars = model.train_step(batch, optim_wrapper=wrapper)
    hook.after_train_iter(runner, 0, batch, log_vars)
    return log_vars


def test_non_finite_loss_stops_or_skips_the_step(setup, monkeypatch):
    cfg, model, batch = setup
    model = copy.deepcopy(model).train()
    real = model.head.loss_det.forward

    def broken(*args, **kwargs):
        losses = real(*args, **kwargs)
        losses['loss_loc'] = losses['loss_loc'] * float('nan')
        return losses
    monkeypatch.setattr(model.head.loss_det, 'forward', broken)
    wrapper = build_optim_wrapper(model, cfg.optim_wrapper)['detector']
    model.set_train_state('detector', 3)
    before = snapshot(model)
    with pytest.raises(FloatingPointError, match=r"Non-finite loss \['loss_loc'\] in the "
                                                 r"detector pass of epoch 3; .*video_a@0"):
        step(model, batch, wrapper, NonFiniteLossHook('stop'))
    # The check runs after the step's update is queued (no wait between forward and backward);
    # the NaN gradients made the wrapper drop that update (on the device: fused Adam's
    # found_inf), so the stopped model is intact.
    params = {k for k, _ in model.named_parameters()}
    assert not changed(before, snapshot(model)) & params and wrapper.skipped_steps == 1

    messages = []
    for module in ('non_finite_loss_hook', 'optim_wrapper'):
        monkeypatch.setattr(f'gaf_mmaction.engine.{module}.print_log',
                            lambda msg, **kwargs: messages.append(msg))
    log_vars = step(model, batch, wrapper, NonFiniteLossHook('skip'))
    # The hook handed the logger numbers (read in one go), the NaN among them.
    assert all(isinstance(v, float) for v in log_vars.values())
    assert log_vars['det/loss_loc'] != log_vars['det/loss_loc']
    assert "['loss_loc']" in messages[0] and 'video_a@0' in messages[0]
    # The hook reports what the wrapper does: it drops the step (its gradients are NaN), and
    # the wrapper's own line follows in the same step.
    assert 'the optimizer wrapper drops the step if its gradients are non-finite' in messages[0]
    assert messages[1] == 'Skipped an optimizer step with non-finite gradients (2 so far)'
    assert wrapper.skipped_steps == 2
    # Only BN statistics (updated in the forward pass) may differ; no parameter moved.
    assert not changed(before, snapshot(model)) & params

    # A NaN term that does not depend on the weights leaves the gradients finite: the step is
    # applied, and nothing claims otherwise.
    def detached_nan(*args, **kwargs):
        losses = real(*args, **kwargs)
        losses['loss_loc'] = torch.tensor(float('nan'))
        return losses
    monkeypatch.setattr(model.head.loss_det, 'forward', detached_nan)
    messages.clear()
    before = snapshot(model)
    step(model, batch, wrapper, NonFiniteLossHook('skip'))
    assert wrapper.skipped_steps == 2 and changed(before, snapshot(model)) & params
    assert len(messages) == 1 and 'Skipped' not in messages[0]

    # 'ignore' turns the check off; the wrapper still drops NaN gradients, and logs it.
    monkeypatch.setattr(model.head.loss_det, 'forward', broken)
    messages.clear()
    step(model, batch, wrapper, NonFiniteLossHook('ignore'))
    assert messages == ['Skipped an optimizer step with non-finite gradients (3 so far)']
    assert wrapper.skipped_steps == 3
    with pytest.raises(ValueError, match='policy must be one of'):
        NonFiniteLossHook('warn')


def test_the_skip_is_decided_on_the_host_for_other_optimizers(setup):
    # A per-tensor Adam takes no found_inf flag: the wrapper reads the norm and drops the step.
    cfg, model, _ = setup
    model = copy.deepcopy(model).train()
    options = copy.deepcopy(cfg.optim_wrapper)
    options.detector.optimizer.fused = False
    wrapper = build_optim_wrapper(model, options)['detector']
    model.set_train_state('detector', 1)
    for p in model.parameters():
        p.grad = torch.full_like(p, float('nan'))
    before = snapshot(model)
    wrapper.step()
    assert wrapper.skipped_steps == 1 and not changed(before, snapshot(model))
