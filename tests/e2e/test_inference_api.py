"""inference_detector on a video gives exactly what tools/test.py gives on the same video prepared
by the repository's own preparation, at the config's own frame rate (25 fps here, not the 10 of
THUMOS14): the API takes the rate, frame size, windows and batch size from the config."""
import json

import numpy as np
import torch
from mmaction.registry import MODELS
from mmengine.config import Config

from gaf_mmaction.apis import detect_video, init_detector
from gaf_mmaction.evaluation.video_merging import clip_to_durations
from gaf_mmaction.preparation.video_frames import read_video
from gaf_mmaction.testing import write_mp4
from tests.helpers import TEST_DATA, run_tool

FRAMES_CONFIG = str(TEST_DATA / 'configs' / 'gaf_tiny_own_videos.py')
RATE = 25.0


def in_order(detections: list[dict]) -> list[tuple]:
    """Detections as comparable tuples (the post-processing's order is not the API's)."""
    return sorted((d['label'], *d['segment'], d['score']) for d in detections)


def test_inference_detector_equals_the_test_tool_at_25_fps(tmp_path):
    # A 10 s clip at 25 fps, prepared as tools/data/videos_to_npy.py --fps 25 prepares it.
    root = tmp_path / 'my_videos'
    (root / 'npy').mkdir(parents=True)
    video = write_mp4(tmp_path / 'clip.mp4', np.random.default_rng(0).integers(
        0, 256, (250, 48, 64, 3), dtype=np.uint8), RATE)
    frames, _ = read_video(video, sample_fps=RATE, size=112)
    np.save(root / 'npy' / 'clip.npy', frames)
    duration = len(frames) / RATE
    (root / 'annotations.json').write_text(json.dumps({'database': {'clip': dict(
        subset='testing', duration=duration,
        annotations=[dict(segment=[1.0, 3.0], label='jump')])}}))
    (root / 'classes.txt').write_text('jump\nrun\n')
    rate = {f'{split}_dataloader.dataset.steps_per_second': RATE
            for split in ('train', 'val', 'test')}
    # A random model, saved as tools/train.py saves one (with the class names).
    cfg = Config.fromfile(FRAMES_CONFIG)
    cfg.merge_from_dict(rate)
    torch.manual_seed(0)
    checkpoint = tmp_path / 'model.pth'
    torch.save(dict(meta=dict(dataset_meta=dict(classes=['jump', 'run'])),
                    state_dict=MODELS.build(cfg.model).state_dict()), checkpoint)

    out = tmp_path / 'results.json'
    # One thread in both (the tool's process runs with OMP_NUM_THREADS=1): the two paths then
    # batch the same windows alike and compute alike, so they agree exactly.
    run_tool('tools/test.py', FRAMES_CONFIG, str(checkpoint), '--work-dir',
             str(tmp_path / 'test'), '--out', str(out), '--data-root', str(root),
             '--cfg-options', *(f'{k}={v}' for k, v in rate.items()))
    expected = json.loads(out.read_text())['results']['clip']
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        model = init_detector(FRAMES_CONFIG, str(checkpoint), device='cpu', cfg_options={
            **rate, 'test_dataloader.dataset.data_root': str(root)})
        got, got_duration = detect_video(model, video)
    finally:
        torch.set_num_threads(threads)
    assert got_duration == duration == 10.0
    # The API clips segments to the video (a window padded past its end reaches beyond it);
    # the tool's are clipped the same way to compare.
    expected = clip_to_durations({'clip': expected}, {'clip': duration})['clip']
    assert len(got) > 10 and in_order(got) == in_order(expected)
    assert {d['label'] for d in got} == {'jump', 'run'}
