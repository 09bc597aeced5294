"""Data preprocessors: batching and on-device normalisation."""
from .clip_preprocessor import ClipDataPreprocessor

__all__ = ['ClipDataPreprocessor']
