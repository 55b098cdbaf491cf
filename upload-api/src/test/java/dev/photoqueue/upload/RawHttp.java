package dev.photoqueue.upload;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One HTTP/1.1 connection on a plain socket, for tests that need what a client library hides: when
 * the answer comes while the body is still being sent, whether the connection stays open after it,
 * and bodies that are sent in pieces or never end. Not thread-safe, except that one thread may
 * write while another reads.
 */
final class RawHttp implements AutoCloseable {

    /** Longest wait for any byte of an answer: generous, a loaded machine may stall for seconds. */
    static final int READ_TIMEOUT_MILLIS = 60_000;

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    RawHttp(int port) throws IOException {
        socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), READ_TIMEOUT_MILLIS);
        socket.setSoTimeout(READ_TIMEOUT_MILLIS);
        in = new BufferedInputStream(socket.getInputStream());
        out = socket.getOutputStream();
    }

    /** An answer: status, headers with lower-case names, and the body. */
    record Response(int status, Map<String, String> headers, byte[] body) {
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    /**
     * Writes a request line and headers; the body follows with {@link #write}. Each char is written
     * as one byte (ISO-8859-1), so a header can carry any bytes, such as a UTF-8 value a client
     * library would refuse or replace.
     */
    void head(String method, String target, Map<String, String> headers) throws IOException {
        StringBuilder head = new StringBuilder(method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n");
        headers.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
        head.append("\r\n");
        write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
    }

    void write(byte[] bytes) throws IOException {
        write(bytes, 0, bytes.length);
    }

    void write(byte[] bytes, int from, int length) throws IOException {
        out.write(bytes, from, length);
        out.flush();
    }

    /** One chunk of a {@code Transfer-Encoding: chunked} body; length 0 ends the body. */
    void chunk(byte[] bytes, int from, int length) throws IOException {
        write((Integer.toHexString(length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        write(bytes, from, length);
        write("\r\n".getBytes(StandardCharsets.US_ASCII));
    }

    /**
     * True when the server has sent something, closed or reset the connection within {@code millis}.
     * Used to check that no answer comes before the body is complete: a server that reads the body
     * first cannot answer earlier, so for it the quiet window holds by construction, however slow
     * the machine; an answer seen here is a real early answer.
     */
    boolean answersWithin(int millis) throws IOException {
        socket.setSoTimeout(millis);
        try {
            in.mark(1);
            in.read();
            in.reset();
            return true;
        } catch (SocketTimeoutException quiet) {
            return false;
        } catch (IOException reset) {
            return true;
        } finally {
            socket.setSoTimeout(READ_TIMEOUT_MILLIS);
        }
    }

    /**
     * Reads an interim answer (1xx, such as {@code 100 Continue} to {@code Expect: 100-continue})
     * and returns its status; the final answer follows, for {@link #read}.
     */
    int readInterim() throws IOException {
        String statusLine = line();
        if (!statusLine.startsWith("HTTP/1.1 1")) {
            throw new IOException("expected an interim 1xx answer, got '" + statusLine + "'");
        }
        for (String line = line(); !line.isEmpty(); line = line()) {
            // an interim answer's headers are of no interest here
        }
        return Integer.parseInt(statusLine.substring(9, 12));
    }

    /** Reads one whole answer: by Content-Length, chunked, or to the end of the connection. */
    Response read() throws IOException {
        Response head = readHead();
        Map<String, String> headers = head.headers();
        byte[] body;
        if (headers.containsKey("content-length")) {
            body = exactly(Integer.parseInt(headers.get("content-length")));
        } else if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            for (int size = Integer.parseInt(line().trim(), 16); size > 0; size = Integer.parseInt(line().trim(), 16)) {
                all.writeBytes(exactly(size));
                line();
            }
            line();
            body = all.toByteArray();
        } else {
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            for (int b = next(); b >= 0; b = next()) {
                all.write(b);
            }
            body = all.toByteArray();
        }
        return new Response(head.status(), headers, body);
    }

    /**
     * Reads an answer's status line and headers only, with an empty body: for answers whose body
     * does not end, such as an event stream.
     */
    Response readHead() throws IOException {
        String statusLine = line();
        if (!statusLine.startsWith("HTTP/1.1 ")) {
            throw new IOException("not an HTTP/1.1 status line: '" + statusLine + "'");
        }
        int status = Integer.parseInt(statusLine.substring(9, 12));
        Map<String, String> headers = new LinkedHashMap<>();
        for (String line = line(); !line.isEmpty(); line = line()) {
            int colon = line.indexOf(':');
            headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
        }
        return new Response(status, headers, new byte[0]);
    }

    /**
     * True when the server has closed the connection: the next read ends or is reset. A connection
     * the server keeps open blocks here until {@link #READ_TIMEOUT_MILLIS}, and counts as open.
     */
    boolean closedByServer() {
        try {
            return next() < 0;
        } catch (SocketTimeoutException stillOpen) {
            return false;
        } catch (IOException reset) {
            return true;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    private int next() throws IOException {
        return in.read();
    }

    private byte[] exactly(int n) throws IOException {
        byte[] bytes = new byte[n];
        for (int i = 0; i < n; i++) {
            int b = next();
            if (b < 0) {
                throw new EOFException("the connection ended after " + i + " of " + n + " body bytes");
            }
            bytes[i] = (byte) b;
        }
        return bytes;
    }

    private String line() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = next(); b != '\n'; b = next()) {
            if (b < 0) {
                throw new EOFException("the connection ended inside a line: '" + line + "'");
            }
            if (b != '\r') {
                line.write(b);
            }
        }
        return line.toString(StandardCharsets.US_ASCII);
    }
}
