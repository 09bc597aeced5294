"""The public feature releases as named presets: geometry, channels and file names.

Each entry states what its release's documentation and loading code say (docs/datasets.md
cites them): how its snippets were taken, how many channels a step has (and which channels are
the RGB and flow streams of two-stream features), and how its files are named.
A dataset's ``release`` picks one; its ``geometry`` keys override single values.
"""
from dataclasses import dataclass, field, replace

from .feature_geometry import FeatureGeometry


@dataclass(frozen=True)
class FeatureRelease:
    """One release's features on disk.

    Attributes:
        geometry: Its snippet geometry.
        channels: Channels per step (None: not stated).
        streams: {stream: (start, stop)} channel ranges of two-stream features.
        file_prefix: Prepended to a video's name in its file name (``v_`` for
            ActivityNet).
        file_ext: '.npy' ([T, C]) or '.npz' (``feats`` [T, C]).
    """

    geometry: FeatureGeometry
    channels: int | None
    streams: dict[str, tuple[int, int]] = field(default_factory=dict)
    file_prefix: str = ''
    file_ext: str = '.npy'


I3D_STREAMS = {'rgb': (0, 1024), 'flow': (1024, 2048)}

FEATURE_RELEASES: dict[str, FeatureRelease] = {
    # ActionFormer's THUMOS14 I3D: 16-frame snippets every 4 frames at each video's own rate
    # (the JSON's fps: 30, 29.97, 25 or 24), RGB then flow channels.
    'actionformer_thumos14_i3d': FeatureRelease(FeatureGeometry(16, 4), 2048, I3D_STREAMS),
    # OpenTAD's THUMOS14 (and Multi-THUMOS) I3D: the same files; rate = frame / duration,
    # offset_frames 8.
    'opentad_thumos14_i3d': FeatureRelease(FeatureGeometry(16, 4, offset_frames=8), 2048,
                                           I3D_STREAMS),
    # ActivityNet-1.3 TSP (R(2+1)D-34): 16-frame snippets every 16 frames at 15 fps, resampled
    # to a fixed length (ActionFormer: 192 steps over the snippets' span; OpenTAD: over the
    # duration), files v_<video>.npy.
    'actionformer_anet_tsp': FeatureRelease(
        FeatureGeometry(16, 16, fps=15, resize_length=192, resize_span='snippets'), 512,
        file_prefix='v_'),
    'opentad_anet_tsp': FeatureRelease(
        FeatureGeometry(16, 16, fps=15, resize_length=192, resize_span='duration'), 512,
        file_prefix='v_'),
    # EPIC-Kitchens-100 SlowFast (ActionFormer): 32-frame snippets every 16 frames at 30 fps,
    # <video>.npz holding "feats".
    'actionformer_epic_slowfast': FeatureRelease(FeatureGeometry(32, 16, fps=30), 2304,
                                                 file_ext='.npz'),
    # Ego4D moment queries, SlowFast (ActionFormer's conversion of the official features):
    # 32-frame snippets every 16 frames at 30 fps.
    'actionformer_ego4d_slowfast': FeatureRelease(FeatureGeometry(32, 16, fps=30), 2304),
    # HACS Segments SlowFast (OpenTAD): every 8 frames at 15 fps, offset_frames 16.
    'opentad_hacs_slowfast': FeatureRelease(FeatureGeometry(32, 8, offset_frames=16, fps=15),
                                            2304),
    # FineAction VideoMAE-H (OpenTAD, InternVideo's): 16-frame snippets every 16 frames at 30
    # fps, offset_frames 8.
    'opentad_fineaction_videomae_h': FeatureRelease(
        FeatureGeometry(16, 16, offset_frames=8, fps=30), 1280),
}


def feature_release(name: str | None, geometry: dict | None = None) -> FeatureRelease:
    """The preset ``name`` with ``geometry``'s keys replaced (``name`` None: geometry only,
    which must then give ``snippet_length`` and ``snippet_stride``).

    Raises:
        KeyError: An unknown preset name (listing the known ones).
        TypeError: A geometry key that :class:`FeatureGeometry` does not have.
    """
    geometry = dict(geometry or {})
    if name is None:
        return FeatureRelease(FeatureGeometry(**geometry), None)
    if name not in FEATURE_RELEASES:
        raise KeyError(f'unknown feature release {name!r}; known: {sorted(FEATURE_RELEASES)}')
    release = FEATURE_RELEASES[name]
    return replace(release, geometry=replace(release.geometry, **geometry))
