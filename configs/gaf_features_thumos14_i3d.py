# An alias kept for one release; the config is now
# configs/gaf/gaf_i3d-features_1xb8-256-30e_thumos14.py
_base_ = ['./gaf/gaf_i3d-features_1xb8-256-30e_thumos14.py']
