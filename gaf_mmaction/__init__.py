"""gaf_mmaction: GAF temporal action detection as an MMAction2 plugin.

Importing the package registers every component that a config of ours names
(models, datasets, transforms, metrics, loops, optimizer wrappers and their
constructor, the log processor, hooks and the checkpoint file backend) in
MMAction2's registries; configs load it with
``custom_imports = dict(imports=['gaf_mmaction'])``, which is all that
MMAction2's own ``tools/train.py`` and ``tools/test.py`` do.
"""
from . import checkpoint, datasets, deployment, engine, evaluation, models, ops  # noqa: F401
from .checkpoint.safe_loading import allow_mmengine_checkpoints, register_safe_checkpoint_loaders
from .version import __version__

# For every tool, MMAction2's included: torch's weights-only unpickler refuses the types
# MMEngine itself writes into a checkpoint (resuming fails), so allow exactly those; and
# MMEngine fetches URLs with full pickle, so route every checkpoint through the safe loader.
allow_mmengine_checkpoints()
register_safe_checkpoint_loaders()

__all__ = ['__version__']
