"""The video API's ONNX cache: a checkpoint's export beside it is reused while checkpoint and
model config stay the same, and made again when either changes."""
import pytest
import torch
from mmengine.config import Config

from gaf_mmaction.deployment import exported_checkpoint, resolve_runtime, runtime
from gaf_mmaction.deployment.onnx_export import META_SOURCE
from tests.helpers import TEST_DATA

onnx = pytest.importorskip('onnx')

TINY = TEST_DATA / 'configs' / 'gaf_tiny.py'


def onnx_file_with_source(path, source: str) -> None:
    """A one-node ONNX file whose metadata names ``source``."""
    node = onnx.helper.make_node('Identity', ['x'], ['y'])
    value = onnx.helper.make_tensor_value_info('x', onnx.TensorProto.FLOAT, [1])
    graph = onnx.helper.make_graph([node], 'g', [value],
                                   [onnx.helper.make_tensor_value_info(
                                       'y', onnx.TensorProto.FLOAT, [1])])
    model = onnx.helper.make_model(graph)
    model.metadata_props.add(key=META_SOURCE, value=source)
    onnx.save(model, str(path))


def test_the_export_is_reused_while_checkpoint_and_config_stay(tmp_path, monkeypatch):
    cfg = Config.fromfile(TINY)
    checkpoint = tmp_path / 'model.pth'
    torch.save(dict(state_dict={'w': torch.zeros(2)}), checkpoint)
    exports = []
    monkeypatch.setattr(exported_checkpoint, 'export_checkpoint',
                        lambda cfg, ckpt, out: exports.append((ckpt, out)))
    digest = exported_checkpoint.source_digest(cfg, str(checkpoint))
    onnx_file_with_source(tmp_path / 'model.onnx', digest)
    assert exported_checkpoint.checkpoint_onnx(cfg, str(checkpoint)) == tmp_path / 'model.onnx'
    assert exports == []
    # Another model config (a config option): exported again, to the same place.
    exported_checkpoint.checkpoint_onnx(cfg, str(checkpoint), {'model.head.num_classes': 5})
    # Other weights under the same name: exported again.
    torch.save(dict(state_dict={'w': torch.ones(2)}), checkpoint)
    assert exported_checkpoint.source_digest(cfg, str(checkpoint)) != digest
    exported_checkpoint.checkpoint_onnx(cfg, str(checkpoint))
    assert exports == [(str(checkpoint), tmp_path / 'model.onnx')] * 2


def test_auto_is_openvino_on_the_cpu_only(monkeypatch):
    assert resolve_runtime('auto', 'cpu') == 'openvino'  # the extras: requirements/tests.txt
    assert resolve_runtime('auto', 'cuda:0') == 'pytorch'
    assert resolve_runtime('pytorch', 'cpu') == 'pytorch'
    assert resolve_runtime('onnxruntime', 'cpu') == 'onnxruntime'
    with pytest.raises(ValueError, match='runtime must be one of'):
        resolve_runtime('tensorrt', 'cpu')
    # Without OpenVINO, ONNX Runtime; without either, PyTorch.
    monkeypatch.setattr(runtime, 'runtime_installed', lambda name: name == 'onnxruntime')
    assert resolve_runtime('auto', 'cpu') == 'onnxruntime'
    monkeypatch.setattr(runtime, 'runtime_installed', lambda name: False)
    assert resolve_runtime('auto', 'cpu') == 'pytorch'
