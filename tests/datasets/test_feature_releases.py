"""Feature releases read as downloaded: each replica's actions land on the steps whose snippets
show them, at every frame rate, in ActionFormer's and OpenTAD's layouts.

The replicas (gaf_mmaction.testing.feature_release_replicas) are built from each release's
snippet definition only: channel 0 of a step is the time of its snippet's centre, channel
1 + k the fraction of its frames inside an action of class k. So a dataset is aligned when
(1) the time it gives each step is the time its features show, and (2) each annotated action
starts and ends where its snippets are half inside it (the coverage is linear over a snippet,
so it crosses 1/2 exactly where the snippet's centre crosses the boundary). Features are
float32 seconds below 40 s, exact to 40 * 2**-24 = 2.4e-6 s: the tolerance is 1e-5.
"""
import json
from pathlib import Path

import numpy as np
import pytest
from mmaction.registry import DATASETS
from mmengine.registry import init_default_scope

from gaf_mmaction.datasets.annotation_files import read_video_info, shipped_file
from gaf_mmaction.datasets.feature_releases import FEATURE_RELEASES
from gaf_mmaction.testing import (
    REPLICA_ANET_VIDEOS,
    REPLICA_VIDEOS,
    write_actionformer_replica,
    write_opentad_replica,
)

PIPELINE = [dict(type='LoadFeatureWindow'), dict(type='PackDetectionInputs')]
TOL = 1e-5


@pytest.fixture(scope='module', autouse=True)
def scope():
    init_default_scope('mmaction')


def build(type_, files, test_mode, **kwargs):
    return DATASETS.build(dict(type=type_, data_prefix=dict(video=files['feature_dir']),
                               pipeline=PIPELINE, test_mode=test_mode, **kwargs))


def window_features(dataset, index):
    info = dataset.get_data_info(index)
    features = dataset[index]['inputs'][:, :, 0, 0].numpy()   # [C, L]
    return info, features


def check_times(dataset):
    """Every valid step shows the time the window gives it."""
    for index in range(len(dataset)):
        info, features = window_features(dataset, index)
        valid = min(info['clip_length'], info['num_frames'] - info['offset'])
        steps = np.arange(valid) + info['offset'] + info.get('step_origin', 0.0)
        assert np.abs(features[0, :valid] - steps / info['fps']).max() < TOL, info['video_name']


def check_action_boundaries(dataset, half_snippet):
    """Coverage 1/2 at each action's start and end, 1 inside beyond half a snippet."""
    checked = 0
    for index in range(len(dataset)):
        info, features = window_features(dataset, index)
        positions = np.arange(features.shape[1])
        for start, end, label in info['gt_annotations']:
            coverage = features[int(label)]   # channel 1 + k for label k + FIRST_ACTION (1)
            if start < half_snippet or end > features.shape[1] - 1 - half_snippet:
                continue   # clipped by the window
            assert abs(np.interp(start, positions, coverage) - 0.5) < TOL
            assert abs(np.interp(end, positions, coverage) - 0.5) < TOL
            inside = (positions >= start + half_snippet) & (positions <= end - half_snippet)
            assert inside.any() and np.abs(coverage[inside] - 1).max() < TOL
            checked += 1
    return checked


def check_boundary_times(dataset, videos):
    """Each action boundary inside a window lies where the steps show its time (for snippets
    that do not overlap, whose coverage is not linear across a boundary)."""
    checked = 0
    for index in range(len(dataset)):
        info, features = window_features(dataset, index)
        times = [t for s, e, _ in videos[info['video_name']][2] for t in (s, e)]
        for x in info['gt_annotations'][:, :2].ravel():
            if 1 < x < features.shape[1] - 1:
                shown = np.interp(x, np.arange(features.shape[1]), features[0])
                assert min(abs(shown - t) for t in times) < TOL
                checked += 1
    return checked


def test_actionformer_thumos14_layout_at_every_rate(tmp_path):
    files = write_actionformer_replica(tmp_path)
    preset = FEATURE_RELEASES['actionformer_thumos14_i3d']
    train = build('ActionFormerFeatureDataset', files, False, ann_file=files['ann_file'],
                  subset='validation', release='actionformer_thumos14_i3d', clip_length=64,
                  clip_stride=8)
    test = build('ActionFormerFeatureDataset', files, True, ann_file=files['ann_file'],
                 subset='test', release='actionformer_thumos14_i3d', clip_length=64,
                 clip_stride=32)
    # Exact layout: [T, 2048] float32 files, 16-frame snippets every 4 frames.
    info = test.get_data_info(0)
    stored = np.load(info['filename'])
    assert stored.dtype == np.float32 and stored.shape[1] == preset.channels == 2048
    assert info['step_origin'] == 2.0
    fps = {v: rate for v, (rate, _, _) in REPLICA_VIDEOS.items()}
    assert {w['video_name'][:24]: w['fps'] for w in map(test.get_data_info, range(len(test)))} \
        == {v: rate / 4 for v, rate in fps.items()}
    assert train.metainfo['classes'] == ['BaseballPitch', 'BasketballDunk', 'Billiards']
    assert test.metainfo['ground_truth_subset'] == 'Test'
    check_times(test)
    check_times(train)
    # Every action of the four videos (24, 25, 29.97, 30 fps) is checked in some window.
    assert check_action_boundaries(train, half_snippet=2.0) >= 8


