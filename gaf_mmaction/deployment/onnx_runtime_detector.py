"""A detector whose test-time network runs in ONNX Runtime, from an exported file."""
import numpy as np
import torch
from mmaction.registry import MODELS

from .exported_detector import ExportedDetector
from .onnx_export import INPUT_NAME, import_deploy


@MODELS.register_module()
class ONNXRuntimeDetector(ExportedDetector):
    """Test a detector exported by ``tools/deployment/export_onnx.py`` in ONNX Runtime
    (``tools/test.py --backend onnxruntime``); see :class:`ExportedDetector`.

    Args:
        onnx_file: The exported .onnx file.
        detector: Config of the PyTorch detector it was exported from.
        providers: ONNX Runtime execution providers. Defaults to
            ('CPUExecutionProvider', ).
        intra_op_threads: ONNX Runtime's threads per operator. Defaults to
            None: torch's thread count (``torch.get_num_threads()``).
        data_preprocessor: Defaults to None: the detector's.
        init_cfg: MMEngine init config. Defaults to None.
    """

    def __init__(self, onnx_file: str, detector: dict,
                 providers: tuple[str, ...] = ('CPUExecutionProvider', ),
                 intra_op_threads: int | None = None, data_preprocessor: dict | None = None,
                 init_cfg: dict | None = None) -> None:
        ort = import_deploy('onnxruntime')
        super().__init__(onnx_file, detector, data_preprocessor, init_cfg)
        options = ort.SessionOptions()
        options.intra_op_num_threads = intra_op_threads or torch.get_num_threads()
        self.session = ort.InferenceSession(self.onnx_file, options, providers=list(providers))
        self.output_names = [output.name for output in self.session.get_outputs()]

    def run(self, clips: np.ndarray) -> dict[str, np.ndarray]:
        """See :meth:`ExportedDetector.run`."""
        return dict(zip(self.output_names,
                        self.session.run(self.output_names, {INPUT_NAME: clips})))
