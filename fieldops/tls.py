"""HTTPS for the officers' phones: the configured certificate, or a self-signed one made here.

Browsers give a page geolocation, the camera and service workers only on a secure origin: HTTPS,
or localhost. A phone opens the command post's laptop by its address on the Wi-Fi or hotspot,
so the laptop must serve HTTPS there.

With FIELDOPS_TLS_CERT and FIELDOPS_TLS_KEY (PEM files) that certificate is used as it is.
Without them, a self-signed certificate is kept in instance/tls/ for this machine's names
(localhost, its hostname, 127.0.0.1, ::1 and its network addresses). It is made again when the
machine has an address it does not cover (another Wi-Fi) or when it has less than RENEW_BEFORE
left; otherwise the same one is reused, so a phone that accepted it once is not asked again.
"""

from __future__ import annotations

import ipaddress
import os
import socket
import ssl
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

VALID_FOR = timedelta(days=397)  # phones refuse server certificates valid for much longer
RENEW_BEFORE = timedelta(days=30)
CERT_FILE, KEY_FILE = "self-signed.crt", "self-signed.key"
# Interfaces of containers and virtual machines: never the one a phone reaches.
VIRTUAL_PREFIXES = ("docker", "br-", "veth", "virbr", "vmnet", "vboxnet", "lxc", "lxd", "cni")


class TlsError(ValueError):
    """The TLS configuration cannot be used; the message says what to fix."""


@dataclass(frozen=True)
class Certificate:
    cert: Path
    key: Path
    self_signed: bool
    names: tuple[str, ...]  # the DNS names and IP addresses it is valid for
    not_after: datetime
    fingerprint: str  # SHA-256 of the certificate, AB:CD:...: what a phone's warning shows

    def describe(self) -> str:
        kind = "self-signed" if self.self_signed else "configured"
        return (
            f"{kind} certificate {self.cert} for {', '.join(self.names)}; valid until "
            f"{self.not_after:%Y-%m-%d}; SHA-256 {self.fingerprint}"
        )


def lan_addresses(interfaces: dict | None = None, stats: dict | None = None) -> list[str]:
    """This machine's addresses that another device on its network can reach, best first:
    IPv4 before IPv6, physical interfaces before virtual ones; no loopback, no link-local.

    `interfaces` and `stats` are psutil.net_if_addrs() and psutil.net_if_stats() (tests pass
    their own). Reading them sends nothing on the network.
    """
    if interfaces is None or stats is None:
        import psutil

        interfaces, stats = psutil.net_if_addrs(), psutil.net_if_stats()
    found: list[tuple[tuple, str]] = []
    for name, addresses in interfaces.items():
        if name in stats and not stats[name].isup:
            continue
        virtual = name.startswith(VIRTUAL_PREFIXES)
        for entry in addresses:
            if entry.family not in (socket.AF_INET, socket.AF_INET6):
                continue
            try:
                address = ipaddress.ip_address(entry.address.split("%", 1)[0])
            except ValueError:
                continue
            if address.is_loopback or address.is_link_local or address.is_unspecified:
                continue
            rank = (address.version, virtual, not address.is_private, name)
            found.append((rank, str(address)))
    seen: dict[str, None] = {}
    for _rank, address in sorted(found):
        seen.setdefault(address, None)
    return list(seen)


def machine_names(addresses: list[str] | None = None) -> list[str]:
    """What a self-signed certificate of this machine covers."""
    hostname = socket.gethostname().strip().rstrip(".").lower()
    names = ["localhost"]
    if hostname and hostname != "localhost" and hostname.isascii() and " " not in hostname:
        names.append(hostname)
        if "." not in hostname:
            names.append(f"{hostname}.local")  # how Macs and iPhones find it on the network
    names += ["127.0.0.1", "::1"]
    names += lan_addresses() if addresses is None else addresses
    return list(dict.fromkeys(names))


def certificate_for(config: dict) -> Certificate:
    """The configured certificate (TLS_CERT + TLS_KEY), else this machine's self-signed one."""
    cert, key = config.get("TLS_CERT"), config.get("TLS_KEY")
    if bool(cert) != bool(key):
        raise TlsError(
            "set both FIELDOPS_TLS_CERT and FIELDOPS_TLS_KEY (PEM files), or neither for a "
            "self-signed certificate"
        )
    if cert:
        return configured(Path(cert), Path(key))
    return self_signed(Path(config["INSTANCE_PATH"]) / "tls", machine_names())


