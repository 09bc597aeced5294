"""init_detector / inference_detector on one video: an array, an npy file or a video file."""
import json
import os
import subprocess
import sys

import cv2
import matplotlib.image as mpimg
import numpy as np
import pytest
import torch
from mmaction.registry import MODELS
from mmengine.config import Config
from mmengine.registry import init_default_scope

from gaf_mmaction.apis import DEMO_CONFIG, inference_detector, init_detector, load_frames
from gaf_mmaction.datasets.annotation_files import read_class_names, shipped_file
from gaf_mmaction.preparation import TruncatedVideoError, VideoDecoder
from gaf_mmaction.testing import write_mp4
from tests.helpers import REPO, TEST_DATA, assert_same_detections, torch_threads

TINY = TEST_DATA / 'configs' / 'gaf_tiny.py'


@pytest.fixture(scope='module')
def detector(module_tmp):
    init_default_scope('mmaction')
    torch.manual_seed(0)
    model = MODELS.build(Config.fromfile(TINY).model)
    path = module_tmp('ckpt') / 'tiny.pth'
    # Without the CVAEs, as a converted published checkpoint: testing does not need them.
    torch.save(dict(meta={}, state_dict={k: v for k, v in model.state_dict().items()
                                         if '.cvae.' not in k}), path)
    loaded = init_detector(TINY, str(path))
    assert not loaded.training
    assert all(torch.equal(v, model.state_dict()[k]) for k, v in loaded.state_dict().items()
               if '.cvae.' not in k)
    return loaded


def test_detections_of_an_array_and_of_its_npy_file(detector, tmp_path):
    frames = np.random.default_rng(0).integers(0, 256, (150, 40, 40, 3), dtype=np.uint8)
    detections = inference_detector(detector, frames, batch_size=3)
    assert detections, 'a random tiny model scores many pairs above 0.01'
    assert set(detections[0]) == {'segment', 'label', 'score'}
    scores = [d['score'] for d in detections]
    assert scores == sorted(scores, reverse=True)
    # Segments lie inside the 15 s video; labels are the config's classes (the tiny model's
    # three actions are the first three of the shipped THUMOS14 list).
    assert all(0 <= d['segment'][0] <= d['segment'][1] <= 15.0 for d in detections)
    classes = read_class_names(shipped_file('thumos14', 'Class_Index_Detection.txt'))
    assert {d['label'] for d in detections} <= set(classes[:3])
    # The npy file of the same frames, in the same batches: the same detections, bit for bit.
    np.save(tmp_path / 'frames.npy', frames)
    assert_same_detections(detections,
                           inference_detector(detector, tmp_path / 'frames.npy', batch_size=3))


def test_any_batch_size_gives_the_same_windows(detector, monkeypatch):
    # inference_detector cuts and batches the windows; the model runs each window of a batch
    # alone here, so batching cannot change the rounding and the detections must be equal bit
    # for bit whatever the batch size. (That the model's windows do not depend on the batch
    # is tests/models/test_inference.py's.)
    frames = np.random.default_rng(0).integers(0, 256, (150, 40, 40, 3), dtype=np.uint8)
    forward = detector.forward
    batches = []

    def one_window_at_a_time(inputs, data_samples, mode):
        batches.append(len(inputs))
        return [out for i in range(len(inputs))
                for out in forward(inputs[i:i + 1], data_samples[i:i + 1], mode=mode)]
    monkeypatch.setattr(detector, 'forward', one_window_at_a_time)
    detections = inference_detector(detector, frames, batch_size=1)
    # 150 frames: windows of 64 at 0, 32, 64 and 86.
    assert batches == [1, 1, 1, 1]
    for batch_size, sizes in ((3, [3, 1]), (8, [4])):
        batches.clear()
        assert_same_detections(detections,
                               inference_detector(detector, frames, batch_size=batch_size))
        assert batches == sizes


