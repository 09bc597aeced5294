"""Data preparation: from video files to the frame arrays and files the datasets read."""
from .video_frames import read_video, sample_frames, tvl1_flow

__all__ = ['read_video', 'sample_frames', 'tvl1_flow']
