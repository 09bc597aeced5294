"""Deployment: the test-time network exported to ONNX and run by ONNX Runtime or OpenVINO
(optional dependencies: ``pip install -e '.[deploy]'``)."""
from .exported_checkpoint import checkpoint_onnx, export_checkpoint
from .exported_detector import ExportedDetector
from .onnx_export import DECODED_KEYS, ExportedNetwork, export_onnx, stem_part_files
from .onnx_runtime_detector import ONNXRuntimeDetector
from .openvino_detector import OpenVINODetector
from .runtime import (
    EXPORTED_DETECTORS,
    RUNTIMES,
    exported_model_config,
    resolve_runtime,
    runtime_installed,
)

__all__ = ['DECODED_KEYS', 'EXPORTED_DETECTORS', 'RUNTIMES', 'ExportedDetector',
           'ExportedNetwork', 'ONNXRuntimeDetector', 'OpenVINODetector', 'checkpoint_onnx',
           'export_checkpoint', 'export_onnx', 'exported_model_config', 'resolve_runtime',
           'runtime_installed', 'stem_part_files']
