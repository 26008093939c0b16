//! Which IP addresses the verifier may connect to: public unicast only.
//!
//! IPv4 is a deny-list of the IANA special-purpose ranges (plus private, CGNAT, multicast and
//! the reserved 240/4). IPv6 is an allow-list — global unicast `2000::/3` — minus the
//! special-purpose and documentation blocks inside it and the transition prefixes that embed
//! an IPv4 address we would not vet (6to4, Teredo). Everything outside `2000::/3` (loopback,
//! unspecified, link-local, unique-local, multicast, NAT64, IPv4-compatible) is refused, except
//! IPv4-mapped addresses, which are judged as the IPv4 address they carry.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// IPv4 ranges never connected to, as (network, prefix length).
const FORBIDDEN_V4: &[(Ipv4Addr, u8)] = &[
    (Ipv4Addr::new(0, 0, 0, 0), 8),       // "this network", unspecified
    (Ipv4Addr::new(10, 0, 0, 0), 8),      // private
    (Ipv4Addr::new(100, 64, 0, 0), 10),   // carrier-grade NAT
    (Ipv4Addr::new(127, 0, 0, 0), 8),     // loopback (allowed in test mode)
    (Ipv4Addr::new(169, 254, 0, 0), 16),  // link-local, cloud metadata
    (Ipv4Addr::new(172, 16, 0, 0), 12),   // private
    (Ipv4Addr::new(192, 0, 0, 0), 24),    // IETF protocol assignments
    (Ipv4Addr::new(192, 0, 2, 0), 24),    // documentation (TEST-NET-1)
    (Ipv4Addr::new(192, 88, 99, 0), 24),  // deprecated 6to4 relay anycast
    (Ipv4Addr::new(192, 168, 0, 0), 16),  // private
    (Ipv4Addr::new(198, 18, 0, 0), 15),   // benchmarking
    (Ipv4Addr::new(198, 51, 100, 0), 24), // documentation (TEST-NET-2)
    (Ipv4Addr::new(203, 0, 113, 0), 24),  // documentation (TEST-NET-3)
    (Ipv4Addr::new(224, 0, 0, 0), 4),     // multicast
    (Ipv4Addr::new(240, 0, 0, 0), 4),     // reserved, and 255.255.255.255 broadcast
];

/// Blocks inside global unicast `2000::/3` that are still refused, as (network, prefix length).
const FORBIDDEN_V6_GLOBAL: &[(Ipv6Addr, u8)] = &[
    (Ipv6Addr::new(0x2001, 0, 0, 0, 0, 0, 0, 0), 23), // IETF protocol assignments, incl. Teredo
    (Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 0), 32), // documentation
    (Ipv6Addr::new(0x2002, 0, 0, 0, 0, 0, 0, 0), 16), // 6to4 (embeds an IPv4 address)
    (Ipv6Addr::new(0x3fff, 0, 0, 0, 0, 0, 0, 0), 20), // documentation (RFC 9637)
];

/// Whether the verifier may connect to `ip`. `allow_loopback` (test mode) admits
/// `127.0.0.0/8` and `::1` and nothing else that is otherwise refused.
pub(super) fn is_allowed(ip: IpAddr, allow_loopback: bool) -> bool {
    match ip {
        IpAddr::V4(v4) => v4_allowed(v4, allow_loopback),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => v4_allowed(v4, allow_loopback),
            None => v6_allowed(v6, allow_loopback),
        },
    }
}

fn v4_allowed(ip: Ipv4Addr, allow_loopback: bool) -> bool {
    if ip.is_loopback() {
        return allow_loopback;
    }
    let bits = ip.to_bits();
    !FORBIDDEN_V4.iter().any(|&(net, len)| {
        let mask = u32::MAX.checked_shl(32 - u32::from(len)).unwrap_or(0);
        bits & mask == net.to_bits()
    })
}

fn v6_allowed(ip: Ipv6Addr, allow_loopback: bool) -> bool {
    if ip.is_loopback() {
        return allow_loopback;
    }
    let bits = ip.to_bits();
    let in_net = |net: Ipv6Addr, len: u8| {
        let mask = u128::MAX.checked_shl(128 - u32::from(len)).unwrap_or(0);
        bits & mask == net.to_bits()
    };
    in_net(Ipv6Addr::new(0x2000, 0, 0, 0, 0, 0, 0, 0), 3)
        && !FORBIDDEN_V6_GLOBAL.iter().any(|&(net, len)| in_net(net, len))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn allowed(ip: &str, allow_loopback: bool) -> bool {
        is_allowed(ip.parse().expect("test address"), allow_loopback)
    }

    #[test]
    fn public_addresses_are_allowed() {
        for ip in [
            "1.1.1.1",
            "8.8.8.8",
            "93.184.216.34",
            "100.63.255.255",
            "100.128.0.0",
            "172.15.255.255",
            "172.32.0.0",
            "192.167.255.255",
            "223.255.255.255",
            "2606:4700:4700::1111",
            "2a00:1450:4001:81b::200e",
            "::ffff:8.8.8.8",
        ] {
            assert!(allowed(ip, false), "{ip} should be allowed");
        }
    }

    #[test]
    fn private_and_reserved_ipv4_is_refused() {
        for ip in [
            "0.0.0.0",
            "0.1.2.3",
            "10.0.0.1",
            "10.255.255.255",
            "100.64.0.1",
            "100.127.255.255",
            "127.0.0.1",
            "127.255.255.254",
            "169.254.169.254",
            "172.16.0.1",
            "172.31.255.255",
            "192.0.0.8",
            "192.0.2.1",
            "192.88.99.1",
            "192.168.1.1",
            "198.18.0.1",
            "198.19.255.255",
            "198.51.100.7",
            "203.0.113.9",
            "224.0.0.1",
            "239.255.255.250",
            "240.0.0.1",
            "255.255.255.255",
        ] {
            assert!(!allowed(ip, false), "{ip} should be refused");
        }
    }

    #[test]
    fn non_global_ipv6_is_refused() {
        for ip in [
            "::",
            "::1",
            "fe80::1",
            "febf::1",
            "fc00::1",
            "fd12:3456::1",
            "ff02::1",
            "ff05::2",
            "64:ff9b::a00:1",
            "::a00:1",
            "100::1",
            "2001::1",
            "2001:db8::1",
            "2002:a00:1::",
            "3fff::1",
            "4000::1",
        ] {
            assert!(!allowed(ip, false), "{ip} should be refused");
        }
    }

    #[test]
    fn ipv4_mapped_ipv6_is_judged_as_its_ipv4_address() {
        for ip in [
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "::ffff:169.254.169.254",
            "::ffff:192.168.0.1",
            "::ffff:100.64.0.1",
            "::ffff:0.0.0.0",
            "::ffff:255.255.255.255",
        ] {
            assert!(!allowed(ip, false), "{ip} should be refused");
        }
        assert!(allowed("::ffff:1.1.1.1", false));
    }

    #[test]
    fn test_mode_admits_loopback_and_nothing_else() {
        for ip in ["127.0.0.1", "127.1.2.3", "::1", "::ffff:127.0.0.1"] {
            assert!(allowed(ip, true), "{ip} should be allowed in test mode");
        }
        for ip in
            ["10.0.0.1", "169.254.169.254", "192.168.0.1", "0.0.0.0", "::", "fe80::1", "fd00::1", "::ffff:10.0.0.1"]
        {
            assert!(!allowed(ip, true), "{ip} should stay refused in test mode");
        }
    }
}
