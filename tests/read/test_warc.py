"""The FastWARC-backed reader: damage the library reads past silently is still quarantined."""
from __future__ import annotations

import gzip
from pathlib import Path

from conftest import warc_record
from wirewash.tasks.read.intake import RawText, read_source
from wirewash.tasks.records import Quarantine

PAGE = "<!DOCTYPE html><html><head><title>S{n}</title></head><body><p>Story {n} has words.</p></body></html>"


def _members(count: int) -> list[bytes]:
    return [gzip.compress(warc_record(f"https://e.com/{n}", PAGE.format(n=n).encode())) for n in range(count)]


def test_a_gzip_member_cut_in_its_headers_or_trailer_is_quarantined_as_truncated(tmp_path: Path) -> None:
    members = _members(3)
    for cut in (20, len(members[-1]) - 4):  # inside the last record's WARC headers; inside the gzip trailer only
        (tmp_path / "c.warc.gz").write_bytes(b"".join(members[:-1]) + members[-1][:cut])
        items = read_source(tmp_path, "c.warc.gz", 1_000_000)
        assert [i.record for i in items if isinstance(i, RawText)][:2] == ["https://e.com/0", "https://e.com/1"]
        assert isinstance(items[-1], Quarantine) and items[-1].reason.startswith("truncated archive"), items


def test_stray_bytes_in_a_gzip_member_are_quarantined_and_the_records_after_them_read(tmp_path: Path) -> None:
    members = _members(3)
    stray = gzip.compress(warc_record("https://e.com/s", PAGE.format(n=9).encode()) + b"stray bytes\r\n\r\n")
    (tmp_path / "c.warc.gz").write_bytes(members[0] + stray + members[1] + members[2])
    items = read_source(tmp_path, "c.warc.gz", 1_000_000)
    assert [i.record for i in items if isinstance(i, RawText)] == ["https://e.com/0", "https://e.com/s",
                                                                    "https://e.com/1", "https://e.com/2"]
    assert [i.source for i in items if isinstance(i, Quarantine)] == ["c.warc.gz#record-3"]
