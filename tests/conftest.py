"""Shared fixtures: registry scope, the full-size model, tiny THUMOS14-format files and the
--cfg-options that point the tiny config at them, a module's scratch folders, logs."""
import logging
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

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


@pytest.fixture(scope='module')
def module_tmp(tmp_path_factory) -> Iterator[Callable[[str], Path]]:
    """``tmp_path_factory.mktemp`` for a module's shared fixtures, whose folders are removed
    when the module ends: one tiny training run keeps about 1 GB of checkpoints, and the
    suite's runs kept to the session's end would not fit a CI machine's disk."""
    made = []

    def mktemp(name: str) -> Path:
        made.append(tmp_path_factory.mktemp(name))
        return made[-1]

    yield mktemp
    for path in made:
        shutil.rmtree(path, ignore_errors=True)


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
