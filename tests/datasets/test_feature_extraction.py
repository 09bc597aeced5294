"""Feature extraction: each feature is the backbone on its snippet; the tool resumes."""

import numpy as np
import torch
from mmaction.registry import MODELS
from mmengine.config import Config
from mmengine.registry import init_default_scope

from gaf_mmaction.preparation.features import FeatureExtractor
from tests.helpers import TEST_DATA, network_rtol, run_tool, torch_threads

TINY = str(TEST_DATA / 'configs' / 'gaf_tiny.py')


def tiny_model():
    init_default_scope('mmaction')
    torch.manual_seed(0)
    return MODELS.build(Config.fromfile(TINY).model).eval()


def by_hand(model, frames, t, stride=4, snippet=16, crop=32):
    """Feature t: the backbone's Mixed_5c on frames [4t, 4t + 16) (the last repeated past the
    end), centre-cropped, averaged over time and space."""
    index = np.minimum(np.arange(t * stride, t * stride + snippet), len(frames) - 1)
    top = (frames.shape[1] - crop) // 2
    clip = torch.from_numpy(frames[index, top:top + crop, top:top + crop]).permute(3, 0, 1, 2)
    with torch.no_grad():
        out = model.backbone(model.data_preprocessor.normalize(clip[None]))[-1]
    return out.mean(dim=(2, 3, 4))[0].numpy()


def close(a, b, backbone) -> bool:
    """Equal up to the rounding of another arrangement of the backbone's arithmetic (a batch
    of snippets against one): its 21 layers and the mean (tests/helpers.py network_rtol), of
    the features' scale."""
    bound = network_rtol(backbone, depth=22) * float(np.abs(b).max())
    return float(np.abs(a - b).max()) <= bound


def test_each_feature_is_the_backbone_on_its_snippet(tmp_path):
    model = tiny_model()
    frames = np.random.default_rng(0).integers(0, 256, (37, 40, 40, 3), dtype=np.uint8)
    extractor = FeatureExtractor(model.backbone, model.data_preprocessor.normalize, crop=32,
                                 batch_size=3)
    with torch_threads(1):  # as the tool's process below
        features = extractor(frames)
    assert features.shape == (10, 1024) and features.dtype == np.float32  # ceil(37 / 4)
    for t in (0, 4, 9):
        assert close(features[t], by_hand(model, frames, t), model.backbone), t
    assert not close(features[0], features[4], model.backbone)
    assert np.linalg.norm(features[0]) > 0

    # The tool, with the model's checkpoint, writes the same; a second run resumes.
    checkpoint = tmp_path / 'tiny.pth'
    torch.save(dict(meta={}, state_dict=model.state_dict()), checkpoint)
    (tmp_path / 'npy').mkdir()
    np.save(tmp_path / 'npy' / 'one.npy', frames)
    np.save(tmp_path / 'npy' / 'two.npy', frames[:9])
    command = ['tools/data/extract_features.py', TINY, tmp_path / 'npy', tmp_path / 'feats',
               '--checkpoint', checkpoint, '--device', 'cpu', '--num-workers', '0',
               '--batch-size', '3']
    log = run_tool(*command).output
    assert '2 videos, 0 done before' in log and '[2/2]' in log
    # The same batches of snippets on one thread: the same bits.
    assert np.array_equal(np.load(tmp_path / 'feats' / 'one.npy'), features)
    assert np.load(tmp_path / 'feats' / 'two.npy').shape == (3, 1024)
    written = (tmp_path / 'feats' / 'one.npy').stat().st_mtime_ns
    (tmp_path / 'feats' / 'two.npy').write_bytes(b'')  # what a killed write would leave
    log = run_tool(*command).output
    assert '2 videos, 1 done before' in log and '[1/1] two' in log
    assert (tmp_path / 'feats' / 'one.npy').stat().st_mtime_ns == written
    assert not list((tmp_path / 'feats').glob('*.part'))
