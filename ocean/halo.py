"""Halo exchange between the blocks of a decomposition, corners included, in one round.

Each block receives, for each of its 8 sides and corners that has a neighbour, the strip
of that neighbour's interior that lies under its halo. Where a block has no neighbour on
one side (a closed edge of the domain), the messages along that edge also carry the
halo rows beyond the edge, so every halo cell holds what a one-block run holds there:
one round of messages gives the same halo as filling x first and then y.

Many fields go in one message: a buffer [level, j, i] per side, packed and unpacked by
kernels on the backend (on the GPU, device-side). A neighbour that is the block itself
(periodic x on one block column) is served by a copy kernel, without MPI. Messages are
non-blocking: ``start`` posts them, ``finish`` waits and unpacks, so interior work can
run in between.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ocean.backends.primitives import as3d
from ocean.kernels import halo as KH

from .decomposition import DIRECTIONS


@dataclass(frozen=True)
class Message:
    """One side ``(dj, di)`` of a block: where its halo comes from and where it goes.

    ``recv_box``: halo strip (j0, j1, i0, i1) of this block filled from ``source``;
    ``send_box``: interior strip sent to ``dest`` (the block on the opposite side) for its
    halo on side ``side``. ``source`` or ``dest`` is None at a closed edge of the domain.
    """

    side: int  # index into DIRECTIONS; also the message tag
    source: int | None
    dest: int | None
    recv_box: tuple
    send_box: tuple


def _range(d: int, n: int, h: int, extend_lo: bool, extend_hi: bool, sending: bool):
    """Index range along one axis of the strip for direction ``d`` (local, with halo)."""
    if d < 0:
        return (h, 2 * h) if sending else (0, h)
    if d > 0:
        return (n, n + h) if sending else (n + h, n + 2 * h)
    return (0 if extend_lo else h, n + 2 * h if extend_hi else n + h)


def build_messages(decomp) -> list[Message]:
    """The messages of this rank's block, one per side that has a neighbour."""
    h, ny, nx = decomp.halo, decomp.local_ny, decomp.local_nx
    no_south, no_north = decomp.neighbour(-1, 0) is None, decomp.neighbour(1, 0) is None
    no_west, no_east = decomp.neighbour(0, -1) is None, decomp.neighbour(0, 1) is None
    messages = []
    for side, (dj, di) in enumerate(DIRECTIONS):
        source, dest = decomp.neighbour(dj, di), decomp.neighbour(-dj, -di)
        if source is None and dest is None:
            continue
        recv = _range(dj, ny, h, no_south, no_north, False) + _range(
            di, nx, h, no_west, no_east, False
        )
        # the strip we send goes to the block at (-dj, -di), for its halo side (dj, di)
        send = _range(-dj, ny, h, no_south, no_north, True) + _range(
            -di, nx, h, no_west, no_east, True
        )
        messages.append(Message(side, source, dest, recv, send))
    return messages


