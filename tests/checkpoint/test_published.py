"""Conversion from the published checkpoints (Appendix A) and back."""
import pytest
import torch

from gaf_mmaction.checkpoint import (
    CheckpointMismatchError,
    from_published,
    load_state_dict_exact,
    model_shapes,
    to_published,
)
from tests.helpers import CONFIGS, build_from_config, published_keys, run_tool

RGB_CONFIG = CONFIGS / 'gaf' / 'gaf_i3d_1xb8-256x96x96-300e_thumos14-rgb.py'
# Appendix A.2: the student's ten temporally flat backbone convolutions.
STUDENT_FLAT = {
    'Conv3d_1a_7x7': [64, 3, 1, 7, 7], 'Conv3d_2c_3x3': [192, 64, 1, 3, 3],
    'Mixed_3b.b1b': [128, 96, 1, 3, 3], 'Mixed_3b.b2b': [32, 16, 1, 3, 3],
    'Mixed_3c.b1b': [192, 128, 1, 3, 3], 'Mixed_3c.b2b': [96, 32, 1, 3, 3],
    'Mixed_4b.b1b': [208, 96, 1, 3, 3], 'Mixed_4b.b2b': [48, 16, 1, 3, 3],
    'Mixed_4c.b1b': [224, 112, 1, 3, 3], 'Mixed_4c.b2b': [64, 24, 1, 3, 3],
}


def expected_published(variant: str) -> dict[str, list[int]]:
    bdnet = published_keys('bdnet_rgb')
    if variant == 'flow':
        bdnet['backbone._model.Conv3d_1a_7x7.conv3d.weight'] = [64, 2, 7, 7, 7]
    if variant == 'student':
        bdnet.update({f'backbone._model.{unit}.conv3d.weight': shape
                      for unit, shape in STUDENT_FLAT.items()})
    return bdnet


@pytest.mark.parametrize('config,variant', [
    ('gaf/gaf_i3d_1xb8-256x96x96-300e_thumos14-rgb.py', 'rgb'),
    ('gaf/gaf_i3d_1xb1-256x96x96-16e_thumos14-flow.py', 'flow'),
    ('gaf/gaf_top-heavy-i3d_1xb8-256x96x96-300e_thumos14-rgb.py', 'student')])
def test_published_names_and_shapes(config, variant):
    shapes = model_shapes(CONFIGS / config)
    detector, cvae = to_published({k: torch.empty(s, device='meta') for k, s in shapes.items()})
    assert {k: list(v.shape) for k, v in detector.items()} == expected_published(variant)
    assert {k: list(v.shape) for k, v in cvae.items()} == published_keys('cvae')
    n_params = sum(v.numel() for k, v in detector.items()
                   if not k.endswith(('running_mean', 'running_var', 'num_batches_tracked')))
    if variant == 'rgb':
        assert n_params == 67_745_653  # Appendix A.1
        assert sum(v.numel() for v in cvae.values()) == 84_405_824  # Appendix A.3
    if variant == 'flow':
        assert n_params == 67_723_701


def test_converter_round_trip(rgb_model, tmp_path):
    state = rgb_model.state_dict()
    detector, cvae = to_published(state)
    torch.save(detector, tmp_path / 'checkpoint-15.ckpt')
    torch.save(cvae, tmp_path / 'checkpoint-15_cvae.ckpt')
    out = tmp_path / 'converted.pth'
    run_tool('tools/convert_gaf_checkpoint.py', tmp_path / 'checkpoint-15.ckpt', out,
             '--cvae', tmp_path / 'checkpoint-15_cvae.ckpt', '--config', RGB_CONFIG)
    converted = torch.load(out, weights_only=True)
    assert converted['meta']['has_cvae']
    assert converted['state_dict'].keys() == state.keys()
    assert all(torch.equal(converted['state_dict'][k], v) for k, v in state.items())

    torch.manual_seed(5)
    fresh = build_from_config('gaf/gaf_i3d_1xb8-256x96x96-300e_thumos14-rgb.py')
    load_state_dict_exact(fresh, converted['state_dict'], str(out))
    clip = torch.rand(1, 3, 256, 96, 96) * 2 - 1
    with torch.no_grad():
        ours, theirs = fresh(clip), rgb_model(clip)
    assert all(torch.isfinite(v).all() and torch.equal(v, theirs[k]) for k, v in ours.items())


def test_converter_without_cvae_leaves_only_cvae_out(rgb_model):
    detector, _ = to_published(rgb_model.state_dict())
    shapes = {k: v.shape for k, v in rgb_model.state_dict().items()}
    converted = from_published(detector, shapes)
    assert set(shapes) - set(converted) == {k for k in shapes if k.startswith('attention.cvae.')}


