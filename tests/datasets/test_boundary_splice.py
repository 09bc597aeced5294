"""The SSL splice augmentation (docs/published_code.md §8.4 step 4) on a hand-built clip."""
import numpy as np
import pytest

from gaf_mmaction.datasets.transforms import boundary_splice
from gaf_mmaction.datasets.transforms.boundary_splice import BoundarySplice, background_gap


@pytest.fixture
def choose(monkeypatch):
    """Make the random picks follow a list of indices into the options offered."""
    def set_choices(*indices):
        queue = list(indices)
        monkeypatch.setattr(boundary_splice, '_pick', lambda options: options[queue.pop(0)])
    return set_choices


def indexed_clip(length: int = 40) -> np.ndarray:
    """[1, T, 1, 1] clip whose frame t holds the value t."""
    return np.arange(length, dtype=np.uint8).reshape(1, length, 1, 1)


def test_gaps_between_boundaries():
    annos = np.array([[5.0, 20.0, 1]])
    # Boundaries 0, 5, 20, 39: [5, 20] is the action itself; [0, 5] and [20, 39] are gaps.
    assert background_gap(annos, 40, 4) in ([0, 5], [20, 39])
    assert background_gap(annos, 40, 19) is None  # 39 - 20 = 19 is not longer than 19


def test_background_after_the_action(choose):
    # Action [5, 20], splice length 4: cut = 4 + 2 + ceil(5) = 11 (range(4, 11)[2]),
    # gap [20, 39], background at 20 + 3 = 23.
    choose(0, 2, 1, 3)
    results = BoundarySplice()(dict(imgs=indexed_clip(), gt_annotations=np.array([[5.0, 20.0, 1]]),
                                    ssl_length=4))
    frames = results['ssl_imgs'].ravel().tolist()
    assert frames == [*range(11), 23, 24, 25, 26, *range(11, 23), *range(27, 40)]
    assert results['ssl_segments'].tolist() == [[5, 11], [15, 24], [12, 14]]
    assert results['ssl_valid']
    assert results['imgs'].ravel().tolist() == list(range(40))  # original untouched


def test_background_before_the_action(choose):
    # Same cut at 11, gap [0, 5]: background at 0, the 7 frames before the cut shift left.
    choose(0, 2, 0, 0)
    results = BoundarySplice()(dict(imgs=indexed_clip(), gt_annotations=np.array([[5.0, 20.0, 1]]),
                                    ssl_length=4))
    frames = results['ssl_imgs'].ravel().tolist()
    assert frames == [*range(4, 11), 0, 1, 2, 3, *range(11, 40)]
    assert results['ssl_segments'].tolist() == [[1, 7], [11, 20], [8, 10]]


def test_failure_keeps_the_clip():
    clip = indexed_clip()
    results = BoundarySplice()(dict(imgs=clip, gt_annotations=np.array([[5.0, 12.0, 1]]),
                                    ssl_length=4))  # 7 frames < 2 x 4: no action qualifies
    assert not results['ssl_valid'] and results['ssl_imgs'] is clip
    assert results['ssl_segments'].shape == (3, 2)