class HaloExchange:
    """Exchanges the halos of backend arrays between the ranks of ``comm``."""

    def __init__(self, decomp, comm, backend, gpu_aware: bool = False):
        self.decomp, self.comm, self.backend = decomp, comm, backend
        self.messages = build_messages(decomp)
        self.rank = decomp.rank
        #: True if any message goes to or comes from another rank
        self.remote = any(
            peer is not None and peer != self.rank
            for msg in self.messages
            for peer in (msg.source, msg.dest)
        )
        # device arrays go through host copies unless the MPI library reads device memory
        self.staging = backend.xp is not np and not gpu_aware
        self._buffers = {}
        self._pending = None

    # -- public -------------------------------------------------------------------------
    def exchange(self, *fields):
        """Fill the halos of ``fields`` (2-D or 3-D arrays, any mix) from the neighbours."""
        self.start(*fields)
        self.finish()

    def start(self, *fields):
        """Post the receives, pack and send; self-neighbour copies are done here."""
        if self._pending is not None:
            raise RuntimeError("halo exchange started twice without finish()")
        fields = [as3d(f) for f in fields]
        levels = tuple(f.shape[0] for f in fields)
        requests, received = [], []
        for msg in self.messages:
            if msg.source == self.rank:
                self._copy_within(fields, msg)
                continue
            send_dev, recv_dev, send_host, recv_host = self._buffers_for(msg, levels)
            if msg.source is not None:
                requests.append(self.comm.irecv(recv_host, msg.source, msg.side))
                received.append((msg, recv_dev, recv_host))
            if msg.dest is not None:
                self._pack(fields, msg.send_box, send_dev)
                self.backend.synchronize()  # the packed strip must be complete before sending
                if send_host is not send_dev:
                    send_host[...] = self.backend.to_host(send_dev)
                requests.append(self.comm.isend(send_host, msg.dest, msg.side))
        self._pending = (fields, requests, received)

    def finish(self):
        """Wait for the messages of ``start`` and unpack them into the halos."""
        fields, requests, received = self._pending
        self._pending = None
        if not requests:
            return
        self.comm.waitall(requests)
        for msg, recv_dev, recv_host in received:
            if recv_host is not recv_dev:
                self.backend.copy(recv_dev, self.backend.asarray(recv_host))
            self._unpack(recv_dev, msg.recv_box, fields)

    def exchange_adjoint(self, *fields):
        """The adjoint of :meth:`exchange` on adjoint fields: each halo cell's adjoint is
        added to the cell its value came from (on this block or a neighbour's), then the
        halo is zeroed. Halos beyond a closed edge, which the exchange leaves alone, are
        left alone too."""
        fields = [as3d(f) for f in fields]
        levels = tuple(f.shape[0] for f in fields)
        requests, received = [], []
        for msg in self.messages:
            if msg.source == self.rank:
                continue
            # what we sent to msg.dest comes back as an adjoint; what we received from
            # msg.source goes back there (buffers: send-box and recv-box shaped)
            back_dev, halo_dev, back_host, halo_host = self._buffers_for(msg, levels)
            if msg.dest is not None:
                requests.append(self.comm.irecv(back_host, msg.dest, msg.side))
                received.append((msg, back_dev, back_host))
            if msg.source is not None:
                self._pack(fields, msg.recv_box, halo_dev)
                self.backend.synchronize()
                if halo_host is not halo_dev:
                    halo_host[...] = self.backend.to_host(halo_dev)
                requests.append(self.comm.isend(halo_host, msg.source, msg.side))
        for msg in self.messages:
            if msg.source == self.rank:
                self._copy_within_adjoint(fields, msg)
        if requests:
            self.comm.waitall(requests)
        for msg in self.messages:  # every halo strip is packed or copied: zero it
            if msg.source is not None:
                self._per_field(KH.zero_strip, fields, msg.recv_box, lambda f, j0, i0, lev: (f,))
        for msg, back_dev, back_host in received:
            if back_host is not back_dev:
                self.backend.copy(back_dev, self.backend.asarray(back_host))
            self._per_field(
                KH.unpack_strip_add, fields, msg.send_box,
                lambda f, j0, i0, lev, buf=back_dev: (buf, j0, i0, lev, f),
            )  # fmt: skip

    # -- internals --------------------------------------------------------------------
    def _copy_within_adjoint(self, fields, msg):
        j0, j1, i0, i1 = msg.send_box
        dj, di = j0 - msg.recv_box[0], i0 - msg.recv_box[2]
        for f in fields:
            self.backend.launch(KH.copy_strip_adj, (0, f.shape[0], j0, j1, i0, i1), f, dj, di)

    def _copy_within(self, fields, msg):
        """This block is its own neighbour on this side: its send strip is its halo."""
        j0, j1, i0, i1 = msg.recv_box
        dj, di = msg.send_box[0] - j0, msg.send_box[2] - i0
        for f in fields:
            self.backend.launch(KH.copy_strip, (0, f.shape[0], j0, j1, i0, i1), f, dj, di)

    def _buffers_for(self, msg, levels):
        key = (msg.side, levels)
        if key not in self._buffers:
            nl = sum(levels)
            rj0, rj1, ri0, ri1 = msg.recv_box
            sj0, sj1, si0, si1 = msg.send_box
            send_shape, recv_shape = (nl, sj1 - sj0, si1 - si0), (nl, rj1 - rj0, ri1 - ri0)
            send_dev, recv_dev = self.backend.zeros(send_shape), self.backend.zeros(recv_shape)
            if self.staging:  # host copies for an MPI that cannot read device memory
                send_host, recv_host = np.empty(send_shape), np.empty(recv_shape)
            else:
                send_host, recv_host = send_dev, recv_dev
            self._buffers[key] = (send_dev, recv_dev, send_host, recv_host)
        return self._buffers[key]

    def _pack(self, fields, box, buffer):
        self._per_field(KH.pack_strip, fields, box, lambda f, j0, i0, lev: (f, j0, i0, lev, buffer))

    def _unpack(self, buffer, box, fields):
        self._per_field(
            KH.unpack_strip, fields, box, lambda f, j0, i0, lev: (buffer, j0, i0, lev, f)
        )

    def _per_field(self, kernel, fields, box, arguments):
        """Launch ``kernel`` over ``box`` for each field; field n's levels follow those of
        the fields before it in the buffer."""
        j0, j1, i0, i1 = box
        level0 = 0
        for f in fields:
            region = (0, f.shape[0], j0, j1, i0, i1)
            self.backend.launch(kernel, region, *arguments(f, j0, i0, level0))
            level0 += f.shape[0]
