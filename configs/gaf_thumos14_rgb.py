# The documented entry point (tools/train.py configs/gaf_thumos14_rgb.py): GAF on THUMOS14 RGB,
# configs/gaf/gaf_i3d_1xb8-256x96x96-300e_thumos14-rgb.py
_base_ = ['./gaf/gaf_i3d_1xb8-256x96x96-300e_thumos14-rgb.py']
