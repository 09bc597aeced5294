"""The exported network split at the I3D stem (stem and trunk parts beside the .onnx file): each
runtime shares the stem between consecutive windows, as PyTorch does, with PyTorch's outputs
for whole windows within the envelope of the convolutions' reordering bounds
(tests/rounding.py). Skipped without the deploy extras (pip install -e '.[deploy]')."""
import numpy as np
import pytest
import torch
from mmaction.registry import MODELS
from mmengine.config import Config
from mmengine.registry import init_default_scope

from gaf_mmaction.deployment import (
    ONNXRuntimeDetector,
    OpenVINODetector,
    export_onnx,
    stem_part_files,
)
from gaf_mmaction.deployment.onnx_export import META_SOURCE
from gaf_mmaction.utils import ConfigMismatchError
from tests.helpers import TINY_CONFIG
from tests.rounding import reducing_layers, rounding_envelope

pytest.importorskip('onnxruntime')
pytest.importorskip('onnxscript')
pytest.importorskip('openvino')

# 96-frame windows every 48 frames: about the shortest for which the I3D stem's stitch saves
# frames (a later window's front strip and tail: 18 + 66 frames).
CLIP, STRIDE = 96, 48


@pytest.fixture(scope='module')
def exported(tmp_path_factory):
    init_default_scope('mmaction')
    cfg = Config.fromfile(TINY_CONFIG)
    cfg.merge_from_dict({'model.clip_length': CLIP})
    torch.manual_seed(0)
    model = MODELS.build(cfg.model).eval()
    onnx_file = tmp_path_factory.mktemp('stem') / 'tiny.onnx'
    export_onnx(model, onnx_file, (3, CLIP, 32, 32), source='this checkpoint')
    return model, onnx_file, cfg.model.to_dict()


@pytest.mark.parametrize('runtime', [ONNXRuntimeDetector, OpenVINODetector])
def test_each_runtime_shares_the_stem_between_windows_of_a_video(exported, runtime):
    model, onnx_file, detector = exported
    assert all(file.is_file() for file in stem_part_files(onnx_file))
    torch.manual_seed(1)
    video = torch.rand(1, 3, CLIP + 2 * STRIDE, 32, 32) * 2 - 1
    # Another video's first window, then three consecutive windows of one video: the third
    # in a batch of its own.
    clips = torch.cat([video[:, :, :CLIP].flip(2)]
                      + [video[:, :, STRIDE * i:STRIDE * i + CLIP] for i in range(3)])
    places = [('b', 0), ('a', 0), ('a', STRIDE), ('a', 2 * STRIDE)]
    with torch.no_grad():
        expected = model.test_outputs(clips)
        envelope = rounding_envelope(lambda: model.test_outputs(clips), reducing_layers(model))
    exported_model = runtime(str(onnx_file), detector)
    lengths = []
    stem = exported_model.graphs['stem']
    exported_model.graphs['stem'] = lambda part: lengths.append(part.shape[:3]) or stem(part)
    batches = [(rows, exported_model.run(np.ascontiguousarray(clips[rows].numpy()),
                                         places[rows])) for rows in (slice(0, 3), slice(3, 4))]
    # The first window of each video whole (one call), the tail and front strip of the next;
    # in the next batch, those of the third, which follows the window kept from the first.
    stitch = model.backbone.stem_stitch(CLIP, STRIDE)
    assert lengths == [(2, 3, CLIP), (1, 3, CLIP - stitch.tail_start),
                       (1, 3, stitch.strip_frames), (1, 3, CLIP - stitch.tail_start),
                       (1, 3, stitch.strip_frames)]
    for rows, got in batches:
        assert got
        for key, value in got.items():
            # Outputs per window, and the priors, which are the same for every batch.
            wanted = expected[key][rows] if len(expected[key]) == len(clips) else expected[key]
            difference = (torch.from_numpy(value).double() - wanted.double()).abs().max()
            assert difference <= envelope[key], key


def test_without_share_stem_the_whole_network_runs(exported):
    _, onnx_file, detector = exported
    model = OpenVINODetector(str(onnx_file), dict(detector, test_cfg=dict(share_stem=False)))
    assert list(model.graphs) == ['whole']


def test_a_stem_part_from_another_export_is_refused(exported, tmp_path):
    _, onnx_file, detector = exported
    onnx = pytest.importorskip('onnx')
    # The whole network exported again from other weights, beside the first export's parts.
    proto = onnx.load(str(onnx_file))
    for prop in proto.metadata_props:
        if prop.key == META_SOURCE:
            prop.value = 'another checkpoint'
    other = tmp_path / 'other.onnx'
    onnx.save(proto, str(other))
    for part, copy in zip(stem_part_files(onnx_file), stem_part_files(other)):
        copy.write_bytes(part.read_bytes())
    with pytest.raises(ConfigMismatchError, match='other.stem.onnx was not exported with'):
        OpenVINODetector(str(other), detector)
