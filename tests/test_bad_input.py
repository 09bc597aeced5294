"""Tests of rows of the bad-input tables of docs/troubleshooting.md: each message names the
culprit."""
import json
import pickle
from pathlib import Path

import numpy as np
import pytest
import torch
from torch import nn

from gaf_mmaction.checkpoint import CheckpointMismatchError, load_checkpoint_exact
from gaf_mmaction.datasets.annotation_files import (
    read_annotations,
    read_video_info,
)
from gaf_mmaction.datasets.transforms import RandomCropClip
from gaf_mmaction.evaluation import load_ground_truth
from gaf_mmaction.testing import build_tiny_dataset as build
from tests.helpers import TouchOnUnpickle


def _missing(path: Path) -> None:
    path.unlink()


def _truncated(path: Path) -> None:
    path.write_bytes(path.read_bytes()[:500])


def _corrupt_header(path: Path) -> None:
    path.write_bytes(b'not an npy file at all' + path.read_bytes()[100:])


def _wrong_rank(path: Path) -> None:
    np.save(path, np.zeros((100, 40 * 40 * 3), np.uint8))


def _frame_count_off(path: Path) -> None:
    np.save(path, np.load(path)[:90])  # video-info says 100


def _wrong_channels(path: Path) -> None:
    np.save(path, np.load(path)[..., :2])  # flow-like frames where RGB is expected


def _no_frames(path: Path) -> None:
    np.save(path, np.zeros((0, 40, 40, 3), np.uint8))


BAD_FILES = {
    'missing npy': (_missing, r'No such npy file: .*video_a\.npy'),
    'truncated npy': (_truncated, r'video_a\.npy is not a readable npy array'),
    'corrupt npy': (_corrupt_header, r'video_a\.npy is not a readable npy array'),
    'wrong rank': (_wrong_rank, r'video_a\.npy: expected \[T, H, W, C\] uint8 frames'),
    'frame count off': (_frame_count_off,
                        r'video_a\.npy has 90 frames but the video-info file says 100'),
    'wrong channels': (_wrong_channels, r'video_a\.npy has 2 channel\(s\) per frame, expected 3'),
    'no frames': (_no_frames, r'video_a\.npy has no frames'),
}


@pytest.mark.parametrize('row', list(BAD_FILES))
@pytest.mark.parametrize('test_mode', [False, True])
def test_bad_frame_file_errors_or_is_skipped(files, row, test_mode, warnings_log):
    spoil, message = BAD_FILES[row]
    spoil(Path(files['video_dir']) / 'video_a.npy')
    with pytest.raises(ValueError, match=rf'1 bad video\(s\) in Thumos14Dataset[\s\S]*'
                                         rf'video_a: .*{message}'):
        build(files, test_mode=test_mode)
    dataset = build(files, test_mode=test_mode, on_bad_video='skip')
    assert {dataset.get_data_info(i)['video_name'] for i in range(len(dataset))} == {'video_b'}
    assert any('Leaving out 1 bad video' in r and 'video_a' in r for r in warnings_log)


def test_frame_count_within_tolerance_is_accepted(files):
    # video_a's file has 97 frames where the video-info file says 100: 3 frames off.
    path = Path(files['video_dir']) / 'video_a.npy'
    np.save(path, np.load(path)[:97])
    dataset = build(files, frame_tolerance=3)
    assert {dataset.get_data_info(i)['video_name'] for i in range(len(dataset))} == {
        'video_a', 'video_b'}
    with pytest.raises(ValueError, match='has 97 frames'):
        build(files, frame_tolerance=2)


def test_frames_smaller_than_the_crop(tmp_path):
    with pytest.raises(ValueError, match=r'small\.npy: frames of 16x16 are smaller than the '
                                         r'32x32 crop'):
        RandomCropClip(size=32)(dict(imgs=np.zeros((3, 8, 16, 16), np.uint8),
                                     filename=str(tmp_path / 'small.npy')))


def _annotations(files, *rows: str) -> dict:
    Path(files['ann_file']).write_text(
        'video,type,type_idx,start,end,startFrame,endFrame\n' + '\n'.join(rows) + '\n')
    return files


