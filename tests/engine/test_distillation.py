"""The GAF distiller (docs/published_code.md §7): loading, what trains, KD terms, student export."""
import copy

import pytest
import torch
from mmaction.registry import DATASETS, MODELS
from mmengine.config import Config
from mmengine.dataset import pseudo_collate
from mmengine.optim import build_optim_wrapper
from mmengine.registry import init_default_scope

from gaf_mmaction.testing import TINY_VIDEOS, write_thumos_like
from tests.helpers import TEST_DATA, build_from_config, run_tool

KD_CONFIG = TEST_DATA / 'configs' / 'gaf_tiny_kd.py'


@pytest.fixture(scope='module')
def setup(module_tmp):
    init_default_scope('mmaction')
    tmp = module_tmp('kd')
    torch.manual_seed(1)
    teacher = MODELS.build(Config.fromfile(TEST_DATA / 'configs' / 'gaf_tiny.py').model)
    teacher_path = tmp / 'teacher.pth'
    torch.save(dict(meta={}, state_dict=teacher.state_dict()), teacher_path)
    cfg = Config.fromfile(KD_CONFIG)
    cfg.model.teacher_checkpoint = str(teacher_path)
    files = write_thumos_like(tmp, TINY_VIDEOS)
    cfg.train_dataloader.dataset.update(
        data_root=None, clip_length=64, clip_stride=16,
        pipeline=Config.fromfile(TEST_DATA / 'configs' / 'gaf_tiny.py').train_pipeline,
        data_prefix=dict(video=files['video_dir']), video_info_file=files['video_info_file'],
        ann_file=files['ann_file'], class_index_file=files['class_index_file'])
    torch.manual_seed(0)
    batch = pseudo_collate([DATASETS.build(cfg.train_dataloader.dataset)[i] for i in (0, 4)])
    return cfg, teacher, batch, tmp


def build(cfg):
    # The teacher config is named relative to the distillation config, from any folder.
    torch.manual_seed(0)
    return MODELS.build(copy.deepcopy(cfg.model))


def state(module):
    return {k: v.detach().clone() for k, v in module.state_dict().items()}


def test_teacher_loads_and_shared_parts_start_from_it(setup):
    cfg, teacher, _, _ = setup
    distiller = build(cfg)
    for key, value in teacher.state_dict().items():
        assert torch.equal(distiller.teacher.state_dict()[key], value)
        if key.startswith(('neck.', 'head.', 'attention.heads.')):
            assert torch.equal(distiller.student.state_dict()[key], value)
    assert type(distiller.student.backbone).__name__ == 'TopHeavyInceptionI3D'
    distiller.train()
    assert not distiller.teacher.training and distiller.student.training


def test_one_kd_iteration_updates_exactly_the_trainable_parameters(setup):
    cfg, _, batch, _ = setup
    distiller = build(cfg).train()
    wrappers = build_optim_wrapper(distiller, cfg.optim_wrapper)
    trainable_det = {k for k, p in distiller.named_parameters() if p.requires_grad
                     and k.startswith('student.') and 'attention.cvae.' not in k}
    assert trainable_det and all(k.startswith('student.backbone.') for k in trainable_det)
    for pass_name, expected_prefix in (('cvae', 'student.attention.cvae.'),
                                   ('detector', 'student.backbone.')):
        before = state(distiller)
        distiller.set_train_state(pass_name, 1)
        log_vars = distiller.train_step(batch, optim_wrapper=wrappers[pass_name])
        after = state(distiller)
        moved = {k for k in before if not torch.equal(before[k], after[k])}
        params = {k for k, _ in distiller.named_parameters()}
        assert moved, pass_name
        assert moved <= params and all(k.startswith(expected_prefix) for k in moved), pass_name
        if pass_name == 'cvae':
            assert 'cvae/loss_kd_cvae' in log_vars
            assert moved == {k for k in params if k.startswith(expected_prefix)}
        else:
            assert 'det/loss_kd_att' in log_vars
            assert moved == trainable_det


def test_attention_kd_is_zero_for_an_identical_student(setup):
    cfg, _, batch, _ = setup
    twin = copy.deepcopy(cfg)
    twin.model.student = Config.fromfile(TEST_DATA / 'configs' / 'gaf_tiny.py').model
    twin.model.init_from_teacher = ('backbone.', 'neck.', 'head.', 'attention.')
    distiller = build(twin).eval()
    data = distiller.data_preprocessor(batch, training=True)
    with torch.no_grad():
        student_atts = distiller.student.attention(distiller.student.extract_feat(data['inputs']))
        assert distiller.attention_gap(data['inputs'], student_atts).item() == 0
        shifted = [a.roll(1, dims=-1) for a in student_atts]
        assert distiller.attention_gap(data['inputs'], shifted).item() > 0
        different = build(cfg).eval()
        other = different.student.attention(different.student.extract_feat(data['inputs']))
        assert distiller.attention_gap(data['inputs'], other).item() > 0


def test_exported_student_loads_into_the_plain_student_config(setup):
    cfg, _, _, tmp = setup
    distiller = build(cfg).eval()
    path = tmp / 'kd.pth'
    torch.save(dict(meta=dict(epoch=1), state_dict=distiller.state_dict()), path)
    out = tmp / 'student.pth'
    run_tool('tools/export_student.py', path, out)
    plain_cfg = dict(copy.deepcopy(distiller.student_cfg), data_preprocessor=None)
    plain = MODELS.build(plain_cfg).eval()
    exported = torch.load(out, weights_only=True)
    plain.load_state_dict(exported['state_dict'], strict=True)
    clip = torch.rand(1, 3, 64, 32, 32) * 2 - 1
    with torch.no_grad():
        ours, theirs = plain(clip), distiller(clip)
    assert all(torch.equal(ours[k], theirs[k]) for k in ours)
    proc = run_tool('tools/export_student.py', out, tmp / 'again.pth', check=False)
    assert proc.returncode == 1 and 'not a GAFDistiller state dict' in proc.stderr


def test_student_config_builds_alone():
    model = build_from_config('gaf/gaf_top-heavy-i3d_1xb8-256x96x96-300e_thumos14-rgb.py')
    assert type(model.backbone).__name__ == 'TopHeavyInceptionI3D'
