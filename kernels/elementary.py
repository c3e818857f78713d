"""Elementary functions written as arithmetic alone.

A call into the C maths library (``math.exp``) inside a kernel stops LLVM from
vectorising the cell loop on the CPU (Numba has no vector maths library here). The
functions below are plain multiplies and adds, so a loop that calls them vectorises, and
they compile unchanged for the GPU.
"""

import math

from .core import stencil

#: exp(x) = exp(x / 2^EXP_SQUARINGS)^(2^EXP_SQUARINGS)
EXP_SQUARINGS = 8


@stencil
def exp_bounded(x):
    """e^x for |x| <= 44, to 5e-14 relative (measured on 40 000 points of the range).

    e^x = (e^r)^256 with r = x / 256, |r| <= 0.172: e^r is its Taylor polynomial of
    degree 12 (the first term left out, r^13 / 13!, is below 1e-19), and eight squarings
    raise it to the 256th power; each squaring doubles the relative error, so the
    polynomial's round-off of ~1e-16 grows to a few 1e-14.
    """
    r = x * (1.0 / 256.0)
    p = 1.0 / 479001600.0
    p = p * r + 1.0 / 39916800.0
    p = p * r + 1.0 / 3628800.0
    p = p * r + 1.0 / 362880.0
    p = p * r + 1.0 / 40320.0
    p = p * r + 1.0 / 5040.0
    p = p * r + 1.0 / 720.0
    p = p * r + 1.0 / 120.0
    p = p * r + 1.0 / 24.0
    p = p * r + 1.0 / 6.0
    p = p * r + 0.5
    p = p * r + 1.0
    p = p * r + 1.0
    for _ in range(EXP_SQUARINGS):
        p = p * p
    return p


#: ln 2 in two parts: e LN2_HIGH is exact for integer |e| < 2^12 (LN2_HIGH has 24
#: significant bits), LN2_LOW carries the rest
LN2_HIGH = 0.693147182464599609375
LN2_LOW = math.log(2.0) - LN2_HIGH
#: (2^s, 2^-s, s) for s = 512: the first of the scalings by 2^-512, 2^-256, ..., 2^-1 with
#: which :func:`log_one_plus` brings its argument into [1, 2)
LARGEST_SCALING = (2.0**512, 2.0**-512, 512.0)
SQRT_HALF = math.sqrt(0.5)


@stencil
def log_one_plus(u):
    """ln(1 + u) for 0 <= u < 2^1024 - 1, to a few 1e-16 relative.

    1 + u = 2^e m by ten scalings, each by 2^-s where 1 + u >= 2^s (exact, selected: no
    branch), then m into [sqrt(1/2), sqrt(2)); ln m = 2 atanh(t) with t = (m - 1)/(m + 1),
    |t| <= 0.172 (t = u/(2 + u) from u itself where 1 + u < sqrt 2, so that small u keep
    their digits), as its odd series to t^23 (the first term left out is below 1e-18),
    and ln(1 + u) = e ln 2 + ln m with ln 2 in two parts.
    """
    m = 1.0 + u
    e = 0.0
    scale, inverse, power = LARGEST_SCALING
    for _ in range(10):
        above = m >= scale
        m = m * inverse if above else m
        e = e + power if above else e
        # the next scaling, 2^(s/2): square roots of even powers of two are exact
        scale, inverse, power = math.sqrt(scale), math.sqrt(inverse), 0.5 * power
    high = m > 2.0 * SQRT_HALF
    m = 0.5 * m if high else m
    e = e + 1.0 if high else e
    t = u / (2.0 + u) if e == 0.0 else (m - 1.0) / (m + 1.0)
    t2 = t * t
    s = 1.0 / 23.0
    for n in range(21, 0, -2):
        s = s * t2 + 1.0 / n
    return e * LN2_HIGH + (e * LN2_LOW + 2.0 * t * s)


@stencil
def log_at_least_one(x):
    """ln x for 1 <= x < 2^1024 (:func:`log_one_plus` of x - 1, exact below 2^53)."""
    return log_one_plus(x - 1.0)


@stencil
def acosh_at_least_one(x):
    """acosh x = ln(1 + (x - 1) + sqrt((x - 1)(x + 1))) for 1 <= x < 1e150, to ~1e-15
    relative (:func:`log_one_plus`; x - 1 is exact near 1, where acosh x ~ sqrt(2(x - 1)))."""
    below = x - 1.0
    return log_one_plus(below + math.sqrt(below * (x + 1.0)))


#: Taylor coefficients of asin z / z in powers of z^2: (2n)! / (4^n (n!)^2 (2n + 1)),
#: n = 24 down to 0, Horner's order (the first left out, times 0.25^25, is below 1e-17)
ASIN_SERIES = tuple(math.comb(2 * n, n) / (4.0**n * (2 * n + 1)) for n in range(24, -1, -1))
PI_HALF = math.pi / 2.0


@stencil
def asin_unit(y):
    """asin y for 0 <= y <= 1, to a few 1e-16 relative. Up to 1/2 its series in y^2;
    above, asin y = pi/2 - 2 asin z with z = sqrt((1 - y)/2) <= 1/2 (1 - y is exact
    there). Both evaluated, one selected: no branch."""
    high = y > 0.5
    z2 = 0.5 * (1.0 - y) if high else y * y
    z = math.sqrt(z2) if high else y
    # the series' coefficients (ASIN_SERIES) written out: a loop over a tuple of constants
    # becomes a switch on its index, which keeps the cell loop from vectorising
    s = 0.002338091892111975
    s = s * z2 + 0.0024894486782468836
    s = s * z2 + 0.00265787063820729
    s = s * z2 + 0.002846178401108942
    s = s * z2 + 0.0030578216492580306
    s = s * z2 + 0.003297059503473485
    s = s * z2 + 0.0035692053938259347
    s = s * z2 + 0.003880964558837669
    s = s * z2 + 0.004240907093679363
    s = s * z2 + 0.004660143486915096
    s = s * z2 + 0.005153309682319905
    s = s * z2 + 0.005740037670841924
    s = s * z2 + 0.006447210311889649
    s = s * z2 + 0.0073125258735988454
    s = s * z2 + 0.008390335809616815
    s = s * z2 + 0.009761609529194078
    s = s * z2 + 0.011551800896139705
    s = s * z2 + 0.01396484375
    s = s * z2 + 0.017352764423076924
    s = s * z2 + 0.022372159090909092
    s = s * z2 + 0.030381944444444444
    s = s * z2 + 0.044642857142857144
    s = s * z2 + 0.075
    s = s * z2 + 0.16666666666666666
    s = s * z2 + 1.0
    series = z * s
    return PI_HALF - 2.0 * series if high else series


#: x^(-2/3) of x >= 2^96 is (x 2^-96)^(-2/3) 2^-64 (both exact scalings)
POWER_SCALING = 2.0**96


@stencil
def inverse_two_thirds_power(x):
    """x^(-2/3) for 1 <= x < 2^480, to ~1e-13 relative: exp(-2/3 ln x) by
    :func:`exp_bounded` (its argument kept within 44 by up to four exact scalings of x by
    2^-96, each giving a factor 2^-64) and :func:`log_at_least_one`."""
    factor = 1.0
    for _ in range(4):
        above = x >= POWER_SCALING
        x = x * (1.0 / POWER_SCALING) if above else x
        factor = factor * 2.0**-64 if above else factor
    return factor * exp_bounded(-2.0 / 3.0 * log_at_least_one(x))
