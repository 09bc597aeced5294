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

from ..apis.inference import SAMPLE_FPS, detect_video, init_detector, window_sizes
from ..datasets.windows import window_offsets
from ..evaluation.detection_comparison import compare_detections
from ..testing import write_moving_square
from .benchmark import device_name

# The published test loop's way: batch 1 (below), and this test_cfg.
PUBLISHED_TEST_CFG = dict(autocast_dtype=None, compile=False, channels_last=False)
VIDEO_DIR = 'work_dirs/benchmark_video'
WARM_UP_SIZE = 112  # the frame side of decoded videos (preparation.VideoDecoder)


def published_model(model: torch.nn.Module) -> torch.nn.Module:
    """A copy of ``model`` (not run yet) that tests the published way."""
    published = copy.deepcopy(model)
    published.test_cfg = {**model.test_cfg, **PUBLISHED_TEST_CFG}
    return published


def bench_video(cfg: Config, device: torch.device, batch_size: int, iters: int = 1,
                warmup: int = 0, minutes: float = 5.0, checkpoint: str | None = None,
                video_dir: str = VIDEO_DIR, **_) -> dict:
    """Seconds for a ``minutes``-long video, the default way at ``batch_size`` and the
    published way, each the mean of ``iters`` runs after ``warmup`` untimed ones.

    The video (160x120 MJPEG at 30 fps, a square crossing a grey background) is written to
    ``video_dir`` once and reused. Returns the default run's figures (``items_per_s``:
    windows per second; ``seconds``), ``published`` (the same for the published way),
    ``speedup`` and ``detections`` (how far the default's detections are from the
    published ones: counts, matches at tIoU 0.9, largest score and boundary differences).
    """
    video = write_moving_square(Path(video_dir) / f'square_{minutes:g}min.avi', minutes * 60)
    torch.manual_seed(0)
    model = init_detector(cfg, checkpoint, str(device))
    ways = dict(default=(model, batch_size), published=(published_model(model), 1))
    clip_length, stride = window_sizes(cfg.test_dataloader.dataset)
    grey = np.full((clip_length, WARM_UP_SIZE, WARM_UP_SIZE, 3), 96, np.uint8)
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
    windows = len(window_offsets(round(duration * SAMPLE_FPS), clip_length, stride))

    def figures(name: str, batch: int, test_cfg: dict) -> dict:
        mean = sum(seconds[name]) / len(seconds[name])
        return dict(batch_size=batch, test_cfg={k: test_cfg.get(k) for k in PUBLISHED_TEST_CFG},
                    seconds=mean, items_per_s=windows / mean, runs=seconds[name])

    result = dict(mode='video', config=Path(cfg.filename).name if cfg.filename else None,
                  checkpoint=checkpoint, minutes=minutes, windows=windows,
                  device=device_name(device), torch=torch.__version__,
                  **figures('default', batch_size, model.test_cfg),
                  published=figures('published', 1, ways['published'][0].test_cfg))
    result['speedup'] = result['published']['seconds'] / result['seconds']
    result['detections'] = compare_detections({'video': detections['published']},
                                              {'video': detections['default']})
    return result
