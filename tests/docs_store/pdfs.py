"""Real PDFs with text, written byte by byte (objects, offsets, xref), so the extraction tests
read what a word processor would produce: one page per string, Helvetica, WinAnsi encoding."""

from __future__ import annotations


def _literal(text: str) -> bytes:
    raw = text.encode("cp1252")
    out = bytearray()
    for byte in raw:
        if byte in b"()\\" or byte > 126:
            out += b"\\%03o" % byte
        else:
            out.append(byte)
    return bytes(out)


def pdf_with_pages(pages: list[str], padding: int = 0, flate_content: bytes = b"") -> bytes:
    """``padding`` bytes of comment after the header make the file as large as wanted;
    ``flate_content`` adds a last page whose content stream is that, deflated (a bomb when it
    is large and repetitive)."""
    count = len(pages)
    # 1 catalog, 2 pages, 3 font, then (page, content) pairs.
    kids = " ".join(f"{4 + 2 * i} 0 R" for i in range(count))
    objects: list[bytes] = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        f"<< /Type /Pages /Kids [{kids}] /Count {count} >>".encode(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    for i, text in enumerate(pages):
        stream = b"BT /F1 12 Tf 72 720 Td (" + _literal(text) + b") Tj ET"
        objects.append(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
                       f"/Resources << /Font << /F1 3 0 R >> >> /Contents {5 + 2 * i} 0 R >>"
                       .encode())
        objects.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
    if flate_content:
        import zlib

        packed = zlib.compress(flate_content, 9)
        objects[1] = objects[1].replace(b"/Count %d" % count, b"/Count %d" % (count + 1)).replace(
            b"] /Count", b" %d 0 R] /Count" % (4 + 2 * count))
        objects.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
                       b"/Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>"
                       % (5 + 2 * count))
        objects.append(b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(packed)
                       + packed + b"\nendstream")
    body = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    if padding:
        body += b"%" + b"x" * padding + b"\n"
    offsets = []
    for number, content in enumerate(objects, start=1):
        offsets.append(len(body))
        body += b"%d 0 obj\n" % number + content + b"\nendobj\n"
    xref = len(body)
    body += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        body += b"%010d 00000 n \n" % offset
    body += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, xref)
    return bytes(body)
