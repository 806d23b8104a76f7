"""Rows to domain objects and back, by the names they share (the repositories' and the console store's)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import fields
from typing import Any, TypeVar

from sqlalchemy import Table, insert
from sqlalchemy.engine import Connection, Row

DomainObject = TypeVar("DomainObject")


def field_names(cls: Any) -> tuple[str, ...]:
    """The fields of a dataclass (or of one of its objects), in order: the columns of the same names."""
    return tuple(field.name for field in fields(cls))


def from_row(cls: Callable[..., DomainObject], row: Row, names: Iterable[str], **read_otherwise: Any) -> DomainObject:
    """A domain object from the columns of the same names, and the fields that need converting."""
    mapping = row._mapping
    return cls(**{name: mapping[name] for name in names if name not in read_otherwise}, **read_otherwise)


def columns(value: object, names: Iterable[str]) -> dict[str, Any]:
    """The attributes ``names`` of a domain object, for the columns of the same names."""
    return {name: getattr(value, name) for name in names}


def insert_row(connection: Connection, table: Table, values: dict[str, Any]) -> int:
    """Insert one row; the id the database gave it."""
    return int(connection.execute(insert(table).values(**values)).inserted_primary_key[0])  # type: ignore[index]