def configured(cert: Path, key: Path) -> Certificate:
    for path, what in ((cert, "FIELDOPS_TLS_CERT"), (key, "FIELDOPS_TLS_KEY")):
        if not path.is_file():
            raise TlsError(f"{what}: no file at {path}")
    _check_pair(cert, key, "FIELDOPS_TLS_CERT / FIELDOPS_TLS_KEY")
    return _read(cert, key, self_signed=False)


def self_signed(folder: Path, names: list[str], now: datetime | None = None) -> Certificate:
    """The certificate kept in `folder` if it covers `names` for RENEW_BEFORE more; else a new
    one for `names`."""
    now = now or datetime.now(UTC)
    cert, key = folder / CERT_FILE, folder / KEY_FILE
    if cert.is_file() and key.is_file():
        try:
            _check_pair(cert, key, str(cert))
            kept = _read(cert, key, self_signed=True)
        except (TlsError, ValueError):
            kept = None
        if kept and set(names) <= set(kept.names) and kept.not_after - now > RENEW_BEFORE:
            return kept
    _generate(cert, key, names, now)
    return _read(cert, key, self_signed=True)


def _generate(cert_path: Path, key_path: Path, names: list[str], now: datetime) -> None:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    alt_names: list[x509.GeneralName] = []
    for name in names:
        try:
            alt_names.append(x509.IPAddress(ipaddress.ip_address(name)))
        except ValueError:
            alt_names.append(x509.DNSName(name))
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "fieldops command post"),
            x509.NameAttribute(NameOID.COMMON_NAME, next(n for n in names if n != "localhost")),
        ]
    )
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))  # phones whose clock runs a little behind
        .not_valid_after(now + VALID_FOR)
        .add_extension(x509.SubjectAlternativeName(alt_names), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    cert_path.parent.mkdir(parents=True, exist_ok=True)
    key_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    _write(key_path, key_pem, 0o600)
    _write(cert_path, certificate.public_bytes(serialization.Encoding.PEM), 0o644)


def _write(path: Path, data: bytes, mode: int) -> None:
    """Atomically, with its mode from the start (the key is never readable by others)."""
    partial = path.with_name(f".{path.name}.{os.getpid()}")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    with os.fdopen(fd, "wb") as out:
        out.write(data)
    os.chmod(partial, mode)
    os.replace(partial, path)


def _check_pair(cert: Path, key: Path, what: str) -> None:
    try:
        ssl.create_default_context(ssl.Purpose.CLIENT_AUTH).load_cert_chain(cert, key)
    except (ssl.SSLError, OSError) as exc:
        raise TlsError(f"{what}: not a PEM certificate and its private key ({exc})") from None


def _read(cert: Path, key: Path, self_signed: bool) -> Certificate:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes

    certificate = x509.load_pem_x509_certificate(cert.read_bytes())
    try:
        alt = certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
        names = [str(n) for n in alt.get_values_for_type(x509.DNSName)]
        names += [str(n) for n in alt.get_values_for_type(x509.IPAddress)]
    except x509.ExtensionNotFound:
        names = []
    digest = certificate.fingerprint(hashes.SHA256()).hex().upper()
    return Certificate(
        cert=cert,
        key=key,
        self_signed=self_signed,
        names=tuple(names),
        not_after=certificate.not_valid_after_utc,
        fingerprint=":".join(digest[i : i + 2] for i in range(0, len(digest), 2)),
    )


def phone_origins(certificate: Certificate, port: int) -> list[str]:
    """Where a phone on this machine's network opens the HTTPS listener, best first.

    A configured certificate is valid for its names, so those come first (not wildcards, not
    localhost); then this machine's network addresses (IPv4) that the certificate covers.
    """
    dns = [
        n
        for n in certificate.names
        if not certificate.self_signed and "*" not in n and n != "localhost" and not _is_ip(n)
    ]
    addresses = [a for a in lan_addresses() if ":" not in a and a in certificate.names]
    return [f"https://{host}:{port}" for host in dict.fromkeys(dns + addresses)]


def _is_ip(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True
