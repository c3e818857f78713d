"""Closures given as ONNX graphs, run by onnxruntime level by level on tiles with halos.

The graph takes one input (N, C_in, H, W) and gives one output (N, C_out, H', W'): N is
the model's levels (each level is a sample), the channels are the state fields named in
the metadata, stored as the model stores them (C-grid arrays [k, j, i], zero on land),
and H' = H ('same' padding: the model crops the halo) or H' = H - 2r ('valid'). Each rank
(and each tile of side ``closure_tile``, to bound memory) feeds its cells plus a halo of
r = receptive field cells, so the result equals a run of the graph on the whole domain.

Metadata (``metadata_props``), all required:

=========================  ===============================================================
``ocean.inputs``           state fields, channel order (``u,v``)
``ocean.outputs``          fields whose tendencies the output channels are (``u,v``)
``ocean.input_mean``       per input channel: network input = (x - mean) / scale
``ocean.input_scale``
``ocean.output_mean``      per output channel: tendency = y * scale + mean
``ocean.output_scale``
``ocean.receptive_field``  r [cells]: output at a cell depends on inputs within r cells
``ocean.grid_spacing``     sqrt(cell area) of the training grid [m]
``ocean.input_units``      units of each input (must match the model's variable table)
``ocean.output_units``     units of each output tendency (field units per second)
=========================  ===============================================================
"""

from __future__ import annotations

from pathlib import Path

from ocean.errors import SetupError

from .closure import Closure
from .onnx_checks import OnnxSpec, read_spec, typical_spacing

GRID_SPACING_TOLERANCE = 0.05  # relative mismatch of the cell size allowed


