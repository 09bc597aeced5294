"""Detect actions in one video with a trained model, as MMDetection's ``inference_detector``.

The video goes through the test path of ``tools/test.py`` as a stream: frames are decoded (or
read from an npy file) as they are needed, cut into the config's test windows as they arrive,
put through its test pipeline and the model in batches, and the window detections merged by
the test metric's post-processing (:class:`~gaf_mmaction.evaluation.VideoPostProcessor`). No
file is written and memory holds a few windows, whatever the video's length.
"""
import inspect
from collections.abc import Iterable, Iterator
from pathlib import Path

import numpy as np
import torch
from mmaction.registry import DATASETS, MODELS
from mmengine.config import Config
from mmengine.dataset import Compose, pseudo_collate
from mmengine.registry import init_default_scope
from mmengine.utils import ProgressBar

from ..checkpoint.exact_load import load_checkpoint_exact
from ..datasets.annotation_files import read_class_names, shipped_file
from ..datasets.base import SlidingWindowDataset
from ..datasets.file_checks import open_array
from ..datasets.windows import stream_windows, window_offsets
from ..deployment import checkpoint_onnx, onnx_model_config, resolve_runtime
from ..evaluation.post_processing import VideoPostProcessor, post_processor_of
from ..preparation import VideoDecoder, tvl1_flow_stream
from ..structures import CVAE_KEYS

SAMPLE_FPS = 10.0  # the frame rate of the data preparation and of the THUMOS14 configs
VIDEO_NAME = 'video'


