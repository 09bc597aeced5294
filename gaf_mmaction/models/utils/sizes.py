"""The sizes a detector states once and hands to its parts (clip length, crop, the backbone's
maps), filled into the parts' configs."""
from mmaction.registry import MODELS
from torch import nn

from ...utils import ConfigMismatchError


def filled(cfg: dict, name: str, source: str, **values) -> dict:
    """``cfg`` (the config of ``model.<name>``) with ``values``; a different value stated in
    it is an error naming both and ``source``, what gives the value."""
    for key, value in values.items():
        stated = cfg.get(key, value)
        same = (tuple(stated) == tuple(value) if isinstance(value, tuple | list)
                and isinstance(stated, tuple | list) else stated == value)
        if not same:
            raise ConfigMismatchError(
                f'model.{name}.{key}={stated} differs from {value}, which {source} gives: '
                f'leave model.{name}.{key} out of the config (it is filled in)')
    return dict(cfg, **values)


def feature_sizes(backbone: nn.Module, crop_size: int | None) -> tuple[dict, dict, str]:
    """What the backbone's maps give the attention and the neck.

    Returns:
        ``sizes`` for both (``in_channels`` and ``spatial_sizes``, one entry
        per map), ``strides`` for the attention (``temporal_strides``), and
        the source that gives them, for :func:`filled`'s messages. A backbone
        without ``output_maps`` gives neither (the parts' configs state them).
    """
    maps = getattr(backbone, 'output_maps', None)
    if maps is None:
        return {}, {}, 'model.clip_length'
    return (dict(in_channels=tuple(m.channels for m in maps),
                 spatial_sizes=tuple(m.spatial_size(crop_size) for m in maps)),
            dict(temporal_strides=tuple(m.temporal_stride for m in maps)),
            f'{type(backbone).__name__} with model.crop_size and clip_length')


def build_sized_parts(backbone: dict, attention: dict | None, neck: dict, head: dict,
                      clip_length: int, crop_size: int | None) -> tuple[nn.Module, ...]:
    """A detector's backbone, attention (None without), neck and head, built with the sizes
    stated once in ``model``: ``clip_length`` and ``crop_size``, and what the backbone's maps
    give (:func:`feature_sizes`); the head gets the neck's channels."""
    backbone = MODELS.build(backbone)
    sizes, strides, source = feature_sizes(backbone, crop_size)
    if attention is not None:
        attention = MODELS.build(filled(attention, 'attention', source, clip_length=clip_length,
                                        **sizes, **strides))
    neck = MODELS.build(filled(neck, 'neck', source, clip_length=clip_length, **sizes))
    head = MODELS.build(filled(head, 'head', 'model.neck and clip_length',
                               clip_length=clip_length, in_channels=neck.out_channels))
    return backbone, attention, neck, head
