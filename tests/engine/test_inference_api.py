"""inference_detector on a prepared video gives what tools/test.py writes for it."""
import json
import sys
from pathlib import Path

from mmengine.config import Config

from gaf_mmaction.apis import inference_detector, init_detector
from gaf_mmaction.datasets.windows import window_offsets
from gaf_mmaction.testing import TINY_VIDEOS
from tests.engine.conftest import TINY_CONFIG, run_tool
from tests.helpers import assert_same_detections, torch_threads


def test_inference_detector_equals_the_test_tool(trained_work_dir, data_options, tiny_files,
                                                 tmp_path):
    # Both paths compute the same way, so they agree bit for bit on any CPU: video_a's windows
    # form one batch in both (the test set lists video_a's windows first, then video_b's),
    # and both run on one thread (the tool's process has OMP_NUM_THREADS=1). Another batch
    # composition or thread count rounds the convolutions differently, which soft-NMS carries
    # into the scores (tests/helpers.py assert_same_detections).
    frames = TINY_VIDEOS['video_a'][0]
    dataset = Config.fromfile(TINY_CONFIG).test_dataloader.dataset
    batch = len(window_offsets(frames, dataset.clip_length, dataset.clip_stride))
    assert batch == 3  # windows at 0, 32 and 36
    checkpoint = str(trained_work_dir / 'epoch_1.pth')
    out = tmp_path / 'results.json'
    run_tool([sys.executable, 'tools/test.py', TINY_CONFIG, checkpoint, '--work-dir',
              str(tmp_path / 'test'), '--out', str(out), '--cfg-options', *data_options,
              f'test_dataloader.batch_size={batch}'])
    expected = json.loads(out.read_text())['results']['video_a']
    model = init_detector(TINY_CONFIG, checkpoint)
    with torch_threads(1):
        got = inference_detector(model, Path(tiny_files['video_dir']) / 'video_a.npy',
                                 batch_size=batch)
    # video_a: 100 frames at 10 fps; the tool's segments are clipped to those 10 s to compare
    # (and those left empty dropped), as inference_detector clips them after soft-NMS.
    expected = [dict(d, segment=[min(max(t, 0.0), frames / 10) for t in d['segment']])
                for d in expected]
    expected = [d for d in expected if d['segment'][1] > d['segment'][0]]
    assert got and len(got) == len(expected)
    assert_same_detections(expected, got)
