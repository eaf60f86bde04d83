package org.revenant.source.torrent;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Downloads a .torrent file. The body is counted while it streams and the download is abandoned
 * as soon as it passes the cap, so a hostile or mistaken URL cannot make us buffer gigabytes.
 * A deadline covers the whole exchange, including a server that drips its body slowly.
 */
public final class TorrentFetcher {

    /** Settings; {@link #defaults()} suits Academic Torrents and similar sites. */
    public record Settings(Duration connectTimeout, Duration timeout, int maxBytes, String version) {
        public Settings {
            if (connectTimeout == null
                    || connectTimeout.isNegative()
                    || connectTimeout.isZero()
                    || timeout == null
                    || timeout.isNegative()
                    || timeout.isZero()) {
                throw new IllegalArgumentException("timeouts must be positive");
            }
            if (maxBytes < 1) {
                throw new IllegalArgumentException("maxBytes must be positive");
            }
            if (version == null || version.isBlank()) {
                throw new IllegalArgumentException("version");
            }
        }

        public static Settings defaults() {
            String version = TorrentFetcher.class.getPackage().getImplementationVersion();
            return new Settings(
                    Duration.ofSeconds(10),
                    Duration.ofSeconds(60),
                    BencodeReader.Limits.TORRENT_FILE.maxInputBytes(),
                    version != null ? version : "dev");
        }
    }

    private final Settings settings;
    private final HttpClient client;

    public TorrentFetcher(Settings settings) {
        if (settings == null) {
            throw new IllegalArgumentException("settings");
        }
        this.settings = settings;
        this.client = HttpClient.newBuilder()
                .connectTimeout(settings.connectTimeout())
                .followRedirects(HttpClient.Redirect.NORMAL)
                .build();
    }

    public String userAgent() {
        return "Revenant/" + settings.version() + " (+https://github.com/revenant)";
    }

    /** Downloads and parses. */
    public TorrentMetainfo fetchMetainfo(URI uri) throws TorrentException {
        return TorrentMetainfo.parse(fetch(uri));
    }

    /** Downloads the raw bytes of a .torrent. */
    public byte[] fetch(URI uri) throws TorrentFetchException {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new TorrentFetchException("cannot fetch " + uri + ": only http and https are supported", 0);
        }
        HttpRequest request = HttpRequest.newBuilder(uri)
                .timeout(settings.timeout())
                .header("User-Agent", userAgent())
                .header("Accept", "application/x-bittorrent, application/octet-stream;q=0.9, */*;q=0.1")
                .GET()
                .build();
        CompletableFuture<HttpResponse<byte[]>> future = client.sendAsync(request, this::bodyHandler);
        HttpResponse<byte[]> response;
        try {
            response = future.get(settings.timeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new TorrentFetchException(
                    "timed out after " + settings.timeout().toMillis() + " ms fetching " + uri, e);
        } catch (InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            throw new TorrentFetchException("interrupted while fetching " + uri, e);
        } catch (ExecutionException e) {
            throw failure(uri, e.getCause());
        }
        int status = response.statusCode();
        if (status < 200 || status > 299) {
            throw new TorrentFetchException("HTTP " + status + " fetching " + uri, status);
        }
        byte[] body = response.body();
        String contentType =
                response.headers().firstValue("Content-Type").orElse("").toLowerCase(Locale.ROOT);
        if (contentType.contains("text/html") || looksLikeHtml(body)) {
            // Typically a login page, an error page served with 200, or a takedown notice.
            throw new TorrentFetchException("expected a .torrent file but " + uri + " returned an HTML page", status);
        }
        return body;
    }

    private HttpResponse.BodySubscriber<byte[]> bodyHandler(HttpResponse.ResponseInfo info) {
        if (info.statusCode() < 200 || info.statusCode() > 299) {
            return HttpResponse.BodySubscribers.replacing(new byte[0]);
        }
        long declared = info.headers().firstValueAsLong("Content-Length").orElse(-1);
        if (declared > settings.maxBytes()) {
            return new CappedBody(settings.maxBytes(), declared);
        }
        return new CappedBody(settings.maxBytes(), -1);
    }

    private TorrentFetchException failure(URI uri, Throwable cause) {
        if (cause instanceof TooLargeException tooLarge) {
            return new TorrentFetchException(
                    uri + " is larger than the limit of " + settings.maxBytes() + " bytes for a .torrent"
                            + tooLarge.getMessage(),
                    0);
        }
        if (cause instanceof HttpTimeoutException) {
            return new TorrentFetchException(
                    "timed out after " + settings.timeout().toMillis() + " ms fetching " + uri, cause);
        }
        return new TorrentFetchException("cannot fetch " + uri + ": " + describe(cause), cause);
    }

    private static String describe(Throwable t) {
        return t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName();
    }

    private static boolean looksLikeHtml(byte[] body) {
        int i = 0;
        while (i < body.length && Character.isWhitespace(body[i])) {
            i++;
        }
        return i < body.length && body[i] == '<';
    }

    private static final class TooLargeException extends IOException {
        private static final long serialVersionUID = 1L;

        TooLargeException(String detail) {
            super(detail);
        }
    }

    /** Collects the body, failing (and cancelling the stream) once it passes the cap. */
    private static final class CappedBody implements HttpResponse.BodySubscriber<byte[]> {
        private final int maxBytes;
        private final long declared;
        private final CompletableFuture<byte[]> result = new CompletableFuture<>();
        private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        private Flow.Subscription subscription;

        CappedBody(int maxBytes, long declared) {
            this.maxBytes = maxBytes;
            this.declared = declared;
        }

        @Override
        public CompletionStage<byte[]> getBody() {
            return result;
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            this.subscription = subscription;
            if (declared > maxBytes) {
                subscription.cancel();
                result.completeExceptionally(new TooLargeException(" (Content-Length " + declared + ")"));
                return;
            }
            subscription.request(1);
        }

        @Override
        public void onNext(List<ByteBuffer> item) {
            if (result.isDone()) {
                return;
            }
            for (ByteBuffer chunk : item) {
                if (buffer.size() + (long) chunk.remaining() > maxBytes) {
                    subscription.cancel();
                    result.completeExceptionally(new TooLargeException(""));
                    return;
                }
                byte[] bytes = new byte[chunk.remaining()];
                chunk.get(bytes);
                buffer.write(bytes, 0, bytes.length);
            }
            subscription.request(1);
        }

        @Override
        public void onError(Throwable throwable) {
            result.completeExceptionally(throwable);
        }

        @Override
        public void onComplete() {
            result.complete(buffer.toByteArray());
        }
    }
}
