"""Patients' name keys without separators ("N'Diaye" and "Ndiaye" are one key).

The keys used to keep spaces where the name had a space, a hyphen or an apostrophe, so "Ndiaye"
never found "N'Diaye" and "Legall" never found "Le Gall". The stored keys are recomputed.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-05
"""

import re
import unicodedata

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

_SEPARATORS = re.compile(r"[\s\-'’._]+")


def _folded(name: str) -> str:
    # Frozen here on purpose: a migration must give the same keys whatever later code does.
    decomposed = unicodedata.normalize("NFKD", name)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return stripped.replace("œ", "oe").replace("Œ", "oe").replace("æ", "ae").casefold()


def _rekey(separator: str) -> None:
    patients = sa.table(
        "patients",
        sa.column("id", sa.Integer),
        sa.column("last_name", sa.String),
        sa.column("first_name", sa.String),
        sa.column("last_name_key", sa.String),
        sa.column("first_name_key", sa.String),
    )
    connection = op.get_bind()
    rows = connection.execute(sa.select(patients.c.id, patients.c.last_name, patients.c.first_name)).fetchall()
    for row in rows:
        connection.execute(
            patients.update()
            .where(patients.c.id == row.id)
            .values(
                last_name_key=_SEPARATORS.sub(separator, _folded(row.last_name)).strip(),
                first_name_key=_SEPARATORS.sub(separator, _folded(row.first_name)).strip(),
            )
        )


def upgrade() -> None:
    _rekey("")


def downgrade() -> None:
    _rekey(" ")
