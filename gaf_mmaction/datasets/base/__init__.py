"""Dataset bases: a concrete dataset parses its annotations into video records; these cut
them into windows and check their files (the window contract: :class:`TemporalDetectionDataset`)."""
from .sliding_window import SlidingWindowDataset
from .snippet_features import SnippetFeatures
from .temporal_dataset import TemporalDetectionDataset
from .video_record import VideoRecord
from .whole_video import WholeVideoDataset

__all__ = ['SlidingWindowDataset', 'SnippetFeatures', 'TemporalDetectionDataset', 'VideoRecord',
           'WholeVideoDataset']
