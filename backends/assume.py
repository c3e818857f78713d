"""``index_at_least``: tell LLVM that a loop index is at least a kernel's radius.

Numba wraps negative indices (``a[i - 1]`` at i = 0 reads the last element), so every
index with a variable part compiles to a compare and select. The select stops LLVM from
vectorising the innermost loop of a cell launcher. A cell kernel never reads farther than
its radius from its cell and is launched only on boxes that start at least that far in
(``CpuBackend.launch`` checks), so ``i >= radius`` holds, and with it LLVM drops the
wrap-around of ``i``, ``i - 1``, ... ``i - radius`` and can vectorise the loop. The
arithmetic is unchanged (no fast-math): results are bit-for-bit those of the scalar loop.
"""

from llvmlite import ir
from numba.core import cgutils, types
from numba.extending import intrinsic


@intrinsic
def index_at_least(typingctx, index, lowest):
    """``index``, with ``llvm.assume(index >= lowest)`` (both int64)."""
    if not (isinstance(index, types.Integer) and isinstance(lowest, types.Integer)):
        return None
    signature = types.int64(types.int64, types.int64)

    def codegen(context, builder, sig, args):
        value, bound = args
        assume = cgutils.get_or_insert_function(
            builder.module, ir.FunctionType(ir.VoidType(), [ir.IntType(1)]), "llvm.assume"
        )
        builder.call(assume, [builder.icmp_signed(">=", value, bound)])
        return value

    return signature, codegen
