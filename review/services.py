"""What the review app's views share, set once by ``review.web.create_app`` and reached through
``services()`` while a request runs (``current_app``), never through closures."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, current_app
from sqlalchemy import Engine

from media.store import MediaStore

#: The key of ``Flask.extensions`` under which the app keeps its ``Services``.
EXTENSION = "review"


@dataclass(frozen=True)
class Services:
    engine: Engine  # the staging database
    store: MediaStore  # the media store the images are served from
    actor: str  # the reviewer every action is recorded as
    annotation_license: str | None  # the licence of reviewers' annotations (ANNOTATION_LICENSE)


def install(app: Flask, services: Services) -> None:
    app.extensions[EXTENSION] = services


def services() -> Services:
    """The ``Services`` of the app serving the current request."""
    return current_app.extensions[EXTENSION]
