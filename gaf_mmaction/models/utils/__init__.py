"""Helpers the models share: how they run their network at test time."""
from .inference import TEST_CFG_DEFAULTS, maybe_autocast, test_time_call
from .memory_format import (
    CHANNELS_LAST,
    backbones,
    lay_out_weights,
    use_channels_last,
    use_default_layout,
)

__all__ = ['CHANNELS_LAST', 'TEST_CFG_DEFAULTS', 'backbones', 'lay_out_weights',
           'maybe_autocast', 'test_time_call', 'use_channels_last', 'use_default_layout']
