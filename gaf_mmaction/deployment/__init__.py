"""Deployment: the test-time network exported to ONNX and run by ONNX Runtime (optional
dependencies: ``pip install -e '.[deploy]'``)."""
from .onnx_export import DECODED_KEYS, ExportedNetwork, export_onnx
from .onnx_runtime_detector import ONNXRuntimeDetector, onnx_model_config

__all__ = ['DECODED_KEYS', 'ExportedNetwork', 'ONNXRuntimeDetector', 'export_onnx',
           'onnx_model_config']
