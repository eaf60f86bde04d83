package org.revenant.http.webhook;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * Keeps webhooks from being pointed at the machine itself or the private network (SSRF): a
 * target whose host resolves to a loopback, private, link-local, unique-local, carrier-grade NAT,
 * multicast or unspecified address is refused unless its subscription sets {@code allowPrivate}.
 * The check runs before every attempt and yields the one address the delivery then connects to,
 * so a name cannot resolve to a public address for the check and a private one for the
 * connection. A name that does not resolve is refused (closed, not open).
 */
public final class TargetGuard {

    /** Host name to addresses; the system resolver in production, a fake in tests. */
    @FunctionalInterface
    public interface Resolver {
        InetAddress[] resolve(String host) throws UnknownHostException;

        Resolver SYSTEM = InetAddress::getAllByName;
    }

    /** The address to connect to, or why not. */
    public sealed interface Verdict permits Allowed, Refused {}

    public record Allowed(InetAddress address) implements Verdict {}

    /** {@code transientFailure}: the name did not resolve, which may pass; a private address will not. */
    public record Refused(String reason, boolean transientFailure) implements Verdict {}

    private TargetGuard() {}

    public static Verdict check(URI url, boolean allowPrivate, Resolver resolver) {
        return check(url.getHost(), allowPrivate, resolver);
    }

    /** The same check for a bare host name (an SMTP server). */
    public static Verdict check(String host, boolean allowPrivate, Resolver resolver) {
        InetAddress[] addresses;
        try {
            addresses = resolver.resolve(host);
        } catch (UnknownHostException | SecurityException e) {
            return new Refused("cannot resolve " + host, true);
        }
        if (addresses == null || addresses.length == 0) {
            return new Refused("cannot resolve " + host, true);
        }
        if (!allowPrivate) {
            // Every address is checked, not only the one used: a name mixing public and private
            // addresses is a rebinding setup more often than a mistake.
            for (InetAddress address : addresses) {
                if (isPrivate(address)) {
                    return new Refused(
                            host + " resolves to the private or loopback address " + address.getHostAddress()
                                    + " (set allowPrivate: true on the subscription to allow it)",
                            false);
                }
            }
        }
        return new Allowed(addresses[0]);
    }

    public static boolean isPrivate(InetAddress address) {
        if (address.isLoopbackAddress()
                || address.isSiteLocalAddress()
                || address.isLinkLocalAddress()
                || address.isAnyLocalAddress()
                || address.isMulticastAddress()) {
            return true;
        }
        byte[] b = address.getAddress();
        if (address instanceof Inet6Address) {
            if (isIpv4Mapped(b)) {
                // ::ffff:a.b.c.d reaches the IPv4 host a.b.c.d: judge that one.
                try {
                    return isPrivate(InetAddress.getByAddress(Arrays.copyOfRange(b, 12, 16)));
                } catch (UnknownHostException impossible) {
                    return true;
                }
            }
            return (b[0] & 0xfe) == 0xfc; // fc00::/7 unique local
        }
        return isPrivateV4(b[0], b[1]);
    }

    private static boolean isPrivateV4(byte first, byte second) {
        return (first & 0xff) == 100 && (second & 0xc0) == 64 // 100.64.0.0/10 carrier-grade NAT
                || (first & 0xff) == 0; // 0.0.0.0/8
    }

    private static boolean isIpv4Mapped(byte[] b) {
        for (int i = 0; i < 10; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff;
    }
}
