# An MMAction2 I3D ResNet-50 recognizer with GAF's generative attention as its neck: the res5 map
# (2048 channels, 4 steps for 32-frame clips) is weighted by the attention, and the CVAE and
# reconstruction losses join the classification loss. Everything else is the recognizer's own.
_base_ = ['../_base_/models/i3d_r50_recognizer.py', '../_base_/default_runtime.py']

model = dict(
    neck=dict(type='GenerativeAttentionNeck', in_channels=2048, temporal_size=4,
              spatial_size=None))
