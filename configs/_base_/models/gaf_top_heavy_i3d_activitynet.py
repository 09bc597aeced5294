# The distillation student (top-heavy Inception-I3D, docs/published_code.md §7.1) with the
# ActivityNet head of ./gaf_i3d_activitynet.py. Its backbone starts from random weights.
_base_ = ['./gaf_i3d_activitynet.py']

model = dict(backbone=dict(type='TopHeavyInceptionI3D', pretrained=None))
