# GAF with the top-heavy Inception-I3D student backbone (docs/published_code.md §7.1): the
# distillation student. It starts from random backbone weights: its spatial-only layers do not
# fit the Kinetics I3D checkpoint.
_base_ = ['./gaf_i3d.py']

model = dict(backbone=dict(type='TopHeavyInceptionI3D', pretrained=None))
