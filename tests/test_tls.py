"""HTTPS for the officers' phones: this machine's self-signed certificate (made, kept, made again
when the network changes or it nears its end) or a configured one; `fieldops serve --tls` in
every async mode, with the socket over wss."""

from __future__ import annotations

import asyncio
import ipaddress
import json
import re
import socket
import ssl
import stat
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
import requests

from fieldops import tls
from tests.conftest import fix
from tests.support.live_server import LiveServer
from tests.support.server_process import ROOT, free_port

NAMES = ["localhost", "laptop", "127.0.0.1", "::1", "192.168.1.20"]


def _interface(family, address):
    return SimpleNamespace(family=family, address=address)


def test_the_network_addresses_a_phone_can_reach_come_first_and_nothing_else():
    up, down = SimpleNamespace(isup=True), SimpleNamespace(isup=False)
    interfaces = {
        "lo": [_interface(socket.AF_INET, "127.0.0.1"), _interface(socket.AF_INET6, "::1")],
        "docker0": [_interface(socket.AF_INET, "172.17.0.1")],
        "wlan0": [
            _interface(socket.AF_INET, "192.168.1.20"),
            _interface(socket.AF_INET6, "fe80::1%wlan0"),
            _interface(socket.AF_INET6, "fd00::20"),
            _interface(socket.AF_PACKET, "02:00:00:00:00:01"),
        ],
        "eth1": [_interface(socket.AF_INET, "10.0.0.5")],
        "usb0": [_interface(socket.AF_INET, "192.168.42.7")],
        "169": [_interface(socket.AF_INET, "169.254.3.4")],
    }
    stats = {name: up for name in interfaces} | {"usb0": down}
    assert tls.lan_addresses(interfaces, stats) == [
        "10.0.0.5",
        "192.168.1.20",
        "172.17.0.1",  # a container bridge: last of the IPv4 ones
        "fd00::20",
    ]


def test_a_self_signed_certificate_covers_every_name_and_its_key_is_private(tmp_path):
    now = datetime.now(UTC)
    made = tls.self_signed(tmp_path, NAMES, now)
    assert made.self_signed and set(made.names) == set(NAMES)
    assert stat.S_IMODE(made.key.stat().st_mode) == 0o600
    assert timedelta(days=390) < made.not_after - now <= tls.VALID_FOR
    # a client that trusts it verifies it for each name (no traffic: the handshake is local)
    context = ssl.create_default_context(cafile=str(made.cert))
    for name in NAMES:
        server, client = _handshake(context, made, name)
        assert covered(name, client.getpeercert())
        server.close()
        client.close()


def covered(name: str, peer_certificate: dict) -> bool:
    """`name` is among the certificate's subject alternative names (IPs compared as IPs)."""
    try:
        wanted = ("IP Address", ipaddress.ip_address(name))
        listed = {
            (kind, ipaddress.ip_address(value.strip()))
            for kind, value in peer_certificate["subjectAltName"]
            if kind == "IP Address"
        }
    except ValueError:
        wanted = ("DNS", name)
        listed = set(peer_certificate["subjectAltName"])
    return wanted in listed


def _handshake(context, certificate, name):
    """A TLS handshake over a socket pair: client `context` for `name` against the certificate."""
    server_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_context.load_cert_chain(certificate.cert, certificate.key)
    a, b = socket.socketpair()
    server = server_context.wrap_socket(b, server_side=True, do_handshake_on_connect=False)
    shaking = threading.Thread(target=server.do_handshake)
    shaking.start()
    client = context.wrap_socket(a, server_hostname=name)  # raises if the name is not covered
    shaking.join(timeout=10)
    return server, client


