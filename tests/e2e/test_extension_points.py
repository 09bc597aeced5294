"""Extending GAF from config alone: a dataset of a new annotation format on the dataset bases,
and a second detection head on the head interface, each trained and tested by our tools."""
import textwrap

import pytest
from mmaction.registry import DATASETS, MODELS
from mmengine.config import Config
from mmengine.registry import init_default_scope

from gaf_mmaction.testing import TINY_CLASSES, TINY_VIDEOS
from gaf_mmaction.utils import ConfigMismatchError, MissingInputError
from tests.helpers import TINY_CONFIG, run_tool

CLASSES = [name for _, name in TINY_CLASSES]


def made_up_annotations(path) -> str:
    """TINY_VIDEOS in the made-up format of tests/extensions/made_up_dataset.py."""
    names = dict(TINY_CLASSES)
    path.write_text(''.join(
        f'{video} {frames} 10.0: '
        + ', '.join(f'{start}-{end} {names[index]}' for start, end, index in actions) + '\n'
        for video, (frames, actions) in TINY_VIDEOS.items()))
    return str(path)


def train_and_test(config, work_dir, options=()) -> tuple[str, str]:
    """Logs of one epoch of tools/train.py (validating at its end) and of tools/test.py."""
    trained = run_tool('tools/train.py', str(config), '--work-dir',
                       str(work_dir), '--cfg-options', 'train_cfg.max_epochs=1',
                       'train_cfg.val_interval=1', *options).output
    tested = run_tool('tools/test.py', str(config),
                      str(work_dir / 'epoch_1.pth'), '--work-dir', str(work_dir / 'test'),
                      *(('--cfg-options', *options) if options else ())).output
    return trained, tested


def test_a_new_annotation_format_trains_and_tests_through_the_dataset_bases(tiny_files,
                                                                           tmp_path):
    ann_file = made_up_annotations(tmp_path / 'clips.txt')
    video_dir = tiny_files['video_dir']
    config = tmp_path / 'made_up.py'
    config.write_text(textwrap.dedent(f'''
        _base_ = [{TINY_CONFIG!r}]
        custom_imports = dict(imports=['gaf_mmaction', 'tests.extensions.made_up_dataset'],
                              allow_failed_imports=False)
        data = dict(type='MadeUpDataset', ann_file={ann_file!r}, classes={CLASSES!r},
                    data_prefix=dict(video={video_dir!r}), clip_length=64)
        train_dataloader = dict(dataset=dict(_delete_=True, **data, clip_stride=16,
                                             pipeline={{{{_base_.train_pipeline}}}}))
        test_dataloader = dict(dataset=dict(_delete_=True, **data, clip_stride=32,
                                            test_mode=True,
                                            pipeline={{{{_base_.test_pipeline}}}}))
        val_dataloader = test_dataloader
        test_evaluator = dict(gt_file={tiny_files['gt_file']!r})
        val_evaluator = test_evaluator
    '''))
    # The bases cut the parsed records into the windows THUMOS14's parser gives the same data.
    init_default_scope('mmaction')
    import tests.extensions.made_up_dataset  # noqa: F401
    cfg = Config.fromfile(config)
    for split, stride in (('train', 16), ('test', 32)):
        made_up = DATASETS.build(cfg[f'{split}_dataloader'].dataset)
        thumos = DATASETS.build(dict(
            type='Thumos14Dataset', data_prefix=dict(video=video_dir), clip_length=64,
            clip_stride=stride, test_mode=split == 'test', pipeline=[],
            video_info_file=tiny_files['video_info_file'], ann_file=tiny_files['ann_file'],
            class_index_file=tiny_files['class_index_file']))
        assert len(made_up) == len(thumos) > 0
        for index in range(len(thumos)):
            ours, theirs = made_up.get_data_info(index), thumos.get_data_info(index)
            assert ours.keys() == theirs.keys()
            for key, value in theirs.items():
                assert str(ours[key]) == str(value), (split, key)
    # The bases' checks come with them, though the new dataset writes none: a missing data
    # folder is named with its key, a frame file of another size is listed by video.
    with pytest.raises(MissingInputError, match=r'no_frames does not exist: the frame folder '
                                                r'of the training data \(train_dataloader.'
                                                r'dataset.data_prefix.video\)'):
        DATASETS.build(dict(cfg.train_dataloader.dataset,
                            data_prefix=dict(video=str(tmp_path / 'no_frames'))))
    with pytest.raises(ValueError, match=r"2 bad video\(s\) in MadeUpDataset \(\S+clips.txt\)"
                                         r":\n  video_a: \S+video_a.npy has 40x40 frames, but "
                                         r"the dataset's frame_size is 48"):
        DATASETS.build(dict(cfg.test_dataloader.dataset, frame_size=48))
    trained, tested = train_and_test(config, tmp_path / 'work')
    assert 'detection/mAP@0.5' in trained and 'detection/mAP@0.5' in tested


def test_a_second_head_swaps_in_through_config(tiny_files, data_options, tmp_path):
    config = tmp_path / 'cell_head.py'
    config.write_text(textwrap.dedent(f'''
        _base_ = [{TINY_CONFIG!r}]
        custom_imports = dict(imports=['gaf_mmaction', 'tests.extensions.minimal_head'],
                              allow_failed_imports=False)
        model = dict(head=dict(_delete_=True, type='CellHead', num_classes=4),
                     splice=None, with_background=False)
    '''))
    init_default_scope('mmaction')
    import tests.extensions.minimal_head  # noqa: F401
    cfg = Config.fromfile(config)
    # A head without the optional capabilities is refused where the detector would use them.
    with pytest.raises(ConfigMismatchError, match='CellHead has no splice_features, which the '
                                                  'detector uses: set model.splice=None'):
        MODELS.build(dict(cfg.model, splice=dict(type='SpliceTripletLoss')))
    with pytest.raises(ConfigMismatchError, match='CellHead has no background_loss'):
        MODELS.build(dict(cfg.model, with_background=True))
    model = MODELS.build(cfg.model)
    assert model.head.predict_layer.in_channels == model.neck.out_channels
    trained, tested = train_and_test(config, tmp_path / 'work', data_options)
    assert 'det/loss_cls' in trained and 'det/loss_reg' in trained
    assert 'loss_triplet' not in trained and 'loss_bg' not in trained
    assert 'detection/mAP@0.5' in tested

