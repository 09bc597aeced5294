"""Shared fixtures: registry scope, the full-size model, tiny THUMOS14-format files and the
--cfg-options that point the tiny config at them, logs."""
import logging

import pytest
import torch
from mmengine.logging import MMLogger
from mmengine.registry import init_default_scope

from gaf_mmaction.testing import TINY_VIDEOS, write_thumos_like
from tests.helpers import build_from_config, options_for


@pytest.fixture(autouse=True)
def mmaction_scope():
    init_default_scope('mmaction')


@pytest.fixture(scope='session')
def rgb_model() -> torch.nn.Module:
    """The full-size RGB GAF detector of the THUMOS14 RGB config (random weights)."""
    return build_from_config('gaf/gaf_i3d_1xb8-256x96x96-300e_thumos14-rgb.py')


@pytest.fixture
def files(tmp_path) -> dict[str, str]:
    """Two tiny videos in the THUMOS14 on-disk format (see :func:`write_thumos_like`)."""
    return write_thumos_like(tmp_path, TINY_VIDEOS)


@pytest.fixture(scope='session')
def tiny_files(tmp_path_factory) -> dict[str, str]:
    """The same tiny videos, written once for the session."""
    return write_thumos_like(tmp_path_factory.mktemp('thumos'), TINY_VIDEOS)


@pytest.fixture(scope='session')
def data_options(tiny_files) -> list[str]:
    """--cfg-options pointing the tiny config's data at the generated frames."""
    return options_for(tiny_files, tiny_files['video_dir'])


@pytest.fixture
def warnings_log():
    """The current MMEngine logger's records, as text."""
    records = []
    handler = logging.Handler()
    handler.emit = lambda record: records.append(record.getMessage())
    logger = MMLogger.get_current_instance()
    logger.addHandler(handler)
    yield records
    logger.removeHandler(handler)
