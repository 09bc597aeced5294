"""Configs load the plugin through custom_imports and build through the registry."""
import subprocess
import sys

import pytest
import torch
from mmaction.registry import MODELS
from mmengine.config import Config

from gaf_mmaction.engine.launch import check_deterministic, nondeterministic_modules
from tests.helpers import CONFIGS, REPO

RGB = 'gaf_i3d_1xb8-256x96x96-300e_thumos14-rgb.py'
ANET = 'gaf_i3d_1xb1-768x96x96-16e_activitynet-rgb.py'


@pytest.mark.parametrize('name,backbone,in_channels', [
    (RGB, 'InceptionI3D', 3),
    ('gaf_i3d_1xb1-256x96x96-16e_thumos14-flow.py', 'InceptionI3D', 2),
    ('gaf_top-heavy-i3d_1xb8-256x96x96-300e_thumos14-rgb.py', 'TopHeavyInceptionI3D', 3),
    (ANET, 'InceptionI3D', 3),
])
def test_config_builds(name, backbone, in_channels):
    cfg = Config.fromfile(CONFIGS / 'gaf' / name)
    assert cfg.custom_imports.imports == ['gaf_mmaction']
    with torch.device('meta'):
        model = MODELS.build(cfg.model)
    assert type(model.backbone).__name__ == backbone
    assert model.backbone.in_channels == in_channels
    assert cfg.train_cfg.type == 'TwoPassTrainLoop'
    if name == ANET:
        # Appendix A.4: the ActivityNet attention head maps 1024 -> 96 steps, 2 classes.
        assert model.attention.heads[0].attend[3].weight.shape == (96, 1024)
        assert model.head.clip_length == 768 and model.head.num_classes == 2
        assert cfg.train_dataloader.dataset.type == 'ActivityNetDetectionDataset'
    else:
        assert model.head.clip_length == 256 and model.head.num_classes == 21
        assert cfg.train_dataloader.dataset.type == 'Thumos14Dataset'


def test_custom_imports_register_everything():
    # A fresh interpreter: only the config's custom_imports may load the plugin.
    code = (
        'from mmengine.config import Config; from mmengine.registry import init_default_scope; '
        'import mmaction.models; from mmaction.registry import MODELS; '
        f'cfg = Config.fromfile({str(CONFIGS / "gaf" / RGB)!r}); '
        'init_default_scope("mmaction"); '
        'print(sorted(n for n in ["GAFDetector", "InceptionI3D", "TopHeavyInceptionI3D", '
        '"TemporalPyramidNeck", "AFSDHead", "GenerativeAttention", "TemporalAttentionHead", '
        '"FeatureCVAE", "CVAELoss"] if MODELS.get(n) is not None))')
    out = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True,
                         cwd=REPO / 'tools', check=True).stdout
    assert out.strip() == str(sorted(['GAFDetector', 'InceptionI3D', 'TopHeavyInceptionI3D',
                                      'TemporalPyramidNeck', 'AFSDHead', 'GenerativeAttention',
                                      'TemporalAttentionHead', 'FeatureCVAE', 'CVAELoss']))


def test_fusion_config_builds():
    cfg = Config.fromfile(CONFIGS / 'gaf' / 'gaf_i3d_256x96x96_thumos14-rgb-flow-fusion.py')
    with torch.device('meta'):
        model = MODELS.build(cfg.model)
    assert type(model).__name__ == 'GAFFusionDetector'
    assert model.rgb.backbone.in_channels == 3 and model.rgb.attention is not None
    assert model.flow.backbone.in_channels == 2 and model.flow.attention is None
    assert cfg.test_dataloader.dataset.data_prefix == dict(video='test_npy', flow='test_flow_npy')
    assert cfg.test_evaluator.nms_sigma == 0.01


@pytest.mark.parametrize('name,backbone', [
    ('gaf_r50-i3d_1xb8-256x96x96-300e_thumos14-rgb.py', 'ResNet3d'),
    ('gaf_i3d-features_1xb8-256-30e_thumos14.py', 'PrecomputedFeatures')])
def test_other_backbone_configs_build(name, backbone):
    cfg = Config.fromfile(CONFIGS / 'gaf' / name)
    with torch.device('meta'):
        model = MODELS.build(cfg.model)
    assert type(model.backbone).__name__ == backbone
    assert cfg.test_evaluator.type == 'TemporalDetectionMetric'


def test_deterministic_training_names_what_torch_cannot_run_deterministically(monkeypatch):
    # MMAction2's I3D head averages by AdaptiveAvgPool3d, whose CUDA backward has no
    # deterministic kernel; GAF's own modules average by SpatialMean, so every GAF config trains
    # with --deterministic, the ResNet-50 one (spatial averaging everywhere) included.
    def build(name):
        cfg = Config.fromfile(CONFIGS / 'gaf' / name)
        with torch.device('meta'):
            return cfg, MODELS.build(cfg.model)
    cfg, recognizer = build('i3d-r50_gaf-attention-neck_kinetics400-rgb.py')
    assert nondeterministic_modules(recognizer) == ['cls_head.avg_pool (AdaptiveAvgPool3d)']
    assert nondeterministic_modules(build('gaf_r50-i3d_1xb8-256x96x96-300e_thumos14-rgb.py')[1]) == []
    assert nondeterministic_modules(build(RGB)[1]) == []
    cfg.randomness = dict(seed=0, deterministic=True)
    monkeypatch.setattr(torch.cuda, 'is_available', lambda: True)
    with pytest.raises(ValueError, match=r'cls_head.avg_pool \(AdaptiveAvgPool3d\)\. Give '
                                         r'model.cls_head a part without it'):
        check_deterministic(recognizer, cfg)
    cfg.randomness.deterministic = False
    check_deterministic(recognizer, cfg)
