"""What `fieldops demo` prints: where to go on this computer and on a phone, how to sign in."""

from __future__ import annotations

from dataclasses import dataclass

from fieldops.demo.seed import DemoInfo
from fieldops.tls import Certificate

LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")


@dataclass(frozen=True)
class Phones:
    """The HTTPS listener the officers' phones use."""

    port: int
    certificate: Certificate
    origins: list[str]  # https://address:port, best first (tls.phone_origins)


def banner(info: DemoInfo, base_url: str, *, bind_host: str, phones: Phones | None) -> list[str]:
    officer_url = f"{phones.origins[0]}/officer" if phones and phones.origins else None
    lines = [
        "",
        f"fieldops demo at {base_url}",
        f"  command post (live map)      {base_url}/command",
        f"  sign in                      {base_url}/login",
        f"  officer page, this computer  {base_url}/officer",
    ]
    if phones:
        lines += _phone_lines(phones)
    lines += ["", "logins:"]
    for login in info.logins:
        password = login["password"] or "(an existing account: its password is unchanged)"
        lines.append(f"  {login['role']:<10} username {login['username']:<10} password {password}")
    lines += ["", "events:"]
    for event in info.events:
        course = ""
        if event.course_km:
            course = f", course {event.course_km:.1f} km ({event.course_note})"
        lines.append(
            f"  #{event.id} {event.name}: enrollment code {event.code}; {event.posts} posts, "
            f"{event.rostered} officers rostered, {event.simulated} simulated{course}"
        )
    human = info.human
    lines += [
        "",
        f"join as an officer on a phone: {officer_url or base_url + '/officer'} with code "
        f"{human['code']}, name {human['name']}, badge {human['badge']}, join PIN {human['pin']}",
        f"  (rostered at {human['post']!r} and not simulated: the phone moves that officer)",
    ]
    lead_url = f"{phones.origins[0]}/lead" if phones and phones.origins else f"{base_url}/lead"
    for event in info.events:
        if event.kind == "school" and event.staff_code:
            lines.append(
                f"join as a teacher (area lead) on a phone: {lead_url} with staff code "
                f"{event.staff_code} ({event.name}; no location is shared)"
            )
            lines.append(
                "  start a lockdown from the dashboard's Drills button: two simulated teachers "
                "report their areas within a minute"
            )
    if not phones:
        if bind_host in LOCAL_HOSTS:
            lines.append(
                "  a phone cannot reach this address: serve with --tls-port 5443 and use the "
                "HTTPS address it prints"
            )
        else:
            lines.append(
                "  from a phone, use this machine's address; without HTTPS (--tls-port) the "
                "phone will not share its location"
            )
    lines.append(
        f"staff passwords, the join PIN and device tokens are kept in {info.tokens_path} (mode 600)"
    )
    return lines


def _phone_lines(phones: Phones) -> list[str]:
    port, certificate = phones.port, phones.certificate
    if not phones.origins:
        return [
            f"  officer page, phones         https://<this computer's address>:{port}/officer",
            "    no network address found: connect this computer to the phones' Wi-Fi or hotspot,",
            "    then start the demo again",
        ]
    first, *others = phones.origins
    lines = [
        f"  officer page, phones         {first}/officer",
        "    (HTTPS, for phones on the same Wi-Fi or hotspot as this computer)",
    ]
    lines += [f"    also                       {origin}/officer" for origin in others[:3]]
    if certificate.self_signed:
        lines += [
            '    the certificate is self-signed: the phone warns once; tap "Advanced", then',
            '    "Proceed" (Chrome) or "Show Details", "visit this website" (Safari); it shows',
            f"    SHA-256 {certificate.fingerprint}",
        ]
    else:
        lines.append(f"    certificate: {certificate.cert}")
    lines.append(f"    no page on the phone? allow TCP port {port} in this computer's firewall")
    return lines
