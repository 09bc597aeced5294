"""Detect actions in one video with a trained model, as MMDetection's ``inference_detector``.

The video goes through the test path of ``tools/test.py`` as a stream: frames are decoded (or
read from an npy file) at the rate and size of the config's test data as they are needed, cut
into its test windows as they arrive, put through its test pipeline and the model in batches of
its test loader's size, and the window detections merged by the test metric's post-processing
(``test_evaluator.post_processor``). What the config's test data are, and which streams the
model takes, is read from the config and the model (:func:`video_contract`); a config the API
cannot serve is refused before decoding. No file is written and memory holds a few windows,
whatever the video's length.
"""
from collections.abc import Iterable, Iterator
from pathlib import Path

import numpy as np
import torch
from mmaction.registry import MODELS
from mmengine.config import Config
from mmengine.dataset import Compose, pseudo_collate
from mmengine.registry import init_default_scope
from mmengine.utils import ProgressBar

from ..checkpoint.exact_load import load_checkpoint_exact
from ..datasets.annotation_files import read_class_names, shipped_file
from ..datasets.file_checks import open_array
from ..datasets.windows import stream_windows, window_offsets
from ..deployment import checkpoint_onnx, exported_model_config, resolve_runtime
from ..evaluation.post_processing import VideoPostProcessor, build_post_processor
from ..preparation import VideoDecoder, tvl1_flow_stream
from ..structures import CVAE_KEYS
from .video_contract import VideoContract, video_contract

VIDEO_NAME = 'video'


