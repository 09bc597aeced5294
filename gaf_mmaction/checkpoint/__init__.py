"""Checkpoint loading and conversion from the published GAF code."""
from .convert import convert_published_checkpoint, load_plain_state_dict, model_shapes
from .exact_load import (
                         CheckpointMismatchError,
                         load_checkpoint_exact,
                         load_state_dict_exact,
                         mismatch_report,
)
from .published import from_published, to_published

__all__ = ['CheckpointMismatchError', 'convert_published_checkpoint', 'from_published',
           'load_checkpoint_exact', 'load_plain_state_dict', 'load_state_dict_exact', 'mismatch_report', 'model_shapes',
           'to_published']
