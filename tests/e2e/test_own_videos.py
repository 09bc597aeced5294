"""docs/your_own_data.md end to end at test sizes: mp4 files and a CSV of segments -> frames ->
the generic JSON -> training and testing on frames, detections and a timeline -> features ->
training and testing on features."""
import json
import re

import cv2
import numpy as np
import pytest

from gaf_mmaction.evaluation import THUMOS14_TIOUS, detection_map, load_ground_truth
from gaf_mmaction.testing import write_mp4
from tests.helpers import TEST_DATA, run_tool

FRAMES_CONFIG = str(TEST_DATA / 'configs' / 'gaf_tiny_own_videos.py')
FEATURES_CONFIG = str(TEST_DATA / 'configs' / 'gaf_tiny_own_features.py')
# {video: [(label, start s, end s)]}: 20 s each; clip_4 is the test video.
SEGMENTS = {
    'clip_1': [('square', 2.0, 6.0), ('disc', 11.0, 15.5)],
    'clip_2': [('disc', 1.0, 4.5), ('square', 12.0, 18.0)],
    'clip_3': [('square', 5.0, 9.0)],
    'clip_4': [('square', 3.0, 7.0), ('disc', 13.0, 17.0)],
}


def draw(video: str, seconds: float = 20.0, fps: float = 30.0) -> np.ndarray:
    """Frames of a grey scene where a square or a disc moves during its segments."""
    frames = np.full((round(seconds * fps), 64, 80, 3), 90, np.uint8)
    for label, start, end in SEGMENTS[video]:
        for index in range(round(start * fps), round(end * fps)):
            x = 8 + (index % 60)
            if label == 'square':
                frames[index, 20:36, x:x + 16] = 230
            else:
                cv2.circle(frames[index], (x + 8, 32), 9, (40, 200, 240), -1)
    return frames


@pytest.fixture(scope='module')
def own_data(module_tmp):
    root = module_tmp('my_videos')
    (root / 'videos').mkdir()
    for video in SEGMENTS:
        write_mp4(root / 'videos' / f'{video}.mp4', draw(video), 30.0)
    (root / 'segments.csv').write_text('video,label,start,end\n' + ''.join(
        f'{video},{label},{start},{end}\n' for video, segments in SEGMENTS.items()
        for label, start, end in segments))
    run_tool('tools/data/videos_to_npy.py', str(root / 'videos'),
             str(root / 'npy'), '--info-csv', str(root / 'video_info.csv'),
             '--num-workers', '2')
    out = run_tool('tools/data/segments_to_json.py', str(root / 'segments.csv'),
                   str(root / 'video_info.csv'), str(root / 'annotations.json'), '--classes',
                   str(root / 'classes.txt'), '--test-videos', 'clip_4').output
    assert '7 actions of 4 videos (1 testing, 3 training)' in out
    return root


def test_the_generic_json_holds_every_video_in_seconds(own_data):
    database = json.loads((own_data / 'annotations.json').read_text())['database']
    assert database['clip_4']['subset'] == 'testing' and database['clip_1']['subset'] == 'training'
    # 600 frames at 30 fps -> 200 frames at 10 fps: 20 s, what the npy file holds.
    assert database['clip_1']['duration'] == 20.0
    assert np.load(own_data / 'npy' / 'clip_1.npy', mmap_mode='r').shape == (200, 112, 112, 3)
    assert database['clip_2']['annotations'][1] == dict(segment=[12.0, 18.0], label='square')
    assert (own_data / 'classes.txt').read_text() == 'disc\nsquare\n'


def test_frames_then_features_train_test_and_detect(own_data, tmp_path):
    options = ['--data-root', str(own_data)]
    work = tmp_path / 'frames'
    trained = run_tool('tools/train.py', FRAMES_CONFIG, '--work-dir', str(work),
                       *options, '--cfg-options', 'train_cfg.val_interval=1').output
    # Validation scores against the JSON's 'testing' subset: its one video.
    assert 'Detection mAP (%) on 1 videos' in trained
    checkpoint = str(work / 'epoch_1.pth')
    out = tmp_path / 'detections.json'
    tested = run_tool('tools/test.py', FRAMES_CONFIG, checkpoint, '--work-dir',
                      str(tmp_path / 'test'), '--out', str(out), *options).output
    results = json.loads(out.read_text())['results']
    assert list(results) == ['clip_4'] and results['clip_4']
    # The JSON's test segments are the CSV's of clip_4, in seconds, labelled by name; the
    # metric scored the detections against them: the mAP the tool reports at every tIoU is
    # the one computed here from those segments (the log rounds to 4 decimals).
    ground_truth = load_ground_truth(str(own_data / 'annotations.json'), 'testing')
    assert ground_truth == {'clip_4': [(start, end, label)
                                       for label, start, end in SEGMENTS['clip_4']]}
    mean_ap, _ = detection_map(ground_truth, results, THUMOS14_TIOUS)
    reported = [float(re.findall(rf'detection/mAP@{tiou:g}: ([0-9.]+)', tested)[-1])
                for tiou in THUMOS14_TIOUS]
    assert reported == [round(float(value), 4) for value in mean_ap]
    run_tool('demo/detect_video.py', own_data / 'videos' / 'clip_4.mp4', FRAMES_CONFIG, checkpoint,
             '--out-json', tmp_path / 'clip_4.json', '--out-png', tmp_path / 'clip_4.png',
             '--gt', own_data / 'annotations.json', '--subset', 'testing', '--runtime', 'pytorch')
    assert json.loads((tmp_path / 'clip_4.json').read_text())['duration'] == 20.0
    assert cv2.imread(str(tmp_path / 'clip_4.png')) is not None

    features = own_data / 'features'
    log = run_tool('tools/data/extract_features.py', FRAMES_CONFIG,
                   str(own_data / 'npy'), str(features), '--checkpoint', checkpoint,
                   '--device', 'cpu', '--num-workers', '1').output
    assert '4 videos, 0 done before' in log and '[4/4]' in log
    # 200 frames, a feature every 4: 50 steps of the tiny I3D's 1024 channels.
    assert np.load(features / 'clip_1.npy').shape == (50, 1024)
    work = tmp_path / 'features'
    trained = run_tool('tools/train.py', FEATURES_CONFIG, '--work-dir',
                       str(work), *options).output
    out = tmp_path / 'feature_detections.json'
    run_tool('tools/test.py', FEATURES_CONFIG, str(work / 'epoch_1.pth'),
             '--work-dir', str(tmp_path / 'test_features'), '--out', str(out), *options)
    assert list(json.loads(out.read_text())['results']) == ['clip_4']
