"""Detectors: models that compose backbone, attention, neck and head."""
from .fusion_detector import GAFFusionDetector
from .gaf_detector import GAFDetector

__all__ = ['GAFDetector', 'GAFFusionDetector']
