"""Plain SQL for the import's bulk reads and writes: a batch's workers and their children written
with one multi-row INSERT per table (SQLite) or one COPY per table (PostgreSQL), ids taken up
front, and lookups of many keys at once.

Apart from the writers and the batch pipeline because this is the one place that speaks to the
database below the ORM — quoting table and column names, preparing values as each driver takes
them, reading sequences — and it is measured code: the ORM's per-instance and per-value work cost
a large import more than the queries themselves (`docs/benchmarks.md`). The writers decide what
to write; this module only sends it.
"""

from __future__ import annotations

from typing import Any

from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.models import Model

from vinculo.core.crypto import EncryptedTextField
from vinculo.imports.domain import Item
from vinculo.registry.models import (
    Consent,
    IdentityDocument,
    Worker,
    WorkerLanguage,
    WorkerOccupation,
)

CHILD_MODELS = (IdentityDocument, WorkerOccupation, WorkerLanguage, Consent)
WORKER_MODELS = (Worker, *CHILD_MODELS)
_PLAIN_TYPES = frozenset(
    {
        "AutoField",
        "BigAutoField",
        "BigIntegerField",
        "BooleanField",
        "CharField",
        "IntegerField",
        "PositiveIntegerField",
        "PositiveSmallIntegerField",
        "SmallIntegerField",
        "TextField",
    }
)


def _converter(field: Any, db: Any) -> Any:
    """How a value of `field` goes to the database `db`: as it is for text, numbers and booleans
    (both drivers adapt them), through the field otherwise (dates, UUIDs, encryption)."""
    target = field.target_field if field.is_relation else field
    if not isinstance(field, EncryptedTextField) and target.get_internal_type() in _PLAIN_TYPES:
        return None
    # Dates, timestamps and occupation ids repeat a lot within a batch (every row has the same
    # created_at): convert each distinct value once.
    seen: dict[Any, Any] = {}

    def convert(value: Any) -> Any:
        try:
            return seen[value]
        except KeyError:
            seen[value] = prepared = field.get_db_prep_save(value, db)
            return prepared
        except TypeError:  # unhashable
            return field.get_db_prep_save(value, db)

    if isinstance(field, EncryptedTextField):  # every ciphertext is new: nothing to remember
        return lambda value: field.get_db_prep_save(value, db)
    return convert


class Table:
    """How rows of one model go to the database: its columns in order, and a row of values from
    a dict by attname (a missing one takes the field's default), each converted as the database
    takes it. The database connection is looked up once, not per value (`connection` is a
    thread-local proxy, and a batch converts tens of thousands of values)."""

    def __init__(self, model: type[Model]) -> None:
        fields = list(model._meta.concrete_fields)
        db = connections[DEFAULT_DB_ALIAS]
        self.model = model
        self.columns = [f.column for f in fields]
        self.fields = [(f.attname, f) for f in fields]
        self.converters = [
            (i, c) for i, f in enumerate(fields) if (c := _converter(f, db)) is not None
        ]
        attnames = [f.attname for f in fields]
        self.pk = attnames.index(model._meta.pk.attname)
        self.parent = attnames.index("worker_id") if "worker_id" in attnames else None
        # A field's default is worked out once, unless it is made anew for each row (a callable).
        made = [f.has_default() and callable(f.default) for _name, f in self.fields]
        self.defaults = [
            (name, _MADE if m else f.get_default())
            for (name, f), m in zip(self.fields, made, strict=True)
        ]
        self.made = [(i, name, f) for i, (name, f) in enumerate(self.fields) if made[i]]

    def row(self, values: dict[str, Any]) -> list:
        get = values.get
        row = [get(name, default) for name, default in self.defaults]
        for i, name, f in self.made:
            if name not in values:
                row[i] = f.get_default()
        for i, convert in self.converters:
            row[i] = convert(row[i])
        return row


_MADE = object()  # stands for a default made anew for each row


