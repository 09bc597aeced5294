"""OwnVideosDataset and the segment CSV converter: records in time steps, the metric's ground
truth from the same file, and each mistake named."""
import json

import numpy as np
import pytest

from gaf_mmaction.datasets import OwnVideosDataset
from gaf_mmaction.datasets.annotation_files import Segment, VideoInfo, read_segment_csv
from gaf_mmaction.evaluation import TemporalDetectionMetric
from gaf_mmaction.preparation.own_videos import own_videos_database


def write_data(root, database, steps: dict[str, int], channels=3):
    (root / 'npy').mkdir(exist_ok=True)
    for video, count in steps.items():
        np.save(root / 'npy' / f'{video}.npy', np.zeros((count, 8, 8, channels), np.uint8))
    (root / 'annotations.json').write_text(json.dumps(dict(database=database)))


DATABASE = {
    'a': dict(subset='training', duration=12.0, annotations=[
        dict(segment=[1.0, 4.5], label='run'), dict(segment=[6.0, 9.0], label='jump')]),
    'b': dict(subset='testing', duration=8.0, annotations=[dict(segment=[2.0, 3.0],
                                                               label='run')]),
    'c': dict(subset='training', duration=9.0, annotations=[]),
}


def build(root, subset, test_mode=False, **kwargs):
    return OwnVideosDataset(ann_file='annotations.json', subset=subset, data_root=str(root),
                            data_prefix=dict(video='npy'), clip_length=64, clip_stride=8,
                            test_mode=test_mode, pipeline=[], **kwargs)


def test_records_are_in_time_steps_and_the_metric_scores_against_the_same_file(tmp_path):
    write_data(tmp_path, DATABASE, dict(a=120, b=80, c=90))
    train = build(tmp_path, 'training')
    assert train.metainfo['classes'] == ['jump', 'run']  # sorted labels without a class file
    # Training windows hold actions in frames at 10 steps per second; 'c' has none.
    windows = [train.get_data_info(i) for i in range(len(train))]
    assert {w['video_name'] for w in windows} == {'a'}
    first = windows[0]
    assert first['fps'] == 10.0 and first['num_frames'] == 120 and first['duration'] == 12.0
    test = build(tmp_path, 'testing', test_mode=True)
    assert {test.get_data_info(i)['video_name'] for i in range(len(test))} == {'b'}
    metric = TemporalDetectionMetric(tious=(0.5, ), average_tious=None)
    metric.dataset_meta = test.metainfo
    metric.results = [dict(video_name='b', segments=np.array([[2.0, 3.0], [6.0, 7.0]]),
                           scores=np.array([0.9, 0.5]), labels=np.array([2, 2]),
                           duration=8.0)]
    scores = metric.compute_metrics(metric.results)
    # 'run' (label 2) at the right place first: AP 1 against the JSON's own testing subset.
    assert scores['AP/run'] == 1.0
    assert metric.gt_file == str(tmp_path / 'annotations.json') and metric.subset == 'testing'


def test_features_are_placed_at_their_snippets_centres(tmp_path):
    # extract_features.py's feature t is the 16-frame snippet from frame 4 t at 10 fps: it
    # shows time (4 t + 8) / 10 s, so time T s is step 2.5 T - 2. 'a' runs 1.0-4.5 s and
    # 6.0-9.0 s: steps 0.5-9.25 and 13-20.5; 12 s at 2.5 steps per second: 30 features.
    (tmp_path / 'features').mkdir()
    for video, count in dict(a=30, b=20, c=23).items():
        np.save(tmp_path / 'features' / f'{video}.npy', np.zeros((count, 16), np.float32))
    (tmp_path / 'annotations.json').write_text(json.dumps(dict(database=DATABASE)))
    train = OwnVideosDataset(ann_file='annotations.json', subset='training',
                             data_root=str(tmp_path), data_prefix=dict(video='features'),
                             steps_per_second=2.5, features=True, clip_length=32,
                             clip_stride=8, pipeline=[])
    [window] = [train.get_data_info(i) for i in range(len(train))]
    assert window['num_frames'] == 30 and window['step_origin'] == 2.0
    # (The window raises the first start to step 1, as the published windows do.)
    assert window['gt_annotations'][:, :2].tolist() == [[1.0, 9.25], [13.0, 20.5]]
    # Another snippet and stride move the origin: 8 frames every 8, half a step.
    other = OwnVideosDataset(ann_file='annotations.json', subset='training',
                             data_root=str(tmp_path), data_prefix=dict(video='features'),
                             steps_per_second=2.5, features=True, snippet_length=8,
                             feature_stride=8, clip_length=32, clip_stride=8, pipeline=[])
    assert other.get_data_info(0)['step_origin'] == 0.5
    # Frames have none: step s is time s / 10.
    write_data(tmp_path, DATABASE, dict(a=120, b=80, c=90))
    assert 'step_origin' not in build(tmp_path, 'training').get_data_info(0)


def test_mistakes_are_named(tmp_path):
    write_data(tmp_path, DATABASE, dict(a=100, b=80, c=90))
    with pytest.raises(ValueError, match=r"no video in subset 'validation'; its subsets are "
                                         r"\['testing', 'training'\]"):
        build(tmp_path, 'validation')
    # 'a' is 12 s at 10 steps a second, its file 100 frames: steps_per_second or the file is off.
    with pytest.raises(ValueError, match=r"a\.npy has 100 frames but its annotation's duration x "
                                         r"steps_per_second says 120"):
        build(tmp_path, 'training')
    (tmp_path / 'classes.txt').write_text('run\n')
    write_data(tmp_path, DATABASE, dict(a=120, b=80, c=90))
    with pytest.raises(ValueError, match=r"video 'a' has label 'jump', which is not one of the "
                                         r"classes \(run, \.\.\.\)"):
        build(tmp_path, 'training', class_file='classes.txt')


def test_segment_csv_to_the_generic_json(tmp_path):
    csv = tmp_path / 'segments.csv'
    csv.write_text('video,label,start,end\na,run,1.0,4.5\na,jump,6,9\nb,run,2,3\n')
    infos = {name: VideoInfo(fps=30.0, sample_fps=10.0, count=count * 3.0, sample_count=count)
             for name, count in (('a', 120), ('b', 80), ('c', 90))}
    database = own_videos_database(read_segment_csv(str(csv)), infos, test_videos=['b'])
    assert database['database'] == {key: dict(entry, duration=float(entry['duration']))
                                     for key, entry in DATABASE.items()}
    csv.write_text('video,label,start,end\na,run,4,1\n')
    with pytest.raises(ValueError, match=r"segments.csv, row 2: the segment of video 'a' ends "
                                         r'\(1 s\) before it starts \(4 s\)'):
        read_segment_csv(str(csv))
    with pytest.raises(ValueError, match=r"No converted video for \['z'\]"):
        own_videos_database([Segment('z', 'run', 1.0, 2.0)], infos)
    with pytest.raises(ValueError, match=r"ends after the video \(8 s\)"):
        own_videos_database([Segment('b', 'run', 1.0, 9.0)], infos)