def test_converter_names_every_leftover(rgb_model, tmp_path):
    detector, _ = to_published(rgb_model.state_dict())
    del detector['Att_Head_5c.3.weight']
    detector['module.extra.weight'] = torch.zeros(1)
    detector['backbone._model.Conv3d_1a_7x7.conv3d.weight'] = torch.zeros(64, 2, 7, 7, 7)
    torch.save(detector, tmp_path / 'bad.ckpt')
    proc = run_tool('tools/convert_gaf_checkpoint.py', tmp_path / 'bad.ckpt',
                    tmp_path / 'out.pth', '--config', RGB_CONFIG, check=False)
    message = proc.stderr
    assert proc.returncode == 1
    assert 'attention.heads.1.attend.3.weight' in message  # missing target
    assert 'module.extra.weight' in message  # source key with no counterpart
    assert 'backbone.Conv3d_1a_7x7.conv3d.weight: checkpoint (64, 2, 7, 7, 7)' in message
    assert not (tmp_path / 'out.pth').exists()


def test_student_checkpoint_does_not_fit_teacher():
    student = model_shapes(CONFIGS / 'gaf' / 'gaf_top-heavy-i3d_1xb8-256x96x96-300e_thumos14-rgb.py')
    detector, _ = to_published({k: torch.empty(s, device='meta') for k, s in student.items()
                                if not k.startswith('attention.cvae.')})
    with pytest.raises(CheckpointMismatchError, match='10 shape mismatch'):
        from_published(detector, model_shapes(RGB_CONFIG))


def test_each_published_tensor_lands_on_its_own_key():
    # A name/shape listing cannot see two same-shape tensors swapped: give every published
    # tensor its own value (1-element tensors; shapes are checked above) and follow each.
    published = list(published_keys('bdnet_rgb')) + list(published_keys('cvae'))
    value = {key: float(i) for i, key in enumerate(published)}
    ours = model_shapes(RGB_CONFIG)
    n_bdnet = len(published_keys('bdnet_rgb'))
    converted = from_published({k: torch.tensor([value[k]]) for k in published[:n_bdnet]},
                               {k: torch.Size([1]) for k in ours},
                               cvae={k: torch.tensor([value[k]]) for k in published[n_bdnet:]})
    # A bijection: every published value lands exactly once, on every key of ours.
    assert sorted(converted) == sorted(ours)
    assert sorted(float(v) for v in converted.values()) == sorted(value.values())
    # Where the same-shape pairs go, written out by hand from docs/published_code.md Appendix A
    # (Mixed_4f is our map 0, Mixed_5c map 1; deconv2/Att_Head_4f/cencoder_832 are 4f's).
    landed = {k: published[int(v)] for k, v in converted.items()}
    assert landed == {**landed, 
        'head.loc_tower.0.0.conv1d.weight': 'coarse_pyramid_detection.loc_tower.0.0.conv1d.weight',
        'head.conf_tower.0.0.conv1d.weight':
            'coarse_pyramid_detection.conf_tower.0.0.conv1d.weight',
        'neck.pyramids.0.0.conv3d.weight': 'coarse_pyramid_detection.pyramids.0.0.conv3d.weight',
        'neck.frame_level.3.conv1d.weight': 'coarse_pyramid_detection.deconv.3.conv1d.weight',
        'backbone.Mixed_5c.b0.conv3d.weight': 'backbone._model.Mixed_5c.b0.conv3d.weight',
        'attention.heads.0.reduce.0.weight': 'deconv2.0.weight',
        'attention.heads.1.reduce.0.weight': 'deconv1.0.weight',
        'attention.heads.0.attend.3.weight': 'Att_Head_4f.3.weight',
        'attention.heads.1.attend.3.weight': 'Att_Head_5c.3.weight',
        'attention.cvae.0.encoder.reduce.0.weight': 'cencoder_832.con2.0.weight',
        'attention.cvae.1.encoder.reduce.0.weight': 'cencoder.con1.0.weight',
        'attention.cvae.1.encoder.fc2.weight': 'cencoder.fc2.weight',
        'attention.cvae.1.decoder.fc2.weight': 'cdecoder.fc2.weight',
        'attention.cvae.0.decoder.fc2.weight': 'cdecoder_832.fc2.weight',
        'attention.cvae.0.decoder.expand.0.weight': 'cdecoder_832.deconv.0.weight'
    }