def init_detector(config: str | Path | Config, checkpoint: str | None = None,
                  device: str | None = None, cfg_options: dict | None = None,
                  runtime: str = 'pytorch') -> torch.nn.Module:
    """Build the config's model, load ``checkpoint`` (safely, every key accounted for), eval.

    ``device`` defaults to 'cuda:0' (MMAction2's default) when CUDA is available, else the
    CPU.

    The CVAEs, which testing does not use, may be absent from the checkpoint. ``runtime``
    (``deployment.RUNTIMES``; 'auto': see :func:`~gaf_mmaction.deployment.resolve_runtime`)
    'onnxruntime' or 'openvino' runs the network of a ``.pth`` checkpoint in that runtime,
    exported once beside it (:func:`~gaf_mmaction.deployment.checkpoint_onnx`); a ``.onnx``
    ``checkpoint`` (``tools/deployment/export_onnx.py``) runs in that runtime, or in ONNX
    Runtime where ``runtime`` resolves to 'pytorch'. The config is
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
    runtime = resolve_runtime(runtime, device)
    if checkpoint and runtime != 'pytorch' and not str(checkpoint).endswith('.onnx'):
        checkpoint = str(checkpoint_onnx(cfg, checkpoint))
    if str(checkpoint).endswith('.onnx'):
        model = MODELS.build(exported_model_config(
            cfg.model, checkpoint, 'onnxruntime' if runtime == 'pytorch' else runtime))
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
                       batch_size: int | None = None, progress: bool = False,
                       flow: str | Path | np.ndarray | None = None,
                       allow_truncated: bool = False) -> list[dict]:
    """Detections of one video, in seconds, best first (see :func:`detect_video`)."""
    return detect_video(model, video, batch_size, progress, flow, allow_truncated)[0]


def detect_video(model: torch.nn.Module, video: str | Path | np.ndarray,
                 batch_size: int | None = None, progress: bool = False,
                 flow: str | Path | np.ndarray | None = None,
                 allow_truncated: bool = False) -> tuple[list[dict], float]:
    """Detections of one video, in seconds, best first, and its duration in seconds.

    Args:
        model: From :func:`init_detector`: a single-stream model (RGB or flow frames) or the
            RGB + flow fusion model.
        video: A video file (decoded at the rate and resized to the size of the config's
            test frames, ``test_dataloader.dataset.steps_per_second`` and ``frame_size``, as
            the data preparation does), an npy frame file, or a uint8 array [T, H, W, 3] of
            RGB frames at that rate and size.
        batch_size: Windows per forward pass. Defaults to None: the test loader's, so that
            the windows are batched as ``tools/test.py`` batches a video's windows.
        progress: Show a progress bar over the windows.
        flow: For a model that takes optical flow, the video's flow: an npy file or a uint8
            array [T, H, W, 2] (as ``tools/data/videos_to_npy.py --flow-dir`` writes); None
            computes TV-L1 flow from the frames as they come (about 0.3 s per frame and core).
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

    Raises:
        ConfigMismatchError: Before decoding, for a config the API cannot serve (see
            :func:`video_contract`).
    """
    cfg = model.cfg
    contract = video_contract(cfg, model)
    classes = class_names(model, cfg.test_dataloader.dataset)
    post = build_post_processor(cfg.test_evaluator.get('post_processor'), clip_to_duration=True)
    frames = CountedFrames(stream_frames(video, contract, flow, allow_truncated))
    batches = window_batches(frames, contract, batch_size or contract.batch_size)
    windows = predict_windows(model, batches, Compose(cfg.test_dataloader.dataset.pipeline),
                              ProgressBar(frames.expected_windows(contract))
                              if progress else None)
    if not frames.count:
        raise ValueError(f'{_name(video)}: no frame to detect in')
    return merge_video(windows, frames.count / contract.frame_rate, post, classes)


class CountedFrames:
    """The frames of a video as they are read, counted (``count``); ``expected``: how many
    its source says there will be (None when it does not say)."""

    def __init__(self, source: tuple[Iterable[np.ndarray], int | None]) -> None:
        self.frames, self.expected = source
        self.count = 0

    def __iter__(self) -> Iterator[np.ndarray]:
        for frame in self.frames:
            self.count += 1
            yield frame

    def expected_windows(self, contract: VideoContract) -> int:
        """The windows of the expected frames (0 when unknown)."""
        return len(window_offsets(self.expected, contract.clip_length,
                                  contract.clip_stride)) if self.expected else 0


def window_batches(frames: Iterable[np.ndarray], contract: VideoContract,
                   batch_size: int) -> Iterator[list[dict]]:
    """The video's test windows, ``batch_size`` at a time, each as the dataset makes it
    (``video_name``, ``offset``, ``clip_length``, ``fps``) with its frames in memory, one
    array per stream under the stream's file key (``window_frames``, what
    ``LoadFrameWindow`` reads)."""
    bounds = np.cumsum([0, *(count for *_, count in contract.streams)])
    batch = []
    for offset, clip in stream_windows(frames, contract.clip_length, contract.clip_stride):
        batch.append(dict(video_name=VIDEO_NAME, offset=offset, clip_length=contract.clip_length,
                          fps=contract.frame_rate,
                          window_frames={key: clip[..., bounds[i]:bounds[i + 1]]
                                         for i, (key, *_) in enumerate(contract.streams)}))
        if len(batch) == batch_size:
            yield batch
            batch = []
    if batch:
        yield batch


def predict_windows(model: torch.nn.Module, batches: Iterable[list[dict]], pipeline: Compose,
                    bar: ProgressBar | None = None) -> list[dict]:
    """Each window's usable detections (seconds), the model run on each batch as in testing
    (:meth:`VideoPostProcessor.window_detections`)."""
    windows = []
    for batch in batches:
        data = model.data_preprocessor(pseudo_collate([pipeline(w) for w in batch]))
        with torch.no_grad():
            samples = model(**data, mode='predict')
        windows += [VideoPostProcessor.window_detections(s.to_dict()) for s in samples]
        if bar:
            bar.update(len(batch))
    return windows


def merge_video(windows: list[dict], duration: float, post: VideoPostProcessor,
                classes: list[str]) -> tuple[list[dict], float]:
    """The video's detections (best first) from its windows, by the post-processing, and its
    ``duration`` (seconds, which the detections are clipped to)."""
    for window in windows:
        window['duration'] = duration
    merged, _ = post(windows, classes)
    return sorted(merged.get(VIDEO_NAME, []), key=lambda d: d['score'], reverse=True), duration


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


def stream_frames(video: str | Path | np.ndarray, contract: VideoContract,
                  flow: str | Path | np.ndarray | None = None,
                  allow_truncated: bool = False) -> tuple[Iterable[np.ndarray], int | None]:
    """The video's frames as the model's streams want them, [H, W, C] each with the streams
    on the channel axis in the contract's order (RGB frames, optical flow or both), and how
    many there will be (None when unknown).

    Raises:
        ValueError: For frames of another size than the contract's, or a flow of another
            frame count or size than the video.
    """
    frames, expected = frame_stream(video, allow_truncated, contract.frame_rate,
                                    contract.frame_size, channels=3)
    if 'flow' not in contract.kinds:
        return frames, expected
    pairs = (tvl1_flow_stream(frames) if flow is None else paired_flow(
        frames, frame_stream(flow, frame_size=contract.frame_size, channels=2)[0]))
    parts = {'rgb': 0, 'flow': 1}
    return ((np.concatenate([pair[parts[kind]] for kind in contract.kinds], axis=-1)
             for pair in pairs), expected)


def frame_stream(video: str | Path | np.ndarray, allow_truncated: bool = False,
                 sample_fps: float | None = None, frame_size: int | None = None,
                 channels: int | None = None) -> tuple[Iterable[np.ndarray], int | None]:
    """The [H, W, C] uint8 frames of a video file (decoded at ``sample_fps`` and resized to
    ``frame_size`` as they are read; None: :class:`VideoDecoder`'s defaults, the data
    preparation's), an npy file (memory-mapped) or an array, and how many there will be (a
    video file's container may not say: None).

    Raises:
        ValueError: For an array or npy file that is not [T, H, W, C] uint8 frames (of
            ``frame_size`` and ``channels`` when given).
    """
    if isinstance(video, np.ndarray) or Path(video).suffix == '.npy':
        frames = video if isinstance(video, np.ndarray) else open_array(
            str(video), ndim=4, layout='[T, H, W, C] uint8 frames', dtype=np.uint8)
        if frames.ndim != 4 or frames.dtype != np.uint8 or not len(frames):
            raise ValueError(f'{_name(video)}: expected [T, H, W, C] uint8 frames, got '
                             f'{frames.dtype} {tuple(frames.shape)}')
        size = frames.shape[1:3]
        if frame_size is not None and size != (frame_size, frame_size):
            raise ValueError(f'{_name(video)} has {size[1]}x{size[0]} frames, but the '
                             f'config\'s test frames are {frame_size}x{frame_size} '
                             '(test_dataloader.dataset.frame_size): give frames of that size '
                             '(a video file is resized to it)')
        if channels is not None and frames.shape[-1] != channels:
            raise ValueError(f'{_name(video)} has {frames.shape[-1]} channels per frame, '
                             f'expected {channels} ({"RGB" if channels == 3 else "flow"})')
        return frames, len(frames)
    given = dict(sample_fps=sample_fps, size=frame_size)
    decoder = VideoDecoder(video, allow_truncated=allow_truncated,
                           **{k: v for k, v in given.items() if v is not None})
    return decoder, decoder.expected_frames


def paired_flow(frames: Iterable[np.ndarray],
                flows: Iterable[np.ndarray]) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """Each frame with the given flow's frame of the same time step.

    Raises:
        ValueError: When the flow has another frame count or size than the video.
    """
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
        yield frame, frame_flow
    flow_count += sum(1 for _ in flow_iter)
    if flow_count != video_count:
        raise ValueError(f'The flow has {flow_count} frames, the video {video_count}: give the '
                         'flow of this video')


def load_frames(video: str | Path | np.ndarray, allow_truncated: bool = False,
                sample_fps: float | None = None, frame_size: int | None = None) -> np.ndarray:
    """[T, H, W, C] uint8 frames of a video file (at ``sample_fps``, resized to
    ``frame_size``; None: the data preparation's 10 fps and 112 pixels), an npy file or an
    array, all in memory (``allow_truncated``: see
    :class:`~gaf_mmaction.preparation.VideoDecoder`)."""
    frames, _ = frame_stream(video, allow_truncated, sample_fps, frame_size)
    return np.ascontiguousarray(np.stack(list(frames)))
