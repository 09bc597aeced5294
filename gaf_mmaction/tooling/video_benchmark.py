"""``tools/benchmark.py CONFIG --mode video``: a generated video through the video API
(decoding, windows, model, post-processing), the default way and the published way.

The published way is the published test loop: one window at a time, float32, eager, the
default memory layout. Both runs use the same weights (a checkpoint's, or random ones seeded
0) and are interleaved, so that a shared machine slows both alike; their detections are
compared (``evaluation.compare_detections``). Each way first detects in one window's worth of
frames, untimed, so that neither pays the process's first-use costs (library start-up,
kernel selection) for the other.
"""
import copy
import time
from pathlib import Path

import numpy as np
import torch
from mmengine.config import Config

from ..apis.inference import detect_video, init_detector
from ..apis.video_contract import video_contract
from ..datasets.windows import window_offsets
from ..deployment import export_onnx, resolve_runtime
from ..evaluation.detection_comparison import compare_detections
from ..testing import write_moving_square
from .benchmark import clip_shape, device_name

# The published test loop's way: batch 1 (below), and this test_cfg.
PUBLISHED_TEST_CFG = dict(autocast_dtype=None, compile=False, channels_last=False)
VIDEO_DIR = 'work_dirs/benchmark_video'


def published_model(model: torch.nn.Module) -> torch.nn.Module:
    """A copy of ``model`` (not run yet) that tests the published way."""
    published = copy.deepcopy(model)
    published.test_cfg = {**model.test_cfg, **PUBLISHED_TEST_CFG}
    return published


def onnx_runtime_way(model: torch.nn.Module, cfg: Config, video_dir: str) -> tuple:
    """``model`` exported to ONNX in ``video_dir`` and loaded in ONNX Runtime, and the
    export's seconds."""
    path = Path(video_dir) / f'{Path(cfg.filename or "model").stem}.onnx'
    start = time.perf_counter()
    export_onnx(model, path, clip_shape(cfg), cfg, model.dataset_meta)
    seconds = time.perf_counter() - start
    return init_detector(cfg, str(path), 'cpu'), seconds


def bench_video(cfg: Config, device: torch.device, batch_size: int, iters: int = 1,
                warmup: int = 0, minutes: float = 5.0, checkpoint: str | None = None,
                video_dir: str = VIDEO_DIR, runtime: str = 'auto', **_) -> dict:
    """Seconds for a ``minutes``-long video, the default way at ``batch_size`` and the
    published way, each the mean of ``iters`` runs after ``warmup`` untimed ones.

    The default way is the video API's on ``device`` (``deployment.resolve_runtime`` of
    ``runtime``): on the CPU with the deploy extras, ONNX Runtime on the model exported to
    ``video_dir`` (the export's seconds are reported, not counted: the video API exports a
    checkpoint once), and then PyTorch's default way is measured too. The video (160x120
    MJPEG at 30 fps, a square crossing a grey background) is written to ``video_dir`` once
    and reused.

    Returns:
        The default way's figures (``seconds``, ``items_per_s``: windows per second,
        ``speedup`` over the published way, ``detections``: how far its detections are from
        the published ones, see ``compare_detections``), ``published`` (the published way's),
        and with ONNX Runtime ``pytorch`` (PyTorch's default way) and ``export_seconds``.
    """
    video = write_moving_square(Path(video_dir) / f'square_{minutes:g}min.avi', minutes * 60)
    runtime = resolve_runtime(runtime, device.type)
    torch.manual_seed(0)
    model = init_detector(cfg, checkpoint, str(device))
    ways = dict(default=(model, batch_size))
    if runtime == 'onnxruntime':
        exported, export_seconds = onnx_runtime_way(published_model(model), cfg, video_dir)
        ways = dict(default=(exported, batch_size), pytorch=(model, batch_size))
    ways['published'] = (published_model(model), 1)
    contract = video_contract(cfg, model)
    grey = np.full((contract.clip_length, contract.frame_size, contract.frame_size, 3), 96,
                   np.uint8)
    for way, batch in ways.values():
        detect_video(way, grey, batch)
    seconds = {name: [] for name in ways}
    detections = {}
    for run in range(warmup + iters):
        for name, (way, batch) in ways.items():
            start = time.perf_counter()
            detections[name], duration = detect_video(way, video, batch)
            if run >= warmup:
                seconds[name].append(time.perf_counter() - start)
    windows = len(window_offsets(round(duration * contract.frame_rate), contract.clip_length,
                                 contract.clip_stride))
    published_seconds = sum(seconds['published']) / len(seconds['published'])

    def figures(name: str) -> dict:
        way, batch = ways[name]
        mean = sum(seconds[name]) / len(seconds[name])
        found = dict(batch_size=batch, seconds=mean, items_per_s=windows / mean,
                     runs=seconds[name])
        if hasattr(way, 'test_cfg'):
            found['test_cfg'] = {k: way.test_cfg.get(k) for k in PUBLISHED_TEST_CFG}
        if name != 'published':
            found.update(speedup=published_seconds / mean, detections=compare_detections(
                {'video': detections['published']}, {'video': detections[name]}))
        return found

    result = dict(mode='video', config=Path(cfg.filename).name if cfg.filename else None,
                  checkpoint=checkpoint, minutes=minutes, windows=windows, runtime=runtime,
                  device=device_name(device), torch=torch.__version__, **figures('default'),
                  **{name: figures(name) for name in ways if name != 'default'})
    if runtime == 'onnxruntime':
        result['export_seconds'] = export_seconds
    return result
