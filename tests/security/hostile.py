"""Files an attacker sends, built in memory: small, but each one claims or carries too much."""

import io
import struct
import zipfile
import zlib

from PIL import Image
from pypdf import PdfWriter
from pypdf.generic import DictionaryObject, NameObject, TextStringObject


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_claiming(width: int, height: int) -> bytes:
    """A PNG of a few dozen bytes whose header claims width x height pixels (a bomb)."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(b"\0" * 16))
        + _chunk(b"IEND", b"")
    )


def jpeg_claiming(width: int, height: int) -> bytes:
    """A real 1x1 JPEG whose frame header (SOF0) is rewritten to claim width x height."""
    data = bytearray(image("JPEG", (1, 1)))
    at = data.index(b"\xff\xc0")
    data[at + 5 : at + 9] = struct.pack(">HH", height, width)
    return bytes(data)


def image(kind: str = "PNG", size=(20, 10)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, kind)
    return buffer.getvalue()


def _pdf(writer: PdfWriter) -> bytes:
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def clean_pdf(pages: int = 1) -> bytes:
    writer = PdfWriter()
    for _page in range(pages):
        writer.add_blank_page(width=595, height=842)
    return _pdf(writer)


def pdf_with_open_action_js() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    action = DictionaryObject(
        {
            NameObject("/S"): NameObject("/JavaScript"),
            NameObject("/JS"): TextStringObject("app.alert('pwned')"),
        }
    )
    writer._root_object[NameObject("/OpenAction")] = writer._add_object(action)
    return _pdf(writer)


def pdf_with_embedded_file() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_attachment("hoa-don.exe", b"MZ\x90\x00 a program")
    return _pdf(writer)


def pdf_with_js_in_object_stream() -> bytes:
    """PDF 1.5: the catalogue and its OpenAction (JavaScript) live compressed in an object
    stream, found through a cross-reference stream: no `/JS` in the file's plain bytes."""
    hidden = {
        1: b"<< /Type /Catalog /Pages 2 0 R /OpenAction 4 0 R >>",
        4: b"<< /S /JavaScript /JS (app.launchURL\\('http://evil.example'\\)) >>",
    }
    offsets_in_stream, body = [], b""
    for number, text in hidden.items():
        offsets_in_stream.append(f"{number} {len(body)}")
        body += text + b"\n"
    header = (" ".join(offsets_in_stream) + "\n").encode()
    packed = zlib.compress(header + body)
    out = b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n"
    offsets = {}

    def put(number: int, text: bytes) -> None:
        nonlocal out
        offsets[number] = len(out)
        out += f"{number} 0 obj\n".encode() + text + b"\nendobj\n"

    put(2, b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>")
    put(3, b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>")
    put(
        5,
        f"<< /Type /ObjStm /N {len(hidden)} /First {len(header)} /Filter /FlateDecode "
        f"/Length {len(packed)} >>\nstream\n".encode()
        + packed
        + b"\nendstream",
    )
    xref_at = len(out)
    rows = [b"\x00" + struct.pack(">IH", 0, 65535)]
    for number in range(1, 7):
        if number in hidden:
            rows.append(b"\x02" + struct.pack(">IH", 5, list(hidden).index(number)))
        elif number == 6:
            rows.append(b"\x01" + struct.pack(">IH", xref_at, 0))
        else:
            rows.append(b"\x01" + struct.pack(">IH", offsets[number], 0))
    table = b"".join(rows)
    out += (
        (
            f"6 0 obj\n<< /Type /XRef /Size 7 /W [1 4 2] /Root 1 0 R /Length {len(table)} >>\n"
            "stream\n"
        ).encode()
        + table
        + b"\nendstream\nendobj\n"
    )
    out += f"startxref\n{xref_at}\n%%EOF\n".encode()
    return out


def png_with_zip() -> bytes:
    """A real picture that is also a ZIP archive (readers find the archive from its end)."""
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("index.html", "<script>alert(1)</script>")
    return image("PNG") + archive.getvalue()
