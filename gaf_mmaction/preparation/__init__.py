"""Data preparation: from video files to the frame arrays and files the datasets read."""
from .activitynet import activitynet_video_info
from .video_frames import (
    TruncatedVideoError,
    VideoDecoder,
    capped_fps,
    read_video,
    sample_frames,
    tvl1_flow,
    tvl1_flow_stream,
)

__all__ = ['TruncatedVideoError', 'VideoDecoder', 'activitynet_video_info', 'capped_fps', 'read_video',
           'sample_frames', 'tvl1_flow', 'tvl1_flow_stream']
