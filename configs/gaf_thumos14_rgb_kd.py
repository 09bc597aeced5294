# An alias kept for one release; the config is now
# configs/gaf/gaf-kd_top-heavy-i3d_1xb1-256x96x96-200e_thumos14-rgb.py
_base_ = ['./gaf/gaf-kd_top-heavy-i3d_1xb1-256x96x96-200e_thumos14-rgb.py']
