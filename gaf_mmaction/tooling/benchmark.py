"""Speed and memory of a config's model, data loader and post-processing, on any device.

Each case returns one flat dict (one JSON line of ``tools/benchmark.py``): what ran
(``mode``, ``batch_size``, ``dtype``, ``compile``, ``device``, ``torch``) and what it measured
(``items_per_s``, ``ms_per_step``, ``peak_gib``). Inputs are synthetic, of the config's sizes.
"""
import contextlib
import copy
import resource
import sys
import tempfile
import time
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from types import SimpleNamespace

import torch
from mmaction.registry import DATASETS, MODELS
from mmaction.structures import ActionDataSample
from mmengine.config import Config
from mmengine.dataset import pseudo_collate
from mmengine.optim import build_optim_wrapper
from mmengine.registry import init_default_scope
from mmengine.structures import InstanceData
from torch.utils.data import DataLoader
from torch.utils.data._utils.pin_memory import pin_memory

from ..datasets.annotation_files import read_video_info, shipped_file
from ..datasets.windows import window_offsets
from ..engine.non_finite_loss_hook import NonFiniteLossHook
from ..evaluation.post_processing import build_post_processor
from ..models.utils import maybe_autocast
from ..structures import DetectionDataSample
from ..structures.two_pass import DETECTOR_PASS, OPTIM_WRAPPER_KEYS, PASSES

MODES = ('test', 'train', 'data', 'post')


def device_name(device: torch.device) -> str:
    """The GPU's name, or the CPU's architecture and thread count."""
    if device.type == 'cuda':
        return torch.cuda.get_device_name(device)
    return f'cpu ({torch.get_num_threads()} threads)'


@contextlib.contextmanager
def _peak_memory(device: torch.device, result: dict) -> Iterator[None]:
    """Put the peak memory of the block (GiB) into ``result['peak_gib']``.

    On CUDA the allocator's peak; on the CPU the process's peak resident set, which
    includes everything loaded before (a ceiling, not the block's own use).
    """
    if device.type == 'cuda':
        torch.cuda.reset_peak_memory_stats(device)
    yield
    if device.type == 'cuda':
        result['peak_gib'] = torch.cuda.max_memory_allocated(device) / 2**30
    else:
        scale = 1 if sys.platform == 'darwin' else 1024  # ru_maxrss: bytes on macOS, else KiB
        result['peak_gib'] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale / 2**30


def _timed(step: Callable[[], object], iters: int, warmup: int,
           device: torch.device) -> float:
    """Seconds per call of ``step`` after ``warmup`` calls, the device synchronised."""
    for _ in range(warmup):
        step()
    if device.type == 'cuda':
        torch.cuda.synchronize(device)
    start = time.perf_counter()
    for _ in range(iters):
        step()
    if device.type == 'cuda':
        torch.cuda.synchronize(device)
    return (time.perf_counter() - start) / iters


def clip_shape(cfg: Config) -> tuple[int, int, int, int]:
    """(channels, frames, height, width) of the config's test clips."""
    model = cfg.model if cfg.model.type != 'GAFFusionDetector' else cfg.model.rgb
    channels = model.backbone.get('in_channels', 3)
    crop = next((t['size'] for t in cfg.test_dataloader.dataset.pipeline
                 if t['type'] in ('CenterCropClip', 'RandomCropClip')), 1)
    return channels, model.clip_length, crop, crop


def build_model(cfg: Config, device: torch.device) -> torch.nn.Module:
    """The config's model with random weights (no pretrained backbone), on ``device``."""
    init_default_scope(cfg.get('default_scope', 'mmaction'))
    model_cfg = cfg.model.copy()
    if 'backbone' in model_cfg and 'pretrained' in model_cfg.backbone:
        model_cfg.backbone = dict(model_cfg.backbone, pretrained=None)
    torch.manual_seed(0)
    return MODELS.build(model_cfg).to(device)


