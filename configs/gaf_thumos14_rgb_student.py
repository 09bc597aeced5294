# An alias kept for one release; the config is now
# configs/gaf/gaf_top-heavy-i3d_1xb8-256x96x96-300e_thumos14-rgb.py
_base_ = ['./gaf/gaf_top-heavy-i3d_1xb8-256x96x96-300e_thumos14-rgb.py']