def write_video(path, seconds: float, fps: float = 30.0, size: int = 48) -> None:
    """A video of a bright square moving right over a grey background."""
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*'MJPG'), fps, (size, size))
    for t in range(int(seconds * fps)):
        frame = np.full((size, size, 3), 40, np.uint8)
        left = t % (size - 12)
        frame[18:30, left:left + 12] = 220
        writer.write(frame)
    writer.release()


def test_demo_script_on_a_video_of_several_windows(detector, tmp_path):
    # 10 s at 30 fps -> 100 frames at 10 fps: windows of 64 frames at 0, 32 and 36.
    video = tmp_path / 'moving.avi'
    write_video(video, 10.0)
    checkpoint = tmp_path / 'tiny.pth'
    torch.save(dict(meta={}, state_dict=detector.state_dict()), checkpoint)
    out_json, out_png = tmp_path / 'dets.json', tmp_path / 'timeline.png'
    proc = subprocess.run(
        [sys.executable, str(REPO / 'demo' / 'detect_video.py'), str(video), str(TINY),
         str(checkpoint), '--out-json', str(out_json), '--out-png', str(out_png),
         '--runtime', 'pytorch'],
        cwd=tmp_path, capture_output=True, text=True, timeout=300, check=False,
        env=dict(os.environ, OMP_NUM_THREADS='1'))
    assert proc.returncode == 0, proc.stderr[-3000:]
    written = json.loads(out_json.read_text())
    assert written['video'] == 'moving' and written['duration'] == 10.0
    detections = written['detections']
    assert detections and all(set(d) == {'segment', 'label', 'score'} for d in detections)
    assert all(0 < d['score'] <= 1 and 0 <= d['segment'][0] <= d['segment'][1] <= 10.0
               for d in detections)
    assert 'start (s)' in proc.stdout and mpimg.imread(out_png).ndim == 3
    # The same video as an npy file of its frames decoded as the config's test frames (10 fps,
    # 40 pixels) gives the same detections, bit for bit: the same batches (8 windows), on one
    # thread as the script's process.
    np.save(tmp_path / 'moving.npy', load_frames(video, sample_fps=10.0, frame_size=40))
    with torch_threads(1):
        again = inference_detector(detector, tmp_path / 'moving.npy')
    assert_same_detections(detections, again)


def test_video_file_is_resampled_to_10_fps(detector, tmp_path):
    path = tmp_path / 'clip.avi'
    write_video(path, 3.0)
    assert load_frames(path).shape == (30, 112, 112, 3)
    detections = inference_detector(detector, path)
    # 30 frames at 10 fps in one window padded to 64 frames: segments are clipped to 3 s.
    assert detections and max(d['segment'][1] for d in detections) == 3.0
    assert all(0 <= d['segment'][0] <= d['segment'][1] <= 3.0 for d in detections)


def test_bad_frames_are_named(detector):
    with pytest.raises(ValueError, match=r'expected \[T, H, W, C\] uint8 frames, got float32'):
        inference_detector(detector, np.zeros((10, 8, 8, 3), np.float32))


@pytest.mark.parametrize('config,message', [
    ('gaf_tiny_activitynet.py', (r'test_dataloader.dataset.type=ActivityNetDetectionDataset is '
                                r'not a SlidingWindowDataset.*docs/activitynet.md.*tools/test.py')),
    ('gaf_tiny_features.py', (r'test_dataloader.dataset.pipeline loads no frames '
                             r'\(LoadFeatureWindow.*tools/data/extract_features.py')),
    ('gaf_tiny_own_features.py', r'test_dataloader.dataset.pipeline loads no frames'),
])
def test_configs_the_api_cannot_serve_are_refused_before_decoding(config, message, tmp_path):
    model = init_detector(str(TEST_DATA / 'configs' / config), device='cpu')
    # No such video: the refusal comes before anything is read.
    with pytest.raises(ValueError, match=message):
        inference_detector(model, tmp_path / 'no_such_video.mp4')


