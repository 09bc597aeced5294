"""High-level entry points: detection in one video, and the demo's whole path in one call."""
from .demo import DEMO_CONFIG, demo_config, run_demo
from .inference import detect_video, inference_detector, init_detector, load_frames

__all__ = ['DEMO_CONFIG', 'demo_config', 'detect_video', 'inference_detector', 'init_detector', 'load_frames',
           'run_demo']
