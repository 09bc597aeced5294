"""Deployment: the test-time network exported to ONNX and run by ONNX Runtime (optional
dependencies: ``pip install -e '.[deploy]'``)."""
from .exported_checkpoint import checkpoint_onnx, export_checkpoint
from .onnx_export import DECODED_KEYS, ExportedNetwork, export_onnx
from .onnx_runtime_detector import ONNXRuntimeDetector, onnx_model_config
from .runtime import RUNTIMES, resolve_runtime

__all__ = ['DECODED_KEYS', 'RUNTIMES', 'ExportedNetwork', 'ONNXRuntimeDetector',
           'checkpoint_onnx', 'export_checkpoint', 'export_onnx', 'onnx_model_config',
           'resolve_runtime']
