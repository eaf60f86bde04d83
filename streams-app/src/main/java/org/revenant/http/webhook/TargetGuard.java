package org.revenant.http.webhook;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;

/**
 * Keeps webhooks from being pointed at the machine itself or the private network (SSRF): a
 * target whose host resolves to a loopback, private, link-local, unique-local, carrier-grade NAT,
 * multicast or unspecified address is refused unless its subscription sets {@code allowPrivate}.
 * Redirects are never followed, so a public target cannot bounce a delivery inward.
 */
final class TargetGuard {

    private TargetGuard() {}

    /** Null when the target may be called, else why not. */
    static String refusal(URI url, boolean allowPrivate) {
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(url.getHost());
        } catch (UnknownHostException e) {
            return null; // delivery fails and is retried like any network error
        }
        if (allowPrivate) {
            return null;
        }
        for (InetAddress address : addresses) {
            if (isPrivate(address)) {
                return url.getHost() + " resolves to the private or loopback address " + address.getHostAddress()
                        + " (set allowPrivate: true on the subscription to allow it)";
            }
        }
        return null;
    }

    static boolean isPrivate(InetAddress address) {
        if (address.isLoopbackAddress() || address.isSiteLocalAddress() || address.isLinkLocalAddress()
                || address.isAnyLocalAddress() || address.isMulticastAddress()) {
            return true;
        }
        byte[] b = address.getAddress();
        if (address instanceof Inet6Address) {
            return (b[0] & 0xfe) == 0xfc; // fc00::/7 unique local
        }
        return (b[0] & 0xff) == 100 && (b[1] & 0xc0) == 64 // 100.64.0.0/10 carrier-grade NAT
                || (b[0] & 0xff) == 0; // 0.0.0.0/8
    }
}
