# An alias kept for one release; the config is now
# configs/gaf/gaf_i3d_1xb1-768x96x96-16e_activitynet-rgb.py
_base_ = ['./gaf/gaf_i3d_1xb1-768x96x96-16e_activitynet-rgb.py']
