# GAF, Inception-I3D, THUMOS14, RGB (GAF_REFERENCE.md, configs/thumos14.yaml).
_base_ = ['./_base_/models/gaf_i3d.py', './_base_/default_runtime.py']

model = dict(backbone=dict(in_channels=3))