def _ids(cursor: Any, model: type[Model], count: int) -> list[int]:
    if not count:
        return []
    table, pk = model._meta.db_table, model._meta.pk.column
    if connection.vendor == "postgresql":
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [table, pk, count],
        )
        return [row[0] for row in cursor.fetchall()]
    # SQLite has one writer at a time and this runs inside the batch's write transaction
    # (Vínculo opens them IMMEDIATE): nobody can insert between this read and our insert. The
    # AUTOINCREMENT counter is read too, so ids of deleted rows are never given again. Should
    # anything still collide, the primary key refuses and the batch is checked and written again.
    quote = connection.ops.quote_name
    cursor.execute(
        # Table and column names come from the models' own metadata, quoted; no input reaches them.
        f"SELECT MAX(COALESCE((SELECT MAX({quote(pk)}) FROM {quote(table)}), 0), "  # noqa: S608
        "COALESCE((SELECT seq FROM sqlite_sequence WHERE name = %s), 0))",
        [table],
    )
    start = cursor.fetchone()[0]
    return list(range(start + 1, start + 1 + count))


def _workers_tables(cursor: Any, items: list[Item]) -> list[tuple[Table, list[list]]]:
    """The prepared rows of a batch's workers, by table, with ids taken up front so parents and
    children are linked before anything is sent."""
    tables = {model: Table(model) for model in WORKER_MODELS}
    rows: dict[type[Model], list[list]] = {model: [] for model in WORKER_MODELS}
    worker_pk = tables[Worker].pk
    for item, pk in zip(items, _ids(cursor, Worker, len(items)), strict=True):
        worker = item.prepared["worker"]
        worker[worker_pk] = pk
        rows[Worker].append(worker)
        for model, child in item.prepared["children"]:
            child[tables[model].parent] = pk
            rows[model].append(child)
    for model in CHILD_MODELS:
        children, child_pk = rows[model], tables[model].pk
        for child, pk in zip(children, _ids(cursor, model, len(children)), strict=True):
            child[child_pk] = pk
    return [(tables[model], rows[model]) for model in WORKER_MODELS if rows[model]]


def workers_insert(items: list[Item]) -> None:
    """SQLite: one multi-row INSERT (executemany) per table per batch."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table, rows in _workers_tables(cursor, items):
            cursor.executemany(
                f"INSERT INTO {quote(table.model._meta.db_table)} "  # noqa: S608 (model names)
                f"({', '.join(quote(c) for c in table.columns)}) "
                f"VALUES ({', '.join(['%s'] * len(table.columns))})",
                rows,
            )


def workers_copy(items: list[Item]) -> None:
    """PostgreSQL: one COPY ... FROM STDIN per table per batch, several times faster than
    INSERT; ids come from the tables' own sequences, so later ordinary inserts follow on."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table, rows in _workers_tables(cursor, items):
            sql = (
                f"COPY {quote(table.model._meta.db_table)} "
                f"({', '.join(quote(c) for c in table.columns)}) FROM STDIN"
            )
            # The driver's own cursor, so its errors are turned into Django's here (a unique
            # key taken meanwhile must reach batch_write as an IntegrityError).
            with connection.wrap_database_errors, cursor.cursor.copy(sql) as copy:
                for row in rows:
                    copy.write_row(row)


IN_CHUNK = 900  # bound parameters per query, well under every SQLite build's limit


def rows_where_in(
    model: type[Model], select: tuple[str, ...], field: str, values: Any, **equal: Any
) -> list[tuple]:
    """`model.objects.filter(field__in=values, **equal).values_list(*select)` in plain SQL, in
    chunks. The ORM prepares each of a batch's thousands of values in Python, one by one, which
    cost a large import more time than the queries themselves; these are text keys and ids that
    need no preparing."""
    quote = connection.ops.quote_name
    meta = model._meta
    columns = ", ".join(quote(meta.get_field(name).column) for name in select)
    where = [f"{quote(meta.get_field(name).column)} = %s" for name in equal]
    fixed = [meta.get_field(name).get_db_prep_value(v, connection) for name, v in equal.items()]
    values = list(values)
    found: list[tuple] = []
    with connection.cursor() as cursor:
        for start in range(0, len(values), IN_CHUNK):
            chunk = values[start : start + IN_CHUNK]
            marks = ", ".join(["%s"] * len(chunk))
            conditions = " AND ".join(
                [*where, f"{quote(meta.get_field(field).column)} IN ({marks})"]
            )
            cursor.execute(
                f"SELECT {columns} FROM {quote(meta.db_table)} WHERE {conditions}",  # noqa: S608
                [*fixed, *chunk],
            )
            found += cursor.fetchall()
    return found
