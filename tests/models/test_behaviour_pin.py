"""Behaviour pinned on fixed inputs, so that moving code around provably changes nothing.

Values stored in ``tests/data/behaviour_pin.json`` (written by running this file as a script,
``python -m tests.models.test_behaviour_pin``, at the commit whose behaviour is the reference,
before the architecture move of issue #15): the tiny detector's raw outputs, every loss
term of both training passes and the gradient each part of the model receives, the
distiller's terms, the fusion detector's outputs, the windows of a dataset, and the
detections and mAP of a test run. A change of any of them fails here.
"""
import json
import random
import tempfile
from pathlib import Path

import numpy as np
import pytest
import torch
from mmaction.registry import DATASETS, METRICS, MODELS
from mmengine.config import Config
from mmengine.dataset import pseudo_collate
from mmengine.registry import init_default_scope

from gaf_mmaction.structures.two_pass import PASSES
from gaf_mmaction.testing import TINY_VIDEOS, write_thumos_like
from tests.helpers import TEST_DATA, network_rtol

PIN = TEST_DATA / 'behaviour_pin.json'
TINY = TEST_DATA / 'configs' / 'gaf_tiny.py'
MODEL_PARTS = ('backbone.', 'attention.heads.', 'attention.cvae.', 'neck.', 'head.')


def seed(value: int) -> None:
    random.seed(value)
    np.random.seed(value)
    torch.manual_seed(value)


def summary(tensor: torch.Tensor) -> list[float]:
    """Abs-sum, sum of squares and the first element: a change anywhere moves one of them."""
    t = tensor.detach().double()
    return [t.abs().sum().item(), t.pow(2).sum().item(), t.flatten()[0].item()]


def dataset_cfg(cfg: Config, files: dict, split: str) -> dict:
    dataset = cfg[f'{split}_dataloader'].dataset
    dataset.update(data_prefix=dict(video=files['video_dir']),
                   video_info_file=files['video_info_file'],
                   class_index_file=files['class_index_file'])
    if split == 'train':
        dataset.update(ann_file=files['ann_file'])
    return dataset


def pass_losses(model, batch: dict, name: str) -> dict[str, list[float]]:
    """Each loss term of one pass and the gradient norm of each model part it reaches."""
    model.zero_grad()
    model.set_train_state(name, 1)
    seed(1)
    data = model.data_preprocessor(batch, training=True)
    losses = model(**data, mode='loss')
    total, _ = model.parse_losses(losses)
    total.backward()
    pinned = {k: [v.item()] for k, v in losses.items()}
    for part in MODEL_PARTS:
        grads = [p.grad.double().pow(2).sum() for k, p in model.named_parameters()
                 if k.startswith(part) and p.grad is not None]
        pinned[f'grad/{part}'] = [torch.stack(grads).sum().sqrt().item() if grads else 0.0]
    return pinned


