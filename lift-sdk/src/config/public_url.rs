//! Which base URL a module registers when it is not told: an address other hosts can reach.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, UdpSocket};

use url::Url;

/// The base URL a module registers, and why that one.
///
/// ```
/// use lift_sdk::{ModuleSettings, PublicUrlSource};
///
/// let choice = ModuleSettings::default().public_url_choice("127.0.0.1:9100".parse().unwrap());
/// assert_eq!(choice.url.as_str(), "http://127.0.0.1:9100/");
/// assert_eq!(choice.source, PublicUrlSource::Bound);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct PublicUrl {
    /// The URL to register.
    pub url: Url,
    /// Why it was chosen.
    pub source: PublicUrlSource,
}

/// Why a [`PublicUrl`] was chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum PublicUrlSource {
    /// `LIFT_MODULE_PUBLIC_URL` (or the runtime's `public_url`) gave it.
    Configured,
    /// The listener is bound to one address, and that address is registered.
    Bound,
    /// Bound to every interface: the host's primary non-loopback address, the one its
    /// routing table uses for outside traffic.
    HostAddress(IpAddr),
    /// Bound to every interface, but the host has no non-loopback address: loopback is
    /// registered, which no other host can reach. Worth a warning.
    LoopbackFallback,
}

impl PublicUrl {
    /// Logs the choice for a listener bound at `bound`: which address and why at `info`, a
    /// `warn` when it is loopback while bound to every interface.
    pub(crate) fn log(&self, bound: SocketAddr) {
        let url = lift_sdk_core::redact_userinfo(self.url.as_str());
        match self.source {
            PublicUrlSource::Configured => {
                tracing::info!(public_url = %url, "registering the configured public URL");
            }
            PublicUrlSource::Bound => {
                tracing::info!(public_url = %url, "registering the bound address");
            }
            PublicUrlSource::HostAddress(ip) => tracing::info!(
                public_url = %url, address = %ip, bound = %bound,
                "bound to every interface: registering the host's primary address (set LIFT_MODULE_PUBLIC_URL to choose)"
            ),
            PublicUrlSource::LoopbackFallback => tracing::warn!(
                public_url = %url, bound = %bound,
                "bound to every interface but registering a loopback URL: the host has no other address, so only a gateway on this host can reach the module; set LIFT_MODULE_PUBLIC_URL"
            ),
        }
    }
}

impl PublicUrlSource {
    /// Whether the registered URL is loopback while the module listens on every interface:
    /// then only a platform on the same host reaches it.
    #[must_use]
    pub fn is_loopback_fallback(self) -> bool {
        self == Self::LoopbackFallback
    }
}

/// Chooses the URL for a listener bound at `bound`, from `candidates`, the host's addresses
/// in order of preference (see [`route_addresses`]).
///
/// Bound to one address, that address. Bound to every interface, the first candidate that
/// another host could reach: not loopback, not link-local (`169.254/16`, `fe80::/10`, which
/// routers do not forward), not multicast, and IPv4 for a listener on `0.0.0.0` (an IPv4
/// socket takes no IPv6 connection); IPv4 first for one on `::`, which takes both. Loopback
/// when none is left.
pub(crate) fn choose(bound: SocketAddr, candidates: &[IpAddr]) -> PublicUrl {
    let port = bound.port();
    if !bound.ip().is_unspecified() {
        return url_of(bound.ip(), port, PublicUrlSource::Bound);
    }
    let reachable = |ip: &&IpAddr| match ip {
        IpAddr::V4(ip) => {
            !(ip.is_loopback()
                || ip.is_unspecified()
                || ip.is_link_local()
                || ip.is_multicast()
                || ip.is_broadcast())
        }
        IpAddr::V6(ip) => {
            bound.is_ipv6()
                && !(ip.is_loopback()
                    || ip.is_unspecified()
                    || ip.is_multicast()
                    || ip.is_unicast_link_local())
        }
    };
    let chosen = candidates
        .iter()
        .filter(reachable)
        .find(|ip| ip.is_ipv4())
        .or_else(|| candidates.iter().find(reachable));
    match chosen {
        Some(ip) => url_of(*ip, port, PublicUrlSource::HostAddress(*ip)),
        None => {
            let loopback = match bound.ip() {
                IpAddr::V4(_) => IpAddr::V4(Ipv4Addr::LOCALHOST),
                IpAddr::V6(_) => IpAddr::V6(Ipv6Addr::LOCALHOST),
            };
            url_of(loopback, port, PublicUrlSource::LoopbackFallback)
        }
    }
}

