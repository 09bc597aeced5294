# GAF, Inception-I3D, THUMOS14, TV-L1 optical flow (2 channels).
_base_ = ['./gaf_thumos14_rgb.py']

model = dict(backbone=dict(in_channels=2))
