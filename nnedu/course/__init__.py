"""The ``nnedu`` command: ``doctor``, ``build``, ``sync`` and ``grade`` (see cli.py)."""
