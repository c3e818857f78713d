"""Gradients through the model: kernel adjoints composed in reverse, checkpointed rollouts.

``ocean.adjoint.dual``: forward-mode dual numbers that run any kernel's scalar body in
Python to give its exact Jacobian-vector product (the reference of the dot-product tests);
``ocean.adjoint.verify``: the dot-product test of one kernel's hand-written adjoint.
"""
