"""The feature-release configs build, match their release's channels and state their dataset's
evaluation protocol (docs/datasets.md)."""
import pytest
import torch
from mmaction.registry import DATASETS, MODELS
from mmengine.config import Config
from mmengine.registry import init_default_scope

from gaf_mmaction.datasets.feature_releases import FEATURE_RELEASES
from tests.helpers import CONFIGS

THUMOS = (0.3, 0.4, 0.5, 0.6, 0.7)
ANET = (0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95)
EGO = (0.1, 0.2, 0.3, 0.4, 0.5)


@pytest.mark.parametrize('name,classes,tious', [
    ('gaf_features_1xb8-256-30e_thumos14-actionformer-i3d.py', 20, THUMOS),
    ('gaf_features_1xb8-256-30e_thumos14-opentad-i3d.py', 20, THUMOS),
    ('gaf_features_1xb8-192-30e_activitynet-actionformer-tsp.py', 1, ANET),
    ('gaf_features_1xb8-192-30e_activitynet-opentad-tsp.py', 1, ANET),
    ('gaf_features_1xb8-256-30e_epic-kitchens-verb-actionformer-slowfast.py', 97, EGO),
    ('gaf_features_1xb8-256-30e_epic-kitchens-noun-actionformer-slowfast.py', 300, EGO),
    ('gaf_features_1xb8-256-30e_ego4d-actionformer-slowfast.py', 110, EGO),
    ('gaf_features_1xb8-256-30e_hacs-opentad-slowfast.py', 200, ANET),
    ('gaf_features_1xb8-256-30e_fineaction-opentad-videomae-h.py', 106, ANET),
    ('gaf_features_1xb8-256-30e_multithumos-opentad-i3d.py', 65, tuple(i / 10 for i in range(1, 10))),
])
def test_release_config(name, classes, tious):
    init_default_scope('mmaction')
    cfg = Config.fromfile(CONFIGS / 'gaf' / name)
    with torch.device('meta'):
        model = MODELS.build(cfg.model)
    dataset = cfg.train_dataloader.dataset
    release = FEATURE_RELEASES[dataset.release]
    assert model.backbone.in_channels == release.channels
    assert model.head.num_classes == classes + 1
    assert model.head.clip_length == dataset.clip_length == cfg.test_dataloader.dataset.clip_length
    assert DATASETS.get(dataset.type) is not None
    evaluator = cfg.test_evaluator
    assert evaluator.gt_file is None and evaluator.duplicates == 'drop'
    assert tuple(evaluator.tious) == pytest.approx(tious) and evaluator.average_tious is None
    if release.geometry.resize_length is not None:
        assert dataset.geometry.resize_length == dataset.clip_length
