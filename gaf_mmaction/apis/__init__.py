"""High-level entry points: the demo's whole path in one call."""
from .demo import DEMO_CONFIG, demo_config, run_demo

__all__ = ['DEMO_CONFIG', 'demo_config', 'run_demo']
