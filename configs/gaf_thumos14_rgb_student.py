# GAF with the top-heavy I3D student backbone (docs/published_code.md §7.1), THUMOS14, RGB.
# The student starts from random backbone weights: its spatial-only layers do not fit the
# Kinetics I3D checkpoint.
_base_ = ['./gaf_thumos14_rgb.py']

model = dict(backbone=dict(type='TopHeavyInceptionI3D', pretrained=None))
