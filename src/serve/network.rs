//! Where a phone on the same network can reach the preview: `--interface 0.0.0.0` listens on
//! every network, but `0.0.0.0` is not an address anyone can open, so the machine's own
//! addresses are listed instead, best first, with a QR code of the first to scan.

use std::net::{IpAddr, SocketAddr};

use qrcode::QrCode;
use qrcode::render::unicode::Dense1x2;

/// The addresses of this machine that a server listening on `bound` answers at, best first for
/// a phone on the same Wi-Fi: home and office networks (192.168.x.x, then 10.x.x.x, then
/// 172.16 to 31.x.x), then other IPv4, then IPv6. Loopback and link-local addresses, which a
/// phone cannot reach, are left out.
pub fn reachable(bound: IpAddr) -> Vec<IpAddr> {
    if !bound.is_unspecified() {
        return vec![bound];
    }
    let found = if_addrs::get_if_addrs()
        .map(|list| list.into_iter().map(|i| i.ip()).collect())
        .unwrap_or_default();
    ordered(bound, found)
}

/// `found` filtered to what `bound` listens on and a phone can reach, in [`reachable`]'s order.
fn ordered(bound: IpAddr, found: Vec<IpAddr>) -> Vec<IpAddr> {
    let mut out: Vec<IpAddr> = found
        .into_iter()
        .filter(|ip| !ip.is_loopback() && !ip.is_unspecified())
        // 0.0.0.0 listens on IPv4 only; :: on both where the system allows it.
        .filter(|ip| bound.is_ipv6() || ip.is_ipv4())
        .filter(|ip| match ip {
            IpAddr::V4(v4) => !v4.is_link_local(),
            IpAddr::V6(v6) => (v6.segments()[0] & 0xffc0) != 0xfe80,
        })
        .collect();
    out.sort_by_key(|ip| (rank(ip), *ip));
    out.dedup();
    out
}

fn rank(ip: &IpAddr) -> u8 {
    match ip {
        IpAddr::V4(v4) => match v4.octets() {
            [192, 168, ..] => 0,
            [10, ..] => 1,
            [172, b, ..] if (16..32).contains(&b) => 2,
            _ => 3,
        },
        IpAddr::V6(_) => 4,
    }
}

/// The preview's address at `ip`.
pub fn url(ip: IpAddr, port: u16) -> String {
    format!("http://{}/", SocketAddr::new(ip, port))
}

/// `url` as a QR code drawn with block characters, for a phone's camera. Light squares are
/// drawn filled, as `qrencode -t UTF8` does, which reads on the usual dark terminal; phones'
/// cameras read the code either way round.
pub fn qr(url: &str) -> Option<String> {
    let code = QrCode::new(url.as_bytes()).ok()?;
    Some(
        code.render::<Dense1x2>()
            .dark_color(Dense1x2::Light)
            .light_color(Dense1x2::Dark)
            .quiet_zone(true)
            .build(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ips(list: &[&str]) -> Vec<IpAddr> {
        list.iter().map(|s| s.parse().unwrap()).collect()
    }

    #[test]
    fn phones_get_the_home_network_first_and_never_loopback() {
        let found = ips(&[
            "127.0.0.1",
            "::1",
            "172.17.0.1",
            "fe80::1",
            "169.254.3.4",
            "10.0.0.7",
            "192.168.1.23",
            "fd00::2",
            "203.0.113.5",
        ]);
        let v4 = ordered("0.0.0.0".parse().unwrap(), found.clone());
        assert_eq!(
            v4,
            ips(&["192.168.1.23", "10.0.0.7", "172.17.0.1", "203.0.113.5"])
        );
        let both = ordered("::".parse().unwrap(), found);
        assert_eq!(both.last(), Some(&"fd00::2".parse().unwrap()));
        assert_eq!(both.len(), 5);
        let one: IpAddr = "192.168.1.23".parse().unwrap();
        assert_eq!(reachable(one), vec![one]);
    }

    #[test]
    fn the_qr_code_is_square_and_ipv6_addresses_are_bracketed() {
        let u = url("fd00::2".parse().unwrap(), 1111);
        assert_eq!(u, "http://[fd00::2]:1111/");
        let code = qr(&url("192.168.1.23".parse().unwrap(), 1111)).unwrap();
        let lines: Vec<&str> = code.lines().collect();
        let width = lines[0].chars().count();
        assert!(width >= 29, "{width}");
        assert!(lines.iter().all(|l| l.chars().count() == width));
        // Two rows of modules per line of text.
        assert_eq!(lines.len(), width.div_ceil(2));
    }
}
