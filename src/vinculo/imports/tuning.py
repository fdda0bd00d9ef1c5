"""How the import process tunes Python and SQLite while it writes a large file: the cycle
collector paused, and a larger SQLite page cache with write-ahead-log checkpoints spaced out.

Apart from the services because none of it is a business action or changes what is written: these
are process-wide settings, switched on around the batch loop and given back afterwards, and the
helper process (`imports/helper.py`) uses the collector pause as well. Nothing here touches the
models, so the helper may import it before Django is set up.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection

WAL_CHECKPOINT_PAGES = 25_000  # about 100 MB of write-ahead log between checkpoints


@contextmanager
def gc_paused() -> Iterator[None]:
    """Python's cycle collector off while batches are read, checked and written. A batch is
    tens of thousands of young objects that all stay alive until it is written, and with the
    collector on, every few hundred allocations re-scan them: measured, that took seven times as
    long as unpickling a checked batch itself. The rows hold no reference cycles (reference
    counting frees them); whatever cycles other code makes meanwhile are collected once it is
    back on."""
    if not gc.isenabled():
        yield
        return
    gc.freeze()  # what was alive before (Django, the reference data) is not scanned again either
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
        gc.unfreeze()


@contextmanager
def sqlite_page_cache(kib: int) -> Iterator[None]:
    """A larger SQLite page cache while a large file is written: the unique indexes on document
    hashes and registration numbers take their keys in random order, and with SQLite's 2 MB
    default most of those inserts would read pages back from the file. Checkpoints of the
    write-ahead log are spaced out as well (every WAL_CHECKPOINT_PAGES instead of 1,000): an index
    page that batch after batch changes is then copied to the database file once, not at every
    checkpoint, and the log stays bounded whatever the file's size."""
    if not kib or connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        before = cursor.execute("PRAGMA cache_size").fetchone()[0]
        checkpoint = cursor.execute("PRAGMA wal_autocheckpoint").fetchone()[0]
        cursor.execute(f"PRAGMA cache_size = {-int(kib)}")
        cursor.execute(f"PRAGMA wal_autocheckpoint = {WAL_CHECKPOINT_PAGES}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(before)}")
            cursor.execute(f"PRAGMA wal_autocheckpoint = {int(checkpoint)}")
