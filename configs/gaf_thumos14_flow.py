# An alias kept for one release; the config is now
# configs/gaf/gaf_i3d_1xb1-256x96x96-16e_thumos14-flow.py
_base_ = ['./gaf/gaf_i3d_1xb1-256x96x96-16e_thumos14-flow.py']