def test_the_same_certificate_is_kept_until_an_address_is_new_or_its_end_is_near(tmp_path):
    now = datetime.now(UTC)
    first = tls.self_signed(tmp_path, NAMES, now)
    assert tls.self_signed(tmp_path, NAMES[:3], now).fingerprint == first.fingerprint
    moved = tls.self_signed(tmp_path, [*NAMES[:4], "10.0.0.5"], now)  # another Wi-Fi
    assert moved.fingerprint != first.fingerprint and "10.0.0.5" in moved.names
    assert "192.168.1.20" not in moved.names
    later = now + tls.VALID_FOR - tls.RENEW_BEFORE + timedelta(hours=1)
    renewed = tls.self_signed(tmp_path, [*NAMES[:4], "10.0.0.5"], later)
    assert renewed.fingerprint != moved.fingerprint and renewed.not_after > moved.not_after
    (tmp_path / tls.KEY_FILE).write_text("damaged")
    assert tls.self_signed(tmp_path, NAMES, later).fingerprint != renewed.fingerprint


def test_a_configured_certificate_is_used_as_it_is_and_bad_settings_say_what_to_fix(tmp_path):
    mine = tls.self_signed(tmp_path / "mine", ["fieldops.example.org", "127.0.0.1"])
    used = tls.certificate_for({"TLS_CERT": str(mine.cert), "TLS_KEY": str(mine.key)})
    assert not used.self_signed and used.fingerprint == mine.fingerprint
    assert tls.phone_origins(used, 5443)[0] == "https://fieldops.example.org:5443"
    with pytest.raises(tls.TlsError, match="set both FIELDOPS_TLS_CERT and FIELDOPS_TLS_KEY"):
        tls.certificate_for({"TLS_CERT": str(mine.cert), "TLS_KEY": None})
    with pytest.raises(tls.TlsError, match="FIELDOPS_TLS_KEY: no file at"):
        tls.certificate_for({"TLS_CERT": str(mine.cert), "TLS_KEY": str(tmp_path / "nope")})
    with pytest.raises(tls.TlsError, match="not a PEM certificate and its private key"):
        tls.certificate_for({"TLS_CERT": str(mine.cert), "TLS_KEY": str(mine.cert)})


def test_without_settings_the_machine_gets_its_own_certificate_in_the_instance_folder(tmp_path):
    made = tls.certificate_for({"INSTANCE_PATH": str(tmp_path), "TLS_CERT": None})
    assert made.cert == tmp_path / "tls" / tls.CERT_FILE
    assert {"localhost", "127.0.0.1", "::1", *tls.lan_addresses()} <= set(made.names)
    assert tls.phone_origins(made, 5443) == [
        f"https://{a}:5443" for a in tls.lan_addresses() if ":" not in a
    ]


# --- serving ----------------------------------------------------------------------------------


async def _fix_over_wss(server, event: dict, command, token: str) -> dict:
    """A phone's fix reaches a dashboard, both on websockets over TLS that trust the server's
    certificate. asyncio clients: the threaded client reads and writes one SSL socket from two
    threads, which OpenSSL does not allow (python-engineio issue 461: it hangs or drops)."""
    import aiohttp
    import socketio

    trust = ssl.create_default_context(cafile=server.verify)
    cookie = "; ".join(f"{c.name}={c.value}" for c in command.cookies)
    options = {"timeout": aiohttp.ClientWSTimeout(ws_close=1.0)}  # gevent/threading: no close
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(ssl=trust)) as http:
        pushes: asyncio.Queue = asyncio.Queue()
        dashboard = socketio.AsyncClient(
            reconnection=False, http_session=http, websocket_extra_options=options
        )
        dashboard.on("positions", pushes.put, namespace="/live")
        phone = socketio.AsyncClient(
            reconnection=False, http_session=http, websocket_extra_options=options
        )
        try:
            for client, credentials in (
                (dashboard, {"headers": {"Cookie": cookie}}),
                (phone, {"auth": {"token": token}}),
            ):
                await client.connect(
                    server.url, namespaces=["/live"], transports=["websocket"], **credentials
                )
                ack = await client.call("join", {"event_id": event["id"]}, namespace="/live")
                assert ack["ok"], ack
            assert (await phone.call("position", fix(40.7, -73.99), namespace="/live"))["ok"]
            envelope = await asyncio.wait_for(pushes.get(), timeout=10)
            return envelope["data"]["fixes"][0]
        finally:
            await asyncio.gather(phone.disconnect(), dashboard.disconnect())