@pytest.mark.parametrize('row, message', [
    ('video_a,Mystery,99,1.0,2.0,30,60', r"row 2: video 'video_a' has unknown class index 99"),
    ('video_a,Billiards,12,2.0,1.0,60,30', r"row 2: video 'video_a' has an annotation with end"),
    ('video_zz,Billiards,12,1.0,2.0,30,60', r"row 2: video 'video_zz' is not in the video info"),
])
def test_bad_annotation_rows(files, row, message):
    with pytest.raises(ValueError, match=r'Annotation_ours\.csv, ' + message):
        build(_annotations(files, row))


def test_annotation_outside_the_video_is_kept_with_a_warning(files, warnings_log):
    # video_a has 100 frames; the second action runs from frame 90 to 130.
    dataset = build(_annotations(files, 'video_a,Billiards,12,1.0,2.0,30,60',
                                 'video_a,Billiards,12,9.0,13.0,270,390'))
    assert len(dataset) > 0
    assert any('test_Annotation_ours.csv: 1 annotation(s) end after their video' in r
               and 'row 3 (video_a: 90-130 of 100)' in r for r in warnings_log)
    # Kept: the reader returns the overrunning action unchanged (frames at 10 fps).
    kept = read_annotations(files['ann_file'], read_video_info(files['video_info_file']),
                            files['class_index_file'])['video_a']
    assert [(start, end) for start, end, _ in kept] == [(10.0, 20.0), (90.0, 130.0)]


def test_no_training_window_at_all(files):
    # The only action is longer than a 64-frame window.
    with pytest.raises(ValueError, match=r'Thumos14Dataset: no window .*Annotation_ours\.csv'):
        build(_annotations(files, 'video_a,Billiards,12,0.5,9.5,15,285'))


def test_unannotated_training_video_is_left_out_with_a_warning(files, warnings_log):
    dataset = build(_annotations(files, 'video_a,Billiards,12,1.0,2.0,30,60'))
    assert {dataset.get_data_info(i)['video_name'] for i in range(len(dataset))} == {'video_a'}
    assert any("no annotation" in r and "['video_b']" in r for r in warnings_log)


def test_csv_and_json_with_missing_columns_or_keys(files, tmp_path):
    Path(files['video_info_file']).write_text('video,fps,count\nvideo_a,30,300\n')
    with pytest.raises(ValueError, match=r"video_info\.csv: missing column\(s\) "
                                         r"\['sample_fps', 'sample_count'\]"):
        build(files)
    gt = tmp_path / 'gt.json'
    gt.write_text(json.dumps({'database': {'v1': {'subset': 'test'}}}))
    with pytest.raises(KeyError, match=r'gt\.json: video .*v1.* has no "annotations"'):
        load_ground_truth(str(gt), 'test')


def test_checkpoint_of_another_architecture(tmp_path):
    path = tmp_path / 'other.pth'
    torch.save({'state_dict': {'conv.weight': torch.zeros(4, 3), 'extra.bias': torch.zeros(2)}},
               path)
    model = nn.Sequential()
    model.add_module('conv', nn.Linear(3, 5))
    with pytest.raises(CheckpointMismatchError) as err:
        load_checkpoint_exact(model, str(path))
    text = str(err.value)
    assert 'other.pth' in text and 'conv.bias' in text and 'extra.bias' in text
    assert 'conv.weight: checkpoint (4, 3) vs model (5, 3)' in text


def test_checkpoint_with_code_is_refused(tmp_path):
    marker = tmp_path / 'ran'
    path = tmp_path / 'evil.pth'
    torch.save({'state_dict': {}, 'meta': TouchOnUnpickle(marker)}, path, pickle_protocol=2)
    with pytest.raises(pickle.UnpicklingError, match=r'evil\.pth holds objects outside the '
                                                     r'safe allow-list.*--trust-checkpoint'):
        load_checkpoint_exact(nn.Sequential(), str(path))
    assert not marker.exists()
