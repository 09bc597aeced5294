# An alias kept for one release; the config is now
# configs/gaf/gaf_i3d_256x96x96_thumos14-rgb-flow-fusion.py
_base_ = ['./gaf/gaf_i3d_256x96x96_thumos14-rgb-flow-fusion.py']
