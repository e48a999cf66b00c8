"""Imports every model module so that the metadata knows every table (Alembic, tests)."""

import storage.models  # noqa: F401
import storage.reports  # noqa: F401
import storage.moderation  # noqa: F401
import storage.events  # noqa: F401
import storage.forms  # noqa: F401
import storage.limits  # noqa: F401
import storage.trees  # noqa: F401
import storage.quiz  # noqa: F401
import storage.handover  # noqa: F401
import storage.points  # noqa: F401
import storage.stats  # noqa: F401  (the indexes /stats needs)
import storage.public_photos  # noqa: F401
import storage.operations  # noqa: F401
import storage.sites  # noqa: F401
