"""Where in a video each step of pre-extracted snippet features lies (docs/datasets.md).

A feature release takes a snippet of ``snippet_length`` frames every ``snippet_stride`` frames
at ``fps`` frames a second; the feature of snippet ``s`` describes its centre, frame
``s * snippet_stride + offset_frames`` (``offset_frames = snippet_length / 2``). So time ``t``
lies at step ``t * fps / snippet_stride - offset_frames / snippet_stride``. A release resampled
to a fixed number of steps per video instead splits the span its snippets cover into
``resize_length`` equal bins, step ``i`` at the centre of bin ``i``.
"""
from dataclasses import dataclass

SPANS = ('duration', 'snippets')


@dataclass(frozen=True)
class FeatureGeometry:
    """The snippet geometry of one feature release.

    Attributes:
        snippet_length: Frames per snippet.
        snippet_stride: Frames between consecutive snippets.
        offset_frames: Frame of a snippet's time, from its first frame.
            None: its centre, ``snippet_length / 2``.
        fps: Frames per second the snippets were taken at. None: each
            video's rate from the annotation file.
        resize_length: Steps every video is resampled to. None: as stored.
        resize_span: What the resampled steps cover: 'duration' (the
            annotation's duration, OpenTAD) or 'snippets' (the stored
            snippets' frames, ``(T - 1) * snippet_stride + snippet_length``,
            ActionFormer).
    """

    snippet_length: int
    snippet_stride: int
    offset_frames: float | None = None
    fps: float | None = None
    resize_length: int | None = None
    resize_span: str = 'duration'

    def __post_init__(self) -> None:
        if self.snippet_length <= 0 or self.snippet_stride <= 0:
            raise ValueError(f'snippet_length and snippet_stride must be positive, got '
                             f'{self.snippet_length} and {self.snippet_stride}')
        if self.resize_span not in SPANS:
            raise ValueError(f'resize_span must be one of {SPANS}, got {self.resize_span!r}')

    @property
    def centre(self) -> float:
        """Frames from a snippet's first frame to its time."""
        return self.snippet_length / 2 if self.offset_frames is None else self.offset_frames

    def timing(self, video_fps: float | None, duration: float | None,
               stored_steps: int) -> tuple[float, float]:
        """(steps per second, origin): step position ``x`` shows time ``(x + origin) / rate``.

        Args:
            video_fps: The video's frame rate from its annotation (used when
                ``fps`` is None).
            duration: The video's length in seconds (for ``resize_span='duration'``).
            stored_steps: Steps T of the stored feature file.

        Raises:
            ValueError: When the rate or the span it needs is unknown or not positive.
        """
        fps = self.fps or video_fps
        if not fps or fps <= 0:
            raise ValueError(f'no positive frame rate (geometry fps {self.fps}, the video\'s '
                             f'{video_fps})')
        if self.resize_length is None:
            return fps / self.snippet_stride, self.centre / self.snippet_stride
        if self.resize_span == 'duration':
            if not duration or duration <= 0:
                raise ValueError(f'resampling over the duration needs a positive duration, '
                                 f'got {duration}')
            span = duration
        else:
            span = ((stored_steps - 1) * self.snippet_stride + self.snippet_length) / fps
        return self.resize_length / span, 0.5

    def step_of(self, seconds: float, rate: float, origin: float) -> float:
        """The step position of a time (seconds), with :meth:`timing`'s rate and origin."""
        return seconds * rate - origin