def init_detector(config: str | Path | Config, checkpoint: str | None = None,
                  device: str | None = None, cfg_options: dict | None = None,
                  runtime: str = 'pytorch') -> torch.nn.Module:
    """Build the config's model, load ``checkpoint`` (safely, every key accounted for), eval.

    ``device`` defaults to 'cuda:0' (MMAction2's default) when CUDA is available, else the
    CPU.

    The CVAEs, which testing does not use, may be absent from the checkpoint. A ``.onnx``
    ``checkpoint`` (``tools/deployment/export_onnx.py``) runs the network in ONNX Runtime
    (:class:`~gaf_mmaction.deployment.ONNXRuntimeDetector`); so does a ``.pth`` checkpoint
    with ``runtime`` 'onnxruntime' (or 'auto' on the CPU with the deploy extras installed),
    exported once beside it (:func:`~gaf_mmaction.deployment.checkpoint_onnx`). The config is
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
    if device is None:
        device = 'cuda:0' if torch.cuda.is_available() else 'cpu'
    if checkpoint and resolve_runtime(runtime, device) == 'onnxruntime' and not str(
            checkpoint).endswith('.onnx'):
        checkpoint = str(checkpoint_onnx(cfg, checkpoint))
    if str(checkpoint).endswith('.onnx'):
        model = MODELS.build(onnx_model_config(cfg.model, checkpoint))
        meta = dict(dataset_meta=model.exported_dataset_meta)
    else:
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
    """Detections of one video, in seconds, best first (see :func:`detect_video`)."""
    return detect_video(model, video, batch_size, progress, flow, allow_truncated)[0]


def detect_video(model: torch.nn.Module, video: str | Path | np.ndarray, batch_size: int = 8,
                 progress: bool = False, flow: str | Path | np.ndarray | None = None,
                 allow_truncated: bool = False) -> tuple[list[dict], float]:
    """Detections of one video, in seconds, best first, and its duration in seconds.

    Args:
        model: From :func:`init_detector`: a single-stream model (RGB, flow or features)
            or the RGB + flow fusion model.
        video: A video file (decoded and resampled to 10 fps and 112x112 frames, as the data
            preparation does), an npy frame file, or a uint8 array [T, H, W, C] at 10 fps.
        batch_size: Windows per forward pass.
        progress: Show a progress bar over the windows.
        flow: For the fusion model, the video's flow: an npy file or a uint8 array
            [T, H, W, 2] at 10 fps (as ``tools/data/videos_to_npy.py --flow-dir`` writes);
            None computes TV-L1 flow from the frames as they come (about 0.3 s per frame and
            core).
        allow_truncated: Detect in what decodes of a video file that decodes to fewer
            frames than its container states, instead of raising
            :class:`~gaf_mmaction.preparation.TruncatedVideoError` (which comes once the
            decoding has ended).

    Returns:
        ``[{'segment': [start, end], 'label': class name, 'score': p}, ...]`` sorted by score,
        segments clipped to the video (a window padded past its end can reach beyond it;
        those left empty are dropped), and the video's duration. Class names are those the
        checkpoint was trained with (``model.dataset_meta``), else those of the config's
        test class list.
    """
    cfg = model.cfg
    dataset_cfg = cfg.test_dataloader.dataset
    clip_length, stride = window_sizes(dataset_cfg)
    classes = class_names(model, dataset_cfg)
    pipeline = Compose(dataset_cfg.pipeline)
    post = post_processor_of(cfg.test_evaluator, clip_to_duration=True)
    frames, expected = frame_stream(video, allow_truncated)
    fusion = type(model).__name__ == 'GAFFusionDetector'
    if fusion:
        frames = with_flow(frames, flow)
    count = 0

    def counted(stream: Iterable[np.ndarray]) -> Iterator[np.ndarray]:
        nonlocal count
        for frame in stream:
            count += 1
            yield frame

    total = len(window_offsets(expected, clip_length, stride)) if expected else 0
    bar = ProgressBar(total) if progress else None
    windows, batch = [], []

    def run() -> None:
        data = model.data_preprocessor(pseudo_collate([pipeline(w) for w in batch]))
        with torch.no_grad():
            samples = model(**data, mode='predict')
        windows.extend(VideoPostProcessor.window_detections(s.to_dict()) for s in samples)
        if bar:
            bar.update(len(batch))
        batch.clear()

    for offset, clip in stream_windows(counted(frames), clip_length, stride):
        window = dict(video_name=VIDEO_NAME, offset=offset, clip_length=clip_length,
                      fps=SAMPLE_FPS)
        if fusion:
            window.update(frames=clip[..., :3], flow_frames=clip[..., 3:])
        else:
            window['frames'] = clip
        batch.append(window)
        if len(batch) == batch_size:
            run()
    if batch:
        run()
    if not count:
        raise ValueError(f'{_name(video)}: no frame to detect in')
    duration = count / SAMPLE_FPS
    for window in windows:
        window['duration'] = duration
    merged, _ = post(windows, classes)
    detections = sorted(merged.get(VIDEO_NAME, []), key=lambda d: d['score'], reverse=True)
    return detections, duration


def window_sizes(dataset_cfg: dict) -> tuple[int, int]:
    """The test windows' ``clip_length`` and ``clip_stride`` of a sliding-window dataset config.

    Raises:
        ValueError: For a dataset that is not a :class:`SlidingWindowDataset` (ActivityNet),
            with the way to go.
    """
    dataset_type = dataset_cfg.get('type')
    dataset_class = DATASETS.get(dataset_type) if isinstance(dataset_type, str) else dataset_type
    sliding = isinstance(dataset_class, type) and issubclass(dataset_class, SlidingWindowDataset)
    if not sliding:
        raise ValueError(
            f'inference_detector runs configs whose test data are sliding windows over 10 fps '
            f'frames (a SlidingWindowDataset); this config tests on {dataset_type}. For '
            'ActivityNet, prepare the video as docs/activitynet.md says and run tools/test.py '
            '(its labels come from a video-level classification).')
    defaults = inspect.signature(SlidingWindowDataset).parameters
    return tuple(dataset_cfg.get(key, defaults[key].default)
                 for key in ('clip_length', 'clip_stride'))


def class_names(model: torch.nn.Module, dataset_cfg: dict) -> list[str]:
    """The model's class names: the checkpoint's ``dataset_meta``, else the config's class
    index file (under its ``data_root``; the shipped THUMOS14 list when it names none).

    Raises:
        FileNotFoundError: Naming the checkpoint and the config's file when neither has them.
    """
    classes = (getattr(model, 'dataset_meta', None) or {}).get('classes')
    if classes:
        return list(classes)
    configured = dataset_cfg.get('class_index_file')
    if configured is None:
        return read_class_names(shipped_file('thumos14', 'Class_Index_Detection.txt'))
    path = Path(dataset_cfg.get('data_root') or '') / configured
    if not path.is_file():
        raise FileNotFoundError(
            f'No class names for the detections: the checkpoint '
            f'{getattr(model, "checkpoint", None) or "(none given)"} has no meta.dataset_meta '
            f'(tools/train.py writes it) and the config\'s class index file {path} does not '
            'exist; pass --cfg-options test_dataloader.dataset.data_root=... (or '
            'class_index_file=...) to point at it')
    return read_class_names(str(path))


def _name(video: str | Path | np.ndarray) -> str:
    return 'The array' if isinstance(video, np.ndarray) else str(video)


def frame_stream(video: str | Path | np.ndarray,
                 allow_truncated: bool = False) -> tuple[Iterable[np.ndarray], int | None]:
    """The [H, W, C] uint8 frames at 10 fps of a video file (decoded as they are read), an
    npy file (memory-mapped) or an array, and how many there will be (a video file's
    container may not say: None).

    Raises:
        ValueError: For an array or npy file that is not [T, H, W, C] uint8 frames.
    """
    if isinstance(video, np.ndarray) or Path(video).suffix == '.npy':
        frames = video if isinstance(video, np.ndarray) else open_array(
            str(video), ndim=4, layout='[T, H, W, C] uint8 frames', dtype=np.uint8)
        if frames.ndim != 4 or frames.dtype != np.uint8 or not len(frames):
            raise ValueError(f'{_name(video)}: expected [T, H, W, C] uint8 frames, got '
                             f'{frames.dtype} {tuple(frames.shape)}')
        return frames, len(frames)
    decoder = VideoDecoder(video, sample_fps=SAMPLE_FPS, allow_truncated=allow_truncated)
    return decoder, decoder.expected_frames


def with_flow(frames: Iterable[np.ndarray],
              flow: str | Path | np.ndarray | None) -> Iterator[np.ndarray]:
    """Each frame with its flow on the channel axis ([H, W, 3 + 2]): the given flow's frames
    (see :func:`frame_stream`), or TV-L1 flow computed as the frames come.

    Raises:
        ValueError: When the flow has another frame count or size than the video.
    """
    if flow is None:
        pairs = tvl1_flow_stream(frames)
        for frame, frame_flow in pairs:
            yield np.concatenate([frame, frame_flow], axis=-1)
        return
    flows, _ = frame_stream(flow)
    video_count = flow_count = 0
    flow_iter = iter(flows)
    for frame in frames:
        video_count += 1
        frame_flow = next(flow_iter, None)
        if frame_flow is None:
            continue
        flow_count += 1
        if frame_flow.shape[:2] != frame.shape[:2]:
            raise ValueError(f'The flow frames are {frame_flow.shape[1]}x{frame_flow.shape[0]}, '
                             f'the video frames {frame.shape[1]}x{frame.shape[0]}: give the '
                             'flow of this video, at its size')
        yield np.concatenate([frame, frame_flow], axis=-1)
    flow_count += sum(1 for _ in flow_iter)
    if flow_count != video_count:
        raise ValueError(f'The flow has {flow_count} frames, the video {video_count}: give the '
                         'flow of this video')


def load_frames(video: str | Path | np.ndarray, allow_truncated: bool = False) -> np.ndarray:
    """[T, H, W, C] uint8 frames at 10 fps of a video file, an npy file or an array, all in
    memory (``allow_truncated``: see :class:`~gaf_mmaction.preparation.VideoDecoder`)."""
    frames, _ = frame_stream(video, allow_truncated)
    return np.ascontiguousarray(np.stack(list(frames)))