def test_thumos14_videos_at_other_rates():
    # docs/datasets.md: 31 of THUMOS14's 412 videos are at 24, 25 or 29.97 fps.
    rates = [info.fps for split in ('val', 'test')
             for info in read_video_info(shipped_file('thumos14', f'{split}_video_info.csv')).values()]
    assert len(rates) == 412
    assert sorted({round(r, 2) for r in rates if r != 30}) == [24.0, 25.0, 29.97]
    assert sum(r != 30 for r in rates) == 31


def test_the_rgb_stream_of_two_stream_features(tmp_path):
    files = write_actionformer_replica(tmp_path, videos=dict(list(REPLICA_VIDEOS.items())[:1]))
    test = build('ActionFormerFeatureDataset', files, True, ann_file=files['ann_file'],
                 subset='Test', release='actionformer_thumos14_i3d', stream='rgb',
                 clip_length=64, clip_stride=32)
    assert test[0]['inputs'].shape == (1024, 64, 1, 1)
    with pytest.raises(ValueError, match="stream 'depth' is not one of"):
        build('ActionFormerFeatureDataset', files, True, ann_file=files['ann_file'],
              subset='Test', release='actionformer_thumos14_i3d', stream='depth')


def test_opentad_thumos14_layout_skips_ambiguous(tmp_path):
    files = write_opentad_replica(tmp_path)
    kwargs = dict(ann_file=files['ann_file'], class_map=files['class_map'],
                  release='opentad_thumos14_i3d', clip_length=64)
    train = build('OpenTADFeatureDataset', files, False, subset='training', clip_stride=8,
                  **kwargs)
    test = build('OpenTADFeatureDataset', files, True, subset='validation', clip_stride=32,
                 **kwargs)
    # The rate comes from "frame" / "duration".
    rates = {w['video_name']: w['fps'] for w in map(test.get_data_info, range(len(test)))}
    for video, (fps, _, _) in REPLICA_VIDEOS.items():
        assert rates[f'{video}_test'] == pytest.approx(fps / 4)
    labels = {int(a[2]) for w in map(train.get_data_info, range(len(train)))
              for a in w['gt_annotations']}
    assert labels == {1, 2, 3}   # Ambiguous is not among them
    check_times(test)
    assert check_action_boundaries(train, half_snippet=2.0) >= 8
    with pytest.raises(ValueError, match="label 'Ambiguous', which .*category_idx.txt does not"):
        build('OpenTADFeatureDataset', files, False, subset='training', ignore_labels=(),
              **kwargs)


@pytest.mark.parametrize('layout', ['actionformer', 'opentad'])
def test_activitynet_tsp_resampled_to_a_fixed_length(tmp_path, layout):
    if layout == 'actionformer':
        files = write_actionformer_replica(tmp_path, 'actionformer_anet_tsp', REPLICA_ANET_VIDEOS,
                                           subsets=('training', 'validation'),
                                           feature_dir='tsp_features')
        extra = dict(type='ActionFormerResizedFeatureDataset', release='actionformer_anet_tsp')
    else:
        files = write_opentad_replica(tmp_path, 'opentad_anet_tsp', REPLICA_ANET_VIDEOS,
                                      ambiguous=False)
        extra = dict(type='OpenTADResizedFeatureDataset', release='opentad_anet_tsp',
                     class_map=files['class_map'])
    type_ = extra.pop('type')
    test = build(type_, files, True, ann_file=files['ann_file'], subset='validation',
                 clip_length=192, **extra)
    train = build(type_, files, False, ann_file=files['ann_file'], subset='training',
                  clip_length=192, **extra)
    info = test.get_data_info(0)
    assert info['filename'].endswith('/v_abc123_test.npy') and info['resize_length'] == 192
    assert np.load(info['filename']).shape == (30, 512)
    # Linear resampling is exact on the time channel (linear in the step) between the first
    # and the last stored snippet's centre; outside it holds the end values.
    for index in range(len(test)):
        info, features = window_features(test, index)
        times = (np.arange(192) + info['step_origin']) / info['fps']
        first, last = features[0, 0], features[0, -1]
        interior = (times > first + 0.6) & (times < last - 0.6)
        assert interior.sum() > 150
        assert np.abs(features[0, interior] - times[interior]).max() < TOL
    # Non-overlapping snippets resampled: the coverage is no longer linear across a boundary,
    # so each action's boundaries are checked on the time channel: they lie at its times.
    assert check_boundary_times(train, REPLICA_ANET_VIDEOS) == 6