def synthetic_train_batch(batch: int, channels: int, frames: int, height: int,
                 width: int) -> dict:
    """A collated training batch as the loader gives it: uint8 clips and, per clip, two actions
    with their boundary curves and a successful splice clip (pinned on a CUDA machine)."""
    clips = torch.randint(0, 256, (batch, channels, frames, height, width), dtype=torch.uint8)
    samples = []
    for clip in clips:
        sample = DetectionDataSample(metainfo=dict(video_name='synthetic', offset=0,
                                                   splice_valid=True))
        sample.gt_instances = InstanceData(segments=torch.tensor([[0.1, 0.3], [0.5, 0.9]]),
                                           labels=torch.tensor([1, 2]))
        boundaries = torch.zeros(2, frames)
        for start, end in ((0.1, 0.3), (0.5, 0.9)):
            boundaries[0, int(start * frames)] = boundaries[1, int(end * frames) - 1] = 1
        sample.set_data(dict(gt_boundaries=boundaries, splice_inputs=clip.flip(1),
                             splice_segments=torch.tensor([[0.1, 0.3], [0.35, 0.5],
                                                           [0.3, 0.35]]) * frames))
        samples.append(sample)
    data = dict(inputs=list(clips), data_samples=samples)
    return pin_memory(data) if torch.cuda.is_available() else data


def _memory_format(channels_last: bool) -> torch.memory_format:
    """``channels_last_3d`` (N, T, H, W, C in memory) for the 3-D convolutions, or the default."""
    return torch.channels_last_3d if channels_last else torch.contiguous_format


def bench_test(cfg: Config, device: torch.device, batch_size: int, amp: bool = False,
               compile_model: bool | dict = False, iters: int = 10, warmup: int = 2,
               channels_last: bool = False) -> dict:
    """Inference of the config's model on uint8 clips: backbone to head outputs, no NMS.

    Clips are normalised on the device by the model's data preprocessor, as in testing;
    ``channels_last`` lays the clips and the 3-D convolution weights out channels-last.
    """
    layout = _memory_format(channels_last)
    model = build_model(cfg, device).eval().to(memory_format=layout)
    channels, frames, height, width = clip_shape(cfg)
    clips = torch.randint(0, 256, (batch_size, channels, frames, height, width),
                          dtype=torch.uint8, device=device)
    forward = model.forward_outputs if hasattr(model, 'forward_outputs') else model.fused_outputs
    forward = torch.compile(forward, **_compile_options(compile_model)) if compile_model else forward

    def step() -> None:
        with torch.inference_mode(), maybe_autocast(device.type, _dtype(amp)):
            forward(model.data_preprocessor.normalize(clips).contiguous(memory_format=layout))

    result = _case('test', cfg, device, batch_size, amp, compile_model, channels_last)
    with _peak_memory(device, result):
        seconds = _timed(step, iters, warmup, device)
    return _rates(result, seconds, batch_size)