def compute(tmp: Path) -> dict:
    init_default_scope('mmaction')
    files = write_thumos_like(tmp, TINY_VIDEOS)
    cfg = Config.fromfile(TINY)
    values: dict = {}

    train_set = DATASETS.build(dataset_cfg(cfg, files, 'train'))
    test_set = DATASETS.build(dataset_cfg(cfg, files, 'test'))
    values['train_windows'] = [
        [w['video_name'], w['offset'], np.asarray(w['gt_annotations']).round(4).tolist()]
        for w in map(train_set.get_data_info, range(len(train_set)))]
    values['test_windows'] = [[w['video_name'], w['offset']]
                              for w in map(test_set.get_data_info, range(len(test_set)))]
    seed(0)
    batch = pseudo_collate([train_set[0], train_set[4]])

    seed(0)
    model = MODELS.build(cfg.model).train()
    values['losses/cvae'] = pass_losses(model, batch, 'cvae')
    values['losses/detector'] = pass_losses(model, batch, 'detector')

    model.eval()
    seed(2)
    clips = torch.rand(2, 3, 64, 32, 32) * 2 - 1
    with torch.no_grad():
        values['outputs'] = {k: summary(v) for k, v in model(clips, mode='tensor').items()}

    samples = []
    with torch.no_grad():
        for start in range(0, len(test_set), 2):
            data = model.data_preprocessor(
                pseudo_collate([test_set[i] for i in range(start, min(start + 2, len(test_set)))]))
            samples += model(**data, mode='predict')
    detections = torch.cat([s.pred_instances.scores for s in samples])
    values['detections'] = {'count': [float(len(detections))],
                            'scores': summary(detections.sort(descending=True).values)}
    metric = METRICS.build(dict(type='TemporalDetectionMetric', gt_file=files['gt_file'],
                                subset='test', post_processor=dict(nms_sigma=0.5),
                                videos_without_gt=()))
    metric.dataset_meta = test_set.metainfo
    metric.process({}, [s.to_dict() for s in samples])
    values['map'] = {k: [v] for k, v in metric.compute_metrics(metric.results).items()
                     if k.startswith('mAP')}

    fusion_stream = Config.fromfile(TINY).model
    seed(3)
    fusion = MODELS.build(dict(type='GAFFusionDetector', rgb=fusion_stream,
                               flow=fusion_stream)).eval()
    seed(4)
    with torch.no_grad():
        fused = fusion(torch.rand(2, 5, 64, 32, 32) * 2 - 1)
    values['fusion_outputs'] = {k: summary(v) for k, v in fused.items()}

    kd_cfg = Config.fromfile(TEST_DATA / 'configs' / 'gaf_tiny_kd.py')
    seed(5)
    distiller = MODELS.build(kd_cfg.model).train()
    for name in PASSES:
        distiller.set_train_state(name, 1)
        seed(1)
        data = distiller.data_preprocessor(batch, training=True)
        values[f'losses/distiller_{name}'] = {
            k: [v.item()] for k, v in distiller(**data, mode='loss').items()}
    return values


@pytest.fixture(scope='module')
def computed(module_tmp):
    return compute(module_tmp('pin'))


@pytest.fixture(scope='module')
def rounding():
    """Relative bound between two float32 computations of the tiny model's values."""
    init_default_scope('mmaction')
    return network_rtol(MODELS.build(Config.fromfile(TINY).model))


def tolerance(group: str, key: str, values: list[float], rtol: float) -> dict:
    """How far a pinned value may move on another CPU (pytest.approx's ``rel`` and ``abs``).

    The values were recorded on one machine; another rounds float32 differently (vector
    widths, FMA, how a kernel splits its sums), by at most the rounding bound of the model's
    arithmetic (tests/helpers.py network_rtol, 2.1e-3 of a value's scale here; a behaviour
    change moves them further). Gradients pass the layers a second time: twice that. A
    summary (abs-sum, sum of squares, first element) of a tensor: the sum of squares doubles
    relative errors, and the first element is bounded relative to the tensor's scale, of
    which the root of the pinned sum of squares is an upper bound (the detections' scores are
    sorted: their first is their scale). Windows, counts and zeros stay exact.
    """
    if key.startswith('grad/') or (group, key) == ('detections', 'scores'):
        return dict(rel=2 * rtol, abs=0.0)
    if group in ('outputs', 'fusion_outputs'):
        return dict(rel=2 * rtol, abs=rtol * values[1] ** 0.5)
    return dict(rel=rtol, abs=0.0)


@pytest.mark.parametrize('group', json.loads(PIN.read_text()) if PIN.exists() else [])
def test_behaviour_is_unchanged(computed, rounding, group):
    expected = json.loads(PIN.read_text())[group]
    got = computed[group]
    if isinstance(expected, list):
        assert got == expected
        return
    assert sorted(got) == sorted(expected)
    for key, values in expected.items():
        assert got[key] == pytest.approx(values, **tolerance(group, key, values, rounding)), (
            f'{group}: {key}')


if __name__ == '__main__':
    # Records the reference values: run at the commit whose behaviour the tests must keep.
    with tempfile.TemporaryDirectory() as tmp:
        PIN.write_text(json.dumps(compute(Path(tmp)), indent=1) + '\n')
    print(f'wrote {PIN}')
