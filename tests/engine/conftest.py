"""A tiny generated dataset and a model trained on it for one epoch, shared by the tool tests."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

from gaf_mmaction.testing import TINY_VIDEOS, write_thumos_like
from gaf_mmaction.testing import data_options as data_options_of
from tests.helpers import REPO, TEST_DATA

TINY_CONFIG = str(TEST_DATA / 'configs' / 'gaf_tiny.py')


def run_process(args: list[str], timeout: int = 300,
                env_update: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """Run a command in the repository root (importable as a package root), output captured;
    ``env_update`` adds to (or, with None values, removes from) its environment."""
    env = dict(os.environ, OMP_NUM_THREADS='1', PYTHONUNBUFFERED='1', PYTHON=sys.executable,
               PYTHONPATH=str(REPO))
    for key, value in (env_update or {}).items():
        env.pop(key, None)
        if value is not None:
            env[key] = value
    return subprocess.run(args, check=False, cwd=REPO, env=env, capture_output=True, text=True,
                          timeout=timeout)


def run_tool(args: list[str], timeout: int = 300) -> str:
    """Run a command in the repository root; fail the test with its output if it fails."""
    proc = run_process(args, timeout)
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0, output[-4000:]
    return output


@pytest.fixture(scope='session')
def tiny_files(tmp_path_factory) -> dict[str, str]:
    return write_thumos_like(tmp_path_factory.mktemp('thumos'), TINY_VIDEOS)


def options_for(files: dict[str, str], video_dir: str) -> list[str]:
    """--cfg-options pointing a config's train, validation and test data at generated files."""
    return [f'{key}={value}' for key, value in
            data_options_of(dict(files, video_dir=video_dir)).items()]


@pytest.fixture(scope='session')
def data_options(tiny_files) -> list[str]:
    """--cfg-options pointing the tiny config's data at the generated frames."""
    return options_for(tiny_files, tiny_files['video_dir'])


@pytest.fixture(scope='session')
def trained_work_dir(tmp_path_factory, data_options) -> Path:
    """Work dir of a one-epoch tools/train.py run (epoch_1.pth inside)."""
    work = tmp_path_factory.mktemp('trained')
    run_tool([sys.executable, 'tools/train.py', TINY_CONFIG, '--work-dir', str(work),
              '--cfg-options', 'train_cfg.max_epochs=1', *data_options])
    return work
