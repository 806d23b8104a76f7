"""The Alembic migrations build exactly the schema the code uses, run twice harmlessly, and go back down."""

from __future__ import annotations

from datetime import datetime, timezone

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import func, insert, inspect, select

from assistant.adapters.db import tables as t
from assistant.adapters.db.engine import create_agenda_engine
from assistant.adapters.db.migrate import alembic_config, upgrade
from assistant.adapters.db.tables import metadata

AT = datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc)
HEAD = "0008"  # the latest migration


def head_revision(engine) -> str:
    return ScriptDirectory.from_config(alembic_config(str(engine.url))).get_current_head()


def current_revision(engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def downgrade(engine, revision: str) -> None:
    with engine.begin() as connection:
        config = alembic_config(str(engine.url))
        config.attributes["connection"] = connection
        command.downgrade(config, revision)


def schema_differences(engine) -> list:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": False})
        return compare_metadata(context, metadata)


def test_migrated_schema_matches_the_model(engine):
    assert schema_differences(engine) == []


def test_upgrade_is_idempotent_and_versioned(engine):
    upgrade(engine)
    inspector = inspect(engine)
    assert {
        "practices",
        "practitioners",
        "appointment_types",
        "patients",
        "appointments",
        "audit_events",
        "escalations",
        "sms_outbox",
    } <= set(inspector.get_table_names())
    assert head_revision(engine) == HEAD
    assert current_revision(engine) == HEAD


def test_escalations_migration_keeps_audit_rows_and_goes_back_down(database_url):
    engine = create_agenda_engine(database_url)
    try:
        upgrade(engine, "0001")
        assert "escalations" not in inspect(engine).get_table_names()
        with engine.begin() as connection:
            connection.execute(
                insert(t.audit_events).values(  # only 0001's columns are named, so rendered
                    at=AT, actor="tests", channel="cli", action="practice_load", details={"n": 1}
                )
            )

        upgrade(engine)
        assert current_revision(engine) == HEAD
        assert schema_differences(engine) == []
        with engine.begin() as connection:
            kept = connection.execute(select(t.audit_events)).one()
            assert (kept.action, kept.details, kept.escalation_id) == ("practice_load", {"n": 1}, None)
            connection.execute(
                insert(t.practices).values(id="p", name="P", config={}, config_hash="h", source="", loaded_at=AT)
            )
            escalation_id = connection.execute(
                insert(t.escalations).values(
                    practice_id="p",
                    channel="chat",
                    conversation_id="c",
                    reason="r",
                    category="human",
                    urgency="routine",
                    status="open",
                    understood={},
                    transcript=[],
                    created_at=AT,
                    updated_at=AT,
                )
            ).inserted_primary_key[0]
            connection.execute(
                insert(t.audit_events).values(
                    at=AT,
                    actor="assistant",
                    channel="chat",
                    action="escalation_open",
                    details={},
                    escalation_id=escalation_id,
                )
            )

        downgrade(engine, "0001")
        assert current_revision(engine) == "0001"
        inspector = inspect(engine)
        assert "escalations" not in inspector.get_table_names()
        assert "escalation_id" not in {column["name"] for column in inspector.get_columns("audit_events")}
        with engine.connect() as connection:
            assert connection.execute(select(func.count()).select_from(t.audit_events)).scalar() == 2

        upgrade(engine)
        assert schema_differences(engine) == []
    finally:
        engine.dispose()


def insert_outbox_row_of_0003(connection, **values) -> None:
    """A practice and one outbox message, naming only revision 0003's columns (so it renders on 0003)."""
    connection.execute(
        insert(t.practices).values(id="p", name="P", config={}, config_hash="h", source="", loaded_at=AT)
    )
    connection.execute(
        insert(t.sms_outbox).values(
            practice_id="p",
            kind="booked",
            to_number="+33612345678",
            body="b",
            next_attempt_at=AT,
            created_at=AT,
            **values,
        )
    )


def test_sms_outbox_migration_goes_back_down_and_up(database_url):
    engine = create_agenda_engine(database_url)
    try:
        upgrade(engine, "0002")
        assert "sms_outbox" not in inspect(engine).get_table_names()
        upgrade(engine, "0003")
        assert current_revision(engine) == "0003"
        with engine.begin() as connection:
            insert_outbox_row_of_0003(connection, status="pending")
            row = connection.execute(
                select(t.sms_outbox.c.attempts, t.sms_outbox.c.appointment_id, t.sms_outbox.c.next_attempt_at)
            ).one()
            assert (row.attempts, row.appointment_id, row.next_attempt_at) == (0, None, AT)
        downgrade(engine, "0002")
        assert current_revision(engine) == "0002"
        assert "sms_outbox" not in inspect(engine).get_table_names()
        upgrade(engine)
        assert schema_differences(engine) == []
    finally:
        engine.dispose()


def test_sms_delivery_migration_keeps_outbox_rows_and_goes_back_down(database_url):
    engine = create_agenda_engine(database_url)
    delivery_columns = {"delivery_status", "delivery_error_code", "delivery_updated_at"}
    o = t.sms_outbox.c
    try:
        upgrade(engine, "0003")
        assert not delivery_columns & {column["name"] for column in inspect(engine).get_columns("sms_outbox")}
        with engine.begin() as connection:
            insert_outbox_row_of_0003(connection, status="sent", provider_sid="SM" + "a" * 32, sent_at=AT)

        upgrade(engine, "0004")
        assert current_revision(engine) == "0004"
        later = {"secretaries", "console_sessions", "escalation_notes", "conversation_takeovers"}  # 0006, 0007
        assert [
            d
            for d in schema_differences(engine)
            if (d[0] != "add_index" or d[1].table.name not in {"patients", *later})
            and (d[0] != "add_table" or d[1].name not in later)
            and (d[0] != "add_column" or (d[2], d[3].name) != ("practices", "load_number"))  # 0008
        ] == []
        inspector = inspect(engine)
        assert delivery_columns <= {column["name"] for column in inspector.get_columns("sms_outbox")}
        assert "ix_sms_outbox_provider_sid" in {index["name"] for index in inspector.get_indexes("sms_outbox")}
        with engine.begin() as connection:
            kept = connection.execute(select(t.sms_outbox)).one()
            assert (kept.status, kept.provider_sid, kept.sent_at) == ("sent", "SM" + "a" * 32, AT)
            assert (kept.delivery_status, kept.delivery_error_code, kept.delivery_updated_at) == (None, None, None)
            connection.execute(
                t.sms_outbox.update().values(
                    delivery_status="undelivered", delivery_error_code="30003", delivery_updated_at=AT
                )
            )
            assert connection.execute(select(o.delivery_status, o.delivery_updated_at)).one() == ("undelivered", AT)

        downgrade(engine, "0003")
        assert current_revision(engine) == "0003"
        inspector = inspect(engine)
        assert not delivery_columns & {column["name"] for column in inspector.get_columns("sms_outbox")}
        assert "ix_sms_outbox_provider_sid" not in {index["name"] for index in inspector.get_indexes("sms_outbox")}
        with engine.connect() as connection:
            assert connection.execute(select(o.status, o.provider_sid)).one() == ("sent", "SM" + "a" * 32)

        upgrade(engine)
        assert schema_differences(engine) == []
    finally:
        engine.dispose()


def test_name_keys_migration_drops_the_separators_and_goes_back_down(database_url):
    """Chat QA: "Ndiaye" never found the patient stored as "N'Diaye" (keys kept a space for the apostrophe)."""
    engine = create_agenda_engine(database_url)
    p = t.patients.c
    try:
        upgrade(engine, "0004")
        with engine.begin() as connection:
            connection.execute(
                insert(t.patients).values(
                    last_name="N'Diaye",
                    first_name="Marie-Hélène",
                    last_name_key="n diaye",
                    first_name_key="marie helene",
                    birth_date=AT.date(),
                    phone="",
                    phone_key="",
                    created_at=AT,
                )
            )
        upgrade(engine)
        with engine.connect() as connection:
            assert connection.execute(select(p.last_name_key, p.first_name_key)).one() == ("ndiaye", "mariehelene")
        downgrade(engine, "0004")
        with engine.connect() as connection:
            assert connection.execute(select(p.last_name_key, p.first_name_key)).one() == ("n diaye", "marie helene")
        upgrade(engine)
    finally:
        engine.dispose()


def test_patient_identity_migration_merges_duplicates_and_goes_back_down(database_url):
    """QA (PostgreSQL): one new person booked in parallel became 4 patient rows. 0006 merges such rows into the
    oldest (appointments, their SMS, escalations and audit rows follow) and adds the unique index on the identity."""
    from sqlalchemy.exc import IntegrityError

    engine = create_agenda_engine(database_url)
    p, a, e, au, o = t.patients.c, t.appointments.c, t.escalations.c, t.audit_events.c, t.sms_outbox.c
    birth = AT.date().replace(year=1984)

    def add_patient(connection, first_name="Léa", phone="", last_name="Lemaire", **keys):
        values = {"last_name_key": "lemaire", "first_name_key": "lea", **keys}
        return connection.execute(
            insert(t.patients).values(
                last_name=last_name,
                first_name=first_name,
                birth_date=birth,
                phone=phone,
                phone_key=phone.replace(" ", ""),
                email="",
                created_at=AT,
                **values,
            )
        ).inserted_primary_key[0]

    try:
        upgrade(engine, "0005")
        with engine.begin() as connection:
            connection.execute(
                insert(t.practices).values(id="p", name="P", config={}, config_hash="h", source="", loaded_at=AT)
            )
            connection.execute(insert(t.practitioners).values(id="dr", practice_id="p", name="Dr"))
            connection.execute(
                insert(t.appointment_types).values(id="c", practice_id="p", name="C", duration_minutes=20)
            )
            kept = add_patient(connection)  # the oldest, without a phone
            second = add_patient(connection, phone="06 12 34 56 78")
            third = add_patient(connection, first_name="LEA")
            twin = add_patient(connection, first_name="Zoé", first_name_key="zoe")  # another person
            appointment_ids = []
            for i, owner in enumerate((second, third, third, twin)):
                start = AT.replace(hour=8 + i)
                appointment_ids.append(
                    connection.execute(
                        insert(t.appointments).values(
                            practitioner_id="dr",
                            appointment_type_id="c",
                            patient_id=owner,
                            start_at=start,
                            end_at=start.replace(minute=20),
                            status="booked",
                            channel="phone",
                            created_by="assistant",
                            updated_by="assistant",
                            created_at=AT,
                            updated_at=AT,
                        )
                    ).inserted_primary_key[0]
                )
            connection.execute(
                insert(t.sms_outbox).values(
                    practice_id="p",
                    appointment_id=appointment_ids[1],
                    kind="booked",
                    to_number="+33612345678",
                    body="b",
                    status="pending",
                    next_attempt_at=AT,
                    created_at=AT,
                )
            )
            escalation_id = connection.execute(
                insert(t.escalations).values(
                    practice_id="p",
                    channel="phone",
                    conversation_id="c",
                    reason="r",
                    category="human",
                    urgency="routine",
                    status="open",
                    understood={},
                    transcript=[],
                    patient_id=third,
                    created_at=AT,
                    updated_at=AT,
                )
            ).inserted_primary_key[0]
            connection.execute(
                insert(t.audit_events).values(
                    at=AT, actor="assistant", channel="phone", action="patient_create", details={}, patient_id=second
                )
            )

        upgrade(engine)
        assert current_revision(engine) == HEAD
        assert schema_differences(engine) == []
        with engine.connect() as connection:
            patients = connection.execute(select(p.id, p.phone, p.phone_key).order_by(p.id)).all()
            assert [row.id for row in patients] == [kept, twin]
            assert (patients[0].phone, patients[0].phone_key) == ("06 12 34 56 78", "0612345678")  # completed
            owners = dict(connection.execute(select(a.id, a.patient_id)).all())
            assert owners == dict(zip(appointment_ids, (kept, kept, kept, twin), strict=True))  # none lost
            assert connection.execute(select(e.patient_id).where(e.id == escalation_id)).scalar() == kept
            assert connection.execute(select(o.appointment_id)).scalar() == appointment_ids[1]
            assert connection.execute(select(au.patient_id).where(au.action == "patient_create")).scalar() == kept
            merges = connection.execute(select(au).where(au.action == "patient_merge").order_by(au.id)).all()
            assert [(m.patient_id, m.details["merged_patient_id"], m.actor) for m in merges] == [
                (kept, second, "migration 0006"),
                (kept, third, "migration 0006"),
            ]
            assert merges[1].details["appointment_ids"] == appointment_ids[1:3]
            assert merges[1].details["escalation_ids"] == [escalation_id]
            assert "Lemaire" not in str([m.details for m in merges]) and "0612" not in str([m.details for m in merges])
        try:
            with engine.begin() as connection:
                add_patient(connection, first_name="Lea")
            raise AssertionError("a second row for the same person was accepted")
        except IntegrityError:
            pass

        downgrade(engine, "0005")
        assert "uq_patients_identity" not in {index["name"] for index in inspect(engine).get_indexes("patients")}
        with engine.begin() as connection:
            again = add_patient(connection)  # accepted again without the index
        upgrade(engine)
        with engine.connect() as connection:
            assert connection.execute(select(p.id).order_by(p.id)).scalars().all() == [kept, twin]
            merged = [
                m.details["merged_patient_id"]
                for m in connection.execute(select(au).where(au.action == "patient_merge"))
            ]
            assert merged == [second, third, again]
        assert schema_differences(engine) == []
    finally:
        engine.dispose()


def test_load_number_migration_makes_the_practice_loaded_last_current_and_goes_back_down(database_url):
    """QA: with a frozen clock, the demo practice then Douai were loaded at the same ``loaded_at`` and the demo
    kept answering. 0008 numbers the loads in the order of their last ``practice_load`` audit row."""
    from assistant.adapters.db.repository import PracticeRepository

    engine = create_agenda_engine(database_url)
    p = t.practices.c
    try:
        upgrade(engine, "0007")
        with engine.begin() as connection:
            for practice_id in ("douai-kine", "demo-lille", "douai-kine"):  # the same clock time each time
                connection.execute(
                    insert(t.audit_events).values(
                        at=AT,
                        actor="operator",
                        channel="cli",
                        action="practice_load",
                        details={"practice_id": practice_id},
                    )
                )
            for practice_id in ("demo-lille", "douai-kine", "dunkerque"):  # dunkerque: no audit row
                connection.execute(
                    insert(t.practices).values(
                        id=practice_id, name=practice_id, config={}, config_hash=practice_id, source="", loaded_at=AT
                    )
                )
            connection.execute(insert(t.practitioners).values(id="dr", practice_id="douai-kine", name="Dr"))  # kept

        upgrade(engine)
        assert current_revision(engine) == HEAD
        assert schema_differences(engine) == []
        with engine.connect() as connection:
            numbers = dict(connection.execute(select(p.id, p.load_number)).all())
            assert numbers == {"dunkerque": 1, "demo-lille": 2, "douai-kine": 3}
            assert PracticeRepository(connection).current_hash() == "douai-kine"
            assert connection.execute(select(p.loaded_at).distinct()).scalars().all() == [AT]  # the audit time kept

        downgrade(engine, "0007")
        assert current_revision(engine) == "0007"
        assert "load_number" not in {column["name"] for column in inspect(engine).get_columns("practices")}
        with engine.connect() as connection:
            assert connection.execute(select(func.count()).select_from(t.practices)).scalar() == 3
            assert connection.execute(select(t.practitioners.c.practice_id)).scalar() == "douai-kine"
        upgrade(engine)
        assert schema_differences(engine) == []
    finally:
        engine.dispose()