@pytest.mark.live
@pytest.mark.parametrize("mode", ["eventlet", "gevent", "threading"])
def test_serve_tls_answers_https_and_the_socket_runs_over_wss_in_every_async_mode(tmp_path, mode):
    """`serve --tls --tls-port N`: HTTPS on its port and on every interface on N, one process."""
    server = LiveServer(tmp_path, tls=True, tls_port=free_port(), FIELDOPS_ASYNC_MODE=mode)
    server.start()
    try:
        with pytest.raises(requests.exceptions.ConnectionError):  # TLS only, on its own port
            requests.get(f"http://127.0.0.1:{server.port}/healthz", timeout=10)
        for url in (server.url, server.https_url):
            assert requests.get(f"{url}/healthz", verify=server.verify, timeout=10).ok
        with pytest.raises(requests.exceptions.SSLError):  # a phone before it accepts
            requests.get(f"{server.https_url}/healthz", timeout=10)
        page = requests.get(f"{server.https_url}/officer", verify=server.verify, timeout=10)
        assert page.ok and '"secureUrl": null' in page.text  # no need to send it elsewhere
        event = server.create_event(server.staff("admin"))
        _phone, joined = server.join_officer(event["enrollment_code"], "Ines Duarte", "7310")
        wss = _fix_over_wss(server, event, server.staff("command"), joined["device_token"])
        with ThreadPoolExecutor(1) as own_loop:  # Playwright's sync API may run a loop here
            pushed = own_loop.submit(asyncio.run, wss).result(timeout=60)
        assert pushed["officer_id"] == joined["officer"]["id"]
        # the address a phone opens is in the certificate: verified against it, over loopback
        for name in (tls.lan_addresses() or ["127.0.0.1"])[:1]:  # no network: loopback
            context = ssl.create_default_context(cafile=server.verify)
            with (
                socket.create_connection(("127.0.0.1", server.port), timeout=10) as raw,
                context.wrap_socket(raw, server_hostname=name) as wrapped,
            ):
                assert covered(name, wrapped.getpeercert())
    finally:
        server.stop()
    log = server.log()
    assert f"serving on {server.url} and https://0.0.0.0:{server.tls_port}" in log
    assert "HTTPS with the self-signed certificate" in log
    if mode != "threading":  # werkzeug keeps such failures quiet itself
        assert "HTTPS: no secure connection with 127.0.0.1" in log  # a line, not a traceback
    assert "Traceback" not in log


def test_the_officer_page_over_http_names_its_https_address_on_the_same_host(app, client):
    def secure_url(base_url: str):
        html = client.get("/officer", base_url=base_url).get_data(as_text=True)
        found = re.search(r'id="officer-config" type="application/json"[^>]*>(.*?)</script>', html)
        return json.loads(found.group(1))["secureUrl"]

    assert secure_url("http://192.168.1.20:5000") is None  # this server has no HTTPS listener
    app.config["HTTPS_PORT"] = 5443
    assert secure_url("http://192.168.1.20:5000") == "https://192.168.1.20:5443/officer"
    assert secure_url("http://laptop.local:5000") == "https://laptop.local:5443/officer"
    assert secure_url("http://[fd00::2]:5000") == "https://[fd00::2]:5443/officer"
    assert secure_url("https://192.168.1.20:5443") is None  # already there


@pytest.mark.live
def test_a_port_in_use_is_a_clear_error_naming_it(tmp_path):
    with socket.socket() as taken:
        taken.bind(("0.0.0.0", 0))
        taken.listen()
        port = taken.getsockname()[1]
        server = LiveServer(tmp_path, seed=False)
        done = subprocess.run(
            [sys.executable, "-m", "fieldops.entry", "serve", "--port", str(server.port)]
            + ["--tls-port", str(port)],
            env=server.env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert done.returncode == 1
    assert f"Error: cannot listen on https://0.0.0.0:{port}: Address already in use" in done.stderr
    assert "Traceback" not in done.stderr
