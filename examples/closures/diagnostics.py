"""Diagnostics of double-gyre runs from velocity snapshots u, v [time, k, j, i] (C-grid,
interior, zero on land), layer thicknesses dzt [m] and grid spacing dx [m].

- kinetic energy per unit mass, volume mean  KE = 1/(2H) sum_k dz_k <u^2 + v^2>_k [m2 s-2]
  (<.>_k: mean over the level's faces), averaged over the snapshots;
- eddy kinetic energy: the same of u' = u - time mean of u;
- isotropic spectrum of the surface KE: u, v windowed (2-D Hann), FFT, 0.5 |u_hat|^2 +
  0.5 |v_hat|^2 summed over annuli |k| in [(n - 1/2) dk, (n + 1/2) dk), dk = 2 pi / L,
  divided by dk and normalised so that sum E dk is the windowed mean surface KE
  [m3 s-2], averaged over the snapshots;
- barotropic streamfunction of the time-mean flow at the cells' north-east corners,
  psi(J, I) = -sum_{j <= J} dy sum_k dz_k u(k, j, I)  [Sv = 1e6 m3 s-1], zero at the
  south wall: its maximum and minimum are the gyre transports;
- mean-flow error: || u_mean - u_mean_ref || / || u_mean_ref || (dz-weighted RMS over all
  faces, u and v together).
"""

from __future__ import annotations

import numpy as np

SV = 1e6  # m3 s-1


def _level_mean(a2, dzt):
    """sum_k dz_k <a2>_k / H for a2 [..., k, j, i]."""
    return np.tensordot(a2.mean(axis=(-2, -1)), dzt, axes=([-1], [0])) / dzt.sum()


def kinetic_energy(u, v, dzt):
    """Volume-mean KE of every snapshot [m2 s-2] (array over time)."""
    return 0.5 * _level_mean(u.astype(float) ** 2 + v.astype(float) ** 2, dzt)


def eddy_kinetic_energy(u, v, dzt):
    """Time mean of the volume-mean KE of the deviations from the time mean [m2 s-2]."""
    du = u - u.mean(axis=0, dtype=float)
    dv = v - v.mean(axis=0, dtype=float)
    return float(kinetic_energy(du, dv, dzt).mean())


def spectrum(us, vs, dx):
    """Isotropic surface KE spectrum of snapshots us, vs [time, j, i]: (k [rad m-1], E)."""
    nt, ny, nx = us.shape
    window = np.outer(np.hanning(ny), np.hanning(nx))
    window /= np.sqrt((window**2).mean())
    kx = 2 * np.pi * np.fft.fftfreq(nx, dx)
    ky = 2 * np.pi * np.fft.fftfreq(ny, dx)
    kk = np.hypot(*np.meshgrid(ky, kx, indexing="ij"))
    dk = 2 * np.pi / (max(nx, ny) * dx)
    bins = np.rint(kk / dk).astype(int)
    nbin = min(nx, ny) // 2 + 1
    energy = np.zeros(nbin)
    for a in (us, vs):
        power = np.abs(np.fft.fft2(a * window, axes=(-2, -1))) ** 2 / (nx * ny) ** 2
        p = 0.5 * power.mean(axis=0)
        energy += np.bincount(bins.ravel(), weights=p.ravel(), minlength=nbin)[:nbin]
    return np.arange(nbin) * dk, energy / dk


def barotropic_streamfunction(u_mean, dzt, dy):
    """psi [Sv] at north-east corners from the time-mean u [k, j, i] (zero at the south)."""
    transport = np.tensordot(dzt, u_mean, axes=([0], [0]))  # [j, i] m2 s-1
    return -np.cumsum(transport, axis=0) * dy / SV


def mean_flow_error(u, v, u_ref, v_ref, dzt):
    """Relative dz-weighted RMS difference of the time-mean velocities."""
    um, vm = u.mean(axis=0, dtype=float), v.mean(axis=0, dtype=float)
    ur, vr = u_ref.mean(axis=0, dtype=float), v_ref.mean(axis=0, dtype=float)
    num = _level_mean((um - ur) ** 2 + (vm - vr) ** 2, dzt)
    den = _level_mean(ur**2 + vr**2, dzt)
    return float(np.sqrt(num / den))


def spectrum_error(e, e_ref):
    """Mean |log10(E / E_ref)| over the wavenumbers k > 0."""
    sel = (e_ref > 0) & (e > 0)
    sel[0] = False
    return float(np.mean(np.abs(np.log10(e[sel] / e_ref[sel]))))


def surface_speed(u_mean, v_mean):
    """|u| of the time-mean surface flow at T points [m s-1] (faces averaged to centres)."""
    us, vs = u_mean[-1], v_mean[-1]
    ut = 0.5 * (us + np.pad(us, ((0, 0), (1, 0)))[:, :-1])
    vt = 0.5 * (vs + np.pad(vs, ((1, 0), (0, 0)))[:-1, :])
    return np.hypot(ut, vt)


def summarise(u, v, dzt, dx, u_ref=None, v_ref=None, e_ref=None):
    """The numbers of one run: KE, EKE, gyre transports, spectrum and mean-flow errors."""
    ke = kinetic_energy(u, v, dzt)
    um = u.mean(axis=0, dtype=float)
    psi = barotropic_streamfunction(um, dzt, dx)
    k, e = spectrum(u[:, -1].astype(float), v[:, -1].astype(float), dx)
    out = {
        "ke_mean": float(ke.mean()),
        "eke": eddy_kinetic_energy(u, v, dzt),
        "psi_max_sv": float(psi.max()),
        "psi_min_sv": float(psi.min()),
        "ke_series": ke.tolist(),
        "k": k.tolist(),
        "spectrum": e.tolist(),
    }
    if u_ref is not None:
        out["mean_flow_error"] = mean_flow_error(u, v, u_ref, v_ref, dzt)
        out["spectrum_error"] = spectrum_error(e, e_ref)
    return out
