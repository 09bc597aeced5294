"""A model trained on the tiny generated dataset for one epoch, shared by the tool runs."""
from pathlib import Path

import pytest

from tests.helpers import TINY_CONFIG, run_tool


@pytest.fixture(scope='session')
def trained_work_dir(tmp_path_factory, data_options) -> Path:
    """Work dir of a one-epoch tools/train.py run (epoch_1.pth inside)."""
    work = tmp_path_factory.mktemp('trained')
    run_tool('tools/train.py', TINY_CONFIG, '--work-dir', work,
             '--cfg-options', 'train_cfg.max_epochs=1', *data_options)
    return work
