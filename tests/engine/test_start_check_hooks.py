"""The start checks as hooks of the base runtime, and the inputs they read: every input a run
reads is listed with its key, the datasets check theirs in the tools' words, the weights, the
deterministic kernels and the clips' channels are checked before they are used. The tools that
stop on them: tests/e2e/test_start_checks.py."""
from types import SimpleNamespace

import pytest
import torch
from mmaction.registry import DATASETS, MODELS
from mmengine.config import Config
from mmengine.runner import EpochBasedTrainLoop

from gaf_mmaction.engine import (
    DeterministicCheckHook,
    InputChannelsHook,
    InputFilesHook,
)
from gaf_mmaction.engine.input_files_hook import run_inputs
from gaf_mmaction.utils import ConfigMismatchError, MissingInputError, require_inputs
from tests.helpers import CONFIGS, TINY_CONFIG

START_HOOKS = {'input_files': 'InputFilesHook', 'start_checkpoint': 'StartCheckpointHook',
               'input_channels': 'InputChannelsHook', 'deterministic': 'DeterministicCheckHook',
               'class_count': 'ClassCountHook'}


def test_the_datasets_check_their_inputs_in_the_words_of_the_tools(tiny_files, tmp_path):
    # Under MMAction2's tools the dataset is built before any hook runs: its own check names
    # the missing folder exactly as our tools' check of the whole config does.
    cfg = Config.fromfile(TINY_CONFIG)
    cfg.merge_from_dict({'test_dataloader.dataset.data_prefix.video': str(tmp_path / 'none'),
                         'test_dataloader.dataset.video_info_file': tiny_files['video_info_file'],
                         'test_dataloader.dataset.class_index_file':
                             tiny_files['class_index_file'],
                         'test_evaluator.gt_file': tiny_files['gt_file']})
    with pytest.raises(MissingInputError) as tools_check:
        require_inputs(run_inputs(cfg, training=False))
    with pytest.raises(MissingInputError) as dataset_check:
        DATASETS.build(cfg.test_dataloader.dataset)
    assert str(dataset_check.value) == str(tools_check.value)
    assert str(tools_check.value).startswith(f'{tmp_path}/none does not exist: the frame '
                                             'folder of the test data')


@pytest.mark.parametrize('config,training,expected', [
    ('gaf/gaf_i3d_1xb8-256x96x96-300e_thumos14-rgb.py', True, [
        ('data/thumos14/validation_npy', 'train_dataloader.dataset.data_prefix.video'),
        ('data/thumos14/test_npy', 'test_dataloader.dataset.data_prefix.video'),
        ('data/i3d_models/rgb_imagenet.pt', 'model.backbone.pretrained')]),
    ('gaf/gaf_i3d_1xb8-256x96x96-300e_thumos14-rgb.py', False, [
        ('data/thumos14/test_npy', 'test_dataloader.dataset.data_prefix.video')]),
    ('gaf/gaf_i3d_1xb1-768x96x96-16e_activitynet-rgb.py', False, [
        ('data/activitynet/train_val_npy', 'test_dataloader.dataset.data_prefix.video'),
        ('data/activitynet/video_info_train_val.json', 'test_dataloader.dataset.ann_file'),
        ('data/activitynet/activity_net.v1-3.min.json', 'test_evaluator.gt_file'),
        ('data/activitynet/cuhk_val_simp_share.json',
         'test_evaluator.post_processor.video_classification_file')]),
    ('gaf/gaf_i3d_1xb8-256x96x96-300e_own-videos-rgb.py', True, [
        ('data/my_videos/npy', 'train_dataloader.dataset.data_prefix.video'),
        ('data/my_videos/annotations.json', 'train_dataloader.dataset.ann_file'),
        ('data/my_videos/classes.txt', 'train_dataloader.dataset.class_file'),
        ('data/my_videos/npy', 'test_dataloader.dataset.data_prefix.video'),
        ('data/my_videos/annotations.json', 'test_dataloader.dataset.ann_file'),
        ('data/my_videos/classes.txt', 'test_dataloader.dataset.class_file'),
        ('data/i3d_models/rgb_imagenet.pt', 'model.backbone.pretrained')]),
])
def test_every_input_a_run_reads_is_listed_with_its_key(config, training, expected):
    cfg = Config.fromfile(CONFIGS / config)
    assert [(i.path, i.key) for i in run_inputs(cfg, training)] == expected


