"""Detect actions in one video with a trained model, as MMDetection's ``inference_detector``.

The video goes through exactly the test path of ``tools/test.py``: the config's test dataset
(its windows and pipeline) over the video's frames, the model's ``predict``, and the test
metric's merging and soft-NMS, without a ground truth.
"""
import tempfile
from pathlib import Path

import numpy as np
import torch
from mmaction.registry import DATASETS, METRICS, MODELS
from mmengine.config import Config
from mmengine.dataset import pseudo_collate
from mmengine.registry import init_default_scope
from mmengine.utils import ProgressBar

from ..checkpoint.exact_load import load_checkpoint_exact
from ..datasets.annotation_files import VideoInfo
from ..datasets.annotation_writer import write_class_index, write_video_info
from ..models.attention import CVAE_KEYS
from ..preparation import read_video, tvl1_flow

SAMPLE_FPS = 10.0  # the frame rate of the data preparation and of the THUMOS14 configs
SLIDING_WINDOW_DATASETS = ('Thumos14Dataset', )


def init_detector(config: str | Path | Config, checkpoint: str | None = None,
                  device: str = 'cpu', cfg_options: dict | None = None) -> torch.nn.Module:
    """Build the config's model, load ``checkpoint`` (safely, every key accounted for), eval.

    The CVAEs, which testing does not use, may be absent from the checkpoint. The config is
    kept as ``model.cfg`` for :func:`inference_detector`, the checkpoint's
    ``meta.dataset_meta`` (what ``tools/train.py`` records of the training data: its class
    names) as ``model.dataset_meta`` (None without it), and the checkpoint's path as
    ``model.checkpoint``.
    """
    cfg = config if isinstance(config, Config) else Config.fromfile(str(config))
    if cfg_options:
        cfg.merge_from_dict(cfg_options)
    init_default_scope(cfg.get('default_scope', 'mmaction'))
    model_cfg = cfg.model.copy()
    if checkpoint and 'pretrained' in model_cfg.get('backbone', {}):
        # The checkpoint holds the backbone: do not read the Kinetics weights first.
        model_cfg.backbone = dict(model_cfg.backbone, pretrained=None)
    model = MODELS.build(model_cfg)
    meta = load_checkpoint_exact(model, checkpoint, allow_missing=(CVAE_KEYS, )) if (
        checkpoint) else {}
    model.cfg = cfg
    model.dataset_meta = meta.get('dataset_meta')
    model.checkpoint = checkpoint
    return model.to(device).eval()


