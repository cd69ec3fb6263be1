"""The draws as a netCDF file (h5netcdf), for ``python -m bayes --netcdf`` and the report's
posterior.nc.

The file is built in memory and handed over as bytes: HDF5 writing straight to a full disk can
crash the process (a segmentation fault while h5py frees its objects), whereas writing bytes
fails with an ordinary OSError that the front ends report in one line. ArviZ's ``created_at``
stamps are left out, so that the same data, settings and seed give a byte-identical file.
"""

from __future__ import annotations

import io


def without_timestamps(tree):
    """A copy of ``tree`` without ArviZ's ``created_at`` attributes."""
    out = tree.copy()
    for node in out.subtree:
        node.attrs = {k: v for k, v in node.attrs.items() if k != "created_at"}
    return out


def to_bytes(tree) -> bytes:
    """The netCDF file of ``tree`` (without timestamps), as bytes."""
    buffer = io.BytesIO()
    without_timestamps(tree).to_netcdf(buffer, engine="h5netcdf")
    return buffer.getvalue()
