"""Clips of another channel count than the model takes (a flow model on RGB frames), refused
before the first step, naming a file and the keys."""
import numpy as np
from mmaction.registry import HOOKS
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper

from ..utils import ConfigMismatchError

# What a clip of so many channels holds, for the message.
CHANNEL_KINDS = {3: 'RGB', 2: 'optical-flow', 5: 'RGB + flow'}
# The window keys of a dataset's per-video files, in their order on the channel axis.
FILE_KEYS = ('filename', 'flow_filename')


def window_channels(window: dict) -> tuple[int, str] | None:
    """The channels a window's clip will have (its files' last axes, summed: frames [T, H,
    W, C], features [T, C]) and its first file; None for a window without npy files (another
    kind of dataset). The dataset has checked the files' headers when it was built."""
    files = [window[key] for key in FILE_KEYS if key in window]
    if not files:
        return None
    return sum(np.load(path, mmap_mode='r').shape[-1] for path in files), files[0]


def check_input_channels(model, dataset) -> None:
    """Refuse a dataset whose clips have another channel count than the model takes.

    The model declares its input streams (``input_channels``: {config key:
    channels}); the dataset's first window gives the clips' channels (from its
    files' headers: nothing is read, no random state is used). Nothing to
    check for a model or dataset that does not say.

    Raises:
        ConfigMismatchError: Naming the first window's file and video, both
            counts and the keys to change.
    """
    model = model.module if is_model_wrapper(model) else model
    declared = getattr(model, 'input_channels', None)
    if not declared or not len(dataset):
        return
    window = dataset.get_data_info(0)
    found = window_channels(window)
    expected = sum(declared.values())
    if found is None or found[0] == expected:
        return
    channels, path = found
    keys = ' + '.join(f'{key}={value}' for key, value in declared.items())
    raise ConfigMismatchError(
        f'The model takes {expected}-channel ({CHANNEL_KINDS.get(expected, "other")}) clips '
        f'({keys}) but {path} (video {window.get("video_name", "?")}) has {channels} '
        'channels per frame: point the dataset at the frames the model takes '
        f'(data_prefix, and channels=dict(video=2) for flow) or use a config of {channels}-'
        'channel frames')


@HOOKS.register_module()
class InputChannelsHook(Hook):
    """:func:`check_input_channels` of the training and validation data before training, and
    of the test data before testing (the failure it prevents comes at the first forward
    pass, deep inside the backbone)."""

    def before_train(self, runner) -> None:
        check_input_channels(runner.model, runner.train_dataloader.dataset)
        if runner.val_loop is not None:
            check_input_channels(runner.model, runner.val_dataloader.dataset)

    def before_test(self, runner) -> None:
        check_input_channels(runner.model, runner.test_dataloader.dataset)