def test_the_start_checks_are_hooks_of_the_base_runtime():
    # What MMAction2's tools build: the base runtime's default hooks.
    hooks = Config.fromfile(TINY_CONFIG).default_hooks
    assert {name: hooks[name]['type'] for name in START_HOOKS} == START_HOOKS


def test_the_input_files_hook_checks_the_weights_before_they_load(tmp_path):
    cfg = Config.fromfile(TINY_CONFIG)
    cfg.model.backbone.pretrained = str(tmp_path / 'kinetics.pt')
    cfg.train_dataloader.dataset.data_prefix = dict(video=str(tmp_path))
    cfg.val_cfg = None
    training = SimpleNamespace(cfg=cfg, _train_loop=EpochBasedTrainLoop.__new__(
        EpochBasedTrainLoop))
    with pytest.raises(MissingInputError, match=r'kinetics.pt does not exist: the pretrained '
                                                r'weights of the backbone \(model.backbone.'
                                                r'pretrained\); download them as docs/data_'
                                                r'preparation.md#kinetics-i3d-weights says, or '
                                                r'set model.backbone.pretrained=None'):
        InputFilesHook().before_run(training)
    # Testing loads no pretrained weights.
    cfg.test_dataloader.dataset.data_prefix = dict(video=str(tmp_path))
    cfg.test_evaluator.gt_file = None
    InputFilesHook().before_run(SimpleNamespace(cfg=cfg, _train_loop=cfg.train_cfg))


def test_the_deterministic_hook_names_the_module_on_cuda(monkeypatch):
    # The check matters on CUDA only (the CPU's kernels are deterministic): with CUDA
    # monkeypatched in, the hook refuses a recognizer whose head pools adaptively.
    cfg = Config.fromfile(
        CONFIGS / 'gaf' / 'i3d-r50_gaf-attention-neck_8xb8-32x2x1-100e_kinetics400-rgb.py')
    cfg.model.backbone.update(pretrained=None, pretrained2d=False)
    with torch.device('meta'):
        recognizer = MODELS.build(cfg.model)
    runner = SimpleNamespace(model=recognizer, cfg=Config(dict(randomness=dict(
        seed=0, deterministic=True))))
    monkeypatch.setattr(torch.cuda, 'is_available', lambda: False)
    DeterministicCheckHook().before_train(runner)
    monkeypatch.setattr(torch.cuda, 'is_available', lambda: True)
    with pytest.raises(ConfigMismatchError, match=r'cls_head.avg_pool \(AdaptiveAvgPool3d\)\. '
                                                  r'Give model.cls_head a part without it'):
        DeterministicCheckHook().before_train(runner)
    runner.cfg.randomness.deterministic = False
    DeterministicCheckHook().before_train(runner)


def test_the_channels_hook_reads_the_files_headers(tiny_files):
    init = Config.fromfile(TINY_CONFIG)
    dataset = DATASETS.build(dict(init.test_dataloader.dataset,
                                  data_prefix=dict(video=tiny_files['video_dir']),
                                  video_info_file=tiny_files['video_info_file'],
                                  class_index_file=tiny_files['class_index_file']))
    runner = SimpleNamespace(model=SimpleNamespace(input_channels={'model.rgb': 3}),
                             test_dataloader=SimpleNamespace(dataset=dataset))
    InputChannelsHook().before_test(runner)
    runner.model.input_channels['model.flow_in_channels'] = 2
    with pytest.raises(ConfigMismatchError, match=r'takes 5-channel \(RGB \+ flow\) clips '
                                                  r'\(model.rgb=3 \+ model.flow_in_channels=2\) '
                                                  r'but \S+video_a.npy \(video video_a\) has 3'):
        InputChannelsHook().before_test(runner)