"""inference_detector on a prepared video gives what tools/test.py writes for it."""
import json
import sys
from pathlib import Path

from gaf_mmaction.apis import inference_detector, init_detector
from tests.engine.conftest import TINY_CONFIG, run_tool
from tests.helpers import assert_same_detections


def test_inference_detector_equals_the_test_tool(trained_work_dir, data_options, tiny_files,
                                                 tmp_path):
    checkpoint = str(trained_work_dir / 'epoch_1.pth')
    out = tmp_path / 'results.json'
    run_tool([sys.executable, 'tools/test.py', TINY_CONFIG, checkpoint, '--work-dir',
              str(tmp_path / 'test'), '--out', str(out), '--cfg-options', *data_options])
    expected = json.loads(out.read_text())['results']['video_a']
    model = init_detector(TINY_CONFIG, checkpoint)
    got = inference_detector(model, Path(tiny_files['video_dir']) / 'video_a.npy')
    # video_a: 100 frames at 10 fps; the tool's segments are clipped to those 10 s to compare
    # (and those left empty dropped).
    expected = [dict(d, segment=[min(max(t, 0.0), 10.0) for t in d['segment']])
                for d in expected]
    expected = [d for d in expected if d['segment'][1] > d['segment'][0]]
    assert got and len(got) == len(expected)
    assert_same_detections(expected, got)
