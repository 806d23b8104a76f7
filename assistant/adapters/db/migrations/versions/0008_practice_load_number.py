"""Practices: a load number says which practice was loaded last, whatever the clock said.

The current practice was the row with the latest ``loaded_at``. With the clock frozen (``ASSISTANT_NOW``,
for demos and tests) every load got the same time, so after ``assistant init --demo`` then
``assistant practice load douai-kine.yml`` the demo practice kept answering; a clock set back did the
same. ``loaded_at`` stays the time of the load for the audit; ``load_number`` (1, 2, … one more at each
load, 0 for a row no load numbered) decides which practice is current.

Existing rows are numbered in the order they were last loaded: the order of their last ``practice_load``
audit row (recorded by every load, in the load's transaction), then ``loaded_at``, then the id. So a
database QA found serving the wrong practice serves the one loaded last once upgraded.

Downgrade drops the column (the current practice is again the latest ``loaded_at``).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-08
"""

from datetime import datetime

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def _number_existing_rows() -> None:
    practices = sa.table(
        "practices",
        sa.column("id", sa.String),
        sa.column("loaded_at", sa.DateTime),
        sa.column("load_number", sa.Integer),
    )
    audit_events = sa.table(
        "audit_events", sa.column("id", sa.Integer), sa.column("action", sa.String), sa.column("details", sa.JSON)
    )
    connection = op.get_bind()
    last_load: dict[str, int] = {}
    loads = connection.execute(
        sa.select(audit_events.c.id, audit_events.c.details)
        .where(audit_events.c.action == "practice_load")
        .order_by(audit_events.c.id)
    )
    for load in loads:
        details = load.details if isinstance(load.details, dict) else {}
        practice_id = details.get("practice_id")
        if isinstance(practice_id, str):
            last_load[practice_id] = load.id
    rows = connection.execute(sa.select(practices.c.id, practices.c.loaded_at)).fetchall()

    def loaded(row: sa.engine.Row) -> tuple[int, datetime, str]:
        return (last_load.get(row.id, 0), row.loaded_at, row.id)

    for number, row in enumerate(sorted(rows, key=loaded), start=1):
        connection.execute(practices.update().where(practices.c.id == row.id).values(load_number=number))


def upgrade() -> None:
    # Not a batch: SQLite would copy the table and drop the old one, which the rows pointing at a practice
    # (practitioners, motifs, escalations, SMS) forbid. A plain ADD COLUMN with a constant default is enough.
    op.add_column("practices", sa.Column("load_number", sa.Integer(), nullable=False, server_default="0"))
    _number_existing_rows()


def downgrade() -> None:
    op.drop_column("practices", "load_number")  # SQLite ≥ 3.35 drops a column in place
