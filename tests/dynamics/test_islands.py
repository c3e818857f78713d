"""ocean/dynamics/islands.py: land masses, coastal paths and circulation weights, on small
hand-drawn maps of the global grid with a halo of 2 (True: land)."""

import numpy as np

from ocean.dynamics import islands as ISL

H = 2


def framed(interior, periodic_x):
    """The map with its halo: land beyond closed edges, copies across a periodic one."""
    interior = np.asarray(interior, bool)
    land = np.pad(interior, H, constant_values=True)
    if periodic_x:
        land[:, :H] = land[:, -2 * H : -H]
        land[:, -H:] = land[:, H : 2 * H]
    return land


def test_closed_basin_with_an_island_has_two_land_masses():
    interior = np.zeros((6, 7), bool)
    interior[2:4, 3] = True  # an island in the middle
    labels, count = ISL.label_land_masses(framed(interior, False), H, False)
    assert count == 2
    assert labels[H + 2, H + 3] == labels[H + 3, H + 3] == 2  # the walls come first
    assert labels[H - 1, H - 1] == 1


def test_periodic_channel_has_two_walls():
    interior = np.zeros((5, 6), bool)
    labels, count = ISL.label_land_masses(framed(interior, True), H, True)
    assert count == 2
    assert labels[H + 5, H] == 1 and labels[H - 1, H] == 2  # north first, then south


def test_land_across_the_periodic_edge_is_one_mass():
    interior = np.zeros((5, 6), bool)
    interior[2, 0] = interior[2, 5] = True  # touching through the periodic edge
    _, count = ISL.label_land_masses(framed(interior, True), H, True)
    assert count == 3
    interior[2, 5] = False
    interior[2, 4] = True  # now one cell of sea between them, across the edge too
    _, count = ISL.label_land_masses(framed(interior, True), H, True)
    assert count == 4


def test_diagonal_contact_joins_land_masses():
    interior = np.zeros((6, 6), bool)
    interior[2, 2] = interior[3, 3] = True
    _, count = ISL.label_land_masses(framed(interior, False), H, False)
    assert count == 2  # the walls and one island of two cells


def island_paths():
    interior = np.zeros((6, 7), bool)
    interior[2:4, 3] = True
    land = framed(interior, False)
    labels, count = ISL.label_land_masses(land, H, False)
    return land, ISL.path_masks(labels, count, H, False)


def test_every_corner_touching_an_island_is_on_its_path():
    land, masks = island_paths()
    on_path = masks[1].any(axis=0)
    J, I = np.nonzero(on_path)
    touching = np.zeros_like(on_path)
    island = np.zeros_like(land)
    island[H + 2 : H + 4, H + 3] = True
    touching[:-1, :-1] = island[:-1, :-1] | island[:-1, 1:] | island[1:, :-1] | island[1:, 1:]
    assert np.array_equal(on_path, touching)
    assert len(J) == 3 * 2  # the vertices of the 2 x 1 island


def test_circulation_of_a_solid_body_rotation_is_twice_the_enclosed_area():
    """Unit metrics, u = -y, v = x (vorticity 2), zero on land faces: the path round the
    2 x 1 island runs through the U and V points around it, a rectangle of (1 + 1) x
    (2 + 1) cells, so Stokes gives 2 x 6 (clockwise: negative). A flow without
    vorticity (uniform) has none."""
    land, masks = island_paths()
    NY, NX = land.shape
    ones_x, ones_y = np.ones(NX), np.ones(NY)
    WU, WV = ISL.circulation_weights(masks, H, False, ones_x, ones_y, ones_y)
    J, I = np.meshgrid(np.arange(NY), np.arange(NX), indexing="ij")
    sea = ~land
    wet_u = np.zeros_like(sea)
    wet_v = np.zeros_like(sea)
    wet_u[:, :-1] = sea[:, :-1] & sea[:, 1:]
    wet_v[:-1, :] = sea[:-1, :] & sea[1:, :]
    u = -(J + 0.5) * wet_u  # U points: the middle of a cell's east face
    v = (I + 0.5) * wet_v  # V points: the middle of its north face
    assert abs((WU[1] * u + WV[1] * v).sum() - (-2.0 * 6.0)) < 1e-12
    assert abs((WU[1] * wet_u + WV[1] * 0.0).sum()) < 1e-12
    assert abs((WU[1] * 0.0 + WV[1] * wet_v).sum()) < 1e-12
