# An alias kept for one release; the config is now
# configs/gaf/i3d-r50_gaf-attention-neck_kinetics400-rgb.py
_base_ = ['./gaf/i3d-r50_gaf-attention-neck_kinetics400-rgb.py']
