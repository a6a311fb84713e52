"""The consumer contract: releases as torchxrayvision and its users load them.

These tests need torchxrayvision (and torch): `bin/test-consumer` builds `.venv-txv` with them and
runs this folder there with REQUIRE_TORCHXRAYVISION=1, so a missing package fails instead of
skipping. In the project's own `.venv` (no torch) they are skipped with the reason.
"""

from __future__ import annotations

import importlib
import os

import pytest


@pytest.fixture(scope="session")
def xrv():
    if os.environ.get("REQUIRE_TORCHXRAYVISION") == "1":
        return importlib.import_module("torchxrayvision")
    return pytest.importorskip("torchxrayvision",
                               reason="torchxrayvision is not installed here: run bin/test-consumer")
