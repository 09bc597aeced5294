"""Helpers the models share: how they run their network at test time (precision, compilation,
memory layout), and the sizes a detector builds its parts with."""
from .inference import (
    TEST_CFG_DEFAULTS,
    detector_test_cfg,
    maybe_autocast,
    maybe_compiled,
    test_time_forward,
)
from .memory_format import CHANNELS_LAST, use_channels_last, use_default_layout
from .sizes import build_sized_parts, feature_sizes, filled

__all__ = ['CHANNELS_LAST', 'TEST_CFG_DEFAULTS', 'build_sized_parts', 'detector_test_cfg',
           'feature_sizes', 'filled', 'maybe_autocast', 'maybe_compiled', 'test_time_forward',
           'use_channels_last', 'use_default_layout']
