"""Key mapping between the published GAF checkpoints and ``GAFDetector``.

The published code saves two plain state dicts (docs/published_code.md Appendix
A): the detector ``BDNet`` (462 keys, teacher, top-heavy student and flow
alike) and, in the distillation code only, the ``CVAE`` (40 keys). Ours
holds both in one model; the CVAE lives under ``CVAE_PREFIX``. Backbone map
0 is Mixed_4f and map 1 is Mixed_5c, so the published ``*_4f`` / ``*_832``
modules become index 0 and the ``*_5c`` / unsuffixed ones index 1.
"""
from collections.abc import Mapping

import torch
from torch import Tensor

from ..structures import ATTENTION_PREFIX, CVAE_PREFIX
from .exact_load import CheckpointMismatchError, mismatch_report

# (published prefix, our prefix); the longest matching prefix wins.
DETECTOR_PREFIXES: tuple[tuple[str, str], ...] = (
    ('coarse_pyramid_detection.pyramids.', 'neck.pyramids.'),
    ('coarse_pyramid_detection.deconv.', 'neck.frame_level.'),
    ('coarse_pyramid_detection.', 'head.'),
    ('backbone._model.', 'backbone.'),
    ('deconv2.', f'{ATTENTION_PREFIX}heads.0.reduce.'),
    ('Att_Head_4f.', f'{ATTENTION_PREFIX}heads.0.attend.'),
    ('deconv1.', f'{ATTENTION_PREFIX}heads.1.reduce.'),
    ('Att_Head_5c.', f'{ATTENTION_PREFIX}heads.1.attend.'),
)
CVAE_PREFIXES: tuple[tuple[str, str], ...] = (
    ('cencoder_832.con2.', f'{CVAE_PREFIX}0.encoder.reduce.'),
    ('cencoder_832.', f'{CVAE_PREFIX}0.encoder.'),
    ('cdecoder_832.deconv.', f'{CVAE_PREFIX}0.decoder.expand.'),
    ('cdecoder_832.', f'{CVAE_PREFIX}0.decoder.'),
    ('cencoder.con1.', f'{CVAE_PREFIX}1.encoder.reduce.'),
    ('cencoder.', f'{CVAE_PREFIX}1.encoder.'),
    ('cdecoder.deconv.', f'{CVAE_PREFIX}1.decoder.expand.'),
    ('cdecoder.', f'{CVAE_PREFIX}1.decoder.'),
)


def _rename(key: str, rules: tuple[tuple[str, str], ...]) -> str | None:
    """``key`` with its longest matching ``rules`` prefix replaced, or None."""
    matches = [(src, dst) for src, dst in rules if key.startswith(src)]
    if not matches:
        return None
    src, dst = max(matches, key=lambda rule: len(rule[0]))
    return dst + key[len(src):]


def _rename_all(state: Mapping[str, Tensor], rules: tuple[tuple[str, str], ...],
                what: str, problems: list[str]) -> dict[str, Tensor]:
    renamed, unmapped = {}, []
    for key, value in state.items():
        new = _rename(key, rules)
        if new is None:
            unmapped.append(key)
        else:
            renamed[new] = value
    if unmapped:
        problems.append(f'{len(unmapped)} {what} key(s) with no counterpart: '
                        + ', '.join(unmapped))
    return renamed


def from_published(detector: Mapping[str, Tensor], target: Mapping[str, torch.Size],
                   cvae: Mapping[str, Tensor] | None = None,
                   source: str = 'the published checkpoint') -> dict[str, Tensor]:
    """Rename published state dicts into a ``GAFDetector`` state dict.

    Args:
        detector: The published ``BDNet`` state dict.
        target: Key -> shape of the model to fill (its ``state_dict()``).
        cvae: The published ``CVAE`` state dict, or None to leave the
            model's CVAE (``CVAE_PREFIX``) out of the result.
        source: Name of the input, used in error messages.

    Returns:
        The converted state dict; it fills every target key (but the CVAE's
        when ``cvae`` is None) with a tensor of the right shape.

    Raises:
        CheckpointMismatchError: Naming every source key with no
            counterpart, every target key left empty and every shape
            mismatch.
    """
    problems: list[str] = []
    converted = _rename_all(detector, DETECTOR_PREFIXES, 'detector', problems)
    if cvae is not None:
        converted.update(_rename_all(cvae, CVAE_PREFIXES, 'CVAE', problems))
    expected = {k: v for k, v in target.items()
                if cvae is not None or not k.startswith(CVAE_PREFIX)}
    problems += mismatch_report(expected, converted, source)
    if problems:
        raise CheckpointMismatchError(f'Cannot convert {source}:\n  ' + '\n  '.join(problems))
    return converted


def to_published(state: Mapping[str, Tensor]) -> tuple[dict[str, Tensor], dict[str, Tensor]]:
    """Split a ``GAFDetector`` state dict into published (``BDNet``, ``CVAE``) dicts.

    Raises:
        CheckpointMismatchError: Naming every key with no published name.
    """
    problems: list[str] = []
    inverse_detector = tuple((dst, src) for src, dst in DETECTOR_PREFIXES)
    inverse_cvae = tuple((dst, src) for src, dst in CVAE_PREFIXES)
    cvae_part = {k: v for k, v in state.items() if k.startswith(CVAE_PREFIX)}
    detector_part = {k: v for k, v in state.items() if not k.startswith(CVAE_PREFIX)}
    detector = _rename_all(detector_part, inverse_detector, 'detector', problems)
    cvae = _rename_all(cvae_part, inverse_cvae, 'CVAE', problems)
    if problems:
        raise CheckpointMismatchError('Cannot express the state dict in published names:\n  '
                                      + '\n  '.join(problems))
    return detector, cvae
