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
from ..deployment import EXPORTED_DETECTORS, export_onnx, resolve_runtime, runtime_installed
from ..evaluation.detection_comparison import compare_detections
from ..testing import write_moving_square
from .benchmark import clip_shape, device_name

# The published test loop's way: batch 1 (below), and this test_cfg (whole windows).
PUBLISHED_TEST_CFG = dict(autocast_dtype=None, compile=False, channels_last=False,
                          share_stem=False)
VIDEO_DIR = 'work_dirs/benchmark_video'


def published_model(model: torch.nn.Module) -> torch.nn.Module:
    """A copy of ``model`` (not run yet) that tests the published way."""
    published = copy.deepcopy(model)
    published.test_cfg = {**model.test_cfg, **PUBLISHED_TEST_CFG}
    return published


def export_to(model: torch.nn.Module, cfg: Config, video_dir: str) -> tuple[str, float]:
    """``model`` exported to ONNX in ``video_dir``: the file and the export's seconds."""
    path = Path(video_dir) / f'{Path(cfg.filename or "model").stem}.onnx'
    start = time.perf_counter()
    export_onnx(model, path, clip_shape(cfg), cfg, model.dataset_meta)
    return str(path), time.perf_counter() - start


def bench_video(cfg: Config, device: torch.device, batch_size: int, iters: int = 1,
                warmup: int = 0, minutes: float = 5.0, checkpoint: str | None = None,
                video_dir: str = VIDEO_DIR, runtime: str = 'auto', **_) -> dict:
    """Seconds for a ``minutes``-long video, the default way at ``batch_size`` and the
    published way, each the mean of ``iters`` runs after ``warmup`` untimed ones.

    The default way is the video API's on ``device`` (``deployment.resolve_runtime`` of
    ``runtime``). When that is a runtime of an exported file (on the CPU with the deploy
    extras: OpenVINO), the model is exported to ``video_dir`` once (the export's seconds are
    reported, not counted: the video API exports a checkpoint once), and PyTorch's default way
    and every other installed runtime of the file are measured too. The video (160x120
    MJPEG at 30 fps, a square crossing a grey background) is written to ``video_dir`` once
    and reused.

    Returns:
        The default way's figures (``seconds``, ``items_per_s``: windows per second,
        ``speedup`` over the published way, ``detections``: how far its detections are from
        the published ones, see ``compare_detections``), ``published`` (the published way's),
        and with an exported file ``pytorch`` (PyTorch's default way), the other runtimes'
        figures by name (``onnxruntime``, ``openvino``) and ``export_seconds``.
    """
    video = write_moving_square(Path(video_dir) / f'square_{minutes:g}min.avi', minutes * 60)
    runtime = resolve_runtime(runtime, device.type)
    torch.manual_seed(0)
    model = init_detector(cfg, checkpoint, str(device))
    ways = dict(default=(model, batch_size))
    if runtime != 'pytorch':
        onnx_file, export_seconds = export_to(published_model(model), cfg, video_dir)
        ways = dict(default=(init_detector(cfg, onnx_file, 'cpu', runtime=runtime), batch_size),
                    pytorch=(model, batch_size))
        ways.update({other: (init_detector(cfg, onnx_file, 'cpu', runtime=other), batch_size)
                     for other in EXPORTED_DETECTORS
                     if other != runtime and runtime_installed(other)})
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
    if runtime != 'pytorch':
        result['export_seconds'] = export_seconds
    return result
