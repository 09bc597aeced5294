"""Detectors: models that compose backbone, attention, neck and head."""
from .gaf_detector import GAFDetector

__all__ = ['GAFDetector']
