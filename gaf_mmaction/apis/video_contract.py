"""What a config's test data are, which the video API turns a video into: read from the test
dataset and pipeline config and from the model's declaration of its inputs, or refused by key
before any frame is decoded."""
from dataclasses import dataclass

from mmaction.registry import DATASETS
from mmengine.config import Config
from torch import nn

from ..datasets.base import SlidingWindowDataset
from ..utils import ConfigMismatchError

# The loader of frame windows, whose in-memory frames the video API hands over; and what a
# stream of so many channels is.
FRAME_LOADER = 'LoadFrameWindow'
STREAM_KINDS = {3: 'rgb', 2: 'flow'}
# The data_prefix key (and channels key) of each loader's file key.
FILE_STREAMS = dict(filename='video', flow_filename='flow')
DEFAULT_CHANNELS = dict(video=3, flow=2)


@dataclass(frozen=True)
class VideoContract:
    """The test windows of a config.

    Attributes:
        frame_rate: Time steps (frames) per second.
        frame_size: Side of the square frames, pixels.
        clip_length: Frames per window.
        clip_stride: Frames between windows.
        streams: Per frame loader of the test pipeline, in their order on the
            channel axis: (its file key, 'rgb' or 'flow', channels).
        batch_size: Windows per forward pass (the test loader's).
    """

    frame_rate: float
    frame_size: int
    clip_length: int
    clip_stride: int
    streams: tuple[tuple[str, str, int], ...]
    batch_size: int

    @property
    def kinds(self) -> tuple[str, ...]:
        """'rgb' and / or 'flow', in channel order."""
        return tuple(kind for _, kind, _ in self.streams)


def _refuse(message: str) -> ConfigMismatchError:
    return ConfigMismatchError(f'The video API cannot serve this config: {message}')


def _dataset_class(dataset_cfg: dict) -> type:
    dataset_type = dataset_cfg.get('type')
    return DATASETS.get(dataset_type) if isinstance(dataset_type, str) else dataset_type


def video_contract(cfg: Config, model: nn.Module) -> VideoContract:
    """The test windows of ``cfg`` that ``model`` takes, from the test dataset and pipeline
    config and the model's ``input_channels``.

    Raises:
        ConfigMismatchError: Before anything is decoded, naming the config key and the way to
            go, for a config whose test data are not sliding windows over frames (ActivityNet's
            whole resized videos, features), that does not state its frames' rate, size or
            windows, or whose streams do not give the channels the model takes.
    """
    dataset = cfg.test_dataloader.dataset
    dataset_class = _dataset_class(dataset)
    if not (isinstance(dataset_class, type) and issubclass(dataset_class, SlidingWindowDataset)):
        raise _refuse(
            f'test_dataloader.dataset.type={dataset.get("type")} is not a SlidingWindowDataset '
            '(it cuts no sliding windows: ActivityNet resizes each whole video to one window). '
            'Prepare the video as docs/activitynet.md says and run tools/test.py (its labels '
            'come from a video-level classification).')
    pipeline = dataset.get('pipeline') or []
    loaders = [t for t in pipeline if t.get('type') == FRAME_LOADER]
    if dataset.get('features') or not loaders:
        raise _refuse(
            'test_dataloader.dataset.pipeline loads no frames (LoadFeatureWindow: the model '
            'takes backbone features, which the video API does not compute). Make the '
            "video's features with tools/data/extract_features.py and test them with "
            'tools/test.py, or use the frames config the features came from.')
    stated = {key: dataset.get(key) for key in ('steps_per_second', 'frame_size',
                                                 'clip_length', 'clip_stride')}
    missing = [key for key, value in stated.items() if value is None]
    if missing:
        raise _refuse(', '.join(f'test_dataloader.dataset.{key}' for key in missing)
                      + ' not stated: set it to what the test data are (configs/_base_/'
                        'datasets/thumos14_rgb.py states them all)')
    channels = dict(DEFAULT_CHANNELS, **(dataset.get('channels') or {}))
    streams = []
    for loader in loaders:
        key = loader.get('filename_key', 'filename')
        count = channels.get(FILE_STREAMS.get(key, key))
        if count not in STREAM_KINDS:
            raise _refuse(f'the test pipeline loads {key} with {count} channels per frame '
                          f'(test_dataloader.dataset.channels); the video API makes RGB (3) '
                          'and optical-flow (2) frames')
        streams.append((key, STREAM_KINDS[count], count))
    declared = getattr(model, 'input_channels', None) or {}
    if sum(declared.values()) != sum(count for *_, count in streams):
        raise _refuse(
            'the test pipeline gives ' + ' + '.join(f'{kind} ({count})' for _, kind, count
                                                     in streams)
            + ' channels but the model takes ' + ' + '.join(f'{k}={v}' for k, v in
                                                            declared.items())
            + ': use the config the model was trained with')
    return VideoContract(float(stated['steps_per_second']), int(stated['frame_size']),
                         int(stated['clip_length']), int(stated['clip_stride']),
                         tuple(streams), int(cfg.test_dataloader.get('batch_size', 1)))