class OnnxClosure(Closure):
    """``OnnxClosure("model.onnx")``: load, validate and run an ONNX closure."""

    def __init__(self, path):
        self.path = Path(path)
        self.spec: OnnxSpec = read_spec(self.path)
        self.name = f"onnx:{self.path.name}"
        self.inputs, self.outputs = self.spec.inputs, self.spec.outputs
        self.halo = self.spec.receptive_field
        self.session = None
        self.executor = None  # the native executor, once training is enabled
        self.gradients: dict = {}

    # -- binding ----------------------------------------------------------------------
    def bind(self, model):
        self._check_model(model)
        self.backend, self.xp = model.backend, model.backend.xp
        self.on_device = on_device(model.backend)
        self.timers = model.timers
        self.session = self._session(model)
        g, b = model.grid, model.backend
        self.tendency = {name: b.zeros(g.shape3) for name in self.outputs}
        sp = self.spec
        self.in_mean = [float(m) for m in sp.input_mean]
        self.in_inv_scale = [1.0 / float(s) for s in sp.input_scale]
        self.out_mean = [float(m) for m in sp.output_mean]
        self.out_scale = [float(s) for s in sp.output_scale]
        self.tiles = [self._tile(model, box) for box in tile_boxes(g.ny, g.nx, model.settings)]

    def _check_model(self, model):
        st, sp = model.state, self.spec
        for names, units, what in (
            (sp.inputs, sp.input_units, "input"),
            (sp.outputs, sp.output_units, "output"),
        ):
            for name, unit in zip(names, units, strict=True):
                if name not in st.variables:
                    raise SetupError(
                        f"{self.path}: {what} {name!r} is not a model field; "
                        f"fields are {sorted(st.variables)}"
                    )
                expected = st.variables[name].units
                if what == "output":
                    expected = tendency_units(expected)
                if unit.strip() != expected:
                    raise SetupError(
                        f"{self.path}: {what} {name!r} has units {unit!r} in the metadata, "
                        f"the model has {expected!r}"
                    )
        spacing = typical_spacing(model.grid)
        if abs(spacing / sp.grid_spacing - 1.0) > GRID_SPACING_TOLERANCE:
            raise SetupError(
                f"{self.path}: trained at a grid spacing of {sp.grid_spacing:g} m "
                f"(ocean.grid_spacing), this grid's is {spacing:g} m; the closure is only "
                f"valid within {GRID_SPACING_TOLERANCE:.0%} of its training spacing"
            )
        if sp.levels is not None and sp.levels != model.grid.nz:
            raise SetupError(
                f"{self.path}: the graph's batch dimension is fixed at {sp.levels}, "
                f"the model has {model.grid.nz} levels (export it with a symbolic N)"
            )

    def _session(self, model):
        import onnxruntime as ort

        from ocean.comm import threads_per_rank

        options = ort.SessionOptions()
        options.intra_op_num_threads = threads_per_rank(model.comm)
        options.inter_op_num_threads = 1
        options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        # onnxruntime's idle threads spin by default and take the cores from the model's
        # own (Numba) threads between inferences: with spinning a step with the example
        # CNN cost 2.9x a plain step, without 1.3x (benchmarks/closure_overhead.py)
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        on_gpu = on_device(model.backend)
        if on_gpu and "CUDAExecutionProvider" not in ort.get_available_providers():
            raise SetupError(
                f"{self.path}: the cuda backend runs ONNX closures with onnxruntime-gpu, "
                f"which is not installed (onnxruntime has {ort.get_available_providers()}); "
                "install onnxruntime-gpu or run with --backend cpu"
            )
        providers = ["CUDAExecutionProvider"] if on_gpu else ["CPUExecutionProvider"]
        try:
            return ort.InferenceSession(str(self.path), options, providers=providers)
        except Exception as err:  # onnxruntime raises its own exception types
            raise SetupError(f"{self.path}: onnxruntime cannot run this graph: {err}") from err

    def _tile(self, model, box):
        """Buffers and IO binding of one tile (j0, j1, i0, i1) of the block's interior."""
        j0, j1, i0, i1 = box
        r, sp, xp = self.halo, self.spec, self.xp
        nz, h = model.grid.nz, model.grid.h
        shape_in = (nz, len(sp.inputs), j1 - j0 + 2 * r, i1 - i0 + 2 * r)
        sp.check_spatial(shape_in[2:], self.path)
        buf_in = xp.zeros(shape_in, dtype=sp.dtype)
        out_shape = self._output_shape(buf_in)
        crop = sp.crop(shape_in[2:], out_shape[2:], self.path)
        buf_out = xp.zeros(out_shape, dtype=sp.dtype)
        binding = self.session.io_binding()
        device = "cuda" if on_device(model.backend) else "cpu"
        for name, buf, bind in (
            (sp.input_name, buf_in, binding.bind_input),
            (sp.output_name, buf_out, binding.bind_output),
        ):
            bind(name, device, _device_id(buf), sp.dtype, list(buf.shape), _pointer(buf))
        window = (slice(None), slice(h + j0 - r, h + j1 + r), slice(h + i0 - r, h + i1 + r))
        target = (slice(None), slice(h + j0, h + j1), slice(h + i0, h + i1))
        cropped = (slice(None), slice(crop, crop + j1 - j0), slice(crop, crop + i1 - i0))
        return TileIO(buf_in, buf_out, binding, window, target, cropped)

    def _output_shape(self, buf_in):
        """Run the graph once on zeros: the output shape for this input shape."""
        feed = {self.spec.input_name: self.backend.to_host(buf_in)}
        return self.session.run([self.spec.output_name], feed)[0].shape

    # -- training ---------------------------------------------------------------------
    def enable_training(self):
        """Run the graph with the native executor (``onnx_executor``), whose weights can
        change and which gives vector-Jacobian products; gradients accumulate in
        ``self.gradients`` (by initializer name) until :meth:`zero_gradients`."""
        from .onnx_executor import OnnxExecutor

        if self.executor is None:
            self.executor = OnnxExecutor(self.path)
            self.zero_gradients()
        return self.executor

    def zero_gradients(self):
        self.gradients = {n: 0.0 * p for n, p in self.executor.parameters().items()}

    def vjp(self, fields, output_adjoints, input_adjoints):
        """Add the closure's vector-Jacobian product for the state ``fields`` (name ->
        array at tau) and tendency adjoints ``output_adjoints`` to ``input_adjoints``
        (name -> adjoint array) and to ``self.gradients``."""
        if self.executor is None:
            raise SetupError(f"{self.name}: call enable_training() before differentiating")
        xp, sp = self.xp, self.spec
        arrays = [fields[name] for name in self.inputs]
        for tile in self.tiles:
            self._assemble(tile, arrays)
            out = self.executor.forward({sp.input_name: tile.buf_in})[sp.output_name]
            cot = xp.zeros_like(out)
            for c, name in enumerate(self.outputs):
                cot[:, c][tile.cropped] = output_adjoints[name][tile.target] * self.out_scale[c]
            grad_in, grad_params = self.executor.vjp({sp.output_name: cot})
            for c, name in enumerate(self.inputs):
                input_adjoints[name][tile.window] += (
                    grad_in[sp.input_name][:, c] * self.in_inv_scale[c]
                )
            for n, g in grad_params.items():
                self.gradients[n] = self.gradients[n] + g

    # -- every step -------------------------------------------------------------------
    def _assemble(self, tile, fields):
        """The tile's network input: (field - mean) / scale, channel by channel."""
        xp = self.xp
        for c, field in enumerate(fields):
            channel = tile.buf_in[:, c]
            xp.subtract(field[tile.window], self.in_mean[c], out=channel)
            xp.multiply(channel, self.in_inv_scale[c], out=channel)

    def __call__(self, view):
        xp, sp = self.xp, self.spec
        fields = [view[name] for name in self.inputs]
        for tile in self.tiles:
            with self.timers("closure_input"):
                self._assemble(tile, fields)
            with self.timers("closure_inference"):
                if self.executor is not None:
                    out = self.executor.forward({sp.input_name: tile.buf_in})[sp.output_name]
                    tile.buf_out[...] = out
                else:
                    if self.on_device:  # the input was written on CuPy's stream
                        self.backend.synchronize()
                    tile.binding.synchronize_inputs()
                    self.session.run_with_iobinding(tile.binding)
                    tile.binding.synchronize_outputs()
            with self.timers("closure_scatter"):
                for c, name in enumerate(self.outputs):
                    dst = self.tendency[name][tile.target]
                    xp.multiply(tile.buf_out[:, c][tile.cropped], self.out_scale[c], out=dst)
                    xp.add(dst, self.out_mean[c], out=dst)
        return self.tendency


