"""Checkpoint loading and conversion from the published GAF code."""
from .convert import convert_published_checkpoint, model_shapes
from .exact_load import (
    CheckpointMismatchError,
    load_checkpoint_exact,
    load_state_dict_exact,
    mismatch_report,
    read_state_dict,
)
from .published import from_published, to_published

__all__ = ['CheckpointMismatchError', 'convert_published_checkpoint', 'from_published',
           'load_checkpoint_exact', 'load_state_dict_exact', 'mismatch_report', 'model_shapes',
           'read_state_dict', 'to_published']