def test_fusion_model_takes_both_streams(tmp_path):
    # The fusion config at the tiny sizes: 64-frame windows, 32-pixel crops of both streams.
    stream = "dict(head=dict(num_classes=4))"
    config = tmp_path / 'fusion_tiny.py'
    config.write_text(
        f"_base_ = [{str(REPO / 'configs/gaf/gaf_i3d_256x96x96_thumos14-rgb-flow-fusion.py')!r}]\n"
        f"model = dict(clip_length=64, crop_size=32, rgb={stream}, flow={stream})\n"
        "test_dataloader = dict(batch_size=2, num_workers=0, persistent_workers=False,\n"
        "    dataset=dict(clip_length=64, clip_stride=32, frame_size=40, pipeline=[\n"
        "        dict(type='LoadFrameWindow', pad_value=0),\n"
        "        dict(type='LoadFrameWindow', pad_value=0, filename_key='flow_filename',\n"
        "             out_key='flow_imgs'),\n"
        "        dict(type='CenterCropClip', size=32, keys=('imgs', 'flow_imgs')),\n"
        "        dict(type='PackDetectionInputs', input_keys=('imgs', 'flow_imgs'))]))\n")
    init_default_scope('mmaction')
    torch.manual_seed(0)
    fusion = MODELS.build(Config.fromfile(config).model)
    checkpoint = tmp_path / 'fusion.pth'
    torch.save(dict(meta={}, state_dict=fusion.state_dict()), checkpoint)
    model = init_detector(config, str(checkpoint))
    rng = np.random.default_rng(1)
    frames = rng.integers(0, 256, (80, 40, 40, 3), dtype=np.uint8)
    flow = rng.integers(0, 256, (80, 40, 40, 2), dtype=np.uint8)
    detections = inference_detector(model, frames, flow=flow)
    assert detections and all(0 <= d['segment'][0] <= d['segment'][1] <= 8.0
                              for d in detections)
    with pytest.raises(ValueError, match='The flow has 79 frames, the video 80'):
        inference_detector(model, frames, flow=flow[:79])


def demo_checkpoint(path, with_meta: bool):
    """A random model of the demo config, saved as tools/train.py saves it (with the training
    data's class names in meta.dataset_meta) or as a bare state dict file."""
    init_default_scope('mmaction')
    torch.manual_seed(0)
    model = MODELS.build(Config.fromfile(DEMO_CONFIG).model)
    meta = dict(dataset_meta=dict(classes=['SlidingSquare', 'PulsingDisc', 'SweepingBar'])) if (
        with_meta) else {}
    torch.save(dict(meta=meta, state_dict=model.state_dict()), path)
    return path


def run_demo_script(video, config, checkpoint, cwd, *options):
    return subprocess.run(
        [sys.executable, str(REPO / 'demo' / 'detect_video.py'), str(video), str(config),
         str(checkpoint), '--out-json', 'dets.json', '--runtime', 'pytorch', *options],
        cwd=cwd, capture_output=True, text=True, timeout=300, check=False)


