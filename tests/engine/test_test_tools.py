"""tools/test.py and tools/dist_test.sh on a checkpoint trained by tools/train.py."""
import json
import sys

import numpy as np

from gaf_mmaction.evaluation import THUMOS14_TIOUS, detection_map, load_ground_truth
from tests.engine.conftest import TINY_CONFIG, run_tool


def test_single_and_two_process_testing_agree(trained_work_dir, tmp_path, data_options,
                                              tiny_files):
    checkpoint = str(trained_work_dir / 'epoch_1.pth')
    single = tmp_path / 'single.json'
    log = run_tool([sys.executable, 'tools/test.py', TINY_CONFIG, checkpoint, '--work-dir',
                    str(tmp_path / 'w1'), '--out', str(single), '--cfg-options', *data_options])
    assert 'detection/mAP@0.5' in log and 'Detection mAP (%) on 2 videos' in log
    double = tmp_path / 'double.json'
    run_tool(['bash', 'tools/dist_test.sh', TINY_CONFIG, checkpoint, '2', '--work-dir',
              str(tmp_path / 'w2'), '--out', str(double), '--cfg-options', *data_options])
    one, two = (json.loads(p.read_text()) for p in (single, double))
    assert set(one['results']) == set(two['results']) == {'video_a', 'video_b'}
    gt = load_ground_truth(tiny_files['gt_file'], 'test')
    map_one, _ = detection_map(gt, one['results'], THUMOS14_TIOUS)
    map_two, _ = detection_map(gt, two['results'], THUMOS14_TIOUS)
    assert map_one.tolist() == map_two.tolist()
    # Windows are batched differently over two processes: scores agree to float precision.
    for video in one['results']:
        rows = [sorted((d['label'], *d['segment'], d['score']) for d in r['results'][video])
                for r in (one, two)]
        assert len(rows[0]) == len(rows[1])
        for a, b in zip(*rows):
            assert a[0] == b[0] and np.allclose(a[1:], b[1:], rtol=1e-4, atol=1e-6)
