"""Validation of an ONNX closure file at load: graph, opset, shapes, dtypes, metadata.

Every failure names the file, what is wrong and what is allowed, before the model runs.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ocean.errors import SetupError

#: opsets of the default domain that the loader accepts
OPSET_RANGE = (11, 23)
DTYPES = {1: np.float32, 11: np.float64}  # onnx TensorProto elem_type -> dtype
LIST_KEYS = (
    "ocean.inputs", "ocean.outputs", "ocean.input_mean", "ocean.input_scale",
    "ocean.output_mean", "ocean.output_scale", "ocean.input_units", "ocean.output_units",
)  # fmt: skip
REQUIRED_METADATA = (*LIST_KEYS, "ocean.receptive_field", "ocean.grid_spacing")
MAX_RECEPTIVE_FIELD = 8  # the model's largest halo


@dataclass
class OnnxSpec:
    """What the loader read from the file."""

    input_name: str
    output_name: str
    dtype: type
    levels: int | None  # a fixed batch (level) dimension, or None if symbolic
    spatial_in: tuple  # fixed H, W of the input, or None where symbolic
    inputs: tuple[str, ...]
    outputs: tuple[str, ...]
    input_mean: tuple
    input_scale: tuple
    output_mean: tuple
    output_scale: tuple
    input_units: tuple
    output_units: tuple
    receptive_field: int
    grid_spacing: float
    description: str = ""

    def check_spatial(self, shape, path):
        for axis, (fixed, got) in enumerate(zip(self.spatial_in, shape, strict=True)):
            if fixed is not None and fixed != got:
                raise SetupError(
                    f"{path}: the graph's input has a fixed size {self.spatial_in} (H, W); "
                    f"this block's tiles need {tuple(shape)} (axis {axis + 2}); export it with "
                    "symbolic H, W or set closure_tile so the tiles match"
                )

    def crop(self, shape_in, shape_out, path) -> int:
        """Cells to drop on each side of the output: r ('same') or 0 ('valid')."""
        r = self.receptive_field
        if tuple(shape_out) == tuple(shape_in):
            return r
        if tuple(shape_out) == tuple(n - 2 * r for n in shape_in):
            return 0
        raise SetupError(
            f"{path}: for an input of H, W = {tuple(shape_in)} the graph gives "
            f"{tuple(shape_out)}; with ocean.receptive_field = {r} it must give the same "
            f"size ('same' padding) or {tuple(n - 2 * r for n in shape_in)} ('valid')"
        )


def read_spec(path: Path) -> OnnxSpec:
    import onnx

    if not path.is_file():
        raise SetupError(f"ONNX closure file {str(path)!r} does not exist")
    try:
        model = onnx.load(str(path))
        onnx.checker.check_model(model)
    except Exception as err:
        raise SetupError(f"{path}: not a valid ONNX model: {err}") from err
    _check_opset(model, path)
    graph = model.graph
    initializers = {t.name for t in graph.initializer}
    graph_inputs = [v for v in graph.input if v.name not in initializers]
    if len(graph_inputs) != 1 or len(graph.output) != 1:
        raise SetupError(
            f"{path}: a closure graph has exactly one input and one output; this one has "
            f"inputs {[v.name for v in graph_inputs]} and outputs {[v.name for v in graph.output]}"
        )
    x, y = graph_inputs[0], graph.output[0]
    dtype = _dtype(x, path)
    if _dtype(y, path) is not dtype:
        raise SetupError(f"{path}: input {x.name!r} and output {y.name!r} differ in dtype")
    meta = _metadata(model, path)
    dims_in, dims_out = _dims(x, path), _dims(y, path)
    _check_channels(dims_in[1], len(meta["ocean.inputs"]), "input", x.name, path)
    _check_channels(dims_out[1], len(meta["ocean.outputs"]), "output", y.name, path)
    return OnnxSpec(
        input_name=x.name,
        output_name=y.name,
        dtype=dtype,
        levels=dims_in[0],
        spatial_in=tuple(dims_in[2:]),
        inputs=meta["ocean.inputs"],
        outputs=meta["ocean.outputs"],
        input_mean=_floats(meta, "ocean.input_mean", path),
        input_scale=_floats(meta, "ocean.input_scale", path, nonzero=True),
        output_mean=_floats(meta, "ocean.output_mean", path),
        output_scale=_floats(meta, "ocean.output_scale", path, nonzero=True),
        input_units=meta["ocean.input_units"],
        output_units=meta["ocean.output_units"],
        receptive_field=_receptive_field(meta, path),
        grid_spacing=_grid_spacing(meta, path),
        description=meta.get("ocean.description", ""),
    )


def _check_opset(model, path):
    lo, hi = OPSET_RANGE
    for opset in model.opset_import:
        if opset.domain in ("", "ai.onnx"):
            if not lo <= opset.version <= hi:
                raise SetupError(
                    f"{path}: opset {opset.version} of the default domain; allowed are {lo} to {hi}"
                )
        else:
            raise SetupError(
                f"{path}: operators of the domain {opset.domain!r} are not supported; "
                "use standard ONNX operators (default domain) only"
            )


def _dtype(value_info, path):
    elem = value_info.type.tensor_type.elem_type
    if elem not in DTYPES:
        raise SetupError(
            f"{path}: {value_info.name!r} has ONNX element type {elem}; "
            "allowed are float32 (1) and float64 (11)"
        )
    return DTYPES[elem]


def _dims(value_info, path):
    """(N, C, H, W) with None for symbolic dimensions."""
    dims = value_info.type.tensor_type.shape.dim
    if len(dims) != 4:
        raise SetupError(
            f"{path}: {value_info.name!r} has rank {len(dims)}; a closure graph takes and gives "
            "rank-4 tensors (levels N, channels C, y H, x W)"
        )
    return [d.dim_value if d.HasField("dim_value") else None for d in dims]


def _check_channels(got, expected, what, name, path):
    if got is None:
        raise SetupError(f"{path}: the channel dimension of {what} {name!r} must be fixed")
    if got != expected:
        key = "ocean.inputs" if what == "input" else "ocean.outputs"
        raise SetupError(
            f"{path}: {what} {name!r} has {got} channels but the metadata {key} names {expected}"
        )


def _metadata(model, path) -> dict:
    meta = {p.key: p.value for p in model.metadata_props}
    missing = [k for k in REQUIRED_METADATA if k not in meta]
    if missing:
        raise SetupError(
            f"{path}: metadata_props lacks {missing}; a closure needs {list(REQUIRED_METADATA)}"
        )
    for key in LIST_KEYS:
        meta[key] = tuple(v.strip() for v in meta[key].split(","))
    for key, names in (("ocean.input", "ocean.inputs"), ("ocean.output", "ocean.outputs")):
        n = len(meta[names])
        for suffix in ("_mean", "_scale", "_units"):
            if len(meta[key + suffix]) != n:
                raise SetupError(
                    f"{path}: metadata {key + suffix} has {len(meta[key + suffix])} entries, "
                    f"{names} has {n}: give one per channel"
                )
    return meta


def _floats(meta, key, path, nonzero=False):
    try:
        values = tuple(float(v) for v in meta[key])
    except ValueError as err:
        raise SetupError(f"{path}: metadata {key} = {meta[key]!r}: {err}") from err
    if not all(np.isfinite(values)) or (nonzero and any(v == 0.0 for v in values)):
        rule = "finite and non-zero" if nonzero else "finite"
        raise SetupError(f"{path}: metadata {key} = {values}: every entry must be {rule}")
    return values


def _receptive_field(meta, path) -> int:
    text = meta["ocean.receptive_field"]
    if not text.strip().isdigit() or int(text) > MAX_RECEPTIVE_FIELD:
        raise SetupError(
            f"{path}: metadata ocean.receptive_field = {text!r}; "
            f"allowed are whole numbers of cells from 0 to {MAX_RECEPTIVE_FIELD}"
        )
    return int(text)


def _grid_spacing(meta, path) -> float:
    text = meta["ocean.grid_spacing"]
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not np.isfinite(value) or value <= 0.0:
        raise SetupError(
            f"{path}: metadata ocean.grid_spacing = {text!r}; give the training grid's "
            "cell size in metres (a positive number)"
        )
    return value


def typical_spacing(grid) -> float:
    """Median sqrt(cell area) [m] over the global interior (the same on every rank)."""
    h = grid.h
    dx = np.diff(grid.xu_global)[h - 1 : h - 1 + grid.nx_global]
    dy = np.diff(grid.yu_global)[h - 1 : h - 1 + grid.ny_global]
    if grid.coord_degree:
        degtom = grid.radius * np.pi / 180.0
        lat = grid.yt_global[h : h + grid.ny_global]
        area = np.outer(dy * degtom, dx * degtom) * np.cos(np.deg2rad(lat))[:, None]
    else:
        area = np.outer(dy, dx)
    return float(np.sqrt(np.median(area)))
