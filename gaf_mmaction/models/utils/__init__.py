"""Helpers the models share: how they run their network at test time."""
from .inference import TEST_CFG_DEFAULTS, maybe_autocast, test_time_call

__all__ = ['TEST_CFG_DEFAULTS', 'maybe_autocast', 'test_time_call']
