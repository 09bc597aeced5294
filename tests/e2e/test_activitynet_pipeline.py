"""ActivityNet-1.3 end to end on generated data in the official layout (docs/activitynet.md):
official JSON -> video info -> train (both passes) -> test with the video-level classifier."""
import json
import re
from pathlib import Path

import pytest

from gaf_mmaction.testing import write_activitynet_like
from tests.helpers import TEST_DATA, run_tool

TINY_ANET_CONFIG = str(TEST_DATA / 'configs' / 'gaf_tiny_activitynet.py')
TIOUS = ('0.5', '0.55', '0.6', '0.65', '0.7', '0.75', '0.8', '0.85', '0.9', '0.95')


@pytest.fixture(scope='module')
def anet(module_tmp) -> dict:
    root = module_tmp('activitynet')
    files = write_activitynet_like(root)
    files['video_info'] = str(root / 'video_info_train_val.json')
    run_tool('tools/data/activitynet_video_info.py', files['annotation_file'],
             files['encoded_csv'], files['video_info'])
    files['options'] = [
        *(f'{split}_dataloader.dataset.{key}={value}' for split in ('train', 'val', 'test')
          for key, value in (('ann_file', files['video_info']),
                             ('data_prefix.video', files['video_dir']))),
        *(f'{split}_evaluator.{key}={value}' for split in ('val', 'test')
          for key, value in (('gt_file', files['annotation_file']),
                             ('post_processor.video_classification_file',
                              files['classification_file'])))]
    return files


@pytest.fixture(scope='module')
def trained(anet, module_tmp) -> tuple[Path, str]:
    """Work dir and log of one epoch of tools/train.py."""
    work = module_tmp('anet_work')
    log = run_tool('tools/train.py', TINY_ANET_CONFIG, '--work-dir', str(work),
                   '--cfg-options', 'train_cfg.max_epochs=1', *anet['options']).output
    return work, log


def test_train_then_test_writes_activitynet_results(anet, trained, tmp_path):
    work, log = trained
    # 3 training videos, batch 2 (drop_last): one step per pass, both passes logged.
    assert 'Epoch(train) [1][cvae 1/1]' in log and 'Epoch(train) [1][detector 1/1]' in log
    detector_line = next(line for line in log.splitlines() if '][detector 1/1]' in line)
    for term in ('loss_loc', 'loss_conf', 'loss_prop_loc', 'loss_bg', 'loss_start',
                 'loss_recon'):
        assert f'det/{term}' in detector_line
    results = tmp_path / 'results.json'
    log = run_tool('tools/test.py', TINY_ANET_CONFIG, str(work / 'epoch_1.pth'),
                   '--cfg-options', f'test_evaluator.out_file={results}', *anet['options']).output
    for tiou in TIOUS:
        assert re.search(rf'detection/mAP@{tiou}: [0-9.]+', log), tiou
    assert re.search(r'detection/mAP_avg: [0-9.]+', log)
    written = json.loads(results.read_text())
    assert written['version'] == 'ActivityNet-v1.3' and written['external_data'] == {}
    durations = {'vid_d': 6.0, 'vid_e': 4.0, 'vid_f': 1.5}
    assert set(written['results']) == set(durations)
    top_class = {'vid_d': 'Shaving', 'vid_e': 'Rafting', 'vid_f': 'Shaving'}
    for video, detections in written['results'].items():
        assert 0 < len(detections) <= 100
        assert {d['label'] for d in detections} == {top_class[video]}
        assert all(0 <= d['segment'][0] < d['segment'][1] <= durations[video]
                   for d in detections)
        # Score = detection score x the classifier's 0.9.
        assert all(0 < d['score'] <= 0.9 for d in detections)
        scores = [d['score'] for d in detections]
        assert scores == sorted(scores, reverse=True)


def test_a_test_video_missing_from_the_classifier_is_named(anet, trained, tmp_path):
    classification = json.loads(Path(anet['classification_file']).read_text())
    del classification['results']['vid_e']
    partial = tmp_path / 'partial.json'
    partial.write_text(json.dumps(classification))
    proc = run_tool('tools/test.py', TINY_ANET_CONFIG, trained[0] / 'epoch_1.pth', '--cfg-options',
                    *anet['options'],
                    f'test_evaluator.post_processor.video_classification_file={partial}',
                    check=False)
    assert proc.returncode != 0
    assert f"{partial}: the video-level classification lacks test video 'vid_e'" in (
        proc.output)
