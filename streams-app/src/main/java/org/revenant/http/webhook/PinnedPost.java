package org.revenant.http.webhook;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * One HTTP/1.1 POST to an address chosen beforehand (the one {@link TargetGuard} checked), with
 * the URL's host in {@code Host}, and for https in SNI and in certificate host-name verification.
 * The JDK's HttpClient resolves names itself and does not let a caller set {@code Host}, so it
 * cannot be pinned; this client sends {@code Connection: close}, reads only the status line and
 * never follows redirects. The whole exchange is bounded by {@code timeout}.
 */
final class PinnedPost {

    private static final int MAX_STATUS_LINE = 1024;

    private PinnedPost() {}

    /** The response status; headers whose name or value is not header-safe are refused before connecting. */
    static int send(URI url, InetAddress address, Map<String, String> headers, byte[] body, Duration timeout)
            throws IOException {
        return send(url, address, headers, body, timeout, null);
    }

    /** With {@code tls} for https (null: the JVM's default context and trust store). */
    static int send(
            URI url, InetAddress address, Map<String, String> headers, byte[] body, Duration timeout, SSLContext tls)
            throws IOException {
        headers.forEach((name, value) -> {
            if (!HeaderSafe.isToken(name) || !HeaderSafe.isValue(value)) {
                throw new IllegalArgumentException("header " + HeaderSafe.shown(name) + " is not header-safe");
            }
        });
        URI ascii = URI.create(url.toASCIIString());
        boolean https = "https".equalsIgnoreCase(ascii.getScheme());
        int port = ascii.getPort() >= 0 ? ascii.getPort() : https ? 443 : 80;
        String host = ascii.getHost();
        long deadline = System.nanoTime() + timeout.toNanos();
        int timeoutMillis = (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis()));
        Socket plain = new Socket();
        try (Socket socket = https
                ? tls(plain, address, host, port, timeoutMillis, tls)
                : connect(plain, address, port, timeoutMillis)) {
            StringBuilder head = new StringBuilder();
            String target = (ascii.getRawPath() == null || ascii.getRawPath().isEmpty() ? "/" : ascii.getRawPath())
                    + (ascii.getRawQuery() == null ? "" : "?" + ascii.getRawQuery());
            head.append("POST ").append(target).append(" HTTP/1.1\r\n");
            head.append("Host: ").append(hostHeader(host, ascii.getPort())).append("\r\n");
            head.append("Content-Length: ").append(body.length).append("\r\n");
            head.append("Connection: close\r\n");
            headers.forEach((name, value) ->
                    head.append(name).append(": ").append(value).append("\r\n"));
            head.append("\r\n");
            OutputStream out = socket.getOutputStream();
            out.write(head.toString().getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            return status(socket.getInputStream(), deadline);
        } finally {
            plain.close();
        }
    }

    private static Socket connect(Socket socket, InetAddress address, int port, int timeoutMillis) throws IOException {
        socket.connect(new InetSocketAddress(address, port), timeoutMillis);
        socket.setSoTimeout(timeoutMillis);
        return socket;
    }

    private static Socket tls(
            Socket plain, InetAddress address, String host, int port, int timeoutMillis, SSLContext given)
            throws IOException {
        connect(plain, address, port, timeoutMillis);
        SSLContext context = given;
        if (context == null) {
            try {
                context = SSLContext.getDefault();
            } catch (NoSuchAlgorithmException e) {
                throw new IOException("no TLS available: " + e.getMessage(), e);
            }
        }
        SSLSocket tls = (SSLSocket) context.getSocketFactory().createSocket(plain, host, port, true);
        SSLParameters parameters = tls.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm(
                "HTTPS"); // the certificate must name the URL's host, not the address
        if (!isAddressLiteral(host)) {
            parameters.setServerNames(List.of(new SNIHostName(host)));
        }
        tls.setSSLParameters(parameters);
        tls.setSoTimeout(timeoutMillis);
        tls.startHandshake();
        return tls;
    }

    /** Reads {@code HTTP/1.x NNN ...} within the deadline, however slowly the receiver drips it. */
    private static int status(InputStream in, long deadline) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        while (true) {
            if (System.nanoTime() > deadline) {
                throw new SocketTimeoutException("no status line within the timeout");
            }
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed before a status line");
            }
            if (b == '\n') {
                break;
            }
            line.write(b);
            if (line.size() > MAX_STATUS_LINE) {
                throw new IOException("status line longer than " + MAX_STATUS_LINE + " bytes");
            }
        }
        String text = line.toString(StandardCharsets.US_ASCII).strip();
        String[] parts = text.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/1.") || !parts[1].matches("\\d{3}")) {
            throw new IOException("not an HTTP/1.x response");
        }
        return Integer.parseInt(parts[1]);
    }

    private static String hostHeader(String host, int explicitPort) {
        String shown = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
        return explicitPort < 0 ? shown : shown + ":" + explicitPort;
    }

    private static boolean isAddressLiteral(String host) {
        if (host.startsWith("[") || host.contains(":")) {
            return true;
        }
        return host.matches("\\d{1,3}(\\.\\d{1,3}){3}");
    }
}