def test_class_names_come_from_the_checkpoint(tmp_path):
    # The demo config's class list lives under its data_root (work_dirs/demo/data), which a
    # script run elsewhere does not have: the names come from the checkpoint instead.
    video = tmp_path / 'moving.avi'
    write_video(video, 4.0)
    checkpoint = demo_checkpoint(tmp_path / 'demo.pth', with_meta=True)
    proc = run_demo_script(video, DEMO_CONFIG, checkpoint, tmp_path)
    assert proc.returncode == 0, proc.stderr[-3000:]
    labels = {d['label'] for d in json.loads((tmp_path / 'dets.json').read_text())['detections']}
    assert labels and labels <= {'SlidingSquare', 'PulsingDisc', 'SweepingBar'}
    # A bare state dict names no classes; the config's list then must exist, and its absence
    # names both places looked at, and the option that points there.
    bare = demo_checkpoint(tmp_path / 'bare.pth', with_meta=False)
    proc = run_demo_script(video, DEMO_CONFIG, bare, tmp_path)
    assert proc.returncode == 1
    assert ("the checkpoint" in proc.stderr and 'bare.pth has no meta.dataset_meta' in proc.stderr
            and "work_dirs/demo/data/Class_Index_Detection.txt does not exist" in proc.stderr)
    (tmp_path / 'my data').mkdir()
    (tmp_path / 'my data' / 'Class_Index_Detection.txt').write_text('1 A\n2 B\n3 C\n')
    proc = run_demo_script(video, DEMO_CONFIG, bare, tmp_path, '--cfg-options',
                           f'test_dataloader.dataset.data_root={tmp_path / "my data"}')
    assert proc.returncode == 0, proc.stderr[-3000:]
    labels = {d['label'] for d in json.loads((tmp_path / 'dets.json').read_text())['detections']}
    assert labels and labels <= {'A', 'B', 'C'}


def test_a_truncated_video_is_refused_unless_allowed(detector, tmp_path):
    frames = np.random.default_rng(0).integers(0, 256, (300, 40, 40, 3), dtype=np.uint8)
    whole = write_mp4(tmp_path / 'whole.mp4', frames, 30.0)
    cut = tmp_path / 'cut.mp4'
    cut.write_bytes(whole.read_bytes()[:whole.stat().st_size // 2])
    checkpoint = tmp_path / 'tiny.pth'
    torch.save(dict(meta={}, state_dict=detector.state_dict()), checkpoint)
    proc = run_demo_script(cut, TINY, checkpoint, tmp_path)
    assert proc.returncode == 1 and 'Traceback' not in proc.stderr
    assert 'cut.mp4: decoded' in proc.stderr and 'of the 300 frames' in proc.stderr
    proc = run_demo_script(cut, TINY, checkpoint, tmp_path, '--allow-truncated')
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert json.loads((tmp_path / 'dets.json').read_text())['duration'] < 9.5
    with pytest.raises(TruncatedVideoError):
        inference_detector(detector, cut)


def test_a_video_streams_through_the_model_without_files(detector, tmp_path, monkeypatch):
    # 30 s at 10 fps: 300 frames, 9 windows of 64 frames every 32 (and one flush window).
    frames = np.random.default_rng(0).integers(0, 256, (900, 40, 40, 3), dtype=np.uint8)
    video = write_mp4(tmp_path / 'long.mp4', frames, 30.0)
    decoded, read_at_forward = [], []

    class CountingDecoder(VideoDecoder):
        def __iter__(self):
            for frame in super().__iter__():
                decoded.append(1)
                yield frame

    forward = detector.forward

    def counting_forward(*args, **kwargs):
        read_at_forward.append(len(decoded))
        return forward(*args, **kwargs)

    def no_file(*args, **kwargs):
        raise AssertionError('inference wrote a file')

    monkeypatch.setattr('gaf_mmaction.apis.inference.VideoDecoder', CountingDecoder)
    monkeypatch.setattr(detector, 'forward', counting_forward)
    monkeypatch.setattr(np, 'save', no_file)
    monkeypatch.setattr('tempfile.mkdtemp', no_file)
    monkeypatch.setattr('tempfile.mkstemp', no_file)
    detections = inference_detector(detector, video, batch_size=2)
    # Each batch of two windows ran once its frames had come, not after the whole video.
    assert read_at_forward[:4] == [96, 160, 224, 288] and len(decoded) == 300
    assert len(read_at_forward) == 5
    monkeypatch.undo()
    # The same detections as from the decoded frames held in memory, in the same batches.
    assert_same_detections(detections, inference_detector(
        detector, load_frames(video, frame_size=40), batch_size=2))
