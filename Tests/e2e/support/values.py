"""Comparisons for metric values that may come back clamped.

Why: the reference SQL store clamps ±inf to ±1.7976931348623157e308 (the
largest double) while Keel stores real infinities. Shared tests accept both;
the keel_only tests demand the exact value.
"""

import math
import sys

DOUBLE_MAX = sys.float_info.max


def is_pos_inf(value: float) -> bool:
    return value == math.inf or value == DOUBLE_MAX


def is_neg_inf(value: float) -> bool:
    return value == -math.inf or value == -DOUBLE_MAX
