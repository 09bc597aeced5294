"""Helpers the models share: how they run their network at test time, and the sizes a detector
builds its parts with."""
from .inference import TEST_CFG_DEFAULTS, detector_test_cfg, maybe_autocast, maybe_compiled
from .sizes import build_sized_parts, feature_sizes, filled

__all__ = ['TEST_CFG_DEFAULTS', 'build_sized_parts', 'detector_test_cfg', 'feature_sizes', 'filled',
           'maybe_autocast', 'maybe_compiled']
