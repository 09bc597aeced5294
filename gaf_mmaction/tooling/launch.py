"""Starting a run from the train and test tools: the start checks of the whole config before
anything is built, and MMEngine's Runner with safe checkpoint loading.

Reading the config and the flags: :mod:`.config_loading`, :mod:`.run_options`; distributed
set-up and teardown: :mod:`.distributed`. The checks that guard a run once it is built are
hooks of the config (``configs/_base_/default_runtime.py``), so that MMAction2's own tools run
them too.
"""
from mmengine.config import Config
from mmengine.runner import Runner

from ..checkpoint.safe_loading import (
    allow_mmengine_checkpoints,
    trust_checkpoints,
    warn_if_unprotected,
)
from ..engine.input_files_hook import CHECKPOINT_FIX, run_inputs
from ..utils import InputPath, require_inputs
from .distributed import init_cpu_distributed


def check_run_inputs(cfg: Config, training: bool, checkpoint: str | None = None) -> None:
    """Refuse, before anything is built, a run whose inputs do not exist: every split's data
    folders and annotation files, the evaluator's files, in training the pretrained weights
    and ``load_from`` (:func:`~gaf_mmaction.engine.input_files_hook.run_inputs`), and the
    ``checkpoint`` to test.

    Raises:
        MissingInputError: One line naming the first missing path, its key and the docs
            section that makes it (exit status 2 in the tools).
    """
    items = []
    if checkpoint is not None and '://' not in checkpoint:
        items.append(InputPath(checkpoint, 'the CHECKPOINT argument', 'checkpoint to test',
                               CHECKPOINT_FIX))
    require_inputs(items + run_inputs(cfg, training))


def build_runner(cfg: Config, trust_checkpoint: bool = False) -> Runner:
    """MMEngine's Runner for ``cfg``, with safe checkpoint loading and CPU-distributed support.

    ``trust_checkpoint`` switches the weights-only protection off (see
    :func:`~gaf_mmaction.checkpoint.safe_loading.trust_checkpoints`).
    """
    allow_mmengine_checkpoints()
    if trust_checkpoint:
        trust_checkpoints()
    warn_if_unprotected()
    init_cpu_distributed(cfg, cfg.launcher)
    return Runner.from_cfg(cfg)