def test_resized_dataset_refuses_a_window_shorter_than_the_resampling(tmp_path):
    files = write_actionformer_replica(tmp_path, 'actionformer_anet_tsp', REPLICA_ANET_VIDEOS,
                                       subsets=('training', 'validation'),
                                       feature_dir='tsp_features')
    with pytest.raises(ValueError, match='resize_length of at most that, got 192'):
        build('ActionFormerResizedFeatureDataset', files, True, ann_file=files['ann_file'],
              subset='validation', clip_length=128, release='actionformer_anet_tsp')


@pytest.mark.parametrize('layout,release', [
    ('actionformer', 'actionformer_epic_slowfast'),
    ('actionformer', 'actionformer_ego4d_slowfast'),
    ('opentad', 'opentad_hacs_slowfast'),
    ('opentad', 'opentad_fineaction_videomae_h'),
])
def test_fixed_rate_releases(tmp_path, layout, release):
    # These releases take their snippets at one rate for every video (the preset's fps).
    preset = FEATURE_RELEASES[release]
    videos = {v: (preset.geometry.fps, duration, actions)
              for v, (_, duration, actions) in REPLICA_VIDEOS.items()}
    if layout == 'actionformer':
        files = write_actionformer_replica(tmp_path, release, videos,
                                           subsets=('training', 'validation'),
                                           feature_dir='features')
        kwargs = dict(type_='ActionFormerFeatureDataset')
    else:
        files = write_opentad_replica(tmp_path, release, videos, ambiguous=False,
                                      feature_dir='features')
        kwargs = dict(type_='OpenTADFeatureDataset', class_map=files['class_map'])
    train = build(files=files, test_mode=False, ann_file=files['ann_file'], subset='training',
                  release=release, clip_length=32, clip_stride=4, **kwargs)
    info = train.get_data_info(0)
    assert info['filename'].endswith(preset.file_ext)
    assert train[0]['inputs'].shape == (preset.channels, 32, 1, 1)
    check_times(train)
    geometry = preset.geometry
    if geometry.snippet_length >= 2 * geometry.snippet_stride:
        assert check_action_boundaries(train, geometry.centre / geometry.snippet_stride) >= 4
    else:
        assert check_boundary_times(train, videos) >= 8


def test_release_files_that_cannot_be_read_are_refused_by_name(tmp_path):
    files = write_actionformer_replica(tmp_path, videos=dict(list(REPLICA_VIDEOS.items())[:1]))
    kwargs = dict(ann_file=files['ann_file'], release='actionformer_thumos14_i3d',
                  clip_length=64)
    with pytest.raises(ValueError, match=r"no video in subset 'training'; its subsets are "
                                         r"\['Test', 'Validation'\]"):
        build('ActionFormerFeatureDataset', files, False, subset='training', **kwargs)
    with pytest.raises(KeyError, match="unknown feature release 'thumos_i3d'; known: "):
        build('ActionFormerFeatureDataset', files, False, subset='validation',
              **dict(kwargs, release='thumos_i3d'))
    data = json.loads(Path(files['ann_file']).read_text())
    video = next(iter(data['database']))
    del data['database'][video]['fps']
    data['database'][video]['annotations'][0]['segment'] = [1.0]
    bad = tmp_path / 'bad.json'
    bad.write_text(json.dumps(data))
    with pytest.raises(ValueError, match=f"bad.json: video '{video}' has an annotation without "
                                         'a numeric "segment"'):
        build('ActionFormerFeatureDataset', files, False, subset='validation',
              **dict(kwargs, ann_file=str(bad)))
    data['database'][video]['annotations'][0]['segment'] = [1.0, 2.0]
    bad.write_text(json.dumps(data))
    with pytest.raises(ValueError, match=f"bad.json: video '{video}': no positive frame rate"):
        build('ActionFormerFeatureDataset', files, False, subset='validation',
              **dict(kwargs, ann_file=str(bad)))
    data['database'][video]['annotations'][0]['label_id'] = 2
    bad.write_text(json.dumps(data))
    with pytest.raises(ValueError, match="label_id 2 disagrees with an earlier annotation"):
        build('ActionFormerFeatureDataset', files, False, subset='validation',
              **dict(kwargs, ann_file=str(bad)))
    (tmp_path / 'i3d_features' / f'{video}.npy').write_bytes(b'')
    with pytest.raises(ValueError, match=f'(?s)1 bad video.*{video}.npy is empty'):
        build('ActionFormerFeatureDataset', files, False, subset='validation', **kwargs)