class TileIO:
    """One tile's input/output buffers, binding and index windows."""

    def __init__(self, buf_in, buf_out, binding, window, target, cropped):
        self.buf_in, self.buf_out, self.binding = buf_in, buf_out, binding
        self.window, self.target, self.cropped = window, target, cropped


def tile_boxes(ny, nx, settings):
    """Tiles (j0, j1, i0, i1) of the block's interior, of side ``closure_tile`` (0: one)."""
    side = settings.closure_tile or max(ny, nx)
    return [
        (j0, min(j0 + side, ny), i0, min(i0 + side, nx))
        for j0 in range(0, ny, side)
        for i0 in range(0, nx, side)
    ]


def on_device(backend) -> bool:
    """Whether the arrays live in GPU memory (the CUDA simulator keeps them on the host)."""
    return backend.name == "cuda" and not getattr(backend, "simulated", False)


def tendency_units(units: str) -> str:
    """Units of d(field)/dt: 'm s-1' -> 'm s-2', 'degC' -> 'degC s-1'."""
    return "m s-2" if units == "m s-1" else f"{units} s-1"


def _pointer(buf) -> int:
    return buf.data.ptr if hasattr(buf.data, "ptr") else buf.ctypes.data


def _device_id(buf) -> int:
    device = getattr(buf, "device", None)
    return int(getattr(device, "id", 0) or 0)
