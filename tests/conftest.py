"""Shared fixtures: registry scope and the full-size model."""
import pytest
import torch
from mmengine.registry import init_default_scope

from tests.helpers import build_from_config


@pytest.fixture(autouse=True)
def mmaction_scope():
    init_default_scope('mmaction')


@pytest.fixture(scope='session')
def rgb_model() -> torch.nn.Module:
    """The full-size RGB GAF detector of configs/gaf_thumos14_rgb.py (random weights)."""
    return build_from_config('gaf_thumos14_rgb.py')