def bench_train(cfg: Config, device: torch.device, batch_size: int, amp: bool = False,
                compile_model: bool | dict = False, iters: int = 5, warmup: int = 2,
                channels_last: bool = False, fused_adam: bool = True,
                train_pass: str = DETECTOR_PASS,
                with_splice: bool = True, sync_debug: bool = False) -> dict:
    """One training step of the pass ``train_pass`` as ``TwoPassTrainLoop`` runs it, on
    synthetic data.

    The model's ``train_step`` (moving the pinned batch, every loss of the pass, the splice
    pass included unless ``with_splice`` is False, backward and the config's optimizer
    wrapper; ``amp`` as ``--amp``), then ``NonFiniteLossHook``'s read of the step's log
    values; cuDNN autotuning as the config's ``env_cfg``. ``fused_adam=False`` uses torch's
    per-tensor Adam, as the published code. ``sync_debug`` (CUDA) counts the step's host
    synchronisations (``torch.cuda.set_sync_debug_mode``) into ``host_syncs_per_step``.
    """
    torch.backends.cudnn.benchmark = bool(cfg.get('env_cfg', {}).get('cudnn_benchmark'))
    layout = _memory_format(channels_last)
    model = build_model(cfg, device).train().to(memory_format=layout)
    if not with_splice:
        model.splice = None
    if channels_last:
        model.backbone.register_forward_pre_hook(
            lambda _, args: (args[0].contiguous(memory_format=layout), *args[1:]))
    if compile_model:
        model.forward = torch.compile(model.forward, **_compile_options(compile_model))
    optim_cfg = copy.deepcopy(cfg.optim_wrapper)
    for pass_name in PASSES:
        optim_cfg[OPTIM_WRAPPER_KEYS[pass_name]].optimizer.fused = fused_adam
    if amp:
        if device.type != 'cuda':
            raise ValueError("--amp training needs CUDA (MMEngine's AmpOptimWrapper); "
                             'leave it out on the CPU')
        optim_cfg.update(type='AmpOptimWrapper', dtype=_dtype(amp))
    wrappers = build_optim_wrapper(model, optim_cfg)
    batch = synthetic_train_batch(batch_size, *clip_shape(cfg))
    hook = NonFiniteLossHook('stop')
    runner = SimpleNamespace(train_loop=SimpleNamespace(current_pass=train_pass), epoch=0,
                             optim_wrapper=wrappers)

    def step() -> None:
        model.set_train_state(train_pass, 1)
        wrapper = wrappers[OPTIM_WRAPPER_KEYS[train_pass]]
        log_vars = model.train_step(batch, optim_wrapper=wrapper)
        hook.after_train_iter(runner, 0, batch, log_vars)

    result = _case('train', cfg, device, batch_size, amp, compile_model, channels_last)
    result.update({'pass': train_pass, 'with_splice': with_splice, 'fused_adam': fused_adam})
    with _peak_memory(device, result):
        seconds = _timed(step, iters, warmup, device)
    if sync_debug and device.type == 'cuda':
        result['host_syncs_per_step'] = count_host_syncs(step)
    return _rates(result, seconds, batch_size)


def count_host_syncs(step: Callable[[], object]) -> int:
    """Host-device synchronisations of one call of ``step`` (CUDA's sync debug mode)."""
    torch.cuda.synchronize()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter('always')
        torch.cuda.set_sync_debug_mode('warn')
        try:
            step()
        finally:
            torch.cuda.set_sync_debug_mode('default')
    return sum('synchronizing' in str(w.message) for w in caught)


def bench_data(cfg: Config, device: torch.device, batch_size: int, iters: int = 20,
               num_videos: int | None = None, num_workers: int | None = None, **_) -> dict:
    """The test data loader alone: windows per second from memory-mapped npy frames.

    Writes ``num_videos`` videos of random frames (the shipped layout, at the test dataset's
    ``frame_size``, else the crop; each a few windows long) to a temporary folder and reads
    them with the config's test pipeline and number of workers.
    """
    from ..testing import write_thumos_like
    channels, frames, crop, _ = clip_shape(cfg)
    size = cfg.test_dataloader.dataset.get('frame_size') or crop
    if channels != 3:
        raise ValueError('--mode data writes RGB frames; use an RGB config')
    workers = cfg.test_dataloader.get('num_workers', 0) if num_workers is None else num_workers
    num_videos = num_videos or 4
    result = _case('data', cfg, device, batch_size, False, False)
    result['num_workers'] = workers
    with tempfile.TemporaryDirectory() as tmp:
        # Test windows need no annotation.
        files = write_thumos_like(Path(tmp), {f'video_{i}': (3 * frames, [])
                                              for i in range(num_videos)}, size=size)
        init_default_scope(cfg.get('default_scope', 'mmaction'))
        dataset = DATASETS.build(dict(
            cfg.test_dataloader.dataset, data_root=None,
            data_prefix=dict(video=files['video_dir']), video_info_file=files['video_info_file'],
            class_index_file=files['class_index_file']))
        loader = DataLoader(dataset, batch_size=batch_size, num_workers=workers,
                            collate_fn=pseudo_collate, pin_memory=device.type == 'cuda',
                            persistent_workers=workers > 0)
        windows = 0
        with _peak_memory(device, result):
            start = time.perf_counter()
            while windows < iters * batch_size:
                for batch in loader:
                    windows += len(batch['inputs'])
                    if windows >= iters * batch_size:
                        break
            seconds = time.perf_counter() - start
    result.update(items_per_s=windows / seconds, ms_per_step=1000 * seconds * batch_size / windows)
    return result


