"""ActivityNet-1.3 dataset (docs/published_code.md §8.5) on a generated video-info JSON."""
import json
from pathlib import Path

import numpy as np
import pytest
from mmaction.registry import DATASETS


@pytest.fixture
def ann_file(tmp_path):
    database = {
        'vid_train': dict(subset='training', duration=30.0, frame_num=60, fps=2.0, annotations=[
            dict(start_frame=10.0, end_frame=30.0, label='Shaving', label_id=158),
            dict(start_frame=40.0, end_frame=40.0, label='Shaving', label_id=158),  # empty
            dict(start_frame=44.0, end_frame=57.0, label='Rafting', label_id=69)]),
        'vid_empty': dict(subset='training', duration=5.0, frame_num=10, fps=2.0,
                          annotations=[]),
        'vid_val': dict(subset='validation', duration=12.0, frame_num=24, fps=2.0,
                        annotations=[dict(start_frame=1.0, end_frame=9.0, label='Rafting',
                                          label_id=69)]),
    }
    path = tmp_path / 'video_info.json'
    path.write_text(json.dumps(database))
    (tmp_path / 'frames').mkdir()
    for video, info in database.items():
        np.save(tmp_path / 'frames' / f'{video}.npy', np.zeros((info['frame_num'], 8, 8, 3), np.uint8))
    return str(path)


def build(ann_file, **kwargs):
    return DATASETS.build(dict(type='ActivityNetDetectionDataset', ann_file=ann_file,
                               clip_length=64,
                               data_prefix=dict(video=str(Path(ann_file).parent / 'frames')),
                               **kwargs))


def test_training_videos(ann_file):
    dataset = build(ann_file)
    assert len(dataset) == 1  # vid_empty has no action, vid_val is another subset
    info = dataset.get_data_info(0)
    assert info['video_name'] == 'vid_train' and info['offset'] == 0
    assert info['filename'].endswith('/frames/vid_train.npy')
    assert info['gt_annotations'].tolist() == [[10, 30, 1], [44, 57, 1]]
    assert info['splice_length'] == 3  # floor(13) / 4 -> 3
    # d = max(length / 10, 2) = 2 for both actions: starts 10 +- 1 and 44 +- 1.
    assert np.flatnonzero(info['gt_boundaries'][0]).tolist() == [9, 10, 11, 43, 44, 45]
    assert dataset.metainfo['classes'] == ['action']


def test_multiclass_and_test_mode(ann_file):
    dataset = build(ann_file, binary_class=False)
    assert dataset.get_data_info(0)['gt_annotations'][:, 2].tolist() == [158, 69]
    assert len(dataset.metainfo['classes']) == 200
    test = build(ann_file, subset='validation', test_mode=True)
    assert [test.get_data_info(i)['video_name'] for i in range(len(test))] == ['vid_val']
    assert test.get_data_info(0)['duration'] == 12.0


def test_a_label_the_class_list_does_not_give_its_id_is_named(ann_file):
    database = json.loads(Path(ann_file).read_text())
    database['vid_train']['annotations'][2]['label_id'] = 7  # Rafting is line 69
    Path(ann_file).write_text(json.dumps(database))
    with pytest.raises(ValueError, match=r"video 'vid_train' has an annotation of label "
                                         r"'Rafting' with label_id 7, which .*action_name.txt "
                                         r"does not give it \(line 69\)"):
        build(ann_file)
    database['vid_train']['annotations'][2]['label'] = 'Rafting fast'
    Path(ann_file).write_text(json.dumps(database))
    with pytest.raises(ValueError, match=r"label 'Rafting fast' with label_id 7.*\(line none\)"):
        build(ann_file)


def test_missing_field_is_named(ann_file, tmp_path):
    bad = tmp_path / 'bad.json'
    bad.write_text(json.dumps({'v1': dict(subset='training', annotations=[])}))
    with pytest.raises(KeyError, match=r"video 'v1' lacks \['duration', 'frame_num', 'fps'\]"):
        build(str(bad))


def test_malformed_files_are_named(ann_file, tmp_path):
    bad = tmp_path / 'bad_annotation.json'
    bad.write_text(json.dumps({'v2': dict(subset='training', duration=3.0, frame_num=6, fps=2.0,
                                          annotations=[dict(start_frame=1.0)])}))
    with pytest.raises(KeyError, match=r"bad_annotation.json: video 'v2' has an annotation "
                                       r"without a numeric start_frame"):
        build(str(bad))
    for field, value in (('fps', 'fast'), ('frame_num', 0)):
        entry = dict(subset='training', duration=3.0, frame_num=6, fps=2.0, annotations=[])
        bad.write_text(json.dumps({'v3': dict(entry, **{field: value})}))
        with pytest.raises(ValueError, match=r"bad_annotation.json: video 'v3' (needs a numeric|"
                                             r"has frame_num 0)"):
            build(str(bad))
    broken = tmp_path / 'broken.json'
    broken.write_text('{"v1": ')
    with pytest.raises(ValueError, match='broken.json is not valid JSON'):
        build(str(broken))
    with pytest.raises(FileNotFoundError, match=r'absent.json does not exist: the video-info JSON '
                                                r'of the training data'):
        build(str(tmp_path / 'absent.json'))
