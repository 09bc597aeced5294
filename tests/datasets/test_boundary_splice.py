"""The splice augmentation (docs/published_code.md §8.4 step 4) on a hand-built clip."""
import numpy as np
import pytest

from gaf_mmaction.datasets.transforms import boundary_splice
from gaf_mmaction.datasets.transforms.boundary_splice import BoundarySplice, background_gap, splice


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
                                    splice_length=4))
    frames = results['splice_imgs'].ravel().tolist()
    assert frames == [*range(11), 23, 24, 25, 26, *range(11, 23), *range(27, 40)]
    assert results['splice_segments'].tolist() == [[5, 11], [15, 24], [12, 14]]
    assert results['splice_valid']
    assert results['imgs'].ravel().tolist() == list(range(40))  # original untouched


def test_background_before_the_action(choose):
    # Same cut at 11, gap [0, 5]: background at 0, the 7 frames before the cut shift left.
    choose(0, 2, 0, 0)
    results = BoundarySplice()(dict(imgs=indexed_clip(), gt_annotations=np.array([[5.0, 20.0, 1]]),
                                    splice_length=4))
    frames = results['splice_imgs'].ravel().tolist()
    assert frames == [*range(4, 11), 0, 1, 2, 3, *range(11, 40)]
    assert results['splice_segments'].tolist() == [[1, 7], [11, 20], [8, 10]]


def test_failure_keeps_the_clip():
    clip = indexed_clip()
    results = BoundarySplice()(dict(imgs=clip, gt_annotations=np.array([[5.0, 12.0, 1]]),
                                    splice_length=4))  # 7 frames < 2 x 4: no action qualifies
    assert not results['splice_valid'] and results['splice_imgs'] is clip
    assert results['splice_segments'].shape == (3, 2)
    assert results['splice_valid'] is False
    assert results['splice_segments'].dtype == np.float32


def test_a_gap_reaching_the_last_frame():
    # Boundaries 0, 2, 10, 31: the gap [10, 31] is 21 frames, longer than 20.
    assert background_gap(np.array([[2.0, 10.0, 1]]), 32, 20) == [10, 31]


def test_an_action_of_exactly_twice_the_splice_length_is_too_short():
    assert splice(indexed_clip(), np.array([[5.0, 13.0, 1]]), 4) is None
    # Just longer than 2x (and shorter than 3x) qualifies.
    np.random.seed(0)
    assert splice(indexed_clip(), np.array([[5.0, 15.0, 1]]), 4) is not None


def test_every_random_splice_keeps_its_contract():
    # Action [4, 20] in a 32-frame clip, 5 frames of background: cuts 9..14, the only gap
    # [20, 31], background taken at 20..25.
    clip = indexed_clip(32)
    on_end_frame = 0
    for seed in range(60):
        np.random.seed(seed)
        out, segments = splice(clip, np.array([[4.0, 20.0, 1]]), 5)
        frames = out.ravel()
        assert segments.dtype == np.float32
        (a0, a1), (b0, b1), (g0, g1) = segments.astype(int).tolist()
        if b1 == 20:
            # Background taken on the action's end frame (b = e): the published THUMOS14 rule
            # ("the action ends before b", e < b) takes the 'background before' branch, which
            # here overwrites the 5 frames before the cut and starts segment A before the
            # action (docs/published_code.md §8.4). ActivityNet's rule (e <= b) would not.
            cut = b0
            assert (a0, a1, g0, g1) == (4 - 5, cut - 5, cut - 4, cut - 1)
            assert frames[cut - 5:cut].tolist() == [20, 21, 22, 23, 24]
            on_end_frame += 1
            continue
        # Both action parts span at least the splice length, in order around the background.
        assert a1 - a0 >= 5 and b1 - b0 >= 5 and a1 + 1 == g0 <= g1 < b0
        assert segments.min() >= 0 and segments.max() <= 31
        # They hold consecutive action frames; as published, the first part's end frame
        # (a1) is already the first inserted one.
        for part in (frames[a0:a1], frames[b0:b1 + 1]):
            assert ((part >= 4) & (part <= 20)).all() and (np.diff(part.astype(int)) == 1).all()
        # The inserted frames come from the background gap, after the action's end frame.
        inserted = frames[a1:g1 + 1]
        assert ((inserted > 20) & (inserted <= 31)).all() and len(inserted) == 5
    assert 0 < on_end_frame < 60
