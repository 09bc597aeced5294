"""Configs load the plugin through custom_imports, build through the registry, and state
each size once in at most three levels of inheritance."""
import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest
import torch
from mmaction.registry import MODELS
from mmengine.config import Config

from gaf_mmaction.engine.deterministic_check_hook import (
    check_deterministic,
    nondeterministic_modules,
)
from tests.helpers import CONFIGS, REPO, TEST_DATA

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
    assert cfg.test_evaluator.post_processor.nms_sigma == 0.01


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
    cfg, recognizer = build('i3d-r50_gaf-attention-neck_8xb8-32x2x1-100e_kinetics400-rgb.py')
    assert nondeterministic_modules(recognizer) == ['cls_head.avg_pool (AdaptiveAvgPool3d)']
    assert nondeterministic_modules(build('gaf_r50-i3d_1xb8-256x96x96-300e_thumos14-rgb.py')[1]) == []
    assert nondeterministic_modules(build(RGB)[1]) == []
    cfg.randomness = dict(seed=0, deterministic=True)
    monkeypatch.setattr(torch.cuda, 'is_available', lambda: True)
    with pytest.raises(ValueError, match=r'cls_head.avg_pool \(AdaptiveAvgPool3d\)\. Give '
                                         r'model.cls_head a part without it'):
        check_deterministic(recognizer, cfg.randomness)
    cfg.randomness.deterministic = False
    check_deterministic(recognizer, cfg.randomness)


def base_files(path: Path) -> list[Path]:
    """The files ``path``'s ``_base_`` names (none when it has none)."""
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.Assign) and any(getattr(t, 'id', None) == '_base_'
                                                for t in node.targets):
            bases = ast.literal_eval(node.value)
            return [(path.parent / b).resolve() for b in ([bases] if isinstance(bases, str)
                                                          else bases)]
    return []


def chain(path: Path) -> list[Path]:
    """``path`` and every file it inherits, each once."""
    files = [path.resolve()]
    for base in base_files(path):
        files += [f for f in chain(base) if f not in files]
    return files


def depth(path: Path) -> int:
    return 1 + max((depth(b) for b in base_files(path)), default=0)


EVERY_CONFIG = sorted(p for p in CONFIGS.rglob('*.py') if '_base_' not in p.parts)


def test_configs_inherit_at_most_three_levels_from_base_files():
    # A base file reads alone or beside one other: it inherits nothing, or extends primitive
    # files of its own folder (the feature releases share datasets/feature_windows.py).
    for path in (CONFIGS / '_base_').rglob('*.py'):
        assert all(base.parent == path.parent.resolve() and not base_files(base)
                   for base in base_files(path)), path
    deep = {p.name: depth(p) for p in EVERY_CONFIG if depth(p) > 3}
    assert deep == {}
    assert depth(CONFIGS / 'gaf_thumos14_rgb.py') == 3


def literal_sizes(path: Path) -> dict[str, list[str]]:
    """Where the files of ``path``'s chain give the clip length or the crop a number."""
    stated = {'clip_length': [], 'crop_size': []}
    for file in chain(path):
        for key, places in stated.items():
            places += [f'{file.name}:{m.group(0)}' for m in
                       re.finditer(rf'\b{key}\s*=\s*\d+', file.read_text())]
    return stated


def crop_sizes(node) -> list[int]:
    """The ``size`` of every crop transform in a config (sub)tree."""
    if isinstance(node, dict):
        own = [node['size']] if str(node.get('type', '')).endswith('CropClip') else []
        return own + [s for v in node.values() for s in crop_sizes(v)]
    if isinstance(node, list | tuple):
        return [s for v in node for s in crop_sizes(v)]
    return []


@pytest.mark.parametrize('path', EVERY_CONFIG, ids=lambda p: p.name)
def test_a_config_states_its_clip_length_and_crop_once(path):
    cfg = Config.fromfile(path)
    if cfg.model.type == 'Recognizer3D':
        return  # MMAction2's recipe: its own crops for training, validation and testing
    stated = literal_sizes(path)
    assert all(len(places) <= 1 for places in stated.values()), stated
    if cfg.model.type not in ('GAFDetector', 'GAFFusionDetector'):
        return
    for split in ('train_dataloader', 'test_dataloader', 'val_dataloader'):
        if split in cfg and not (split == 'train_dataloader'
                                 and cfg.model.type == 'GAFFusionDetector'):
            assert cfg[split].dataset.clip_length == cfg.model.clip_length, split
            sizes = crop_sizes(cfg[split].dataset.pipeline)
            assert sizes == [cfg.model.crop_size] * len(sizes), split


def test_one_change_of_the_crop_and_clip_length_reaches_every_part():
    # The tiny test config states each once; changing model.clip_length and model.crop_size
    # alone gives a model that runs on clips of the new size (attention, neck and head follow).
    tiny = TEST_DATA / 'configs' / 'gaf_tiny.py'
    text = tiny.read_text()
    assert len(re.findall(r'clip_length\s*=\s*\d+', text)) == 1
    assert len(re.findall(r'crop_size\s*=\s*\d+', text)) == 1
    for clip_length, crop_size in ((64, 32), (96, 64)):
        cfg = Config.fromfile(tiny)
        cfg.merge_from_dict({'model.clip_length': clip_length, 'model.crop_size': crop_size})
        model = MODELS.build(cfg.model).eval()
        with torch.no_grad():
            outputs = model(torch.zeros(1, 3, clip_length, crop_size, crop_size))
        assert model.head.clip_length == clip_length
        # One prior per cell of the six levels: clip_length / 4, then halved (rounding up).
        cells = [clip_length // 4]
        while len(cells) < 6:
            cells.append(-(-cells[-1] // 2))
        assert outputs['conf'].shape[1] == sum(cells)


def test_the_attention_and_generator_prefixes_are_one_constant_each():
    # 'attention.' and 'attention.cvae.' name the attention's and the CVAEs' parameters in
    # checkpoints, optimizers and tools: constants of structures/parameter_names.py say them,
    # the second built from the first; no other file spells either.
    texts = {str(p.relative_to(REPO)): p.read_text() for p in (REPO / 'gaf_mmaction').rglob('*.py')}
    spelled = [path for path, text in texts.items()
               if any(f'{q}attention.{rest}' in text for q in '\'"' for rest in (q, 'cvae'))]
    assert spelled == ['gaf_mmaction/structures/parameter_names.py']
    assert "CVAE_PREFIX = f'{ATTENTION_PREFIX}cvae.'" in texts[spelled[0]]