def inference_detector(model: torch.nn.Module, video: str | Path | np.ndarray,
                       batch_size: int = 8, progress: bool = False,
                       flow: str | Path | np.ndarray | None = None,
                       allow_truncated: bool = False) -> list[dict]:
    """Detections of one video, in seconds, best first.

    Args:
        model: From :func:`init_detector`: a single-stream model (RGB, flow or features)
            or the RGB + flow fusion model.
        video: A video file (decoded and resampled to 10 fps and 112x112 frames, as the data
            preparation does), an npy frame file, or a uint8 array [T, H, W, C] at 10 fps.
        batch_size: Windows per forward pass.
        progress: Show a progress bar over the windows.
        flow: For the fusion model, the video's flow: an npy file or a uint8 array
            [T, H, W, 2] at 10 fps (as ``tools/data/videos_to_npy.py --flow-dir`` writes);
            None computes TV-L1 flow from the frames (about 0.3 s per frame and core).
        allow_truncated: Detect in what decodes of a video file that decodes to fewer
            frames than its container states, instead of raising
            :class:`~gaf_mmaction.preparation.TruncatedVideoError`.

    Returns:
        ``[{'segment': [start, end], 'label': class name, 'score': p}, ...]`` sorted by score,
        segments clipped to the video (a window padded past its end can reach beyond it).
        Class names are those the checkpoint was trained with (``model.dataset_meta``), else
        those of the config's test class list.
    """
    cfg = model.cfg
    dataset_type = cfg.test_dataloader.dataset.get('type')
    if dataset_type not in SLIDING_WINDOW_DATASETS:
        raise ValueError(
            f'inference_detector runs configs whose test data are sliding windows over 10 fps '
            f'frames ({", ".join(SLIDING_WINDOW_DATASETS)}); this config tests on '
            f'{dataset_type}. For ActivityNet, prepare the video as docs/activitynet.md says '
            'and run tools/test.py (its labels come from a video-level classification).')
    frames = load_frames(video, allow_truncated)
    with tempfile.TemporaryDirectory() as tmp:
        np.save(Path(tmp) / 'video.npy', frames)
        prefix = dict(video=tmp)
        if type(model).__name__ == 'GAFFusionDetector':
            flow_frames = tvl1_flow(frames) if flow is None else load_frames(flow)
            if len(flow_frames) != len(frames):
                raise ValueError(f'The flow has {len(flow_frames)} frames, the video '
                                 f'{len(frames)}: give the flow of this video')
            (Path(tmp) / 'flow').mkdir()
            np.save(Path(tmp) / 'flow' / 'video.npy', flow_frames)
            prefix['flow'] = str(Path(tmp) / 'flow')
        info_file = Path(tmp) / 'video_info.csv'
        write_video_info(info_file, {'video': VideoInfo(
            fps=SAMPLE_FPS, sample_fps=SAMPLE_FPS, count=len(frames), sample_count=len(frames))})
        dataset_cfg = dict(cfg.test_dataloader.dataset, data_prefix=prefix,
                           video_info_file=str(info_file), test_mode=True)
        dataset_cfg.update(class_index_file=class_index_file(model, dataset_cfg, Path(tmp)))
        dataset = DATASETS.build(dataset_cfg)
        metric = METRICS.build(cfg.test_evaluator)
        metric.dataset_meta = dataset.metainfo
        bar = ProgressBar(len(dataset)) if progress else None
        with torch.no_grad():
            for start in range(0, len(dataset), batch_size):
                batch = pseudo_collate([dataset[i] for i in range(
                    start, min(start + batch_size, len(dataset)))])
                data = model.data_preprocessor(batch)
                samples = model(**data, mode='predict')
                metric.process(batch, [s.to_dict() for s in samples])
                if bar:
                    bar.update(len(samples))
    merged, _ = metric.merged_results(metric.results)
    duration = len(frames) / SAMPLE_FPS
    detections = [dict(d, segment=[min(max(t, 0.0), duration) for t in d['segment']])
                  for d in merged.get('video', [])]
    return sorted(detections, key=lambda d: d['score'], reverse=True)


def class_index_file(model: torch.nn.Module, dataset_cfg: dict, folder: Path) -> str | None:
    """The class index file of the model's classes: one written into ``folder`` from the
    checkpoint's ``dataset_meta``, else the config's (under its ``data_root``).

    Raises:
        FileNotFoundError: Naming the checkpoint and the config's file when neither has them.
    """
    classes = (getattr(model, 'dataset_meta', None) or {}).get('classes')
    if classes:
        path = folder / 'classes.txt'
        write_class_index(path, list(enumerate(classes, 1)))
        return str(path)
    configured = dataset_cfg.get('class_index_file')
    if configured is None:
        return None  # the shipped THUMOS14 list
    path = Path(dataset_cfg.get('data_root') or '') / configured
    if not path.is_file():
        raise FileNotFoundError(
            f'No class names for the detections: the checkpoint '
            f'{getattr(model, "checkpoint", None) or "(none given)"} has no meta.dataset_meta '
            f'(tools/train.py writes it) and the config\'s class index file {path} does not '
            'exist; pass --cfg-options test_dataloader.dataset.data_root=... (or '
            'class_index_file=...) to point at it')
    return configured


def load_frames(video: str | Path | np.ndarray, allow_truncated: bool = False) -> np.ndarray:
    """[T, H, W, C] uint8 frames at 10 fps of a video file, an npy file or an array
    (``allow_truncated``: see :func:`~gaf_mmaction.preparation.read_video`)."""
    if isinstance(video, np.ndarray):
        frames = video
    elif Path(video).suffix == '.npy':
        frames = np.load(video)
    else:
        frames, _ = read_video(video, sample_fps=SAMPLE_FPS, allow_truncated=allow_truncated)
    if frames.ndim != 4 or frames.dtype != np.uint8 or not len(frames):
        raise ValueError(f'{video if not isinstance(video, np.ndarray) else "The array"}: '
                         f'expected [T, H, W, C] uint8 frames, got {frames.dtype} '
                         f'{tuple(frames.shape)}')
    return frames