def bench_post(cfg: Config, device: torch.device, batch_size: int = 8, iters: int = 1,
               num_videos: int | None = None, **_) -> dict:
    """Decoding, per-video merging and soft-NMS of a THUMOS14-sized test set, on ``device``.

    The real test video lengths (the shipped video-info CSV; its first ``num_videos``, or
    all 212) give the windows; each window's head outputs are random (of the config's prior
    and class counts), so that more detections pass the threshold than a trained model's.
    Windows are decoded ``batch_size`` at a time on ``device`` and merged by the test
    metric, whose soft-NMS runs there too.
    """
    model = build_model(cfg, device).eval()
    channels, frames, height, width = clip_shape(cfg)
    with torch.inference_mode():
        example = model.forward_outputs(torch.zeros(1, channels, frames, height, width,
                                                    device=device))
    fixed = {k: example.pop(k) for k in ('priors', 'prior_levels')}
    shapes = {k: v.shape[1:] for k, v in example.items()}
    stride = cfg.test_dataloader.dataset.get('clip_stride', frames // 2)
    infos = read_video_info(shipped_file('thumos14', 'test_video_info.csv'))
    infos = dict(list(infos.items())[:num_videos])
    windows = [(video, offset) for video, info in infos.items()
               for offset in window_offsets(info.sample_count, frames, stride)]
    # The test metric's own post-processing, as configured (without a video-level
    # classifier: its file names real videos).
    post = build_post_processor(cfg.test_evaluator.get('post_processor'),
                                video_classification_file=None, nms_device=str(device))
    classes = [f'class_{i}' for i in range(1, model.head.num_classes)]
    gen = torch.Generator(device=device).manual_seed(0)
    result = _case('post', cfg, device, batch_size, False, False)
    result['windows'] = len(windows)

    def step() -> None:
        detections = []
        for begin in range(0, len(windows), batch_size):
            batch = windows[begin:begin + batch_size]
            outputs = {k: torch.randn(len(batch), *shape, generator=gen, device=device)
                       for k, shape in shapes.items()}
            outputs['loc'] = outputs['loc'].exp()
            outputs.update(fixed)
            samples = [ActionDataSample(metainfo=dict(video_name=video, offset=offset, fps=10.0))
                       for video, offset in batch]
            head = model.head
            detections += [post.window_detections(s.to_dict()) for s in
                           head.add_pred_to_samples(head.predict_by_feat(outputs), samples)]
        post(detections, classes)

    with _peak_memory(device, result):
        seconds = _timed(step, iters, 0, device)
    result.update(items_per_s=len(windows) / seconds, ms_per_step=1000 * seconds,
                  seconds_per_test_set=seconds)
    return result


def _case(mode: str, cfg: Config, device: torch.device, batch_size: int, amp: bool,
          compile_model: bool | dict, channels_last: bool = False) -> dict:
    return dict(mode=mode, config=Path(cfg.filename).name if cfg.filename else None,
                batch_size=batch_size, dtype=_dtype(amp) or 'float32',
                compile=(compile_model.get('backend', True) if isinstance(compile_model, dict)
                         else compile_model), channels_last=channels_last, device=device_name(device),
                torch=torch.__version__)


def _compile_options(compile_model: bool | dict) -> dict:
    """``torch.compile`` arguments of ``compile_model`` (True: the defaults)."""
    return compile_model if isinstance(compile_model, dict) else {}


def _dtype(amp: bool) -> str | None:
    """The autocast dtype of ``--amp`` (None: float32, no autocast)."""
    return 'bfloat16' if amp else None


def _rates(result: dict, seconds: float, batch_size: int) -> dict:
    result.update(items_per_s=batch_size / seconds, ms_per_step=1000 * seconds)
    return result


CASES = dict(test=bench_test, train=bench_train, data=bench_data, post=bench_post)