fn url_of(ip: IpAddr, port: u16, source: PublicUrlSource) -> PublicUrl {
    let text = format!("http://{}", SocketAddr::new(ip, port));
    PublicUrl {
        url: Url::parse(&text).unwrap_or_else(|_| unreachable!("a socket address is a valid host")),
        source,
    }
}

/// The host's addresses for outside traffic, IPv4 then IPv6: the local address of a UDP
/// socket connected to a documentation address (RFC 5737, RFC 3849). Connecting a UDP socket
/// sends nothing; the kernel only picks the route, and with it the interface and address
/// that traffic to other hosts would use: the primary address, where listing interfaces
/// would have to guess between `eth0`, `docker0` and VPN tunnels. A host with no route out
/// gives none.
pub(crate) fn route_addresses() -> Vec<IpAddr> {
    let probe = |local: SocketAddr, remote: SocketAddr| {
        let socket = UdpSocket::bind(local).ok()?;
        socket.connect(remote).ok()?;
        Some(socket.local_addr().ok()?.ip())
    };
    let v4 = probe(
        SocketAddr::new(Ipv4Addr::UNSPECIFIED.into(), 0),
        SocketAddr::new(Ipv4Addr::new(192, 0, 2, 1).into(), 9),
    );
    let v6 = probe(
        SocketAddr::new(Ipv6Addr::UNSPECIFIED.into(), 0),
        SocketAddr::new(Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 1).into(), 9),
    );
    v4.into_iter().chain(v6).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pick(bound: &str, candidates: &[&str]) -> (String, PublicUrlSource) {
        let candidates: Vec<IpAddr> = candidates.iter().map(|ip| ip.parse().unwrap()).collect();
        let choice = choose(bound.parse().unwrap(), &candidates);
        (choice.url.to_string(), choice.source)
    }

    #[test]
    fn bound_to_every_interface_the_hosts_address_is_registered() {
        let eth0: IpAddr = "172.18.0.5".parse().unwrap();
        // A container: eth0 and lo.
        assert_eq!(
            pick("0.0.0.0:9100", &["127.0.0.1", "172.18.0.5"]),
            (
                "http://172.18.0.5:9100/".to_owned(),
                PublicUrlSource::HostAddress(eth0)
            )
        );
        // `::` takes IPv4 too: IPv4 first, which every gateway reaches.
        assert_eq!(
            pick("[::]:9100", &["2001:db8::7", "172.18.0.5"]).0,
            "http://172.18.0.5:9100/"
        );
        assert_eq!(
            pick("[::]:9100", &["fe80::1", "2001:db8::7"]).0,
            "http://[2001:db8::7]:9100/"
        );
    }

    #[test]
    fn loopback_only_when_nothing_else_is_reachable() {
        for candidates in [
            &[][..],
            &["127.0.0.1"],
            &["169.254.10.20", "fe80::1"],
            // An IPv4 listener cannot be reached on an IPv6 address.
            &["2001:db8::7"],
        ] {
            assert_eq!(
                pick("0.0.0.0:41234", candidates),
                (
                    "http://127.0.0.1:41234/".to_owned(),
                    PublicUrlSource::LoopbackFallback
                ),
                "{candidates:?}"
            );
        }
        assert_eq!(pick("[::]:8080", &["::1"]).0, "http://[::1]:8080/");
        assert!(PublicUrlSource::LoopbackFallback.is_loopback_fallback());
    }

    #[test]
    fn a_listener_bound_to_one_address_registers_it() {
        for bound in ["127.0.0.1:9100", "10.1.2.3:9100", "[::1]:9100"] {
            let (url, source) = pick(bound, &["172.18.0.5"]);
            assert_eq!(source, PublicUrlSource::Bound, "{bound}");
            assert!(url.contains(&bound[..bound.len() - 5]), "{url}");
        }
    }
}
