"""A local TLS listener that records the ClientHello of whatever connects to it (tests only).

It reads the first TLS record byte for byte before answering, parses the ClientHello (cipher
suites, extensions, ALPN protocols), then completes the handshake with a throwaway self-signed
certificate, so a verifying client fails exactly as it would against an untrusted server.
"""

from __future__ import annotations

import datetime as dt
import socket
import ssl
import struct
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path


def is_grease(value: int) -> bool:
    """RFC 8701 GREASE values: 0x0A0A, 0x1A1A, … 0xFAFA."""
    return (value & 0x0F0F) == 0x0A0A and (value >> 8) == (value & 0xFF)


@dataclass
class ClientHello:
    """What a client offered."""

    ciphers: list[int] = field(default_factory=list)
    extensions: list[int] = field(default_factory=list)
    alpn: list[str] = field(default_factory=list)

    @property
    def grease(self) -> bool:
        return any(map(is_grease, self.ciphers)) and any(map(is_grease, self.extensions))


def parse_client_hello(record: bytes) -> ClientHello:
    """Parse one TLS handshake record holding a ClientHello."""
    assert record[0] == 0x16, "not a TLS handshake record"
    body = record[5:]
    assert body[0] == 0x01, "not a ClientHello"
    pos = 4 + 2 + 32  # handshake header, client_version, random
    pos += 1 + body[pos]  # session id
    (length,) = struct.unpack_from("!H", body, pos)
    ciphers = list(struct.unpack_from(f"!{length // 2}H", body, pos + 2))
    pos += 2 + length
    pos += 1 + body[pos]  # compression methods
    (ext_total,) = struct.unpack_from("!H", body, pos)
    pos += 2
    end = pos + ext_total
    hello = ClientHello(ciphers=ciphers)
    while pos + 4 <= end:
        ext_type, ext_len = struct.unpack_from("!HH", body, pos)
        data = body[pos + 4 : pos + 4 + ext_len]
        hello.extensions.append(ext_type)
        if ext_type == 16:  # ALPN
            i = 2
            while i < len(data):
                n = data[i]
                hello.alpn.append(data[i + 1 : i + 1 + n].decode())
                i += 1 + n
        pos += 4 + ext_len
    return hello


def _self_signed(directory: Path) -> tuple[Path, Path]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "cert.pem", directory / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


class TLSListener:
    """Accepts connections on 127.0.0.1, records each ClientHello, then handshakes."""

    def __init__(self) -> None:
        self.hellos: list[ClientHello] = []
        self._dir = tempfile.TemporaryDirectory()
        cert, key = _self_signed(Path(self._dir.name))
        self._context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self._context.load_cert_chain(cert, key)
        self._context.set_alpn_protocols(["h2", "http/1.1"])
        self._sock = socket.create_server(("127.0.0.1", 0))
        self._sock.settimeout(0.2)
        self.port = self._sock.getsockname()[1]
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"https://127.0.0.1:{self.port}"

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            with conn:
                conn.settimeout(2)
                try:
                    header = conn.recv(5, socket.MSG_PEEK | socket.MSG_WAITALL)
                    (length,) = struct.unpack("!H", header[3:5])
                    record = conn.recv(5 + length, socket.MSG_PEEK | socket.MSG_WAITALL)
                    self.hellos.append(parse_client_hello(record))
                    with self._context.wrap_socket(conn, server_side=True):
                        pass
                except (OSError, ssl.SSLError, AssertionError, struct.error):
                    continue

    def close(self) -> None:
        self._stop.set()
        self._sock.close()
        self._thread.join(timeout=2)
        self._dir.cleanup()
